#!/usr/bin/env python3
"""Cold start under containerd and image size, for docs/performance.md.

Usage: bench/shim/run-cold-start.py [--build DIR] [--runs N] [--out FILE.md]

Starts a private containerd (its own root, state and sockets in a temp dir;
needs root), packs the seed demo with `spindle build --image`, imports it,
then N times: `ctr run -d --runtime <our shim> --net-host` with a fresh
container id and port, and times until GET / answers 200 (the image is
already unpacked: "a cached artifact"). Each container is then killed and
removed. Also reports the image's size against the 190 MB dotnet/runtime
base image that the seed's Dockerfile-built image carried.
"""
import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOTNET_RUNTIME_MB = 190  # mcr.microsoft.com/dotnet/runtime, as the seed compares


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_200(port, deadline):
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.0005)
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(REPO, "build"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--out")
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    spindle = os.path.join(build, "bin", "spindle")
    shim = os.path.join(build, "bin", "containerd-shim-spindle-v2")
    if os.geteuid() != 0:
        sys.exit("run-cold-start: needs root (containerd mounts the image)")

    work = tempfile.mkdtemp(prefix="scb.", dir="/tmp")  # short: socket paths
    sock = os.path.join(work, "c.sock")
    with open(os.path.join(work, "config.toml"), "w") as config:
        config.write(f'version = 2\nroot = "{work}/root"\nstate = "{work}/state"\n'
                     'disabled_plugins = ["io.containerd.grpc.v1.cri"]\n'
                     f'[grpc]\n  address = "{sock}"\n[ttrpc]\n  address = "{sock}.ttrpc"\n')
    daemon = subprocess.Popen(["containerd", "--config", os.path.join(work, "config.toml")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def ctr(*argv, check=True):
        return subprocess.run(["ctr", "-a", sock, *argv], check=check, capture_output=True,
                              text=True, timeout=60)

    try:
        for _ in range(200):
            if ctr("version", check=False).returncode == 0:
                break
            time.sleep(0.05)
        image_tar = os.path.join(work, "seed-demo.tar")
        name = "docker.io/library/seed-demo:bench"
        subprocess.run([spindle, "build", "--image", image_tar, "-f",
                        os.path.join(build, "examples", "seed-demo"), "--name", name],
                       check=True, capture_output=True, timeout=120)
        ctr("images", "import", "--all-platforms", image_tar)
        times = []
        for run in range(args.runs):
            port = free_port()
            container = f"bench-{os.getpid()}-{run}"
            start = time.monotonic()
            ctr("run", "-d", "--runtime", shim, "--net-host", "--env",
                f"SPIN_HTTP_LISTEN_ADDR=127.0.0.1:{port}", name, container, "/")
            if not wait_for_200(port, start + 30):
                sys.exit(f"run-cold-start: {container} never answered 200")
            times.append((time.monotonic() - start) * 1000)
            ctr("task", "kill", "-s", "SIGKILL", container, check=False)
            for _ in range(200):
                if "STOPPED" in ctr("task", "ls", check=False).stdout or \
                        container not in ctr("task", "ls", check=False).stdout:
                    break
                time.sleep(0.02)
            ctr("task", "rm", container, check=False)
            ctr("containers", "rm", container, check=False)
        image_kb = os.path.getsize(image_tar) / 1024
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
        subprocess.run(["umount", "-R", work], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)

    times.sort()
    p90 = times[min(len(times) - 1, int(round(0.9 * (len(times) - 1))))]
    median = statistics.median(times)
    lines = [
        "## containerd cold start and image size",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
        f"containerd {ctr_version()}; {args.runs} runs of `ctr run -d --runtime "
        "containerd-shim-spindle-v2 --net-host` on the imported seed-demo image, timed from "
        "the `ctr run` call to the first 200 on `GET /`.",
        "",
        "| metric | value | goal |",
        "|---|---:|---:|",
        f"| `ctr run` to first 200, median | {median:.1f} ms | <= 50 ms |",
        f"| `ctr run` to first 200, min / p90 / max | {times[0]:.1f} / {p90:.1f} / "
        f"{times[-1]:.1f} ms | |",
        f"| seed-demo image (OCI layout tar, `spindle build --image`) | {image_kb:.1f} KiB | |",
        f"| the seed's image base, dotnet/runtime | {DOTNET_RUNTIME_MB} MB | |",
        f"| ratio | {DOTNET_RUNTIME_MB * 1024 / image_kb:,.0f}x smaller | |",
        "",
        "The seed demo's guest here is C (the .NET SDK's output is a wasm module too, about",
        "18 MB with the .NET runtime inside it, which would still be 10x under the base image).",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        with open(args.out, "w") as out:
            out.write(report)


def ctr_version():
    out = subprocess.run(["containerd", "--version"], capture_output=True, text=True).stdout
    parts = out.split()
    return parts[2] if len(parts) > 2 else "?"


if __name__ == "__main__":
    main()
