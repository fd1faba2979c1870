#!/usr/bin/env bash
# Builds the node agent's OCI image from scratch with buildah: the release binaries
# (wasmbpfd, wasmbpfctl, wasmbpf-run; Swift runtime linked in), the shared libraries
# they load (libbpf, libelf, zlib, libstdc++, glibc and the loader, as ldd lists them)
# and the CA bundle registries are verified against, and nothing else: no shell, no
# package manager.
#
#   Scripts/build-agent-image.sh [IMAGE]     (default localhost/wasmbpfd:dev)
#   SCRATCH_PATH    build folder (default .build-release-oci, where the install step
#                   built wasmbpf-oci with the same flags, so NIO and the registry
#                   client are compiled once; .build-static for debug)
#   CONFIGURATION   release (default) or debug (a quicker image for trying things;
#                   its own folder, because objects built for a static link do not
#                   link dynamically, and .build is the tests' dynamic build)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
image=${1:-localhost/wasmbpfd:dev}
configuration=${CONFIGURATION:-release}
case "$configuration" in
  release) scratch=${SCRATCH_PATH:-.build-release-oci} ;;
  debug) scratch=${SCRATCH_PATH:-.build-static} ;;
  *) echo "build-agent-image: CONFIGURATION is release or debug" >&2; exit 2 ;;
esac

# wasmbpf-run only in release: without the release build's dead stripping, its static
# link misses Foundation's internal libraries (it does not import Foundation itself).
products=(wasmbpfd wasmbpfctl)
[[ "$configuration" == release ]] && products+=(wasmbpf-run)
binaries=()
for product in "${products[@]}"; do
  swift build -c "$configuration" --static-swift-stdlib --product "$product" \
    --scratch-path "$scratch" >&2
  binaries+=("$scratch/$configuration/$product")
done

root=$(mktemp -d)
container=""
cleanup() {
  [[ -n "$container" ]] && buildah rm "$container" >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT

mkdir -p "$root/usr/bin" "$root/tmp" "$root/run/wasmbpfd" "$root/etc/wasmbpfd/tools" \
  "$root/var/lib/wasmbpfd/modules" "$root/var/cache/wasmbpfd" "$root/etc/ssl/certs"
# The trust store HTTPS registries are verified against (module.oci).
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
chmod 1777 "$root/tmp"
for binary in "${binaries[@]}"; do
  if ldd "$binary" | grep -q libswift; then
    echo "build-agent-image: $binary loads Swift shared libraries" >&2
    exit 1
  fi
  install -m 0755 --strip "$binary" "$root/usr/bin/"
  # Every library the loader resolves, at the path it resolves it to (symlinks
  # followed), plus the loader itself.
  ldd "$binary" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r library; do
    mkdir -p "$root$(dirname "$library")"
    cp -L "$library" "$root$library"
  done
done
# glibc's name-service modules are not needed: the agent resolves no user names.

container=$(buildah from scratch)
buildah copy "$container" "$root" / >/dev/null
buildah config \
  --entrypoint '["/usr/bin/wasmbpfd"]' \
  --cmd '["--socket=/run/wasmbpfd/wasmbpfd.sock", "--tool-dir=/etc/wasmbpfd/tools", "--allow-dir=/var/lib/wasmbpfd/modules"]' \
  --label org.opencontainers.image.title=wasmbpfd \
  --label org.opencontainers.image.description="wasmbpf node agent" \
  --stop-signal SIGTERM \
  "$container"
buildah commit --quiet "$container" "$image" >/dev/null
echo "build-agent-image: $image ($configuration; $(du -sh "$root" | cut -f1) in $(find "$root" -type f | wc -l) files)"
find "$root" -type f | sed "s|^$root||" | sort
