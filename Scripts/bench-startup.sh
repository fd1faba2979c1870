#!/usr/bin/env bash
# Start-up of wasmbpf-run against WasmKit's CLI on a module whose _start does
# nothing: builds both in release mode, then runs the interleaved harness
# (`wasmbpf-bench startup`) and, when installed, hyperfine as a cross-check.
#
#   SCRATCH_PATH   build folder of the main package (default .build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=${SCRATCH_PATH:-$root/.build}
bench_scratch=${BENCH_SCRATCH_PATH:-$root/Benchmarks/.build}

swift build --package-path "$root" -c release --scratch-path "$scratch" --product wasmbpf-run
swift build --package-path "$root/Benchmarks" -c release --scratch-path "$bench_scratch" \
  --product wasmkit-cli
swift build --package-path "$root/Benchmarks" -c release --scratch-path "$bench_scratch" \
  --product wasmbpf-bench
export WASMBPF_RUN="$scratch/release/wasmbpf-run"
export WASMKIT_CLI="$bench_scratch/release/wasmkit-cli"

"$bench_scratch/release/wasmbpf-bench" startup

if command -v hyperfine >/dev/null; then
  module=$(mktemp --suffix=.wasm)
  trap 'rm -f "$module"' EXIT
  printf '\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0\7\12\1\6_start\0\0\12\4\1\2\0\13' >"$module"
  hyperfine -N --warmup 20 --runs 300 \
    "$WASMBPF_RUN $module" "$WASMKIT_CLI run $module" "$WASMBPF_RUN --version"
fi
