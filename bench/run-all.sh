#!/usr/bin/env bash
# Runs every benchmark against its peers in one session and writes the
# results to docs/performance.md:
#   1. compute kernels: native (clang-14 -O2), Node (V8, node:wasi), Spindle's
#      interpreter and LLVM tier (native code from a warm cache)
#   1b. the LLVM tier: compile throughput, artifact size, loading a cached artifact
#   2. engine microbenchmarks: validation throughput, instantiation, calls
#   3. process start-up of `spindle run hello.wasm` against Node
#   4. HTTP serving with wrk: Spin 1 and WAGI hello, on the interpreter and on
#      the LLVM tier, against a native handler and a Node server doing the same
#      per-request instantiation
#   5. host services through a guest against direct SQLite and libcurl, and
#      the Redis trigger's throughput
#   6. containerd: `ctr run` to the first 200, image size (as root only)
#
# Usage: bench/run-all.sh [--runs N]
#   --runs N    kernel runs per runner; the best counts (default 3)
#   -h, --help  show this help
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$BENCH_DIR/lib/common.sh"

# Anything unknown stops here: a typo must not start an hour of benchmarks
# that rewrites docs/performance.md.
RUNS=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs)    need_value "$@"; RUNS=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *)         usage >&2; die "unknown argument: $1" ;;
    esac
done
require_positive_int --runs "$RUNS"
BUILD_DIR="$REPO_DIR/build-release"
OUT="$REPO_DIR/docs/performance.md"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

cmake -G Ninja -S "$REPO_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
  -DSPINDLE_BUILD_TESTS=OFF > /dev/null
cmake --build "$BUILD_DIR" --target spindle spindle-llvm spindle-bench-engine \
  spindle-bench-native-hello spindle-bench-http-guests spindle-bench-services \
  spindle-bench-redis-handler containerd-shim-spindle-v2 > /dev/null

"$BENCH_DIR/run-kernels.sh" --runs "$RUNS" --spindle "$BUILD_DIR/bin/spindle" --out "$TMP/kernels.md"
"$BENCH_DIR/run-compile.sh" --spindle "$BUILD_DIR/bin/spindle" --out "$TMP/compile.md"
"$BENCH_DIR/run-engine-bench.sh" --no-build --build-dir "$BUILD_DIR" --out "$TMP/engine.md"
"$BENCH_DIR/run-startup.sh" --spindle "$BUILD_DIR/bin/spindle" --out "$TMP/startup.md"
"$BENCH_DIR/http/run-http-bench.sh" --build "$BUILD_DIR" --tiers interp,llvm --out "$TMP/http.md"
"$BENCH_DIR/services/run-services-bench.sh" --build "$BUILD_DIR" --out "$TMP/services.md"
if [ "$(id -u)" -eq 0 ] && command -v containerd > /dev/null; then
  "$BENCH_DIR/shim/run-cold-start.py" --build "$BUILD_DIR" --out "$TMP/cold-start.md"
else
  echo "## containerd cold start" > "$TMP/cold-start.md"
  echo >> "$TMP/cold-start.md"
  echo "Not measured: needs root and containerd." >> "$TMP/cold-start.md"
fi

# Each report opens with its own "## " title; nest them under this page's sections.
demote() { sed 's/^\(##*\) /#\1 /' "$1"; }
{
  echo "# Performance"
  echo
  echo "Measured by \`bench/run-all.sh\` (\`./dev bench\`) on $(date -u +%Y-%m-%d), $(nproc) cores,"
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), Release build (g++ $(g++ -dumpversion))."
  echo "Every peer runs in the same session as Spindle; ratios compare like with like."
  echo
  cat "$BENCH_DIR/performance-notes.md"
  echo
  echo "## Compute kernels: the interpreter and the LLVM tier against native code and V8"
  echo
  demote "$TMP/kernels.md"
  echo
  echo "## LLVM tier: compile throughput, artifact size, loading"
  echo
  demote "$TMP/compile.md"
  echo
  echo "## Engine: validation, instantiation, calls"
  echo
  demote "$TMP/engine.md"
  echo
  echo "## Process start-up"
  echo
  demote "$TMP/startup.md"
  echo
  echo "## HTTP serving"
  echo
  demote "$TMP/http.md"
  echo
  echo "## Host services and the Redis trigger"
  echo
  demote "$TMP/services.md"
  echo
  echo "## containerd"
  echo
  demote "$TMP/cold-start.md"
} > "$OUT"
echo "wrote $OUT"
