#!/usr/bin/env bash
# Re-verify the .wast corpus against wabt's reference interpreter.
#
# Converts every tests/wast/*.wast (and tests/wast/regress/*.wast) with wast2json
# into a temporary directory and runs spectest-interp on each result, printing
# per-file and total pass counts. Exits non-zero if any conversion or assertion fails.
#
# spectest-interp does not compare assertion texts, so (when python3 is available)
# the script also maps wabt's actual trap messages to the spec's texts and reports
# any assert_trap whose expected text differs ("TEXT" column). assert_invalid /
# assert_malformed / assert_exhaustion / module-level assert_trap texts are not
# checked this way.
#
# Usage: tests/wast/check-with-wabt.sh [-v] [file.wast ...]
#   -v   show spectest-interp output for files that fail
# Requires wast2json and spectest-interp (wabt, tested with 1.0.32) on PATH.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
verbose=0
if [ "${1:-}" = "-v" ]; then verbose=1; shift; fi

for tool in wast2json spectest-interp; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool not found on PATH" >&2; exit 2; }
done

if [ $# -gt 0 ]; then
  files=("$@")
else
  shopt -s nullglob
  files=("$here"/*.wast "$here"/regress/*.wast)
fi
[ ${#files[@]} -gt 0 ] || { echo "no .wast files found" >&2; exit 2; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/spindle-wast.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

total_pass=0
total_all=0
failed_files=0

for f in "${files[@]}"; do
  name="$(basename "$f" .wast)"
  case "$f" in */regress/*) name="regress_$name" ;; esac
  flags=()
  case "$name" in *extended_const*) flags+=(--enable-extended-const) ;; esac
  out="$tmp/$name"
  mkdir -p "$out"

  if ! wast2json ${flags[@]+"${flags[@]}"} "$f" -o "$out/$name.json" >"$out/convert.log" 2>&1 || [ -s "$out/convert.log" ]; then
    printf '%-28s CONVERSION FAILED\n' "$name"
    sed 's/^/    /' "$out/convert.log"
    failed_files=$((failed_files + 1))
    continue
  fi

  (cd "$out" && spectest-interp ${flags[@]+"${flags[@]}"} "$name.json") >"$out/run.log" 2>&1
  summary="$(grep -Eo '^[0-9]+/[0-9]+ tests passed' "$out/run.log" | tail -n 1)"
  if [ -z "$summary" ]; then
    printf '%-28s INTERPRETER FAILED\n' "$name"
    tail -n 5 "$out/run.log" | sed 's/^/    /'
    failed_files=$((failed_files + 1))
    continue
  fi
  pass="${summary%%/*}"
  rest="${summary#*/}"
  all="${rest%% *}"
  total_pass=$((total_pass + pass))
  total_all=$((total_all + all))
  status="ok"
  text_issues=""
  if command -v python3 >/dev/null 2>&1; then
    text_issues="$(python3 - "$out/$name.json" "$out/run.log" <<'PY'
import json, re, sys
wabt_to_spec = {
    "unreachable executed": "unreachable",
    "undefined table index": "undefined element",
    "uninitialized table element": "uninitialized element",
    "indirect call signature mismatch": "indirect call type mismatch",
}
expected = {c["line"]: c.get("text") for c in json.load(open(sys.argv[1]))["commands"]
            if c["type"] == "assert_trap"}
for line in open(sys.argv[2], errors="replace"):
    m = re.match(r".*:(\d+): assert_trap passed: (.*)", line.rstrip("\n"))
    if not m:
        continue
    ln, actual = int(m.group(1)), m.group(2)
    actual = wabt_to_spec.get(actual, actual.split(":")[0])
    if expected.get(ln) != actual:
        print(f"line {ln}: expects \"{expected.get(ln)}\", wabt trapped with \"{actual}\"")
PY
)"
  fi
  if [ "$pass" != "$all" ] || [ -n "$text_issues" ]; then
    status="FAIL"
    [ -n "$text_issues" ] && status="FAIL (TEXT)"
    failed_files=$((failed_files + 1))
  fi
  printf '%-28s %5s/%-5s %s\n' "$name" "$pass" "$all" "$status"
  if [ -n "$text_issues" ]; then
    printf '%s\n' "$text_issues" | sed 's/^/    /'
  fi
  if [ "$status" != "ok" ] && [ $verbose -eq 1 ]; then
    grep -v 'passed' "$out/run.log" | sed 's/^/    /'
  fi
done

echo "----------------------------------------------"
printf 'total: %d/%d assertions passed in %d files, %d file(s) failing\n' \
  "$total_pass" "$total_all" "${#files[@]}" "$failed_files"
[ "$failed_files" -eq 0 ]
