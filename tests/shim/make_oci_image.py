#!/usr/bin/env python3
"""Writes a one-layer OCI image-layout tar from a directory, for the shim
tests' odd images: the pause image of a CRI pod (static busybox) and Spin
images that the packer refuses to make (no spin.toml, a broken manifest).
Apps themselves are packed by `spindle build --image`.

usage: make_oci_image.py DIR OUT.tar NAME [--platform OS/ARCH] [--entrypoint ARG ...]
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import tarfile


def blob(data):
    return "sha256:" + hashlib.sha256(data).hexdigest(), data


def layer_tar(directory):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for root, dirs, files in os.walk(directory):
            dirs.sort()
            for name in sorted(dirs) + sorted(files):
                path = os.path.join(root, name)
                info = tar.gettarinfo(path, os.path.relpath(path, directory))
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mtime = 0
                if info.isfile():
                    with open(path, "rb") as f:
                        tar.addfile(info, f)
                else:
                    tar.addfile(info)
    return raw.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("out")
    parser.add_argument("name")
    parser.add_argument("--platform", default="wasip1/wasm")
    parser.add_argument("--entrypoint", nargs="*", default=[])
    args = parser.parse_args()

    diff = layer_tar(args.directory)
    layer_digest, layer = blob(gzip.compress(diff, mtime=0))
    os_name, arch = args.platform.split("/")
    config = {"architecture": arch, "os": os_name,
              "config": {"Entrypoint": args.entrypoint} if args.entrypoint else {},
              "rootfs": {"type": "layers", "diff_ids": [blob(diff)[0]]}}
    config_digest, config_bytes = blob(json.dumps(config, sort_keys=True).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": config_digest, "size": len(config_bytes)},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                            "digest": layer_digest, "size": len(layer)}]}
    manifest_digest, manifest_bytes = blob(json.dumps(manifest, sort_keys=True).encode())
    index = {"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest, "size": len(manifest_bytes),
        "platform": {"architecture": arch, "os": os_name},
        "annotations": {"io.containerd.image.name": args.name,
                        "org.opencontainers.image.ref.name": args.name.rsplit(":", 1)[-1]}}]}

    with tarfile.open(args.out, "w") as out:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
        add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add("index.json", json.dumps(index).encode())
        for digest, data in ((layer_digest, layer), (config_digest, config_bytes),
                             (manifest_digest, manifest_bytes)):
            add("blobs/sha256/" + digest.split(":")[1], data)


if __name__ == "__main__":
    main()
