#!/usr/bin/env bash
# run-http-bench.sh - HTTP serving throughput and latency on loopback, with wrk.
#
# Usage: bench/http/run-http-bench.sh [options]
#   --out FILE.md       also write the markdown report to FILE.md
#   --build DIR         the CMake build directory (default: <repo>/build)
#   --duration D        wrk duration of each measured run (default 10s)
#   --warmup D          unmeasured wrk run before each target's first run (default 2s)
#   --connections LIST  comma-separated connection counts (default 10,100)
#   --threads N         wrk threads (default 2)
#   --node-workers N    also measure the Node peer forked into N cluster
#                       processes (default 2; 0 skips that row)
#   --tiers LIST        comma-separated `spindle up --tier` values (interp, llvm,
#                       auto); `spindle up` is measured once per tier and its
#                       rows are named spin1-TIER, wagi-TIER (default: none
#                       given, spindle's own default tier, rows spin1, wagi).
#                       Also SPINDLE_TIERS in the environment. For llvm the
#                       guests are compiled first (`spindle compile`) into a
#                       private cache that `spindle up --cache-dir` reads, so
#                       the server starts on native code; the script checks
#                       the server's log for "native code from cache".
#   --targets LIST      comma-separated subset of native,spindle,node,node2
#                       (default: all)
#   -h, --help          show this help
#
# Targets, one server at a time, each answering "hello" (200, text/plain):
#   native        build/bin/spindle-bench-native-hello: Spindle's HttpServer with
#                 a C++ handler that answers on the I/O thread (the ceiling)
#   spin1         `spindle up` with guests/spin1_hello.c (Spin 1 executor)
#   wagi          `spindle up` with guests/wagi_hello.c (WAGI executor)
#   node-spin1    node-wasi-server.mjs, the same spin1_hello.wasm
#   node-wagi     node-wasi-server.mjs, the same wagi_hello.wasm
#   node2-*       the Node peer with --node-workers processes (extra rows)
# Each is started, checked (the body must be "hello"), warmed up, then
# measured with `wrk -tT -cC -dD --latency` at every connection count, and
# stopped. `spindle up` runs with its defaults for I/O threads and workers and
# with --quiet (no request log line, as Spin and the Node peer log nothing).
#
# Requirements: wrk, node (>= 20), curl, and a build (`ninja -C build`) that
# has bin/spindle, bin/spindle-bench-native-hello and bench/http/guests/*.wasm.
# Exits 1 if a server cannot start, answers something else than "hello", or
# wrk reports errors.
set -euo pipefail

HTTP_BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$HTTP_BENCH_DIR/../.." && pwd)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$HTTP_BENCH_DIR/../lib/common.sh"

BUILD_DIR="$REPO_DIR/build"
OUT_FILE=""
DURATION=10s
WARMUP=2s
CONNECTIONS=10,100
THREADS=2
NODE_WORKERS=2
TIERS="${SPINDLE_TIERS:-}"
TARGETS=native,spindle,node,node2

while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT_FILE="$2"; shift 2 ;;
    --build) BUILD_DIR="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --node-workers) NODE_WORKERS="$2"; shift 2 ;;
    --tiers) TIERS="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) note "unknown option $1 (see --help)"; exit 2 ;;
  esac
done

for tier in ${TIERS//,/ }; do
  case "$tier" in
    interp|llvm|auto) ;;
    *) echo "run-http-bench: --tiers: unknown tier '$tier' (interp, llvm, auto)" >&2; exit 2 ;;
  esac
done
for target in ${TARGETS//,/ }; do
  case "$target" in
    native|spindle|node|node2) ;;
    *) echo "run-http-bench: --targets: unknown target '$target' (native, spindle, node, node2)" >&2; exit 2 ;;
  esac
done
want() { case ",$TARGETS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

# Absolute: the generated spin.toml names the guests, and a manifest's paths
# are relative to the manifest's directory.
BUILD_DIR="$(cd "$BUILD_DIR" 2>/dev/null && pwd)" || {
  echo "run-http-bench: no build directory (--build)" >&2
  exit 1
}
SPINDLE="$BUILD_DIR/bin/spindle"
NATIVE="$BUILD_DIR/bin/spindle-bench-native-hello"
GUESTS="$BUILD_DIR/bench/http/guests"
for file in "$SPINDLE" "$NATIVE" "$GUESTS/spin1_hello.wasm" "$GUESTS/wagi_hello.wasm"; do
  if [ ! -e "$file" ]; then
    echo "run-http-bench: $file is missing; build first: ninja -C $BUILD_DIR" >&2
    exit 1
  fi
done
for tool in wrk node curl; do
  if ! command -v "$tool" >/dev/null; then
    echo "run-http-bench: $tool is not installed (scripts/install-deps.sh)" >&2
    exit 1
  fi
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/spindle-http-bench-XXXXXX")"
SERVER_PID=""
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT

cat > "$WORK/spin.toml" <<EOF
spin_manifest_version = 2

[application]
name = "hello-bench"

[[trigger.http]]
route = "/spin1/..."
component = "spin1"

[[trigger.http]]
route = "/wagi/..."
component = "wagi"
executor = { type = "wagi" }

[component.spin1]
source = "$GUESTS/spin1_hello.wasm"

[component.wagi]
source = "$GUESTS/wagi_hello.wasm"
EOF

# start_server NAME CMD... : starts CMD in the background and sets BASE_URL
# from its "Serving http://HOST:PORT" line.
start_server() {
  local name="$1"
  shift
  "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" &
  SERVER_PID=$!
  local tries=0
  BASE_URL=""
  while [ $tries -lt 400 ]; do
    BASE_URL="$(grep -o -m1 'Serving http://[^ ]*' "$WORK/$name.out" 2>/dev/null | sed 's/^Serving //' || true)"
    if [ -n "$BASE_URL" ]; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
    sleep 0.05
    tries=$((tries + 1))
  done
  echo "run-http-bench: $name did not start:" >&2
  cat "$WORK/$name.out" "$WORK/$name.err" >&2
  exit 1
}

stop_server() {
  if [ -z "$SERVER_PID" ]; then return 0; fi
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  local tries=0
  while kill -0 "$SERVER_PID" 2>/dev/null && [ $tries -lt 100 ]; do
    sleep 0.05
    tries=$((tries + 1))
  done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# to_ms VALUE : wrk's "812.00us" / "1.23ms" / "1.02s" in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000
    printf "%.2f", n
  }'
}

RESULTS="$WORK/results.tsv"
: > "$RESULTS"
FAILED=0

# measure NAME URL : checks the answer, warms up, runs wrk per connection count.
measure() {
  local name="$1" url="$2"
  local body
  body="$(curl -s --max-time 10 "$url" || true)"
  if [ "$body" != "hello" ] && [ "$body" != $'hello\n' ]; then
    echo "run-http-bench: $name answered '$body' instead of hello" >&2
    cat "$WORK/$name.err" >&2 || true
    exit 1
  fi
  wrk -t"$THREADS" -c10 -d"$WARMUP" "$url" > /dev/null
  local connections
  for connections in ${CONNECTIONS//,/ }; do
    local out="$WORK/$name-c$connections.wrk"
    wrk -t"$THREADS" -c"$connections" -d"$DURATION" --timeout 5s --latency "$url" > "$out"
    local rps p50 p99 errors
    rps="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")"
    p50="$(to_ms "$(awk '$1 == "50%" {print $2; exit}' "$out")")"
    p99="$(to_ms "$(awk '$1 == "99%" {print $2; exit}' "$out")")"
    errors="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$out")"
    if [ "$errors" != "0" ]; then
      echo "run-http-bench: $name at $connections connections: $errors errors" >&2
      FAILED=1
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$connections" "$rps" "$p50" "$p99" "$errors" >> "$RESULTS"
    printf '  %-12s c=%-4s %8s req/s  p50 %6s ms  p99 %6s ms  errors %s\n' \
      "$name" "$connections" "$rps" "$p50" "$p99" "$errors" >&2
  done
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "run-http-bench: wrk -t$THREADS -d$DURATION --latency at ${CONNECTIONS} connections" >&2

if want native; then
  start_server native "$NATIVE" --listen 127.0.0.1:0
  measure native "$BASE_URL/hello"
  stop_server
fi

# The llvm tier reads native code from this cache, filled before the server starts.
NATIVE_CACHE="$WORK/native-cache"
SPINDLE_SUFFIXES=()
if want spindle; then
  if [ -z "$TIERS" ]; then
    SPINDLE_SUFFIXES=("")
    start_server spindle "$SPINDLE" up -f "$WORK/spin.toml" --listen 127.0.0.1:0 --quiet \
      --log-dir "$WORK/logs"
    measure spin1 "$BASE_URL/spin1/hello"
    measure wagi "$BASE_URL/wagi/hello"
    stop_server
  else
    for tier in ${TIERS//,/ }; do
      SPINDLE_SUFFIXES+=("-$tier")
      if [ "$tier" = llvm ]; then
        "$SPINDLE" compile --cache-dir "$NATIVE_CACHE" "$GUESTS/spin1_hello.wasm" \
          "$GUESTS/wagi_hello.wasm" >&2
      fi
      start_server "spindle-$tier" "$SPINDLE" up -f "$WORK/spin.toml" --listen 127.0.0.1:0 --quiet \
        --log-dir "$WORK/logs" --tier "$tier" --cache-dir "$NATIVE_CACHE"
      if [ "$tier" = llvm ]; then
        from_cache="$(grep -c 'native code from cache' "$WORK/spindle-$tier.err" || true)"
        if [ "$from_cache" != 2 ]; then
          echo "run-http-bench: --tier llvm did not load both guests from the warm cache:" >&2
          cat "$WORK/spindle-$tier.err" >&2
          exit 1
        fi
      fi
      measure "spin1-$tier" "$BASE_URL/spin1/hello"
      measure "wagi-$tier" "$BASE_URL/wagi/hello"
      stop_server
    done
  fi
fi

if want node; then
  start_server node node --no-warnings "$HTTP_BENCH_DIR/node-wasi-server.mjs" --listen 127.0.0.1:0 \
    --spin1 "$GUESTS/spin1_hello.wasm" --wagi "$GUESTS/wagi_hello.wasm"
  measure node-spin1 "$BASE_URL/spin1/hello"
  measure node-wagi "$BASE_URL/wagi/hello"
  stop_server
fi

if want node2 && [ "$NODE_WORKERS" -gt 1 ]; then
  start_server node-cluster node --no-warnings "$HTTP_BENCH_DIR/node-wasi-server.mjs" \
    --listen 127.0.0.1:0 --spin1 "$GUESTS/spin1_hello.wasm" --wagi "$GUESTS/wagi_hello.wasm" \
    --workers "$NODE_WORKERS"
  measure "node${NODE_WORKERS}-spin1" "$BASE_URL/spin1/hello"
  measure "node${NODE_WORKERS}-wagi" "$BASE_URL/wagi/hello"
  stop_server
fi

# ---- report ---------------------------------------------------------------------

value() {  # value NAME CONNECTIONS COLUMN(3=rps 4=p50 5=p99)
  awk -F'\t' -v n="$1" -v c="$2" -v k="$3" '$1 == n && $2 == c {print $k}' "$RESULTS"
}
ratio() {  # ratio A B -> "A/B" with two decimals, or "-"
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2fx", a / b }'
}
verdict() {  # verdict "desc" condition-as-awk-expression values...
  awk "BEGIN { if ($1) print \"met\"; else print \"**not met**\" }"
}

report() {
  local cpu
  cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown)"
  echo "## HTTP serving benchmark"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($cpu), $(uname -sr);"
  echo "spindle $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO_DIR" diff --quiet 2>/dev/null || echo '+changes'),"
  echo "node $(node --version), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')."
  echo "\`wrk -t$THREADS -c<N> -d$DURATION --latency\` on loopback; wrk shares the cores with the server."
  echo "Load average before the run: $LOAD_BEFORE (anything else running skews every number)."
  echo "Every target answers \"hello\" (200, text/plain); a fresh instance per request for every wasm target."
  echo
  echo "| target | connections | requests/s | p50 ms | p99 ms | errors |"
  echo "|---|---:|---:|---:|---:|---:|"
  while IFS=$'\t' read -r name connections rps p50 p99 errors; do
    echo "| $name | $connections | $rps | $p50 | $p99 | $errors |"
  done < "$RESULTS"
  echo
  local connections suffix
  for suffix in "${SPINDLE_SUFFIXES[@]}"; do
    local spin1="spin1$suffix" wagi="wagi$suffix"
    echo "| connections | $spin1 / node-spin1 | $spin1 / node2-spin1 | $wagi / $spin1 | $spin1 / native | $wagi / node-wagi |"
    echo "|---:|---:|---:|---:|---:|---:|"
    for connections in ${CONNECTIONS//,/ }; do
      echo "| $connections | $(ratio "$(value "$spin1" "$connections" 3)" "$(value node-spin1 "$connections" 3)") |" \
           "$(ratio "$(value "$spin1" "$connections" 3)" "$(value node2-spin1 "$connections" 3)") |" \
           "$(ratio "$(value "$wagi" "$connections" 3)" "$(value "$spin1" "$connections" 3)") |" \
           "$(ratio "$(value "$spin1" "$connections" 3)" "$(value native "$connections" 3)") |" \
           "$(ratio "$(value "$wagi" "$connections" 3)" "$(value node-wagi "$connections" 3)") |"
    done
    echo
  done
  echo "Ratios are of requests/s (above 1.00x the first is faster)."
  if [ -n "$(value spin1-interp "${CONNECTIONS%%,*}" 3)" ] && [ -n "$(value spin1-llvm "${CONNECTIONS%%,*}" 3)" ]; then
    echo
    echo "#### The tiers side by side"
    echo
    echo "| guest | connections | interp req/s | llvm req/s | llvm / interp req/s | interp p99 ms | llvm p99 ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    local guest
    for guest in spin1 wagi; do
      for connections in ${CONNECTIONS//,/ }; do
        echo "| $guest | $connections | $(value "$guest-interp" "$connections" 3) | $(value "$guest-llvm" "$connections" 3) |" \
             "$(ratio "$(value "$guest-llvm" "$connections" 3)" "$(value "$guest-interp" "$connections" 3)") |" \
             "$(value "$guest-interp" "$connections" 5) | $(value "$guest-llvm" "$connections" 5) |"
      done
    done
  fi
  echo
  echo "### Goals"
  echo
  echo "| goal | connections | measured | verdict |"
  echo "|---|---:|---:|---|"
  for suffix in "${SPINDLE_SUFFIXES[@]}"; do
    for connections in ${CONNECTIONS//,/ }; do
      local spin1 node wagi
      spin1="$(value "spin1$suffix" "$connections" 3)"
      node="$(value node-spin1 "$connections" 3)"
      wagi="$(value "wagi$suffix" "$connections" 3)"
      echo "| Spin-1 hello$suffix >= 20k req/s | $connections | $spin1 | $(verdict "${spin1:-0} >= 20000") |"
      if [ -n "$node" ]; then
        echo "| Spin-1 hello$suffix >= 5x the Node peer | $connections | $(ratio "$spin1" "$node") | $(verdict "$node > 0 && ${spin1:-0} >= 5 * $node") |"
      fi
      echo "| WAGI hello$suffix >= 0.5x Spin-1 | $connections | $(ratio "$wagi" "$spin1") | $(verdict "${spin1:-0} > 0 && ${wagi:-0} >= 0.5 * ${spin1:-0}") |"
    done
    local last="${CONNECTIONS##*,}"
    for name in "spin1$suffix" "wagi$suffix"; do
      local p99
      p99="$(value "$name" "$last" 5)"
      echo "| $name p99 <= 10 ms | $last | $p99 ms | $(verdict "${p99:-99999} <= 10") |"
    done
  done
}

report > "$WORK/report.md"
cat "$WORK/report.md"
if [ -n "$OUT_FILE" ]; then cp "$WORK/report.md" "$OUT_FILE"; fi
exit "$FAILED"
