# bench/lib/common.sh - the helpers the bench scripts share; sourced, not run:
#
#   source "$BENCH_DIR/lib/common.sh"
#
# Messages are prefixed with the sourcing script's name without ".sh"
# (BENCH_NAME, e.g. "run-kernels"); --help prints the script's header
# comment. Nothing here changes shell options: each script keeps its own
# `set -euo pipefail`.

BENCH_NAME="$(basename "${BASH_SOURCE[-1]}" .sh)"

# die MESSAGE...: "NAME: error: MESSAGE" on stderr, then exit 2.
die() { echo "$BENCH_NAME: error: $*" >&2; exit 2; }

# note MESSAGE...: "NAME: MESSAGE" on stderr.
note() { echo "$BENCH_NAME: $*" >&2; }

# usage: the script's header comment, from line 2 to the line before
# `set -euo pipefail`, without the leading "# ".
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[-1]}"; }

# need_value OPTION [NEXT...]: in an option loop, `need_value "$@"` dies
# unless OPTION is followed by a value.
need_value() { [[ $# -ge 2 ]] || die "$1 needs a value"; }

# require_positive_int LABEL VALUE: dies unless VALUE is 1, 2, 3, ...
require_positive_int() {
    [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, got '$2'"
}

# emit_report REPORT.md OUT_FILE: prints the report and, when OUT_FILE is not
# empty, copies it there too.
emit_report() {
    cat "$1"
    if [[ -n "$2" ]]; then
        mkdir -p "$(dirname "$2")"
        cp "$1" "$2"
        note "report written to $2"
    fi
}
