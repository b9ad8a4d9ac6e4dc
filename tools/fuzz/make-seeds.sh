#!/usr/bin/env bash
# Builds a libFuzzer seed corpus from the repository's own test sources: every
# tests/wast/*.wast (and tests/wast/regress/*.wast) is converted with wabt's
# wast2json into a temporary directory, and every .wasm it produces (valid,
# invalid and malformed modules alike) is copied into OUT_DIR.
#
# Usage: tools/fuzz/make-seeds.sh OUT_DIR
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
out="$1"
command -v wast2json >/dev/null 2>&1 || { echo "error: wast2json (wabt) not found" >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/spindle-seeds.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

shopt -s nullglob
count=0
for f in "$root"/tests/wast/*.wast "$root"/tests/wast/regress/*.wast; do
  name="$(basename "$f" .wast)"
  case "$f" in */regress/*) name="regress_$name" ;; esac
  flags=()
  case "$name" in *extended_const*) flags+=(--enable-extended-const) ;; esac
  mkdir -p "$tmp/$name"
  if ! wast2json ${flags[@]+"${flags[@]}"} "$f" -o "$tmp/$name/$name.json" >/dev/null; then
    echo "warning: wast2json failed on $f" >&2
    continue
  fi
  for wasm in "$tmp/$name"/*.wasm; do
    cp "$wasm" "$out/"   # wast2json names them NAME.N.wasm, unique per file
    count=$((count + 1))
  done
done
echo "make-seeds: $count modules in $out"
