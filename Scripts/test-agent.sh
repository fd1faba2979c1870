#!/usr/bin/env bash
# The node agent's checks beyond `swift test` (which runs its unit, API and kernel
# tests): installs what they need (Debian: podman, buildah, runc; PyPI: schemathesis,
# kubernetes-validate, pinned), then
#   1. deploy/kubernetes/ against the Kubernetes schemas (Scripts/check-deploy.sh),
#   2. schemathesis against the OpenAPI document (Scripts/fuzz-agent-api.sh),
#   3. the from-scratch image with podman on the kernel (Scripts/test-agent-container.sh).
# Expects the debug build and the fixtures (Scripts/test.sh makes both). Prints each
# step's time.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

sudo=""
if [[ "$(id -u)" -ne 0 ]]; then
  sudo="sudo"
fi

step() {
  local label="$1"
  shift
  local start=$SECONDS
  "$@"
  echo "test-agent: $label took $((SECONDS - start)) s"
}

install_tools() {
  local packages=(buildah podman runc)
  local missing=()
  for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if ((${#missing[@]} > 0)); then
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update
    $sudo apt-get install -y --no-install-recommends "${missing[@]}"
  fi
  python3 -m pip install --quiet --disable-pip-version-check \
    schemathesis==4.32.5 kubernetes-validate==1.37.0
}

step "installing podman, buildah, runc, schemathesis, kubernetes-validate" install_tools
step "checking deploy/kubernetes" Scripts/check-deploy.sh .build/debug/wasmbpfd
step "fuzzing the API" Scripts/fuzz-agent-api.sh 60
# The release image, as deployed (the CLI's release modules are already built by the
# demo step in .build-release; this adds the server packages, optimized).
step "the container test" Scripts/test-agent-container.sh
