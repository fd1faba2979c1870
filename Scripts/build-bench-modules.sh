#!/usr/bin/env bash
# Builds the benchmark inputs into Benchmarks/work/ (gitignored):
#   work/modules/sqlite.wasm   SQLite 3.45.3 (amalgamation from the PyPI sdist
#                              `pysqlcipher3static`, built as plain SQLite), >= 1 MB code
#   work/modules/quickjs.wasm  QuickJS 2021-03-27 (PyPI sdist `quickjs`)
#   work/kernels/*.wasm        the compute kernels of Benchmarks/Kernels/*.c (the .wat
#                              kernels are read as text by the benchmarks themselves)
#   work/native/NAME.so        each kernel built natively (clang -O2), loaded by
#                              wasmbpf-bench for the in-process "native" column
#   work/native/NAME           each kernel as a native executable, for the
#                              whole-process comparison (Scripts/bench-process.sh)
# Third-party sources are downloaded with pip into work/src and never committed.
#
# Needs: clang with the wasm32 target (the Swift toolchain's), Debian's wasi-libc and
# libclang-rt-14-dev-wasm32 (Scripts/setup-machine.sh installs them; see Scripts/wasi-toolchain.sh), pip.
# Usage: Scripts/build-bench-modules.sh [--kernels-only]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/Benchmarks/work"
src="$work/src"
modules="$work/modules"
kernels="$work/kernels"
native="$work/native"
objects="$work/obj"
mkdir -p "$src" "$modules" "$kernels" "$objects"

source "$root/Scripts/wasi-toolchain.sh"
wasi_toolchain "$work/wasi-resource-dir"
cc=("${wasi_cc[@]}")

# Downloads the sdist of NAME==VERSION into work/src and unpacks it once.
fetch_sdist() {
  local name="$1" version="$2" archive="$3" folder="$4"
  if [ ! -d "$src/$folder" ]; then
    if [ ! -f "$src/$archive" ]; then
      python3 -m pip download --quiet --no-deps --no-binary "$name" "$name==$version" -d "$src"
    fi
    tar -xzf "$src/$archive" -C "$src"
  fi
}

build_quickjs() {
  fetch_sdist quickjs 1.19.4 quickjs-1.19.4.tar.gz quickjs-1.19.4
  local dir="$src/quickjs-1.19.4/upstream-quickjs" out="$objects/quickjs"
  mkdir -p "$out"
  # EMSCRIPTEN selects QuickJS's no-threads, no-stack-check configuration, which is
  # what a WASI build needs too. wasi-libc has only round-to-nearest, so the two
  # rounding-mode names QuickJS's number printer asks for are defined to values
  # fesetround rejects (the printer then keeps round-to-nearest).
  local flags=(-O2 -w -DEMSCRIPTEN -D_GNU_SOURCE -DCONFIG_VERSION='"2021-03-27"' -DCONFIG_BIGNUM
    -DFE_DOWNWARD=0x400 -DFE_UPWARD=0x800 -I"$dir")
  local pids=()
  for file in quickjs libregexp libunicode cutils libbf; do
    "${cc[@]}" "${flags[@]}" -c "$dir/$file.c" -o "$out/$file.o" &
    pids+=($!)
  done
  "${cc[@]}" "${flags[@]}" -c "$root/Benchmarks/Guests/quickjs_main.c" -o "$out/main.o"
  for pid in "${pids[@]}"; do wait "$pid"; done
  "${cc[@]}" -O2 "$out"/*.o -o "$modules/quickjs.wasm"
}

build_sqlite() {
  fetch_sdist pysqlcipher3static 2.0.1 pysqlcipher3static-2.0.1.tar.gz pysqlcipher3static-2.0.1
  local dir="$src/pysqlcipher3static-2.0.1/src/pysqlcipher3/c/sqlcipher" out="$objects/sqlite"
  mkdir -p "$out"
  # Without SQLITE_HAS_CODEC the SQLCipher amalgamation is plain SQLite. The usual
  # extensions are on so that the module is the size of a real SQLite build.
  local flags=(-O2 -w -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION
    -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS
    -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_GEOPOLY -DSQLITE_ENABLE_MATH_FUNCTIONS
    -DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_PREUPDATE_HOOK -DSQLITE_ENABLE_DBSTAT_VTAB -I"$dir")
  "${cc[@]}" "${flags[@]}" -c "$dir/sqlite3.c" -o "$out/sqlite3.o"
  "${cc[@]}" "${flags[@]}" -c "$root/Benchmarks/Guests/sqlite_main.c" -o "$out/main.o"
  "${cc[@]}" -O2 "$out"/*.o -lwasi-emulated-mman -lwasi-emulated-getpid \
    -lwasi-emulated-signal -lwasi-emulated-process-clocks -o "$modules/sqlite.wasm"
}

build_kernels() {
  for file in "$root"/Benchmarks/Kernels/*.c; do
    local name extra=()
    name="$(basename "$file" .c)"
    [ "$name" = simd ] && extra=(-msimd128)
    [ "$name" = tailcall ] && extra=(-mtail-call)
    "${cc[@]}" -O2 "${extra[@]}" -c "$file" -o "$objects/kernel-$name.o"
    "${cc[@]}" -O2 "$objects/kernel-$name.o" -o "$kernels/$name.wasm"
  done
}

# The same kernels compiled for this machine by the same clang at the same -O2 (no
# -march: the baseline x86-64 a distribution builds for). simd.c is written against
# wasm_simd128.h and has no native build; simd_scalar.c is its scalar twin.
build_native_kernels() {
  mkdir -p "$native"
  for file in "$root"/Benchmarks/Kernels/*.c; do
    local name
    name="$(basename "$file" .c)"
    [ "$name" = simd ] && continue
    clang -O2 -fPIC -shared "$file" -o "$native/$name.so" -lm
    clang -O2 "$file" -o "$native/$name" -lm
  done
}

# Prints the size of the code section of a module (section id 10).
code_size() {
  python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
def leb(i):
    value = shift = 0
    while True:
        byte = data[i]; i += 1
        value |= (byte & 0x7F) << shift; shift += 7
        if byte < 0x80: return value, i
i = 8
while i < len(data):
    section = data[i]
    size, i = leb(i + 1)
    if section == 10: print(size)
    i += size
PY
}

build_kernels
build_native_kernels
if [ "${1:-}" != "--kernels-only" ]; then
  build_quickjs
  build_sqlite
fi
for module in "$modules"/*.wasm "$kernels"/*.wasm; do
  [ -f "$module" ] || continue
  printf '%-28s %9d bytes, code section %9d bytes\n' "${module#"$work"/}" "$(stat -c %s "$module")" "$(code_size "$module")"
done
