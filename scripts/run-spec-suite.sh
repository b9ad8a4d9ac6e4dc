#!/usr/bin/env bash
# Runs the official WebAssembly core spec tests (a local copy of
# WebAssembly/testsuite, e.g. at commit 3a04b2c) through spindle-spectest.
#
#   scripts/run-spec-suite.sh TESTSUITE_DIR [spindle-spectest options...]
#
# Converts every non-SIMD top-level .wast (Spindle implements WebAssembly 2.0
# without SIMD) and proposals/extended-const with Debian's wast2json into a
# temporary directory, then runs them. Nothing is written into the repo.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 TESTSUITE_DIR [spindle-spectest options...]" >&2
  exit 2
fi
suite=$(cd "$1" && pwd)
shift
root=$(cd "$(dirname "$0")/.." && pwd)
spectest=${SPECTEST:-$root/build/bin/spindle-spectest}
[ -x "$spectest" ] || { echo "build first: $spectest is missing" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

convert() {  # file, flags...
  local file=$1; shift
  local name
  name=$(basename "$file" .wast)
  mkdir -p "$work/$name"
  if ! wast2json "$@" "$file" -o "$work/$name/$name.json" 2> "$work/$name.err"; then
    echo "wast2json could not convert $file:" >&2
    cat "$work/$name.err" >&2
    return 1
  fi
}

converted=0
for file in "$suite"/*.wast; do
  case "$(basename "$file")" in simd_*) continue ;; esac
  convert "$file"
  converted=$((converted + 1))
done
for file in "$suite"/proposals/extended-const/*.wast; do
  [ -e "$file" ] || continue
  name=$(basename "$file" .wast)
  mkdir -p "$work/extended-const"
  wast2json --enable-extended-const "$file" -o "$work/extended-const/$name.json"
  converted=$((converted + 1))
done
echo "converted $converted .wast files from $suite"
"$spectest" "$@" "$work"
