#!/usr/bin/env bash
# The main job, on a fresh Debian 12 machine (root, or a user with sudo): sets up the
# machine (Scripts/setup-machine.sh), builds the release wasmbpf-run
# (Scripts/build-release.sh, as the install step does) and the bundled tools
# (Scripts/build-examples.sh), then runs one, execsnoop, under its shipped policy for
# DEMO_SECONDS (default 10) or until Ctrl-C, printing every program started on the
# machine as it starts. So that there is something to see on an idle machine, this
# script starts one harmless program a second while the tool runs.
#
# Fails when the tool fails or shows no exec at all (CI runs this script).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${DEMO_SECONDS:-10}
sudo=""
if [[ "$(id -u)" -ne 0 ]]; then
  sudo="sudo"
fi

step() { printf '\n==> %s\n' "$*" >&2; }

step "Setting up the machine (Debian packages, tracefs, bpffs)"
Scripts/setup-machine.sh
step "Building wasmbpf-run (release, Swift runtime linked in)"
binary=$(Scripts/build-release.sh | tail -n 1)
step "Building the bundled tools (Examples/)"
Scripts/build-examples.sh

log=$(mktemp)
ticker=""
cleanup() {
  if [[ -n "$ticker" ]]; then kill "$ticker" 2>/dev/null || true; fi
  rm -f "$log"
}
trap cleanup EXIT

step "Running execsnoop for ${seconds}s (Ctrl-C stops it): every exec on this machine"
echo "    ${sudo:+$sudo }$binary --bpf-policy Examples/execsnoop/execsnoop.toml \\" >&2
echo "        Examples/generated/execsnoop.wasm -d $seconds" >&2
echo >&2
# One exec a second, labelled, so an idle machine shows something too. A background
# job of a script ignores the terminal's Ctrl-C; cleanup ends it.
(
  count=0
  while sleep 1; do
    count=$((count + 1))
    /bin/true "demo exec $count from Scripts/demo.sh"
  done
) &
ticker=$!

# tee -i keeps the log through Ctrl-C; the tool flushes each line as it prints it.
status=0
$sudo "$binary" --bpf-policy Examples/execsnoop/execsnoop.toml \
  Examples/generated/execsnoop.wasm -d "$seconds" | tee -i "$log" || status=${PIPESTATUS[0]}

events=$(grep -c -v -e '^TIME ' "$log" || true)
echo >&2
# 0: the duration passed; 130: Ctrl-C (SIGINT), the runtime detached everything.
if [[ $status -ne 0 && $status -ne 130 ]]; then
  echo "demo: execsnoop failed with exit status $status" >&2
  exit 1
fi
if [[ $events -eq 0 ]]; then
  echo "demo: execsnoop showed no exec at all (this script starts one a second)" >&2
  exit 1
fi
cat >&2 <<TEXT
demo: execsnoop showed $events exec(s). The other bundled tools (Examples/README.md):
  ${sudo:+$sudo }$binary --bpf-policy Examples/opensnoop/opensnoop.toml Examples/generated/opensnoop.wasm
  ${sudo:+$sudo }$binary --bpf-policy Examples/runqlat/runqlat.toml Examples/generated/runqlat.wasm -d 5
Install wasmbpf-run with its completions and man page: Scripts/install.sh
TEXT
