#!/usr/bin/env bash
# Builds the bundled tools (Examples/NAME/) into Examples/generated/ (gitignored):
#   Examples/NAME/NAME.bpf.c -> generated/NAME.bpf.o  (clang -target bpf, CO-RE against
#                               a vmlinux.h made from this kernel's BTF by bpftool)
#   Examples/NAME/NAME.c     -> generated/NAME.wasm   (wasm32-wasi, the SDK in SDK/,
#                               the BPF object embedded with #embed)
# Quick when nothing changed (make-style timestamp checks).
#
# Needs: bpftool and /sys/kernel/btf/vmlinux (vmlinux.h), Debian's wasi-libc and
# libclang-rt-14-dev-wasm32 (Scripts/setup-machine.sh installs them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/Examples/generated"
mkdir -p "$out"
source "$root/Scripts/wasi-toolchain.sh"
source "$root/Scripts/build-helpers.sh"
wasi_toolchain "$out/wasi-resource-dir"

vmlinux="$out/vmlinux.h"
if [ ! -s "$vmlinux" ]; then
  if ! command -v bpftool >/dev/null || [ ! -r /sys/kernel/btf/vmlinux ]; then
    echo "error: the examples need bpftool and the kernel's BTF (/sys/kernel/btf/vmlinux)" >&2
    exit 1
  fi
  bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$vmlinux.tmp"
  mv "$vmlinux.tmp" "$vmlinux"
  echo "built ${vmlinux#"$root"/}"
fi

shared=("$root"/SDK/*.h "$root"/Examples/common/*.h)
for dir in "$root"/Examples/*/; do
  name=$(basename "$dir")
  [ -f "$dir/$name.bpf.c" ] || continue
  headers=("$dir"/*.h)
  [ -e "${headers[0]}" ] || headers=()
  obj="$out/$name.bpf.o"
  if stale "$obj" "$dir/$name.bpf.c" "${headers[@]}"; then
    bpf_compile "$dir/$name.bpf.c" "$obj" -I"$out" -I"$dir" -Wall -Werror
  fi
  wasm="$out/$name.wasm"
  if stale "$wasm" "$dir/$name.c" "$obj" "${headers[@]}" "${shared[@]}"; then
    "${wasi_cc[@]}" -O2 -std=gnu23 -Wall -Werror \
      --embed-dir="$out" -I"$root/SDK" -I"$dir" \
      "$dir/$name.c" -o "$wasm"
    echo "built ${wasm#"$root"/}"
  fi
done
