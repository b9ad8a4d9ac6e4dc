#!/usr/bin/env bash
# run-services-bench.sh - host services through a guest against the same work
# done directly, and the Redis trigger's throughput; a markdown report.
#
# Usage: bench/services/run-services-bench.sh [--build DIR] [--out FILE.md]
#
# Runs build/bin/spindle-bench-services (Google Benchmark; see
# services_bench.cc for the rows) and run-redis-trigger-bench.sh. Needs a
# build with the benchmarks, redis-server and redis-cli.
set -euo pipefail
SERVICES_BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$SERVICES_BENCH_DIR/../lib/common.sh"
BUILD_DIR="$(cd "$SERVICES_BENCH_DIR/../.." && pwd)/build"
OUT_FILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD_DIR="$(cd "$2" && pwd)"; shift 2 ;;
    --out) OUT_FILE="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) note "unknown option $1"; exit 2 ;;
  esac
done
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

"$BUILD_DIR/bin/spindle-bench-services" --benchmark_min_time=1 \
  --benchmark_format=json > "$WORK/services.json" 2> "$WORK/services.err"
"$SERVICES_BENCH_DIR/run-redis-trigger-bench.sh" --build "$BUILD_DIR" --out "$WORK/redis.md" > /dev/null

python3 - "$WORK/services.json" "$WORK/redis.md" > "$WORK/report.md" <<'PY'
import json, sys
rows = {b["name"].replace("/real_time", ""): b for b in json.load(open(sys.argv[1]))["benchmarks"]}
def rate(prefix):
    for name, b in rows.items():
        if name.startswith(prefix):
            return b["items_per_second"]
    return 0.0
print("## Host services")
print()
print("Operations per second through the Spin 1 imports from a guest (interpreter tier),")
print("against the same work done directly from C++ in the same process. One operation is")
print("a key-value set + get, or one outbound HTTP GET to the native hello server on loopback.")
print()
print("| operation | through a guest | direct | guest / direct |")
print("|---|---:|---:|---:|")
for label, guest, direct in [
    ("key-value on SQLite (WAL, synchronous=FULL)", "KvSetGet/guest/0", "KvSetGet/direct/0"),
    ("key-value on in-memory SQLite (no fsync)", "KvSetGet/guest-memory", "KvSetGet/direct-memory"),
    ("outbound HTTP GET (libcurl, keep-alive)", "OutboundHttp/guest", "OutboundHttp/direct"),
]:
    g, d = rate(guest), rate(direct)
    print(f"| {label} | {g:,.0f} | {d:,.0f} | {g / d if d else 0:.2f}x |")
print()
print(open(sys.argv[2]).read().replace("## Redis trigger throughput", "### Redis trigger throughput"))
PY
cat "$WORK/report.md"
[ -z "$OUT_FILE" ] || cp "$WORK/report.md" "$OUT_FILE"
