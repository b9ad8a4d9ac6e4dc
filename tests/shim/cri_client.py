#!/usr/bin/env python3
"""Drives containerd's CRI plugin the way the kubelet does for one pod with
one Spin container, on the node's network ("node") or on a pod network set
up by CNI ("pod": the app listens on 0.0.0.0:PORT inside the pod's network
namespace and is reached at the pod IP), and checks each step:
RunPodSandbox (runtime handler) -> CreateContainer (command ["/"], env
SPIN_HTTP_LISTEN_ADDR) -> StartContainer -> HTTP GET -> ContainerStatus
RUNNING -> ContainerStats -> StopContainer -> EXITED -> RemoveContainer ->
StopPodSandbox -> RemovePodSandbox. Prints one line per step; exits 0 only if all passed.

usage: cri_client.py GENERATED_DIR SOCKET HANDLER IMAGE PORT ROUTE EXPECTED_BODY LOG_DIR node|pod
(GENERATED_DIR holds cri_api_pb2.py and cri_api_pb2_grpc.py)
"""
import os
import sys
import time
import urllib.request

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import cri_api_pb2 as api  # noqa: E402
import cri_api_pb2_grpc as api_grpc  # noqa: E402


def step(name, detail=""):
    print(f"ok {name} {detail}".rstrip(), flush=True)


def fail(message):
    print(f"FAIL {message}", flush=True)
    sys.exit(1)


def container_state(runtime, container_id):
    return runtime.ContainerStatus(
        api.ContainerStatusRequest(container_id=container_id), timeout=10).status


def main():
    _, _, socket, handler, image, port, route, expected, log_dir, network = sys.argv
    node_network = network == "node"
    channel = grpc.insecure_channel("unix://" + socket)
    runtime = api_grpc.RuntimeServiceStub(channel)
    version = runtime.Version(api.VersionRequest(), timeout=10)
    step("version", version.runtime_name + " " + version.runtime_version)

    sandbox_config = api.PodSandboxConfig(
        metadata=api.PodSandboxMetadata(name="spin-pod", uid="uid-spin-pod-1",
                                        namespace="default", attempt=0),
        hostname="spin-pod", log_directory=log_dir,
        linux=api.LinuxPodSandboxConfig(security_context=api.LinuxSandboxSecurityContext(
            namespace_options=api.NamespaceOption(
                network=api.NODE if node_network else api.POD))))
    sandbox = runtime.RunPodSandbox(
        api.RunPodSandboxRequest(config=sandbox_config, runtime_handler=handler),
        timeout=60).pod_sandbox_id
    step("RunPodSandbox", sandbox)
    host = "127.0.0.1"
    if not node_network:
        host = runtime.PodSandboxStatus(api.PodSandboxStatusRequest(pod_sandbox_id=sandbox),
                                        timeout=10).status.network.ip
        if not host:
            fail("PodSandboxStatus: the pod has no IP")
        step("PodSandboxStatus", "ip " + host)
    listen = ("127.0.0.1:" if node_network else "0.0.0.0:") + port

    container_config = api.ContainerConfig(
        metadata=api.ContainerMetadata(name="app"), image=api.ImageSpec(image=image),
        command=["/"], envs=[api.KeyValue(key="SPIN_HTTP_LISTEN_ADDR", value=listen)],
        log_path="app.log")
    container = runtime.CreateContainer(api.CreateContainerRequest(
        pod_sandbox_id=sandbox, config=container_config, sandbox_config=sandbox_config),
        timeout=60).container_id
    step("CreateContainer", container)
    runtime.StartContainer(api.StartContainerRequest(container_id=container), timeout=60)
    step("StartContainer")

    url = f"http://{host}:{port}{route}"
    body = None
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                status, body = response.status, response.read().decode()
                break
        except OSError:
            time.sleep(0.1)
    if body is None:
        fail(f"GET {url}: no answer")
    if status != 200 or body != expected:
        fail(f"GET {url}: {status} {body!r}, want 200 {expected!r}")
    step("GET", f"{url} 200 {body!r}")

    state = container_state(runtime, container)
    if state.state != api.CONTAINER_RUNNING:
        fail(f"ContainerStatus: {api.ContainerState.Name(state.state)}, want RUNNING")
    step("ContainerStatus", "RUNNING")

    # What the kubelet's summary API polls; the shim answers Stats with
    # cgroup v1 metrics that CRI must be able to decode.
    stats = runtime.ContainerStats(api.ContainerStatsRequest(container_id=container),
                                   timeout=10).stats
    if stats.memory.working_set_bytes.value == 0:
        fail(f"ContainerStats: no memory figure: {stats}")
    step("ContainerStats", f"working set {stats.memory.working_set_bytes.value} bytes, "
         f"cpu {stats.cpu.usage_core_nano_seconds.value} ns")

    runtime.StopContainer(api.StopContainerRequest(container_id=container, timeout=10), timeout=60)
    state = container_state(runtime, container)
    if state.state != api.CONTAINER_EXITED:
        fail(f"after StopContainer: {api.ContainerState.Name(state.state)}, want EXITED")
    step("StopContainer", f"EXITED exit_code={state.exit_code}")

    log_path = os.path.join(log_dir, "app.log")
    with open(log_path, encoding="utf-8", errors="replace") as log:
        text = log.read()
    if "Serving http://" + listen not in text:
        fail(f"{log_path} lacks the app's banner: {text[:400]!r}")
    step("log", log_path)

    runtime.RemoveContainer(api.RemoveContainerRequest(container_id=container), timeout=60)
    step("RemoveContainer")
    runtime.StopPodSandbox(api.StopPodSandboxRequest(pod_sandbox_id=sandbox), timeout=60)
    step("StopPodSandbox")
    runtime.RemovePodSandbox(api.RemovePodSandboxRequest(pod_sandbox_id=sandbox), timeout=60)
    step("RemovePodSandbox")


if __name__ == "__main__":
    try:
        main()
    except grpc.RpcError as error:
        fail(f"{error.code().name}: {error.details()}")
