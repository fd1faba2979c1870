#!/usr/bin/env bash
# Builds the test fixtures from the sources under Fixtures/ into Fixtures/generated/
# (gitignored). Quick when nothing changed (make-style timestamp checks).
#  - Fixtures/bpf/*.bpf.c               -> generated/bpf/*.bpf.o   (clang -target bpf)
#  - Fixtures/bpf/guests/NAME/NAME.bpf.c -> generated/bpf/guests/NAME.bpf.o
#    Fixtures/bpf/guests/NAME/NAME.c     -> generated/bpf/guests/NAME.wasm (wasm32-wasi,
#    Debian's wasi-libc, the guest SDK in SDK/; the BPF object is embedded with #embed)
#  - Fixtures/bpf/guests/uprobe/uprobe_target.c -> generated/bpf/guests/uprobe_target (native)
#  - Fixtures/wasi/NAME.c -> generated/wasi/NAME.wasm (wasm32-wasi, Debian's wasi-libc);
#    files.c also -> generated/wasi/files-native (cc), to compare both runs
#  - Fixtures/cli/NAME.c -> generated/cli/NAME.wasm (wasm32-wasi; wasmbpf-run's tests),
#    Fixtures/cli/NAME/ -> generated/cli/NAME.wasm (wasm-bpf guests: rejected/ the verifier
#    refuses, hugemap/ declares a map whose size overflows 64 bits)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/Fixtures/generated"
mkdir -p "$out/bpf/guests"
source "$root/Scripts/wasi-toolchain.sh"
source "$root/Scripts/build-helpers.sh"
wasi_toolchain "$out/wasi-resource-dir"

for src in "$root"/Fixtures/bpf/*.bpf.c; do
  [ -e "$src" ] || continue
  obj="$out/bpf/$(basename "${src%.c}").o"
  if stale "$obj" "$src"; then bpf_compile "$src" "$obj"; fi
done

guests="$out/bpf/guests"
sdk=("$root"/SDK/*.h "$root"/Fixtures/bpf/guests/common.h)
target_binary="$guests/uprobe_target"
if stale "$target_binary" "$root/Fixtures/bpf/guests/uprobe/uprobe_target.c"; then
  cc -O1 -g -o "$target_binary" "$root/Fixtures/bpf/guests/uprobe/uprobe_target.c"
  echo "built ${target_binary#"$root"/}"
fi

for dir in "$root"/Fixtures/bpf/guests/*/; do
  name=$(basename "$dir")
  bpf_src="$dir/$name.bpf.c"
  obj="$guests/$name.bpf.o"
  if stale "$obj" "$bpf_src" "$dir"/*.h; then bpf_compile "$bpf_src" "$obj" -I"$dir"; fi
  wasm="$guests/$name.wasm"
  if stale "$wasm" "$dir/$name.c" "$obj" "${sdk[@]}"; then
    "${wasi_cc[@]}" -O2 -std=gnu23 \
      --embed-dir="$guests" -I"$root/SDK" \
      -I"$dir" "$dir/$name.c" -o "$wasm"
    echo "built ${wasm#"$root"/}"
  fi
done

wasi_out="$out/wasi"
mkdir -p "$wasi_out"
for src in "$root"/Fixtures/wasi/*.c; do
  name=$(basename "${src%.c}")
  wasm="$wasi_out/$name.wasm"
  if stale "$wasm" "$src" "$root"/Fixtures/wasi/*.h; then
    "${wasi_cc[@]}" -O2 -std=gnu17 \
      -I"$root/Fixtures/wasi" \
      "$src" -o "$wasm"
    echo "built ${wasm#"$root"/}"
  fi
done
native="$wasi_out/files-native"
if stale "$native" "$root/Fixtures/wasi/files.c"; then
  cc -O2 -std=gnu17 -o "$native" "$root/Fixtures/wasi/files.c"
  echo "built ${native#"$root"/}"
fi

cli_out="$out/cli"
mkdir -p "$cli_out"
for src in "$root"/Fixtures/cli/*.c; do
  wasm="$cli_out/$(basename "${src%.c}").wasm"
  if stale "$wasm" "$src"; then
    "${wasi_cc[@]}" -O1 -std=gnu17 \
      "$src" -o "$wasm"
    echo "built ${wasm#"$root"/}"
  fi
done
# Each folder Fixtures/cli/NAME/ is a wasm-bpf guest NAME.c embedding NAME.bpf.o:
# rejected/ (the verifier refuses it), hugemap/ (a map size that overflows 64 bits).
for dir in "$root"/Fixtures/cli/*/; do
  name=$(basename "$dir")
  if stale "$cli_out/$name.bpf.o" "$dir/$name.bpf.c"; then
    bpf_compile "$dir/$name.bpf.c" "$cli_out/$name.bpf.o"
  fi
  if stale "$cli_out/$name.wasm" "$dir/$name.c" "$cli_out/$name.bpf.o" "${sdk[@]}"; then
    "${wasi_cc[@]}" -O2 -std=gnu23 \
      --embed-dir="$cli_out" -I"$root/SDK" \
      "$dir/$name.c" -o "$cli_out/$name.wasm"
    echo "built ${cli_out#"$root"/}/$name.wasm"
  fi
done
