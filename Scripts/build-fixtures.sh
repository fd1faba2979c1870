#!/usr/bin/env bash
# Builds the test fixtures from the sources under Fixtures/ into Fixtures/generated/
# (gitignored). BPF objects: clang's bpf target against libbpf-dev's headers.
# Quick when nothing changed (make-style timestamp checks).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/Fixtures/generated"
mkdir -p "$out/bpf"
arch_include=/usr/include/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)

for src in "$root"/Fixtures/bpf/*.bpf.c; do
  [ -e "$src" ] || continue
  obj="$out/bpf/$(basename "${src%.c}").o"
  if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ]; then
    clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I"$arch_include" -c "$src" -o "$obj"
    echo "built ${obj#"$root"/}"
  fi
done
