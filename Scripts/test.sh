#!/usr/bin/env bash
# Builds wasmbpf and runs its tests. First builds the test fixtures
# (Scripts/build-fixtures.sh) and converts the spec testsuite when needed
# (Scripts/convert-spec.sh; ../shared/spec, or SPEC_DIR); both are quick when
# already done.
#
#   SCRATCH_PATH   a build folder other than .build (passed to --scratch-path)
#
# `swift test` runs last, so its summary closes the output.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/build-fixtures.sh
Scripts/convert-spec.sh

swift_flags=()
if [[ -n "${SCRATCH_PATH:-}" ]]; then
  swift_flags+=(--scratch-path "$SCRATCH_PATH")
fi

swift build "${swift_flags[@]}"
exec swift test "${swift_flags[@]}"
