#!/usr/bin/env bash
# Configures and builds the fuzz build (build-fuzz/, clang-14 with libFuzzer,
# ASan and UBSan), refreshes the seed corpus from tests/wast, and runs
# spindle-fuzz-module for SECONDS (default 600) as a single job. The corpus
# grows in build-fuzz/corpus; crash-*, leak-*, timeout-* and oom-* inputs are
# written to build-fuzz/artifacts/. Prints libFuzzer's final stats line.
#
# Usage: tools/fuzz/run-fuzzer.sh [SECONDS]
set -euo pipefail

seconds="${1:-600}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build-fuzz"

CC="${CC:-clang-14}" CXX="${CXX:-clang++-14}" \
  cmake -G Ninja -S "$root" -B "$build" -DSPINDLE_FUZZ=ON \
  -DSPINDLE_BUILD_TESTS=OFF -DSPINDLE_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target spindle-fuzz-module

# Seeds go into their own directory, merged into the corpus by libFuzzer
# (the corpus keeps what earlier runs found).
rm -rf "$build/seeds"
"$root/tools/fuzz/make-seeds.sh" "$build/seeds"
mkdir -p "$build/corpus" "$build/artifacts"

# ASan's own SIGSEGV handler is installed first; the engine's handler
# (engine/rt/signals.cc) then takes over and chains to it for faults outside
# a linear memory's guard region. allow_user_segv_handler=1 (the default,
# spelled out) lets it do so. The 8 GiB PROT_NONE reservations need no
# option: ASan does not track mmap'd memory.
export ASAN_OPTIONS="${ASAN_OPTIONS:-allow_user_segv_handler=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

log="$build/fuzz.log"
set +e
"$build/bin/spindle-fuzz-module" "$build/corpus" "$build/seeds" \
  -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 -timeout=10 \
  -artifact_prefix="$build/artifacts/" -print_final_stats=1 2>&1 | tee "$log"
status="${PIPESTATUS[0]}"
set -e

echo "---- final stats ----"
grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n 1
grep -E '^stat::' "$log" || true
exit "$status"
