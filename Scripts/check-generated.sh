#!/usr/bin/env bash
# Fails when a generated file differs from what its generator makes of the
# committed inputs: Scripts/gen-instructions.py (the instruction table) and
# Scripts/gen-handler-replicas.py (the handler copies) write into a temporary folder,
# which is compared with the repository. Run by .ci/run.
# (Scripts/gen-bpf-helper-table.sh is not checked: its input is the system's kernel
# header, which differs between machines.)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

python3 "$root/Scripts/gen-instructions.py" --output "$out" >/dev/null
python3 "$root/Scripts/gen-handler-replicas.py" --output "$out" >/dev/null
status=0
while IFS= read -r file; do
  relative="${file#"$out"/}"
  if ! diff -u "$root/$relative" "$file" >"$out.diff" 2>&1; then
    echo "error: $relative differs from what its generator makes:" >&2
    head -n 40 "$out.diff" >&2
    status=1
  fi
done < <(find "$out" -type f | sort)
rm -f "$out.diff"
if [[ $status -ne 0 ]]; then
  echo "Edit Sources/WasmCore/Instructions/instructions.txt or the lists in Scripts/gen-handler-replicas.py (not the generated files) and run the generator." >&2
  exit 1
fi
echo "generated files match their generators"
