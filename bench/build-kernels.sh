#!/usr/bin/env bash
# build-kernels.sh OUT_DIR
#
# Compiles every bench/kernels/*.c twice:
#   OUT_DIR/native/<name>       native x86_64 executable  (clang-14 -O2)
#   OUT_DIR/wasm/<name>.wasm    WASI command module       (clang-14 --target=wasm32-wasi -O2)
#
# Needs the Debian packages clang-14, lld-14, wasi-libc and
# libclang-rt-14-dev-wasm32.  Override the compiler with CC=..., the WASI
# sysroot with WASI_SYSROOT=... (default /usr, where Debian's wasi-libc lives).
# NATIVE_CFLAGS adds flags to the native build only, e.g. -march=native to
# let the native peer use the host's vector units as Spindle's LLVM tier does.
#
# The wasm link step deliberately has no -O flag: with binaryen installed,
# clang-14 runs wasm-opt when -O is on the link line, and we want to measure
# what clang itself emits.
set -euo pipefail

usage() { echo "usage: $0 OUT_DIR" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
case "$1" in -h|--help) usage ;; esac

OUT_DIR=$1
CC=${CC:-clang-14}
WASI_SYSROOT=${WASI_SYSROOT:-/usr}
KERNEL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/kernels"
CFLAGS=(-O2 -Wall -Wextra -Werror -std=c11)

die() { echo "build-kernels: error: $*" >&2; exit 1; }

command -v "$CC" >/dev/null 2>&1 ||
    die "compiler '$CC' not found (apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32)"
[[ -f "$WASI_SYSROOT/lib/wasm32-wasi/libc.a" || -f "$WASI_SYSROOT/lib/libc.a" ]] ||
    die "no wasi-libc under WASI_SYSROOT=$WASI_SYSROOT (apt-get install wasi-libc)"

shopt -s nullglob
sources=("$KERNEL_DIR"/*.c)
[[ ${#sources[@]} -gt 0 ]] || die "no kernels found in $KERNEL_DIR"

mkdir -p "$OUT_DIR/native" "$OUT_DIR/wasm" "$OUT_DIR/obj"

for src in "${sources[@]}"; do
    name=$(basename "$src" .c)
    echo "build-kernels: $name"
    # shellcheck disable=SC2086  # NATIVE_CFLAGS is a flag list
    "$CC" "${CFLAGS[@]}" ${NATIVE_CFLAGS:-} "$src" -o "$OUT_DIR/native/$name" ||
        die "native build of $name failed"
    "$CC" --target=wasm32-wasi --sysroot="$WASI_SYSROOT" "${CFLAGS[@]}" \
        -c "$src" -o "$OUT_DIR/obj/$name.o" ||
        die "wasm compile of $name failed"
    # No -O here (see header comment).
    "$CC" --target=wasm32-wasi --sysroot="$WASI_SYSROOT" -Wl,--strip-all \
        "$OUT_DIR/obj/$name.o" -o "$OUT_DIR/wasm/$name.wasm" ||
        die "wasm link of $name failed (is libclang-rt-14-dev-wasm32 installed?)"
done

echo "build-kernels: ${#sources[@]} kernels -> $OUT_DIR/{native,wasm}"
