#!/usr/bin/env bash
# Generates wasmbpf-run's shell completions (bash, zsh, fish) and its man page from
# its argument parser, and checks them: the bash script parses (so do the zsh and fish
# ones where those shells are installed), and the man page renders with groff without
# a warning and covers every subcommand and the run options. Prints the folder that
# holds them on its last line. Scripts/install.sh installs them.
#
# Usage: Scripts/generate-docs.sh BINARY
#   SCRATCH_PATH   build folder whose package checkouts hold swift-argument-parser
#                  (default .build-release); the generator is built under it
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
binary=${1:?usage: Scripts/generate-docs.sh BINARY}
scratch=${SCRATCH_PATH:-.build-release}
out="$scratch/generated-docs"
mkdir -p "$out"

fail() {
  echo "generate-docs: $*" >&2
  exit 1
}

# Completion scripts: ArgumentParser writes them for the whole command tree.
"$binary" --generate-completion-script bash >"$out/wasmbpf-run.bash"
"$binary" --generate-completion-script zsh >"$out/_wasmbpf-run"
"$binary" --generate-completion-script fish >"$out/wasmbpf-run.fish"
bash -n "$out/wasmbpf-run.bash" || fail "the bash completion script does not parse"
if command -v zsh >/dev/null; then zsh -n "$out/_wasmbpf-run" || fail "zsh script"; fi
if command -v fish >/dev/null; then fish -n "$out/wasmbpf-run.fish" || fail "fish script"; fi
for script in "$out/wasmbpf-run.bash" "$out/_wasmbpf-run" "$out/wasmbpf-run.fish"; do
  for word in inspect validate wast bpf-policy; do
    grep -q -- "$word" "$script" || fail "$script does not complete '$word'"
  done
done

# The man page: swift-argument-parser's generate-manual, built from the checkout the
# package resolved (the same version the binary was built with).
checkout=$(swift package --scratch-path "$scratch" show-dependencies --format json |
  sed -n 's/^ *"path" *: *"\(.*\/swift-argument-parser\)",*$/\1/p' | head -n 1)
[[ -n "$checkout" && -f "$checkout/Tools/generate-manual/GenerateManual.swift" ]] ||
  fail "no swift-argument-parser checkout with Tools/generate-manual under $scratch"
swift build --package-path "$checkout" --scratch-path "$scratch/generate-manual" \
  --product generate-manual >&2
generator="$scratch/generate-manual/debug/generate-manual"
date=$(git log -1 --format=%cs 2>/dev/null || date +%F)
"$generator" "$binary" --date "$date" --output-directory "$out" >&2
page="$out/wasmbpf-run.1"
[[ -s "$page" ]] || fail "generate-manual wrote no $page"
# mdoc wants paragraphs as .Pp, not blank lines (the help texts' paragraph breaks).
sed -i 's/^$/.Pp/' "$page"

rendered=$(groff -mdoc -Tascii -P-cbou -ww "$page" 2>"$out/groff-warnings") ||
  fail "groff could not render $page"
[[ ! -s "$out/groff-warnings" ]] || fail "groff warned: $(cat "$out/groff-warnings")"
rm -f "$out/groff-warnings"
for word in run inspect validate wast --bpf-policy --dir --timeout; do
  grep -q -- "$word" <<<"$rendered" || fail "the man page does not mention $word"
done
echo "generate-docs: completions and man page in $out" >&2
echo "$out"
