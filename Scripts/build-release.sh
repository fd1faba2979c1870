#!/usr/bin/env bash
# Builds wasmbpf-run for use: release, with the Swift runtime linked in
# (--static-swift-stdlib), so the binary runs on machines without a Swift toolchain
# (it needs only Debian's libbpf1, libelf1, zlib1g and libstdc++6). Prints the binary's
# path on its last line. The install (Scripts/install.sh), the demo (Scripts/demo.sh)
# and CI's check (Scripts/check-release-cli.sh) all build through here.
#
# Usage: Scripts/build-release.sh [PRODUCT]
#   PRODUCT        wasmbpf-run (the default), or wasmbpf-oci: the registry commands,
#                  which wasmbpf-run execs from its own folder (docs/oci.md)
#   SCRATCH_PATH   build folder (default .build-release)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scratch=${SCRATCH_PATH:-.build-release}
product=${1:-wasmbpf-run}
case "$product" in
  wasmbpf-run | wasmbpf-oci) ;;
  *) echo "build-release: unknown product $product (wasmbpf-run or wasmbpf-oci)" >&2; exit 2 ;;
esac

swift build -c release --static-swift-stdlib --product "$product" --scratch-path "$scratch" >&2
echo "$scratch/release/$product"
