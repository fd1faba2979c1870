#!/usr/bin/env bash
# Builds wasmbpf-run for use (Scripts/build-release.sh) and installs it with its shell
# completions (bash, zsh, fish) and man page, all generated from its argument parser,
# and beside it wasmbpf-oci, which it execs for push, pull, cache and oci: references:
#   PREFIX/bin/wasmbpf-run
#   PREFIX/bin/wasmbpf-oci
#   PREFIX/share/bash-completion/completions/wasmbpf-run
#   PREFIX/share/zsh/site-functions/_wasmbpf-run
#   PREFIX/share/fish/vendor_completions.d/wasmbpf-run.fish
#   PREFIX/share/man/man1/wasmbpf-run.1
#
# Usage: Scripts/install.sh [--prefix DIR]   (default /usr/local; sudo when needed)
#   DESTDIR   stage the files under this folder (packaging)
#   SCRATCH_PATH   build folder (default .build-release; wasmbpf-oci's: SCRATCH_PATH-oci)
#
# The man page comes from swift-argument-parser's generate-manual tool (the engine of
# its `generate-manual` package plugin), built from the package's own checkout and run
# on the release binary. The plugin itself would rebuild every product of the package
# in its own configuration, relinking the binary without the Swift runtime inside.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
prefix=/usr/local
while [[ $# -gt 0 ]]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
scratch=${SCRATCH_PATH:-.build-release}
root="${DESTDIR:-}$prefix"

binary=$(Scripts/build-release.sh | tail -n 1)
registry=$(Scripts/build-release.sh wasmbpf-oci | tail -n 1)
generated=$(Scripts/generate-docs.sh "$binary" | tail -n 1)

sudo=""
mkdir -p "$root" 2>/dev/null || true
if [[ ! -w "$root" && "$(id -u)" -ne 0 ]]; then
  sudo="sudo"
fi
$sudo install -D -m 755 "$binary" "$root/bin/wasmbpf-run"
$sudo install -D -m 755 "$registry" "$root/bin/wasmbpf-oci"
$sudo install -D -m 644 "$generated/wasmbpf-run.bash" \
  "$root/share/bash-completion/completions/wasmbpf-run"
$sudo install -D -m 644 "$generated/_wasmbpf-run" "$root/share/zsh/site-functions/_wasmbpf-run"
$sudo install -D -m 644 "$generated/wasmbpf-run.fish" \
  "$root/share/fish/vendor_completions.d/wasmbpf-run.fish"
$sudo install -D -m 644 "$generated/wasmbpf-run.1" "$root/share/man/man1/wasmbpf-run.1"
echo "install: wasmbpf-run, wasmbpf-oci, the completions and the man page are in $root" >&2
