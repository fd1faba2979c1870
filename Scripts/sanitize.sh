#!/usr/bin/env bash
# Runs the tests under a sanitizer; any report fails the run.
#
# Usage: Scripts/sanitize.sh address|thread
#   address  the whole test suite under AddressSanitizer (.build-asan)
#   thread   the tests that use threads (interrupts, signals, polls, timeouts, the
#            command line's watcher, parallel body validation) under ThreadSanitizer
#            (.build-tsan)
#
# Every binary the tests spawn (wasmbpf-run, wasmbpf-fuzz) comes from the same
# sanitized build, so their reports count too: a sanitizer that reports makes the
# process exit with a status the tests do not expect.
set -euo pipefail

mode="${1:?usage: Scripts/sanitize.sh address|thread}"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
Scripts/build-fixtures.sh >/dev/null

case "$mode" in
  address)
    scratch=.build-asan
    filter=()
    # halt_on_error: the first report ends the process. detect_leaks=0: LeakSanitizer
    # reports XCTest's and the Swift runtime's own one-time allocations, and global
    # tables whose pointers Swift packs with an enum tag (it cannot see those); the
    # leaks that matter are checked as descriptors and memory (Fuzz/README.md).
    export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1"
    ;;
  thread)
    scratch=.build-tsan
    filter=(--filter 'InterruptTests|BlockedGuestTests|RunEndToEndTests|KernelEndToEndTests|GuestEndToEndTests|BpfHostTests|WastLimitsTests|GuestFixtureRunTests|BpfKernelTests|BodyValidationTests')
    export TSAN_OPTIONS="halt_on_error=1:abort_on_error=1"
    ;;
  *)
    echo "usage: Scripts/sanitize.sh address|thread" >&2
    exit 2
    ;;
esac

# The Swift runtime's crash handler would read thread stacks under the sanitizer and
# report itself instead of the crash: the sanitizer reports crashes.
export SWIFT_BACKTRACE=enable=no
# Tests whose guest must start before a --timeout scale it (Tests/WasmbpfCLITests/
# Subprocess.swift): a sanitized start-up takes several times as long.
export WASMBPF_TEST_TIME_SCALE=10

swift build --build-tests --sanitize="$mode" --scratch-path "$scratch"
swift test --skip-build --sanitize="$mode" --scratch-path "$scratch" "${filter[@]}"
