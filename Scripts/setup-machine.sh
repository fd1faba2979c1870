#!/usr/bin/env bash
# Prepares a Debian 12 machine to build, test and run wasmbpf (root, or a user with
# sudo): installs the Debian packages below and mounts tracefs and bpffs. Quick when
# done already: apt runs only when a package is missing. CI (.ci/run) and the demo
# (Scripts/demo.sh) both start here. The Swift toolchain is expected on PATH.
set -euo pipefail

sudo=""
if [[ "$(id -u)" -ne 0 ]]; then
  sudo="sudo"
fi

if ! command -v swift >/dev/null; then
  echo "setup-machine: no swift on PATH: install the Swift 6 toolchain (swift.org) first" >&2
  exit 1
fi

# One package a line, sorted. The registry tests (Tests/WasmbpfOCITests) start their
# own docker-registry servers on free ports; no registry service is started here.
packages=(
  apache2-utils              # htpasswd, for the registry tests' Basic auth
  bpftool                    # BPF objects: vmlinux.h for the examples; kernel tests
  ca-certificates            # the system trust store the registry client verifies with
  docker-registry            # the CNCF distribution server the registry tests run
  groff-base                 # renders the man page (tests check it)
  hyperfine                  # Scripts/bench-startup.sh's cross-check of start-up times
  iproute2                   # network namespaces for the XDP example's test
  libbpf-dev                 # the BpfSys module (libbpf)
  libclang-rt-14-dev-wasm32  # wasm32 compiler builtins (Scripts/wasi-toolchain.sh)
  libelf-dev                 # libbpf's dependency
  openssl                    # keys and certificates for the registry tests' TLS and tokens
  prometheus                 # promtool checks the node agent's metrics (tests)
  python3                    # the code generators (Scripts/gen-instructions.py)
  python3-venv               # fuzz.sh's venv (wasm-tools smith, wast2json) and the wasmtime peer (bench-smoke.sh)
  skopeo                     # reads what we push, copies images for us (registry tests)
  umoci                      # builds the ordinary OCI images the registry tests run
  wasi-libc                  # the wasm32-wasi C library for guests
  zlib1g-dev                 # libbpf's dependency (and the registry client's gzip)
)

missing=()
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

# eBPF tracepoints attach through tracefs; objects are pinned in bpffs. Neither is
# mounted at boot on every machine.
mount_if_absent() {
  local type="$1" directory="$2"
  if mountpoint -q "$directory" 2>/dev/null; then
    return
  fi
  if ! { $sudo mkdir -p "$directory" && $sudo mount -t "$type" "$type" "$directory"; }; then
    echo "setup-machine: warning: could not mount $type at $directory" >&2
  fi
}
mount_if_absent tracefs /sys/kernel/tracing
mount_if_absent bpf /sys/fs/bpf
