#!/usr/bin/env bash
# Installs every Debian package that building, testing and benchmarking
# Spindle needs. Idempotent: does nothing when all are present. Downloads
# nothing from anywhere but the Debian archive.
set -euo pipefail

PACKAGES=(
  # Build
  build-essential cmake ninja-build g++ clang-14 lld-14
  libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libtomlplusplus-dev
  libboost-dev libboost-system-dev
  # The LLVM tier's compiler plugin (libspindle-llvm.so); the runtime itself
  # never links LLVM
  llvm-19-dev
  # oci/: SHA-256, tar, gzip, registry HTTP
  libssl-dev libarchive-dev zlib1g-dev libcurl4-openssl-dev
  # Host services: SQLite key-value and databases, Redis, outbound HTTP
  pkg-config libsqlite3-dev libhiredis-dev
  # Tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev hyperfine python3 nodejs curl wrk
  redis-server
  # OCI tests: a local registry and an independent image reader
  docker-registry skopeo
  # containerd shim: protobuf (ttrpc messages); its tests run a private
  # containerd, a CRI client (grpcio), a busybox pause image and CNI plugins
  protobuf-compiler libprotobuf-dev containerd runc iproute2
  python3-grpcio python3-protobuf protobuf-compiler-grpc busybox-static
  containernetworking-plugins
  # Kubernetes deliverables: YAML checks of deploy/
  python3-yaml
  # Guest toolchain: C to wasm32-wasi, wat/wast tools, libFuzzer runtime
  wabt wasi-libc libclang-rt-14-dev-wasm32 libclang-rt-14-dev
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages are installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
