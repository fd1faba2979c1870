#!/usr/bin/env bash
# Builds wasmbpf and runs its tests. First sets up the machine
# (Scripts/setup-machine.sh: Debian packages, tracefs and bpffs; quick when done), then
# builds the test fixtures and the bundled tools (Scripts/build-fixtures.sh,
# Scripts/build-examples.sh). The spec tests read the testsuite's .wast files from
# ../shared/spec (or WASMBPF_SPEC_DIR).
#
#   SCRATCH_PATH   a build folder other than .build (passed to --scratch-path)
#
# `swift test` runs last, so its summary closes the output.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/setup-machine.sh
Scripts/build-fixtures.sh
Scripts/build-examples.sh

swift_flags=()
if [[ -n "${SCRATCH_PATH:-}" ]]; then
  swift_flags+=(--scratch-path "$SCRATCH_PATH")
fi

swift build "${swift_flags[@]}"
exec swift test "${swift_flags[@]}"
