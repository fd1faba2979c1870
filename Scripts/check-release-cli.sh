#!/usr/bin/env bash
# Builds wasmbpf-run the way README.md's install step builds it
# (Scripts/build-release.sh: release, one static PIE) and checks the binary: no
# shared library is loaded, no registry library is linked, and it runs a WASI command
# and an exported function; then the install step, into a scratch prefix, with
# wasmbpf-oci beside it (a registry command exec'd through it). CI runs this before
# the tests, so that the documented build and install cannot break unnoticed.
#
# Then, on the kernel (root, tracefs mounted, as CI runs it), the lifetime the
# optimiser could break and a debug build would hide: a guest closes its BPF object
# from inside its own ring-buffer callback while the poll is iterating that buffer;
# the poll must finish on its own references, and everything must be released.
#
#   SCRATCH_PATH   build folder (default .build-release; wasmbpf-oci's: SCRATCH_PATH-oci)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
binary=$(Scripts/build-release.sh | tail -n 1)

fail() {
  echo "check-release-cli: $*" >&2
  exit 1
}

# One static binary (Scripts/build-release.sh): no program interpreter, no shared
# library, still position-independent (ASLR).
if readelf -l "$binary" | grep -q 'INTERP\|Requesting program interpreter'; then
  readelf -l "$binary" >&2
  fail "$binary is dynamically linked"
fi
if readelf -d "$binary" | grep -q 'NEEDED'; then
  readelf -d "$binary" >&2
  fail "$binary needs shared libraries"
fi
readelf -h "$binary" | grep -q 'DYN (Position-Independent' || fail "$binary is not a PIE"
# Running a local file must not pay for the registry client: none of SwiftNIO,
# AsyncHTTPClient or BoringSSL is linked into wasmbpf-run (wasmbpf-oci holds them).
if nm "$binary" | grep -q '7NIOCore\|15AsyncHTTPClient\|CNIOBoringSSL_'; then
  fail "$binary links the registry client's libraries"
fi

# Start-up code is packed in the order of Scripts/release-symbol-order.txt, which
# needs each Swift function in a section of its own (-function-sections; without it
# an object's code moves as one block and about 57% of consecutive listed functions
# come out in order, docs/performance.md "Round 4"). Our modules' listed functions
# must appear in the binary in the list's order.
python3 - "$binary" Scripts/release-symbol-order.txt <<'PY' || fail "start-up functions are not in the symbol order"
import re, subprocess, sys
binary, order = sys.argv[1], sys.argv[2]
own = re.compile(r"^\$s(10WasmInterp|8WasmCore|10WasmbpfCLI|12WasmbpfGuest|12WasiPreview1)")
where = {}
for line in subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in "tT" and own.match(parts[2]):
        where[parts[2]] = int(parts[0], 16)
placed = [where[name] for name in (line.strip() for line in open(order)) if name in where]
ascending = sum(1 for a, b in zip(placed, placed[1:]) if b >= a)
if len(placed) < 100 or ascending < 0.95 * (len(placed) - 1):
    sys.exit(f"{ascending} of {len(placed) - 1} consecutive listed functions in order")
PY

# The functions without a symbol (private linkage) that start-up runs are placed by
# Scripts/release-startup-sections.ld in .text.startup, before .text: without it they
# stay in their objects' code, five 64 KB windows apart (docs/performance.md, "Round 5 rss3").
readelf -SW "$binary" | grep -q ' \.text\.startup ' || fail "no .text.startup section: the start-up linker script was not applied"
# File offsets congruent with addresses modulo 64 KB (-z max-page-size=65536), so
# that a fault maps one 64 KB page-cache folio, not two.
while read -r type offset address _; do
  if [[ $type == LOAD ]] && (((address - offset) % 65536)); then
    fail "a LOAD segment's file offset ($offset) and address ($address) differ modulo 64 KB"
  fi
done < <(readelf -lW "$binary")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/hello.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from the release build\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 29))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $proc_exit (i32.const 7)))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))
WAT

status=0
output=$("$binary" "$work/hello.wat") || status=$?
[[ "$output" == "hello from the release build" ]] || fail "unexpected output: $output"
[[ $status -eq 7 ]] || fail "exit status $status, expected 7"
[[ "$("$binary" --invoke add "$work/hello.wat" 2 40)" == "42" ]] || fail "--invoke add failed"
"$binary" --version >/dev/null || fail "--version failed"

# The install step (Scripts/install.sh): the binary, completion scripts and man page,
# generated and checked by Scripts/generate-docs.sh, into a scratch prefix.
Scripts/install.sh --prefix "$work/prefix"
for file in bin/wasmbpf-run share/bash-completion/completions/wasmbpf-run \
  share/zsh/site-functions/_wasmbpf-run share/fish/vendor_completions.d/wasmbpf-run.fish \
  share/man/man1/wasmbpf-run.1; do
  [[ -s "$work/prefix/$file" ]] || fail "the install step left no $file"
done
cmp -s "$binary" "$work/prefix/bin/wasmbpf-run" || fail "the installed binary is not the release build"
[[ -x "$work/prefix/bin/wasmbpf-oci" ]] || fail "the install step left no bin/wasmbpf-oci"
# The installed wasmbpf-run execs its sibling for the registry's commands: an empty
# cache (no registry needed) lists through wasmbpf-oci.
status=0
output=$(WASMBPF_CACHE_DIR="$work/cache" "$work/prefix/bin/wasmbpf-run" cache list 2>&1) || status=$?
[[ $status -eq 0 && "$output" == *"(empty)"* ]] ||
  fail "wasmbpf-run cache list (through wasmbpf-oci): status $status: $output"

Scripts/build-fixtures.sh >/dev/null
hostile=Fixtures/generated/bpf/guests/hostile.wasm
# Execs for the guest's exec tracepoint while it waits for one.
( for _ in $(seq 1 200); do /bin/true; sleep 0.05; done ) &
execs=$!
status=0
output=$("$binary" -v "$hostile" -m close -t 10000 2>"$work/stderr") || status=$?
kill "$execs" 2>/dev/null || true
wait "$execs" 2>/dev/null || true
grep -qx "close-in-callback 0" <<<"$output" || fail "no close inside the callback: $output $(cat "$work/stderr")"
grep -qx "events 1" <<<"$output" || fail "no event before the close: $output"
grep -qx "stale-after-close -22" <<<"$output" || fail "the closed object is still usable: $output"
[[ $status -eq 0 ]] || fail "closing inside a callback: exit status $status: $(cat "$work/stderr")"
grep -q "BPF descriptors still open: 0" "$work/stderr" || fail "BPF descriptors left: $(cat "$work/stderr")"
echo "check-release-cli: $binary ($(du -h "$binary" | cut -f1)) is self-contained and runs; a guest closing its object inside its callback is safe in the release build"
