#!/usr/bin/env bash
# run-compile.sh - the LLVM tier's compile throughput, artifact sizes, and the
# cost of loading a cached artifact.
#
# Usage: bench/run-compile.sh [options] [MODULE.wasm...]
#   --spindle PATH    spindle binary (default: <repo>/build-release/bin/spindle);
#                     the compiler plugin libspindle-llvm.so must sit next to it
#   --jobs LIST       comma-separated `spindle compile -j` values (default 2,1;
#                     0 means every core)
#   --runs N          compiles per module and -j; the fastest (wall) counts,
#                     with that run's CPU time and peak RSS (default 3)
#   --large-runs N    the same for modules over 1 MB (default 1)
#   --hello PATH      module for the load-time comparison (default
#                     <build>/bench/fixtures/hello.wasm; skipped if absent)
#   --load-runs N     hyperfine runs per command of the load comparison (default 200)
#   --load-only       skip the compile table; only the load comparison
#   --out FILE.md     also write the markdown report to FILE.md
#   -h, --help        show this help
#
# Modules default to the kernels in <repo>/build/bench-kernels/wasm (built by
# run-kernels.sh or build-kernels.sh) and <build>/bench/fixtures/large.wasm
# (target spindle-bench-fixtures), whichever exist.
#
# Compile: `/usr/bin/time -v spindle compile -j J -o TMP.swasm M.wasm`, a
# whole process (decode and validation, LLVM, writing and re-loading the
# artifact). MB/s is 10^6 bytes of wasm per wall second.
#
# Load: hyperfine -N of `spindle run --tier interp hello.wasm` against
# `spindle run --tier auto hello.wasm` with an empty cache (the lookup misses
# and the interpreter runs: what the lookup itself costs) and with a warm one
# (native code from the cache); all three through `env SPINDLE_CACHE_DIR=...`
# so they pay the same exec. Then an strace of the warm run, which must show
# the artifact opened and no libLLVM / libspindle-llvm opened.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$BENCH_DIR/lib/common.sh"

SPINDLE="$REPO_DIR/build-release/bin/spindle"
JOBS=2,1
RUNS=3
LARGE_RUNS=1
HELLO=""
LOAD_RUNS=200
OUT_FILE=""
MODULES=()
LOAD_ONLY=0

while [[ $# -gt 0 ]]; do
    case "$1" in
        --spindle)    need_value "$@"; SPINDLE=$2; shift 2 ;;
        --jobs)       need_value "$@"; JOBS=$2; shift 2 ;;
        --runs)       need_value "$@"; RUNS=$2; shift 2 ;;
        --large-runs) need_value "$@"; LARGE_RUNS=$2; shift 2 ;;
        --hello)      need_value "$@"; HELLO=$2; shift 2 ;;
        --load-runs)  need_value "$@"; LOAD_RUNS=$2; shift 2 ;;
        --out)        need_value "$@"; OUT_FILE=$2; shift 2 ;;
        --load-only)  LOAD_ONLY=1; shift ;;
        -h|--help)    usage; exit 0 ;;
        -*)           usage >&2; die "unknown option: $1" ;;
        *)            MODULES+=("$1"); shift ;;
    esac
done
for v in RUNS LARGE_RUNS LOAD_RUNS; do require_positive_int "${v,,}" "${!v}"; done
[[ -x "$SPINDLE" ]] || die "no spindle binary at '$SPINDLE' (build it, or pass --spindle PATH)"
BIN_DIR="$(cd "$(dirname "$SPINDLE")" && pwd)"
BUILD_DIR="$(dirname "$BIN_DIR")"
[[ -e "$BIN_DIR/libspindle-llvm.so" ]] || die "no compiler plugin at $BIN_DIR/libspindle-llvm.so"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time, package 'time') is needed for CPU time and peak RSS"
[[ -n "$HELLO" ]] || HELLO="$BUILD_DIR/bench/fixtures/hello.wasm"

if [[ ${#MODULES[@]} -eq 0 ]]; then
    shopt -s nullglob
    MODULES=("$REPO_DIR"/build/bench-kernels/wasm/*.wasm)
    shopt -u nullglob
    [[ -f "$BUILD_DIR/bench/fixtures/large.wasm" ]] && MODULES+=("$BUILD_DIR/bench/fixtures/large.wasm")
    [[ ${#MODULES[@]} -gt 0 ]] ||
        die "no modules given and none built (run bench/build-kernels.sh build/bench-kernels, ninja spindle-bench-fixtures)"
fi
for m in "${MODULES[@]}"; do [[ -f "$m" ]] || die "no such module: $m"; done

TMP_DIR=$(mktemp -d)
trap 'rm -rf "$TMP_DIR"' EXIT
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# compile_once MODULE JOBS: one timed compile; sets WALL CPU RSS_KB ART_BYTES CODE_BYTES.
compile_once() {
    local m=$1 j=$2 out=$TMP_DIR/out.swasm
    rm -f "$out"
    if ! /usr/bin/time -v -o "$TMP_DIR/time" "$SPINDLE" compile -j "$j" -o "$out" "$m" \
        >"$TMP_DIR/stdout" 2>"$TMP_DIR/stderr"; then
        note "FAILED: spindle compile -j $j $m"
        cat "$TMP_DIR/stderr" "$TMP_DIR/time" >&2
        return 1
    fi
    WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$TMP_DIR/time")
    CPU=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$TMP_DIR/time")
    RSS_KB=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP_DIR/time")
    ART_BYTES=$(stat -c %s "$out")
    CODE_BYTES=$(sed -n 's/.*; \([0-9]*\) bytes of code).*/\1/p' "$TMP_DIR/stdout")
}

ROWS="$TMP_DIR/rows.tsv"
: >"$ROWS"
[[ $LOAD_ONLY -eq 1 ]] && MODULES=()
for m in ${MODULES[@]+"${MODULES[@]}"}; do
    name=$(basename "$m" .wasm)
    size=$(stat -c %s "$m")
    runs=$RUNS
    [[ $size -gt 1000000 ]] && runs=$LARGE_RUNS
    for j in ${JOBS//,/ }; do
        best_wall="" best=""
        for ((i = 1; i <= runs; i++)); do
            note "compile $name -j $j (run $i of $runs)"
            compile_once "$m" "$j"
            if [[ -z "$best_wall" ]] || awk -v a="$WALL" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
                best_wall=$WALL best="$WALL	$CPU	$RSS_KB	$ART_BYTES	$CODE_BYTES"
            fi
        done
        printf '%s\t%s\t%s\t%s\n' "$name" "$size" "$j" "$best" >>"$ROWS"
        note "  $(printf '%s' "$best" | tr '\t' ' ')"
    done
done

# ------------------------------------------------------- artifact load time
LOAD_MD="$TMP_DIR/load.md"
: >"$LOAD_MD"
if [[ -f "$HELLO" ]] && command -v hyperfine >/dev/null; then
    CACHE="$TMP_DIR/cache"
    EMPTY="$TMP_DIR/empty-cache"
    mkdir -p "$EMPTY"
    # Through the environment, which `spindle run` reads (it has no --cache-dir).
    SPINDLE_CACHE_DIR="$CACHE" "$SPINDLE" compile "$HELLO" >&2
    expected=$("$SPINDLE" run --tier interp "$HELLO")
    got=$(SPINDLE_CACHE_DIR="$CACHE" "$SPINDLE" run --tier auto "$HELLO")
    [[ "$got" == "$expected" ]] || die "hello on native code printed '$got', the interpreter '$expected'"
    hyperfine -N --warmup 20 --runs "$LOAD_RUNS" --export-json "$TMP_DIR/load.json" \
        -n "interp" "env SPINDLE_CACHE_DIR=$EMPTY $SPINDLE run --tier interp $HELLO" \
        -n "auto, empty cache (lookup, then the interpreter)" "env SPINDLE_CACHE_DIR=$EMPTY $SPINDLE run --tier auto $HELLO" \
        -n "auto, warm cache (native code)" "env SPINDLE_CACHE_DIR=$CACHE $SPINDLE run --tier auto $HELLO" \
        >"$TMP_DIR/hyperfine.txt" 2>&1 || { cat "$TMP_DIR/hyperfine.txt" >&2; die "hyperfine failed"; }
    # What the native run opens: the artifact, never LLVM.
    opened=""
    if command -v strace >/dev/null; then
        SPINDLE_CACHE_DIR="$CACHE" strace -f -e trace=openat,open -o "$TMP_DIR/strace" \
            "$SPINDLE" run --tier auto "$HELLO" >/dev/null
        artifact=$(grep -c '\.swasm"' "$TMP_DIR/strace" || true)
        llvm=$(grep -E 'libLLVM|libspindle-llvm' "$TMP_DIR/strace" || true)
        libs=$(grep -o '"[^"]*\.so[^"]*"' "$TMP_DIR/strace" | grep -v ENOENT | sort -u | tr -d '"' | xargs -n1 basename | sort -u | tr '\n' ' ')
        [[ $artifact -ge 1 ]] || die "the warm-cache run did not open an artifact (strace in $TMP_DIR/strace)"
        [[ -z "$llvm" ]] || die "the warm-cache run opened LLVM: $llvm"
        opened="strace -f -e trace=openat of the warm-cache run: the artifact opened ($artifact openat of a .swasm), no libLLVM or libspindle-llvm.so; shared objects opened: $libs"
    fi
    python3 - "$TMP_DIR/load.json" "$HELLO" "$LOAD_RUNS" "$opened" >"$LOAD_MD" <<'PY'
import json, os, statistics, sys
data = json.load(open(sys.argv[1]))
print(f"`{os.path.basename(sys.argv[2])}` ({os.path.getsize(sys.argv[2])} bytes), hyperfine -N, 20 warm-up + {sys.argv[3]} runs per command:")
print()
print("| command | median ms | mean ms | stddev ms | min ms |")
print("|---|---:|---:|---:|---:|")
med = {}
for r in data["results"]:
    t = [x * 1000 for x in r["times"]]
    med[r["command"]] = statistics.median(t)
    print(f"| `spindle run --tier {r['command'].split(',')[0]}`{(',' + r['command'].split(',', 1)[1]) if ',' in r['command'] else ''} | {statistics.median(t):.2f} | {statistics.mean(t):.2f} | {statistics.pstdev(t):.2f} | {min(t):.2f} |")
names = list(med)
print()
print(f"Against the interpreter (medians): the cache lookup alone {med[names[1]] - med[names[0]]:+.2f} ms, "
      f"the lookup plus loading and running native code {med[names[2]] - med[names[0]]:+.2f} ms of process wall time.")
if sys.argv[4]:
    print()
    print(sys.argv[4] + ".")
PY
else
    echo "Load time not measured: no $HELLO or no hyperfine." >"$LOAD_MD"
fi

# ------------------------------------------------------------------ report
{
    echo "## LLVM tier: compile throughput and artifact size"
    echo
    if [[ $LOAD_ONLY -eq 0 ]]; then
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), load average at start: $LOAD_BEFORE"
    echo "- spindle commit: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?'), \`spindle compile -j J -o OUT M.wasm\` (default -O2) under \`/usr/bin/time -v\`"
    echo "- fastest of $RUNS runs ($LARGE_RUNS for modules over 1 MB); CPU = user + system; MB = 10^6 bytes of wasm"
    echo
    echo "| module | wasm bytes | -j | wall s | CPU s | MB/s (wall) | MB/s per CPU s | peak RSS MB | artifact bytes | code bytes | artifact / wasm |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -F'\t' '{
        mb = $2 / 1e6
        printf "| %s | %d | %s | %.2f | %.2f | %.3f | %.3f | %.0f | %d | %s | %.2fx |\n",
            $1, $2, $3, $4, $5, ($4 > 0 ? mb / $4 : 0), ($5 > 0 ? mb / $5 : 0), $6 / 1024, $7, $8, $7 / $2
    }' "$ROWS"
    echo
    fi
    echo "### Loading a cached artifact"
    echo
    cat "$LOAD_MD"
} >"$TMP_DIR/report.md"

emit_report "$TMP_DIR/report.md" "$OUT_FILE"
