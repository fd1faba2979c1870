#!/usr/bin/env bash
# A short smoke run of the Benchmarks package, for CI: the package builds (so its
# visitors and harness keep compiling against WasmCore/WasmInterp), every compute
# kernel runs on WasmInterp and on WasmKit 0.4.2 with the same checksum, the body
# decoders of both count the same instructions on the kernels, a few hundred random
# modules behave the same on both (wasmbpf-difftest), and the Wasm 3.0 kernels give
# wasmtime's checksums (its PyPI package, in a venv of its own under Benchmarks/work).
# A debug build, and nothing timed: this checks that everything agrees, not how fast
# it is.
#
#   BENCH_SCRATCH_PATH  build folder of the Benchmarks package (default Benchmarks/.build-smoke)
#   SMOKE_MODULES       difftest modules (default 300)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="${BENCH_SCRATCH_PATH:-$root/Benchmarks/.build-smoke}"
modules="${SMOKE_MODULES:-300}"

"$root/Scripts/build-bench-modules.sh" --kernels-only
# The wasmtime peer of the wasmtime/ benchmarks (pinned; PEP 668 keeps pip out of
# the system Python, hence the venv).
venv="$root/Benchmarks/work/peer-venv"
if [ ! -x "$venv/bin/python3" ] || ! "$venv/bin/python3" -c "import wasmtime" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet wasmtime==51.0.0
fi
swift build --package-path "$root/Benchmarks" --scratch-path "$scratch" --product wasmbpf-bench
swift build --package-path "$root/Benchmarks" --scratch-path "$scratch" --product wasmbpf-difftest
bin="$(swift build --package-path "$root/Benchmarks" --scratch-path "$scratch" --show-bin-path)"

# --check: each benchmark's set-up compares the two sides, then each runs once,
# untimed; the tool exits 1 when any disagrees or fails.
"$bin/wasmbpf-bench" --check kernel/
"$bin/wasmbpf-bench" --check wasmtime/
"$bin/wasmbpf-bench" --check --modules "$root/Benchmarks/work/kernels" decode-bodies/
# Fixed seeds, so that a run is reproducible; a mismatch names its seed, and
# `--seed N --count 1` replays it. (Long runs with other seeds: Benchmarks/README.md.)
"$bin/wasmbpf-difftest" --seed 4000000 --count "$modules" --out "$(mktemp -d)"
