#!/usr/bin/env bash
# Builds wasmbpf-run for use: release, one self-contained static binary that needs no
# shared library at all (not even libc: it runs on any x86-64 Linux), so that an empty
# WASI command starts in about a millisecond and a few MB (wasmbpf-oci: see below).
# Prints the binary's path on its last line. The install (Scripts/install.sh), the demo (Scripts/demo.sh) and CI's
# check (Scripts/check-release-cli.sh) all build through here.
#
# How, and what each part saves (measured in docs/performance.md, "Start-up"):
# - --static-swift-stdlib: the Swift runtime linked in, not loaded from a toolchain.
# - -static-pie: libc, libstdc++, libbpf, libelf and zlib linked in too (Debian's
#   libbpf-dev, libelf-dev and zlib1g-dev have the archives), so there is no dynamic
#   loader at start: no libraries to find and map, no symbol look-ups. Still a PIE,
#   so the binary keeps ASLR; --disable-local-rpath because a static PIE may carry no
#   RUNPATH (glibc asserts).
# - lld with -z pack-relative-relocs: the ~42,000 relocations a PIE applies to itself
#   take 8 KB (RELR) instead of 1 MB that start-up would read.
# - --symbol-ordering-file: what start-up touches placed first, in the order it is
#   touched (Scripts/release-symbol-order.txt, from Scripts/gen-startup-order.py), so
#   that it fills a few pages instead of being spread over the 30 MB binary. SwiftPM
#   does not see the file, so a newer list removes the binary to have it linked again.
# - -disable-concrete-type-metadata-mangled-name-accessors: generic types such as
#   `Dictionary<Name, Extern>` get their metadata from an accessor that is handed the
#   `Hashable` conformance, instead of from their mangled name, which makes the runtime
#   search every conformance record of the binary (~4,000) for it, once per type: half
#   of an empty command's instructions.
# - -function-sections: each Swift function in a section of its own. Without it a
#   Swift object file is one text section, which the symbol order can only move
#   whole, so start-up code stayed spread over the binary, and the kernel maps every
#   64 KB window around a touched page (docs/performance.md, "Round 4").
# - -z max-page-size=65536: each segment's file offsets congruent with its addresses
#   modulo 64 KB. The kernel maps page-cache folios whole around a fault (64 KB
#   fault-around windows, 64 KB folios for a file just written); 4 KB apart, every
#   window straddled two folios of the file and mapped both. Costs no ASLR here: the
#   kernel places this 17 MB mapping on a 2 MB boundary anyway (docs/performance.md,
#   "Round 5 rss3").
# - --no-export-dynamic: no .dynsym/.dynstr/.gnu.hash (~450 KB nothing reads) between
#   the ELF headers and the relocations and Swift metadata that start-up reads.
# - -T Scripts/release-startup-sections.ld: start-up's functions without a symbol
#   (private linkage: closures' objectdestroy, outlined copies), which no symbol order
#   can move, placed just before .text (generated with the order list).
#
# Usage: Scripts/build-release.sh [PRODUCT]
#   PRODUCT        wasmbpf-run (the default), or wasmbpf-oci: the registry commands,
#                  which wasmbpf-run execs from its own folder (docs/oci.md)
#   SCRATCH_PATH   build folder (default .build-release; wasmbpf-oci's is SCRATCH_PATH-oci)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scratch=${SCRATCH_PATH:-.build-release}
product=${1:-wasmbpf-run}
case "$product" in
  wasmbpf-run | wasmbpf-oci) ;;
  *) echo "build-release: unknown product $product (wasmbpf-run or wasmbpf-oci)" >&2; exit 2 ;;
esac

if [ "$product" = wasmbpf-oci ]; then
  # The registry client resolves host names through glibc's NSS, which a static
  # binary can only use with the very glibc it was linked against: this one keeps the
  # Swift runtime linked in and the C libraries shared. Its own build folder: the
  # flags differ from wasmbpf-run's, and SwiftPM rebuilds every module when they
  # change, so one folder for both would rebuild everything at each alternation.
  swift build -c release --static-swift-stdlib --product "$product" \
    --scratch-path "$scratch-oci" >&2
  echo "$scratch-oci/release/$product"
  exit 0
fi

order=$PWD/Scripts/release-symbol-order.txt
# The link map: Scripts/gen-startup-order.py reads where each input section landed
# from it, beside the binary. lld writes it into the build folder itself, which
# exists when the link runs (the `release` link to the products is only made after
# a first build), and it is moved beside the binary afterwards.
case $scratch in
  /*) map=$scratch/wasmbpf-run.map ;;
  *) map=$PWD/$scratch/wasmbpf-run.map ;;
esac
sections=$PWD/Scripts/release-startup-sections.ld
for binary in "$scratch"/release/wasmbpf-run "$scratch"/*/release/wasmbpf-run; do
  if [ -f "$binary" ] && { [ "$order" -nt "$binary" ] || [ "$sections" -nt "$binary" ] ||
    [ ! -f "$binary.map" ]; }; then rm -f "$binary"; fi
done
codegen=(
  -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
  -Xswiftc -Xfrontend -Xswiftc -function-sections
)
# The Swift compiler keeps an existing object file when the hash of its LLVM IR
# (the object's .swift_modhash section) is unchanged, and code generation options
# such as -function-sections are not part of that hash: a build folder made with
# other options would keep its objects, one text section each, whatever the flags
# say. So objects are dropped once when the options differ from the last build's.
stamp=$scratch/wasmbpf-run-codegen
if [ -d "$scratch" ] && [ "$(cat "$stamp" 2>/dev/null)" != "${codegen[*]}" ]; then
  find "$scratch" -path '*/release/*.build/*.swift.o' -delete
  rm -f "$scratch"/release/wasmbpf-run "$scratch"/*/release/wasmbpf-run
fi
swift build -c release --static-swift-stdlib --disable-local-rpath --product wasmbpf-run \
  --scratch-path "$scratch" "${codegen[@]}" \
  -Xswiftc -use-ld=lld -Xswiftc -Xclang-linker -Xswiftc -static-pie \
  -Xlinker -z -Xlinker pack-relative-relocs -Xlinker -z -Xlinker max-page-size=65536 \
  -Xlinker --no-export-dynamic \
  -Xlinker "--symbol-ordering-file=$order" -Xlinker --no-warn-symbol-ordering \
  -Xlinker -T -Xlinker "$sections" -Xlinker "-Map=$map" >&2
if [ -f "$map" ]; then mv -f "$map" "$scratch/release/wasmbpf-run.map"; fi
echo "${codegen[*]}" >"$stamp"
echo "$scratch/release/wasmbpf-run"
