# Sourced by the scripts that compile C to wasm32-wasi (fixtures, benchmark modules,
# examples). Sets `wasi_cc` (an array: the compiler and the flags every compile and
# link needs).
#
# The toolchain's clang has the wasm32 target and its own headers (stddef.h...), but
# no wasm32 compiler-rt; Debian has the builtins in libclang-rt-14-dev-wasm32, inside
# llvm-14's resource folder, whose headers come from yet another package. So we give
# clang a resource folder of our own: its own headers beside those builtins. Nothing
# of llvm-14 but the one library is used.
#
# Needs: Debian's wasi-libc and libclang-rt-14-dev-wasm32 (Scripts/setup-machine.sh
# installs them).

wasi_setup_resource_dir() {  # wasi_setup_resource_dir FOLDER
  local folder=$1
  local builtins=/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a
  local headers
  headers="$(clang -print-resource-dir)/include"
  if [ ! -f /usr/lib/wasm32-wasi/libc.a ] || [ ! -f "$builtins" ]; then
    echo "error: wasm32-wasi needs Debian's wasi-libc and libclang-rt-14-dev-wasm32" >&2
    echo "       (Scripts/setup-machine.sh installs them)" >&2
    return 1
  fi
  if [ ! -d "$headers" ]; then
    echo "error: clang has no headers at $headers" >&2
    return 1
  fi
  mkdir -p "$folder/lib/wasi"
  ln -sfn "$headers" "$folder/include"
  ln -sfn "$builtins" "$folder/lib/wasi/libclang_rt.builtins-wasm32.a"
}

wasi_toolchain() {  # wasi_toolchain FOLDER: sets wasi_cc
  wasi_setup_resource_dir "$1" || return 1
  wasi_cc=(clang --target=wasm32-wasi --sysroot=/usr -isystem /usr/include/wasm32-wasi
    -L/usr/lib/wasm32-wasi -resource-dir "$1")
}
