#!/usr/bin/env bash
# run-kernels.sh - time the compute kernels natively, under Node and under
# Spindle's two tiers (interpreter and LLVM).
#
# Usage: bench/run-kernels.sh [options]
#   --runs N          runs per kernel and runner; the best (minimum) counts (default 3)
#   --spindle PATH    spindle binary (default: <repo>/build/bin/spindle)
#   --out FILE.md     also write the markdown report to FILE.md
#   --build-dir DIR   where to build the kernels (default: <repo>/build/bench-kernels)
#   --no-build        reuse the kernels already in --build-dir
#   --kernels a,b,c   only run these kernels (default: every bench/kernels/*.c)
#   --runners LIST    comma-separated runners to time (default
#                     native,node,spindle-interp,spindle-llvm); native is
#                     always run, its checksum is the reference
#   -h, --help        show this help
#
# Environment:
#   NODE_WASI_RUN     Node WASI runner, invoked as `$NODE_WASI_RUN run k.wasm`
#                     (default bench/peers/node-wasi-run; the Node
#                     column is skipped with a note if it is not executable)
#   SPINDLE_FLAGS     extra flags for both spindle runners' `spindle run`,
#                     e.g. "--bounds explicit"
#   RUN_TIMEOUT       seconds before a single run is killed (default 300)
#
# Every kernel prints one line "<name> checksum=<hex>".  Each runner's line
# must be identical to the native one; a difference is reported loudly, marked
# in the table, and makes the script exit with status 1 (as does a crash).
# Times are whole-process wall-clock times, so they include process start-up,
# module decoding/validation and instantiation.
#
# Spindle runners:
#   spindle-interp  `spindle run --tier interp k.wasm`
#   spindle-llvm    native code from a warm cache: `SPINDLE_CACHE_DIR=DIR
#                   spindle compile k.wasm` once (untimed; its time is the
#                   "compile s" column), then `SPINDLE_CACHE_DIR=DIR spindle
#                   run --tier auto k.wasm` is timed. DIR is private to this
#                   run, so nothing else's cache is read or written.
#                   The artifact must be
#                   in DIR, and (with strace installed) an untimed run
#                   must open it, or the cell is marked failed: auto falls
#                   back to the interpreter silently.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$BENCH_DIR/lib/common.sh"

RUNS=3
SPINDLE="$REPO_DIR/build/bin/spindle"
OUT_FILE=""
BUILD_DIR="$REPO_DIR/build/bench-kernels"
DO_BUILD=1
ONLY=""
RUNNER_LIST="native,node,spindle-interp,spindle-llvm"
NODE_WASI_RUN="${NODE_WASI_RUN:-$BENCH_DIR/peers/node-wasi-run}"
SPINDLE_FLAGS="${SPINDLE_FLAGS:-}"
RUN_TIMEOUT="${RUN_TIMEOUT:-300}"

# ------------------------------------------------------------ arguments
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs)      need_value "$@"; RUNS=$2; shift 2 ;;
        --spindle)   need_value "$@"; SPINDLE=$2; shift 2 ;;
        --out)       need_value "$@"; OUT_FILE=$2; shift 2 ;;
        --build-dir) need_value "$@"; BUILD_DIR=$2; shift 2 ;;
        --no-build)  DO_BUILD=0; shift ;;
        --kernels)   need_value "$@"; ONLY=$2; shift 2 ;;
        --runners)   need_value "$@"; RUNNER_LIST=$2; shift 2 ;;
        -h|--help)   usage; exit 0 ;;
        *)           usage >&2; die "unknown argument: $1" ;;
    esac
done
require_positive_int --runs "$RUNS"
require_positive_int RUN_TIMEOUT "$RUN_TIMEOUT"
read -r -a SPINDLE_FLAG_ARRAY <<<"$SPINDLE_FLAGS"

# ---------------------------------------------------------------- build
if [[ $DO_BUILD -eq 1 ]]; then
    "$BENCH_DIR/build-kernels.sh" "$BUILD_DIR" >&2 || die "building the kernels failed"
fi

kernels=()
if [[ -n "$ONLY" ]]; then
    IFS=',' read -r -a kernels <<<"$ONLY"
else
    for src in "$BENCH_DIR"/kernels/*.c; do
        kernels+=("$(basename "$src" .c)")
    done
fi
for k in "${kernels[@]}"; do
    [[ -x "$BUILD_DIR/native/$k" && -f "$BUILD_DIR/wasm/$k.wasm" ]] ||
        die "kernel '$k' is not built in $BUILD_DIR (drop --no-build, or check --kernels)"
done

# -------------------------------------------------------------- runners
# Each runner is enabled or skipped, with a reason shown under the table.
RUNNERS=(native node spindle-interp spindle-llvm)
OPTIONAL_RUNNERS=(node spindle-interp spindle-llvm)
declare -A ENABLED=([native]=1 [node]=0 [spindle-interp]=0 [spindle-llvm]=0)
declare -A WANTED=([native]=1)
declare -A SKIP_REASON=()

IFS=',' read -r -a wanted_list <<<"$RUNNER_LIST"
for r in "${wanted_list[@]}"; do
    [[ -v "ENABLED[$r]" ]] || die "unknown runner '$r' in --runners (known: ${RUNNERS[*]})"
    WANTED[$r]=1
done

for r in "${OPTIONAL_RUNNERS[@]}"; do
    if [[ -z "${WANTED[$r]:-}" ]]; then
        SKIP_REASON[$r]="not run (--runners $RUNNER_LIST)"
        continue
    fi
    case "$r" in
        node)
            if [[ -x "$NODE_WASI_RUN" ]] && command -v node >/dev/null 2>&1; then
                ENABLED[node]=1
            else
                SKIP_REASON[node]="skipped: Node runner '$NODE_WASI_RUN' not executable or 'node' not on PATH (set NODE_WASI_RUN)"
            fi ;;
        spindle-interp)
            if [[ -x "$SPINDLE" ]]; then
                ENABLED[$r]=1
            else
                SKIP_REASON[$r]="skipped: no spindle binary at '$SPINDLE' (build it, or pass --spindle PATH)"
            fi ;;
        spindle-llvm)
            if [[ ! -x "$SPINDLE" ]]; then
                SKIP_REASON[$r]="skipped: no spindle binary at '$SPINDLE' (build it, or pass --spindle PATH)"
            elif [[ ! -e "$(dirname "$SPINDLE")/libspindle-llvm.so" && -z "${SPINDLE_LLVM_PLUGIN:-}" ]]; then
                SKIP_REASON[$r]="skipped: no compiler plugin libspindle-llvm.so next to '$SPINDLE' (build with -DSPINDLE_LLVM=ON)"
            else
                ENABLED[$r]=1
            fi ;;
    esac
done
for r in "${OPTIONAL_RUNNERS[@]}"; do
    [[ ${ENABLED[$r]} -eq 1 ]] || note "$r ${SKIP_REASON[$r]}"
done

# Fills the array CMD with the command line for runner $1, kernel $2.
build_cmd() {
    local runner=$1 k=$2
    case "$runner" in
        native)  CMD=("$BUILD_DIR/native/$k") ;;
        node)    CMD=("$NODE_WASI_RUN" run "$BUILD_DIR/wasm/$k.wasm") ;;
        spindle-interp)
            CMD=("$SPINDLE" run --tier interp ${SPINDLE_FLAG_ARRAY[@]+"${SPINDLE_FLAG_ARRAY[@]}"}
                 "$BUILD_DIR/wasm/$k.wasm") ;;
        spindle-llvm)
            CMD=(env "SPINDLE_CACHE_DIR=$NATIVE_CACHE" "$SPINDLE" run --tier auto
                 ${SPINDLE_FLAG_ARRAY[@]+"${SPINDLE_FLAG_ARRAY[@]}"} "$BUILD_DIR/wasm/$k.wasm") ;;
    esac
    if command -v timeout >/dev/null 2>&1; then
        CMD=(timeout "$RUN_TIMEOUT" "${CMD[@]}")
    fi
}

# Sets NOW_US to the wall-clock time in microseconds.  Bash >= 5 has
# EPOCHREALTIME ("1700000000.123456"; the separator depends on the locale, so
# keep only digits) and needs no subprocess; otherwise fall back to date(1).
now_us() {
    if [[ -n "${EPOCHREALTIME:-}" ]]; then
        local t=${EPOCHREALTIME//[!0-9]/}
        NOW_US=$((10#$t))
    else
        NOW_US=$(($(date +%s%N) / 1000))
    fi
}

TMP_DIR=$(mktemp -d)
trap 'rm -rf "$TMP_DIR"' EXIT
NATIVE_CACHE="$TMP_DIR/native-cache"   # SPINDLE_CACHE_DIR of the spindle-llvm runner
mkdir -p "$NATIVE_CACHE"

# compile_kernel KERNEL: `spindle compile` into $NATIVE_CACHE, untimed
# by the table but its own wall time is kept in COMPILE_S.  Returns 1 if the
# compile fails, no artifact appears in the cache, or `spindle run --tier
# auto` does not open it.
declare -A COMPILE_S=()
compile_kernel() {
    local k=$1 out dest start end
    now_us; start=$NOW_US
    if ! out=$(SPINDLE_CACHE_DIR="$NATIVE_CACHE" "$SPINDLE" compile "$BUILD_DIR/wasm/$k.wasm" 2>&1 </dev/null); then
        note "FAILED: spindle compile of $k: $(printf '%s' "$out" | head -n 5)"
        return 1
    fi
    now_us; end=$NOW_US
    # "k.wasm -> DIR/KEY.swasm (... MB of wasm in ... s ...)"
    dest=$(printf '%s\n' "$out" | sed -n 's/^.* -> \([^ ]*\.swasm\) (.*$/\1/p' | head -n 1)
    if [[ -z "$dest" || ! -f "$dest" || "$(dirname "$dest")" != "$NATIVE_CACHE" ]]; then
        note "FAILED: $k: spindle compile printed '$out' but no artifact is in $NATIVE_CACHE"
        return 1
    fi
    COMPILE_S[$k]=$(awk -v us="$((end - start))" 'BEGIN { printf "%.2f", us / 1e6 }')
    if command -v strace >/dev/null 2>&1; then
        SPINDLE_CACHE_DIR="$NATIVE_CACHE" strace -f -e trace=openat -o "$TMP_DIR/strace" \
            "$SPINDLE" run --tier auto ${SPINDLE_FLAG_ARRAY[@]+"${SPINDLE_FLAG_ARRAY[@]}"} \
            "$BUILD_DIR/wasm/$k.wasm" >/dev/null 2>&1 </dev/null || true
        if ! grep -F "\"$dest\"" "$TMP_DIR/strace" | grep -qv ENOENT; then
            note "FAILED: $k: \`spindle run --tier auto\` did not open $dest (it would run on the interpreter)"
            return 1
        fi
    else
        STRACE_NOTE="strace is not installed: that spindle-llvm runs opened the artifact was not checked"
    fi
}
STRACE_NOTE=

# time_kernel RUNNER KERNEL: runs it RUNS times.  Sets BEST_US (minimum wall
# time in microseconds, empty on failure), OUTPUT (stdout of the last run) and
# ERROR (a short reason on failure).
time_kernel() {
    local runner=$1 k=$2 i start end elapsed status
    BEST_US="" OUTPUT="" ERROR=""
    build_cmd "$runner" "$k"
    for ((i = 1; i <= RUNS; i++)); do
        status=0
        now_us; start=$NOW_US
        "${CMD[@]}" >"$TMP_DIR/out" 2>"$TMP_DIR/err" </dev/null || status=$?
        now_us; end=$NOW_US
        if [[ $status -ne 0 ]]; then
            [[ $status -eq 124 ]] && ERROR="timed out after ${RUN_TIMEOUT}s" || ERROR="exit status $status"
            note "FAILED: $k under $runner: $ERROR; command: ${CMD[*]}"
            sed 's/^/    /' "$TMP_DIR/err" | head -n 20 >&2
            BEST_US=""
            return
        fi
        elapsed=$((end - start))
        if [[ -z "$BEST_US" || $elapsed -lt $BEST_US ]]; then BEST_US=$elapsed; fi
        OUTPUT=$(cat "$TMP_DIR/out")
    done
}

# ------------------------------------------------------------- measure
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
declare -A TIME=() CELL_NOTE=()   # keyed "runner,kernel"; TIME in seconds
status_all=0
mismatches=0
failures=0

for k in "${kernels[@]}"; do
    expected="" expected_from=""
    for runner in "${RUNNERS[@]}"; do
        [[ ${ENABLED[$runner]} -eq 1 ]] || continue
        if [[ $runner == spindle-llvm ]] && ! compile_kernel "$k"; then
            CELL_NOTE[$runner,$k]="COMPILE FAILED"
            status_all=1
            failures=$((failures + 1))
            continue
        fi
        note "running $k under $runner ($RUNS runs)"
        time_kernel "$runner" "$k"
        if [[ -z "$BEST_US" ]]; then
            CELL_NOTE[$runner,$k]="FAIL"
            status_all=1
            failures=$((failures + 1))
            continue
        fi
        TIME[$runner,$k]=$(awk -v us="$BEST_US" 'BEGIN { printf "%.3f", us / 1e6 }')
        if [[ "$OUTPUT" != "$k checksum="* || "$OUTPUT" == *$'\n'* ]]; then
            note "!!! BAD OUTPUT: $k under $runner printed: $(printf '%q' "$OUTPUT")"
            CELL_NOTE[$runner,$k]="BAD OUTPUT"
            status_all=1
            mismatches=$((mismatches + 1))
        elif [[ -z "$expected" ]]; then
            # The reference is native's line (or, if native failed, the first good one).
            expected=$OUTPUT expected_from=$runner
        elif [[ "$OUTPUT" != "$expected" ]]; then
            note "!!! CHECKSUM MISMATCH: $k under $runner: got '$OUTPUT', $expected_from printed '$expected'"
            CELL_NOTE[$runner,$k]="MISMATCH"
            status_all=1
            mismatches=$((mismatches + 1))
        fi
    done
done

# --------------------------------------------------------------- report
# ratio A B: "A/B" to two decimals, or "-" if either side is missing.
ratio() {
    local a=$1 b=$2
    if [[ -z "$a" || -z "$b" ]]; then echo "-"; return; fi
    awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
}

cell() {  # cell RUNNER KERNEL: time with any note attached
    local t=${TIME[$1,$2]:-} n=${CELL_NOTE[$1,$2]:-}
    if [[ ${ENABLED[$1]} -eq 0 ]]; then echo "-"; return; fi
    if [[ -n "$n" && -n "$t" ]]; then echo "$t **$n**"
    elif [[ -n "$n" ]]; then echo "**$n**"
    else echo "$t"; fi
}

# A time only counts for ratios and means if its checksum was right.
valid_time() {
    if [[ -z "${CELL_NOTE[$1,$2]:-}" ]]; then echo "${TIME[$1,$2]:-}"; else echo ""; fi
}

# geomean VALUES...: geometric mean of the non-empty, non-"-" values (x suffix allowed).
geomean() {
    printf '%s\n' "$@" | awk '
        { v = $1; sub(/x$/, "", v) }
        v != "" && v != "-" && v + 0 > 0 { s += log(v); n++ }
        END { if (n) printf "%.3f", exp(s / n); else print "-" }'
}

{
    echo "## Spindle compute kernels"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), host: $(uname -m), $(nproc 2>/dev/null || echo '?') cores, load average at start: $LOAD_BEFORE"
    cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
    [[ -n "$cpu" ]] && echo "- cpu: $cpu"
    rev=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || true)
    [[ -n "$rev" ]] && echo "- spindle commit: $rev"
    echo "- wall-clock seconds per whole process, best of $RUNS runs"
    [[ ${ENABLED[node]} -eq 1 ]] && echo "- node: $(node --version 2>/dev/null || echo '?') via \`$NODE_WASI_RUN run\`"
    [[ ${ENABLED[spindle-interp]} -eq 1 ]] && echo "- interp: \`$SPINDLE run --tier interp${SPINDLE_FLAGS:+ $SPINDLE_FLAGS}\`"
    [[ ${ENABLED[spindle-llvm]} -eq 1 ]] &&
        echo "- llvm: \`$SPINDLE run --tier auto${SPINDLE_FLAGS:+ $SPINDLE_FLAGS}\` with the artifact of \`spindle compile\` (default -O2, every core) in a private warm cache (\`SPINDLE_CACHE_DIR\`); \"compile s\" is that compile as a whole process, not part of the llvm time"
    echo
    echo "| kernel | native s | node s | interp s | llvm s | compile s | llvm/native | llvm/node | interp/llvm | interp/native | node/native |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    r_ln=() r_lno=() r_il=() r_in=() r_nn=() t_n=() t_no=() t_i=() t_l=() t_c=()
    for k in "${kernels[@]}"; do
        n=$(valid_time native "$k") no=$(valid_time node "$k")
        i=$(valid_time spindle-interp "$k") l=$(valid_time spindle-llvm "$k")
        c=${COMPILE_S[$k]:-}
        a=$(ratio "$l" "$n") b=$(ratio "$l" "$no") d=$(ratio "$i" "$l") e=$(ratio "$i" "$n") f=$(ratio "$no" "$n")
        r_ln+=("$a") r_lno+=("$b") r_il+=("$d") r_in+=("$e") r_nn+=("$f")
        t_n+=("$n") t_no+=("$no") t_i+=("$i") t_l+=("$l") t_c+=("$c")
        echo "| $k | $(cell native "$k") | $(cell node "$k") | $(cell spindle-interp "$k") | $(cell spindle-llvm "$k") | ${c:--} | $a | $b | $d | $e | $f |"
    done
    gx() {  # geomean of ratios, printed like the ratio cells
        local g
        g=$(geomean "$@")
        if [[ $g == "-" ]]; then echo "-"; else awk -v g="$g" 'BEGIN { printf "%.2fx", g }'; fi
    }
    G_LN=$(gx "${r_ln[@]}") G_LNO=$(gx "${r_lno[@]}")
    echo "| **geometric mean** | $(geomean "${t_n[@]}") | $(geomean "${t_no[@]}") | $(geomean "${t_i[@]}") | $(geomean "${t_l[@]}") | $(geomean "${t_c[@]}") | $G_LN | $G_LNO | $(gx "${r_il[@]}") | $(gx "${r_in[@]}") | $(gx "${r_nn[@]}") |"
    echo
    echo "Ratios are time ratios: below 1.00x the first runner is faster. The last row is"
    echo "the geometric mean of each column over the kernels that have a (correct) value in it"
    echo "(for a ratio column: the geometric mean of the per-kernel ratios)."
    if [[ ${ENABLED[spindle-llvm]} -eq 1 ]]; then
        verdict() { awk -v g="${1%x}" -v t="$2" 'BEGIN { if (g != "-" && g + 0 > 0 && g + 0 <= t) print "met"; else print "**not met**" }'; }
        echo
        echo "| goal (LLVM tier) | target | measured | verdict |"
        echo "|---|---:|---:|---|"
        echo "| llvm / native, geometric mean | <= 1.15x | $G_LN | $(verdict "$G_LN" 1.15) |"
        echo "| llvm / node, geometric mean (faster than V8) | < 1.00x | $G_LNO | $(verdict "$G_LNO" 0.9999) |"
    fi
    for r in "${OPTIONAL_RUNNERS[@]}"; do
        [[ ${ENABLED[$r]} -eq 1 ]] || echo "- $r: ${SKIP_REASON[$r]}"
    done
    [[ -z "$STRACE_NOTE" ]] || echo "- $STRACE_NOTE"
    if [[ $mismatches -gt 0 || $failures -gt 0 ]]; then
        echo
        echo "**WARNING: $failures failed run(s), $mismatches checksum mismatch(es) or bad output(s);"
        echo "those cells are excluded from ratios and means.**"
    fi
} >"$TMP_DIR/report.md"

emit_report "$TMP_DIR/report.md" "$OUT_FILE"
if [[ $status_all -ne 0 ]]; then
    note "!!! some runs failed or produced wrong checksums (see above)"
fi
exit "$status_all"
