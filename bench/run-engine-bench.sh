#!/usr/bin/env bash
# run-engine-bench.sh - build the engine microbenchmarks (Release) and print a compact table.
#
# Usage: bench/run-engine-bench.sh [options] [-- extra spindle-bench-engine flags]
#   --build-dir DIR    Release build tree (default: <repo>/build-release)
#   --no-build         run what is already built in --build-dir
#   --filter REGEX     only benchmarks matching REGEX (Google Benchmark's --benchmark_filter)
#   --repetitions N    run each benchmark N times and report the median (default 1)
#   --min-time SEC     minimum run time per benchmark (default 0.5)
#   --json FILE        also keep Google Benchmark's JSON output in FILE
#   --out FILE.md      also write the table to FILE.md
#   -h, --help         show this help
#
# Configures DIR with -DCMAKE_BUILD_TYPE=Release -DSPINDLE_BUILD_TESTS=OFF,
# builds the spindle-bench-engine target (which builds its wasm fixtures), runs
# it, and prints a markdown table: wall and CPU time per iteration and the
# throughput (MB/s = 10^6 bytes/s for decode/validate; ns per call for call
# loops; iterations/s otherwise).  Google Benchmark's own console output goes
# to stderr.  Rates are computed from CPU time, as Google Benchmark does.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$BENCH_DIR/lib/common.sh"

BUILD_DIR="$REPO_DIR/build-release"
DO_BUILD=1
FILTER=""
REPETITIONS=1
MIN_TIME=0.5
JSON_FILE=""
OUT_FILE=""
EXTRA=()

while [[ $# -gt 0 ]]; do
    case "$1" in
        --build-dir)   need_value "$@"; BUILD_DIR=$2; shift 2 ;;
        --no-build)    DO_BUILD=0; shift ;;
        --filter)      need_value "$@"; FILTER=$2; shift 2 ;;
        --repetitions) need_value "$@"; REPETITIONS=$2; shift 2 ;;
        --min-time)    need_value "$@"; MIN_TIME=$2; shift 2 ;;
        --json)        need_value "$@"; JSON_FILE=$2; shift 2 ;;
        --out)         need_value "$@"; OUT_FILE=$2; shift 2 ;;
        -h|--help)     usage; exit 0 ;;
        --)            shift; EXTRA=("$@"); break ;;
        *)             usage >&2; die "unknown argument: $1" ;;
    esac
done
require_positive_int --repetitions "$REPETITIONS"
[[ "$MIN_TIME" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--min-time must be a number of seconds, got '$MIN_TIME'"
command -v python3 >/dev/null 2>&1 || die "python3 is needed to format the table"

BIN="$BUILD_DIR/bin/spindle-bench-engine"
TMP_DIR=$(mktemp -d)
trap 'rm -rf "$TMP_DIR"' EXIT

# ---------------------------------------------------------------- build
if [[ $DO_BUILD -eq 1 ]]; then
    command -v cmake >/dev/null 2>&1 || die "cmake not found"
    command -v ninja >/dev/null 2>&1 || die "ninja not found"
    cmake_args=(-G Ninja -S "$REPO_DIR" -B "$BUILD_DIR"
                -DCMAKE_BUILD_TYPE=Release -DSPINDLE_BUILD_TESTS=OFF -DSPINDLE_BUILD_BENCH=ON)
    note "configuring $BUILD_DIR (Release)"
    cmake "${cmake_args[@]}" >"$TMP_DIR/cmake.log" 2>&1 || {
        cat "$TMP_DIR/cmake.log" >&2; die "cmake failed"; }
    grep -E "spindle-bench-engine: skipped" "$TMP_DIR/cmake.log" >&2 || true
    note "building spindle-bench-engine and its fixtures (the large module takes a minute the first time)"
    ninja -C "$BUILD_DIR" spindle-bench-engine >&2 || die "build failed"
fi
[[ -x "$BIN" ]] || die "no benchmark binary at $BIN (drop --no-build, or check that the configure step did not skip it)"

# ------------------------------------------------------------------ run
json="$TMP_DIR/result.json"
args=(--benchmark_out="$json" --benchmark_out_format=json --benchmark_min_time="$MIN_TIME")
[[ -n "$FILTER" ]] && args+=(--benchmark_filter="$FILTER")
if [[ $REPETITIONS -gt 1 ]]; then
    args+=(--benchmark_repetitions="$REPETITIONS" --benchmark_report_aggregates_only=true)
fi
note "running $BIN ${args[*]} ${EXTRA[*]+${EXTRA[*]}}"
"$BIN" "${args[@]}" ${EXTRA[@]+"${EXTRA[@]}"} >&2 || die "spindle-bench-engine failed"
[[ -n "$JSON_FILE" ]] && { mkdir -p "$(dirname "$JSON_FILE")"; cp "$json" "$JSON_FILE"; }

# --------------------------------------------------------------- report
rev=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || true)
python3 - "$json" "$REPETITIONS" "$rev" >"$TMP_DIR/report.md" <<'PY'
import json, sys

path, repetitions, rev = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path) as f:
    data = json.load(f)
ctx = data.get("context", {})

UNIT_NS = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}

def fmt_ns(ns):
    if ns < 1e3: return f"{ns:.1f} ns"
    if ns < 1e6: return f"{ns / 1e3:.2f} µs"
    if ns < 1e9: return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e9:.3f} s"

rows, skipped = [], []
for b in data.get("benchmarks", []):
    if repetitions > 1 and b.get("aggregate_name") != "median":
        continue
    name = b.get("run_name", b["name"])
    if b.get("error_occurred"):
        skipped.append(f"{name}: {b.get('error_message', 'error')}")
        continue
    scale = UNIT_NS[b.get("time_unit", "ns")]
    wall, cpu = b["real_time"] * scale, b["cpu_time"] * scale
    if "bytes_per_second" in b:
        thr = f"{b['bytes_per_second'] / 1e6:.1f} MB/s"
    elif "per_call" in b:
        thr = f"{b['per_call'] * 1e9:.2f} ns/call"
    else:
        thr = f"{1e9 / cpu:,.0f} /s" if cpu > 0 else "-"
    rows.append((name, wall, cpu, thr, b))

print("## Spindle engine microbenchmarks")
print()
print(f"- date: {ctx.get('date', '?')}, host: {ctx.get('host_name', '?')}, "
      f"{ctx.get('num_cpus', '?')} cpus at {ctx.get('mhz_per_cpu', '?')} MHz")
if ctx.get("load_avg"):
    print(f"- load average at start: {', '.join(f'{x:.2f}' for x in ctx['load_avg'])}"
          " (other work on the machine inflates wall times; CPU times suffer less)")
if rev:
    print(f"- spindle commit: {rev}, Release build")
for key in ("large.wasm", "hello.wasm", "small-1p.wasm"):
    if key in ctx:
        print(f"- {key}: {ctx[key]}")
if repetitions > 1:
    print(f"- median of {repetitions} repetitions")
print()
print("| benchmark | wall | cpu | throughput |")
print("|---|---:|---:|---:|")
for name, wall, cpu, thr, _ in rows:
    print(f"| {name} | {fmt_ns(wall)} | {fmt_ns(cpu)} | {thr} |")

by_name = {name: b for name, *_, b in rows}
loop = by_name.get("BM_GuestLoop/loop_only")
if loop and "per_call" in loop:
    notes = []
    for key, label in (("BM_GuestLoop/wasm_to_host", "wasm -> host"),
                       ("BM_GuestLoop/wasm_to_wasm", "wasm -> wasm")):
        b = by_name.get(key)
        if b and "per_call" in b:
            notes.append(f"{label} {(b['per_call'] - loop['per_call']) * 1e9:.2f} ns")
    if notes:
        print()
        print("Per call, net of the guest loop's own cost (loop_only): " + ", ".join(notes) + ".")
if skipped:
    print()
    for s in skipped:
        print(f"- **skipped** {s}")
PY
emit_report "$TMP_DIR/report.md" "$OUT_FILE"
