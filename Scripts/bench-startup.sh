#!/usr/bin/env bash
# Start-up of wasmbpf-run against WasmKit's CLI on a module whose _start does
# nothing. Builds both CLIs in release mode twice, with the Swift runtime linked
# statically (how wasmbpf-run is meant to be built for use: see README.md) and
# dynamically (SwiftPM's default), then runs the interleaved harness
# (`wasmbpf-bench startup`) on three pairs: the two static builds (like for like),
# the two dynamic builds (like for like), and our static build against WasmKit's
# default one. When installed, hyperfine runs as a cross-check.
#
#   SCRATCH_PATH        build folder of the main package (default .build)
#   BENCH_SCRATCH_PATH  build folder of the Benchmarks package (default Benchmarks/.build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=${SCRATCH_PATH:-$root/.build}
bench_scratch=${BENCH_SCRATCH_PATH:-$root/Benchmarks/.build}

# --static-swift-stdlib changes every module's build, so each variant has its own
# folder.
swift build --package-path "$root" -c release --scratch-path "$scratch" --product wasmbpf-run
swift build --package-path "$root" -c release --scratch-path "$scratch-static" \
  --static-swift-stdlib --product wasmbpf-run
swift build --package-path "$root/Benchmarks" -c release --scratch-path "$bench_scratch" \
  --product wasmkit-cli
swift build --package-path "$root/Benchmarks" -c release --scratch-path "$bench_scratch-static" \
  --static-swift-stdlib --product wasmkit-cli
swift build --package-path "$root/Benchmarks" -c release --scratch-path "$bench_scratch" \
  --product wasmbpf-bench

ours_dynamic=$scratch/release/wasmbpf-run
ours_static=$scratch-static/release/wasmbpf-run
peer_dynamic=$bench_scratch/release/wasmkit-cli
peer_static=$bench_scratch-static/release/wasmkit-cli
bench=$bench_scratch/release/wasmbpf-bench

echo "== both static (Swift runtime linked in)"
WASMBPF_RUN=$ours_static WASMKIT_CLI=$peer_static "$bench" startup
echo "== both dynamic (SwiftPM's default)"
WASMBPF_RUN=$ours_dynamic WASMKIT_CLI=$peer_dynamic "$bench" startup
echo "== ours static, WasmKit's default build"
WASMBPF_RUN=$ours_static WASMKIT_CLI=$peer_dynamic "$bench" startup

if command -v hyperfine >/dev/null; then
  module=$(mktemp --suffix=.wasm)
  trap 'rm -f "$module"' EXIT
  printf '\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0\7\12\1\6_start\0\0\12\4\1\2\0\13' >"$module"
  hyperfine -N --warmup 20 --runs 300 \
    "$ours_static $module" "$peer_static run $module" \
    "$ours_dynamic $module" "$peer_dynamic run $module" "$ours_static --version"
fi
