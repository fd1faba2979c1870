#!/usr/bin/env bash
# Whole-process comparison: wasmbpf-run as README.md builds it (Scripts/build-release.sh)
# against WasmKit 0.4.2's `wasmkit-cli` built the same way (release, Swift runtime
# linked in: --static-swift-stdlib) from the Benchmarks package, on every kernel as a
# WASI command, QuickJS and SQLite running a script, and an empty command (start-up),
# with each kernel's native executable as a third side. Interleaved rounds; wall time,
# CPU time, peak RSS; with --instructions also each process's instruction count under
# callgrind (slow: ~50 times the run; needs valgrind).
#
#   Scripts/bench-process.sh [--rounds N] [--instructions] [process/NAME...]
#
#   SCRATCH_PATH        build folder of the release CLI (default .build-release)
#   BENCH_SCRATCH_PATH  build folder of the Benchmarks package (default Benchmarks/.build)
# WasmKit's static CLI is built in "$BENCH_SCRATCH_PATH-static" (never committed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench_scratch=${BENCH_SCRATCH_PATH:-$root/Benchmarks/.build}

ours=$("$root/Scripts/build-release.sh" | tail -n 1)
case $ours in /*) ;; *) ours=$root/$ours ;; esac
swift build --package-path "$root/Benchmarks" -c release --scratch-path "$bench_scratch-static" \
  --static-swift-stdlib --product wasmkit-cli >&2
peer=$bench_scratch-static/release/wasmkit-cli
swift build --package-path "$root/Benchmarks" -c release --scratch-path "$bench_scratch" \
  --product wasmbpf-bench >&2
bench=$bench_scratch/release/wasmbpf-bench

if [ ! -f "$root/Benchmarks/work/modules/sqlite.wasm" ] || [ ! -d "$root/Benchmarks/work/native" ]; then
  "$root/Scripts/build-bench-modules.sh" >&2
fi

filters=()
for argument in "$@"; do
  case $argument in process*) filters+=("$argument") ;; esac
done
[ ${#filters[@]} -eq 0 ] && filters=(process)
options=()
for argument in "$@"; do
  case $argument in process*) ;; *) options+=("$argument") ;; esac
done

# valgrind cannot read Swift 6.3's DWARF ("possibly corrupted debuginfo"): the counted
# runs use copies without it, which execute the same code.
if [[ " ${options[*]-} " == *" --instructions "* ]]; then
  stripped=$(mktemp -d)
  trap 'rm -rf "$stripped"' EXIT
  objcopy --strip-debug "$ours" "$stripped/wasmbpf-run"
  objcopy --strip-debug "$peer" "$stripped/wasmkit-cli"
  ours=$stripped/wasmbpf-run
  peer=$stripped/wasmkit-cli
fi

echo "ours: $ours ($(du -h "$ours" | cut -f1)), WasmKit: $peer ($(du -h "$peer" | cut -f1))"
WASMBPF_RUN=$ours WASMKIT_CLI=$peer "$bench" "${options[@]}" "${filters[@]}"
