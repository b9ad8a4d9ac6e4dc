#!/usr/bin/env bash
# run-redis-trigger-bench.sh - Redis trigger throughput: messages handled per
# second, each on a fresh instance.
#
# Usage: bench/services/run-redis-trigger-bench.sh [--build DIR] [--messages N] [--out FILE.md]
#
# Starts a private redis-server and `spindle up` with one component
# subscribed to a channel (the handler logs one line per message), publishes
# N messages in one pipelined batch with `redis-cli --pipe`, and times until
# the handler has logged all of them. Requires redis-server and redis-cli.
set -euo pipefail

SERVICES_BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/../lib/common.sh
source "$SERVICES_BENCH_DIR/../lib/common.sh"
BUILD_DIR="$(cd "$SERVICES_BENCH_DIR/../.." && pwd)/build"
MESSAGES=20000
OUT_FILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD_DIR="$(cd "$2" && pwd)"; shift 2 ;;
    --messages) MESSAGES="$2"; shift 2 ;;
    --out) OUT_FILE="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) note "unknown option $1"; exit 2 ;;
  esac
done

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
[ -z "${KEEP_WORK:-}" ] || trap - EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning \
  > "$WORK/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do redis-cli -p "$PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.05; done

mkdir -p "$WORK/app"
cat > "$WORK/app/spin.toml" <<TOML
spin_manifest_version = 2
[application]
name = "redis-bench"
[application.trigger.redis]
address = "redis://127.0.0.1:$PORT"
[[trigger.redis]]
channel = "bench"
component = "handler"
[component.handler]
source = "$BUILD_DIR/bench/services/guests/redis_handler.wasm"
environment = { GUEST_NAME = "h" }
TOML
"$BUILD_DIR/bin/spindle" up -f "$WORK/app" --quiet --log-dir "$WORK/logs" \
  > "$WORK/up.out" 2> "$WORK/up.err" &
PIDS+=($!)
for _ in $(seq 200); do grep -q "subscribed at" "$WORK/up.err" 2>/dev/null && break; sleep 0.05; done
grep -q "subscribed at" "$WORK/up.err" || { cat "$WORK/up.err" >&2; exit 1; }

# RESP for PUBLISH bench m<i>, all at once.
python3 - "$MESSAGES" > "$WORK/publish.resp" <<'PY'
import sys
out = sys.stdout
for i in range(int(sys.argv[1])):
    payload = "m%d" % i
    out.write("*3\r\n$7\r\nPUBLISH\r\n$5\r\nbench\r\n$%d\r\n%s\r\n" % (len(payload), payload))
PY
LOG="$WORK/logs/handler_stdout.txt"
start=$(date +%s.%N)
redis-cli -p "$PORT" --pipe < "$WORK/publish.resp" > "$WORK/pipe.out"
deadline=$(( $(date +%s) + 120 ))
while [ "$(wc -l < "$LOG" 2>/dev/null || echo 0)" -lt "$MESSAGES" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "run-redis-trigger-bench: timed out" >&2; exit 1; }
  sleep 0.01
done
end=$(date +%s.%N)
handled=$(wc -l < "$LOG")
rate=$(python3 -c "print(round($handled / ($end - $start)))")
seconds=$(python3 -c "print(round($end - $start, 3))")

report() {
  echo "## Redis trigger throughput"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores; $MESSAGES messages published in one"
  echo "pipelined batch (redis-cli --pipe), one subscribed component that logs each message."
  echo "Every message runs on a fresh instance."
  echo
  echo "| messages | seconds | messages/s |"
  echo "|---:|---:|---:|"
  echo "| $handled | $seconds | $rate |"
}
report
[ -z "$OUT_FILE" ] || report > "$OUT_FILE"
