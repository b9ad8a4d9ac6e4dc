#!/usr/bin/env bash
# run-startup.sh - whole-process start-up: `spindle run hello.wasm` beside Node on the same module.
#
# Usage: bench/run-startup.sh [options]
#   --spindle PATH    spindle binary (default: <repo>/build/bin/spindle)
#   --runs N          timed runs per command (default 200)
#   --warmup N        untimed warm-up runs per command (default 20)
#   --build-dir DIR   where hello.wasm (and a native hello) are built
#                     (default: <repo>/build/bench-startup)
#   --json FILE       also keep hyperfine's JSON export in FILE
#   --out FILE.md     also write the report to FILE.md
#   -h, --help        show this help
#
# Environment:
#   NODE_WASI_RUN     Node WASI runner, invoked as `$NODE_WASI_RUN run hello.wasm`
#                     (default bench/peers/node-wasi-run; skipped with a
#                     note if it is not executable)
#   SPINDLE_FLAGS     extra flags for `spindle run`, e.g. "--bounds explicit"
#
# bench/fixtures/hello.c is compiled to wasm32-wasi with clang-14 (-O2, linked
# without -O like the kernels) and natively; hyperfine (-N: no shell) times
# each whole process: exec, loading and compiling the module, instantiating,
# printing one line, exit.  The native hello is the floor: what starting any
# process costs here.  Each command's output is checked ("hello, world")
# before timing.  Prints the median, mean and min in ms and the ratios of the
# medians.  Exits 1 if a runner fails or prints the wrong line.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
source "$BENCH_DIR/lib/common.sh"

SPINDLE="$REPO_DIR/build/bin/spindle"
RUNS=200
WARMUP=20
BUILD_DIR="$REPO_DIR/build/bench-startup"
JSON_FILE=""
OUT_FILE=""
NODE_WASI_RUN="${NODE_WASI_RUN:-$BENCH_DIR/peers/node-wasi-run}"
SPINDLE_FLAGS="${SPINDLE_FLAGS:-}"
CC=${CC:-clang-14}
WASI_SYSROOT=${WASI_SYSROOT:-/usr}
EXPECTED="hello, world"

while [[ $# -gt 0 ]]; do
    case "$1" in
        --spindle)   need_value "$@"; SPINDLE=$2; shift 2 ;;
        --runs)      need_value "$@"; RUNS=$2; shift 2 ;;
        --warmup)    need_value "$@"; WARMUP=$2; shift 2 ;;
        --build-dir) need_value "$@"; BUILD_DIR=$2; shift 2 ;;
        --json)      need_value "$@"; JSON_FILE=$2; shift 2 ;;
        --out)       need_value "$@"; OUT_FILE=$2; shift 2 ;;
        -h|--help)   usage; exit 0 ;;
        *)           usage >&2; die "unknown argument: $1" ;;
    esac
done
require_positive_int --runs "$RUNS"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "--warmup must be a non-negative integer, got '$WARMUP'"
command -v hyperfine >/dev/null 2>&1 || die "hyperfine not found (apt-get install hyperfine)"
command -v python3 >/dev/null 2>&1 || die "python3 is needed to read hyperfine's JSON"
command -v "$CC" >/dev/null 2>&1 ||
    die "compiler '$CC' not found (apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32)"
[[ -x "$SPINDLE" ]] || die "no spindle binary at '$SPINDLE' (build it, or pass --spindle PATH)"
read -r -a SPINDLE_FLAG_ARRAY <<<"$SPINDLE_FLAGS"

# ---------------------------------------------------------------- build
SRC="$BENCH_DIR/fixtures/hello.c"
mkdir -p "$BUILD_DIR"
HELLO_WASM="$BUILD_DIR/hello.wasm"
HELLO_NATIVE="$BUILD_DIR/hello-native"
"$CC" --target=wasm32-wasi --sysroot="$WASI_SYSROOT" -O2 -std=c11 -Wall -Wextra -Werror \
    -c "$SRC" -o "$BUILD_DIR/hello.o" || die "wasm compile of hello.c failed"
# No -O at link time: clang-14 would run wasm-opt (see build-kernels.sh).
"$CC" --target=wasm32-wasi --sysroot="$WASI_SYSROOT" -Wl,--strip-all \
    "$BUILD_DIR/hello.o" -o "$HELLO_WASM" || die "wasm link of hello failed"
"$CC" -O2 -std=c11 -Wall -Wextra -Werror "$SRC" -o "$HELLO_NATIVE" || die "native build of hello failed"

# ------------------------------------------------------------- runners
# Each runner: a name and a command line (an array, quoted for hyperfine -N).
NAMES=() COMMANDS=() SKIPPED=()
add_runner() {
    local name=$1; shift
    local out status=0
    out=$("$@" 2>&1 </dev/null) || status=$?
    if [[ $status -ne 0 || "$out" != "$EXPECTED" ]]; then
        note "!!! $name failed the output check (exit status $status); command: $*"
        printf '%s\n' "$out" | head -n 10 | sed 's/^/    /' >&2
        FAILED=1
        return
    fi
    local quoted="" arg
    for arg in "$@"; do quoted+="${quoted:+ }$(printf '%q' "$arg")"; done
    NAMES+=("$name")
    COMMANDS+=("$quoted")
}
FAILED=0
add_runner native "$HELLO_NATIVE"
add_runner spindle "$SPINDLE" run ${SPINDLE_FLAG_ARRAY[@]+"${SPINDLE_FLAG_ARRAY[@]}"} "$HELLO_WASM"
if [[ -x "$NODE_WASI_RUN" ]] && command -v node >/dev/null 2>&1; then
    add_runner node "$NODE_WASI_RUN" run "$HELLO_WASM"
else
    SKIPPED+=("node: skipped, runner '$NODE_WASI_RUN' not executable or 'node' not on PATH (set NODE_WASI_RUN)")
    note "${SKIPPED[-1]}"
fi
[[ ${#NAMES[@]} -gt 0 ]] || die "no runner passed the output check"

# ------------------------------------------------------------- measure
TMP_DIR=$(mktemp -d)
trap 'rm -rf "$TMP_DIR"' EXIT
hf_args=(-N --warmup "$WARMUP" --runs "$RUNS" --style basic --export-json "$TMP_DIR/startup.json")
for i in "${!NAMES[@]}"; do
    hf_args+=(-n "${NAMES[$i]}" "${COMMANDS[$i]}")
done
note "hyperfine ${hf_args[*]}"
hyperfine "${hf_args[@]}" >&2 || die "hyperfine failed"
if [[ -n "$JSON_FILE" ]]; then
    mkdir -p "$(dirname "$JSON_FILE")"
    cp "$TMP_DIR/startup.json" "$JSON_FILE"
fi

# --------------------------------------------------------------- report
{
    echo "## Process start-up: hello.wasm"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), host: $(uname -m), $(nproc 2>/dev/null || echo '?') cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
    rev=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || true)
    [[ -n "$rev" ]] && echo "- spindle commit: $rev, binary: \`$SPINDLE\`"
    echo "- hello.wasm: $(wc -c <"$HELLO_WASM") bytes; hyperfine -N, $WARMUP warm-up + $RUNS runs per command"
    [[ " ${NAMES[*]} " == *" node "* ]] && echo "- node: $(node --version 2>/dev/null || echo '?') via \`$NODE_WASI_RUN run\`"
    echo
    python3 - "$TMP_DIR/startup.json" <<'PY'
import json, sys

with open(sys.argv[1]) as f:
    results = {r["command"]: r for r in json.load(f)["results"]}
ms = lambda s: f"{s * 1e3:.2f}"
print("| runner | median ms | mean ms | stddev ms | min ms |")
print("|---|---:|---:|---:|---:|")
for name, r in results.items():
    print(f"| {name} | {ms(r['median'])} | {ms(r['mean'])} | {ms(r['stddev'])} | {ms(r['min'])} |")
print()
ratios = []
if "spindle" in results and "node" in results:
    r = results["spindle"]["median"] / results["node"]["median"]
    ratios.append(f"spindle/node = {r:.3f}x (node/spindle = {1 / r:.1f}x; "
                  f"below 1x Spindle starts faster)")
if "native" in results:
    for name in ("spindle", "node"):
        if name in results:
            extra = (results[name]["median"] - results["native"]["median"]) * 1e3
            ratios.append(f"{name} over native: +{extra:.2f} ms")
if ratios:
    print("Medians: " + "; ".join(ratios) + ".")
PY
    for s in ${SKIPPED[@]+"${SKIPPED[@]}"}; do echo "- $s"; done
    if [[ $FAILED -ne 0 ]]; then
        echo
        echo "**WARNING: a runner failed the output check and was left out (see stderr).**"
    fi
} >"$TMP_DIR/report.md"

emit_report "$TMP_DIR/report.md" "$OUT_FILE"
exit "$FAILED"
