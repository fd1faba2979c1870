#!/usr/bin/env bash
# Builds wasmbpf and runs its tests, converting the spec testsuite first when
# needed (Scripts/convert-spec.sh; ../shared/spec, or SPEC_DIR).
#
#   SCRATCH_PATH   a build folder other than .build (passed to --scratch-path)
#
# `swift test` runs last, so its summary closes the output.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/convert-spec.sh

swift_flags=()
if [[ -n "${SCRATCH_PATH:-}" ]]; then
  swift_flags+=(--scratch-path "$SCRATCH_PATH")
fi

swift build "${swift_flags[@]}"
exec swift test "${swift_flags[@]}"
