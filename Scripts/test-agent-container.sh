#!/usr/bin/env bash
# Runs the agent's image with podman on the real kernel, as a node would: builds the
# image (Scripts/build-agent-image.sh), starts it with a tool directory holding the
# exec tracer, checks that the guest sees an exec the host makes, then stops the
# container with SIGTERM and checks that none of its BPF programs is left. First with
# --privileged, then with only CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN.
#
# On this kind of machine podman needs `--runtime runc` (crun refuses the hybrid
# cgroup layout) and --ulimit values at or below the hard limits (the machine
# withholds CAP_SYS_RESOURCE, and podman's defaults are higher).
#
#   Scripts/test-agent-container.sh           (root; fixtures built)
#   CONFIGURATION   release (default) or debug, as for Scripts/build-agent-image.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
image=localhost/wasmbpfd:test
configuration=${CONFIGURATION:-release}
scratch=${SCRATCH_PATH:-$([[ "$configuration" == debug ]] && echo .build-static || echo .build-release-oci)}
started=$(date +%s)

fail() {
  echo "test-agent-container: FAIL: $*" >&2
  exit 1
}

Scripts/build-agent-image.sh "$image" >/tmp/wasmbpfd-image.txt
cat /tmp/wasmbpfd-image.txt | head -1

# The image holds the three binaries, shared libraries and the CA bundle, nothing else.
unexpected=$(tail -n +2 /tmp/wasmbpfd-image.txt | grep -v -E '^/usr/bin/(wasmbpfd|wasmbpfctl|wasmbpf-run)$|^/(usr/)?lib(64)?/.*\.so(\.[0-9]+)*$|^/etc/ssl/certs/ca-certificates\.crt$' || true)
[[ -z "$unexpected" ]] || fail "unexpected files in the image: $unexpected"

exectrace=Fixtures/generated/bpf/guests/exectrace.wasm
[[ -f "$exectrace" ]] || fail "$exectrace missing: run Scripts/build-fixtures.sh"
ctl="$scratch/$configuration/wasmbpfctl"

work=$(mktemp -d /tmp/wasmbpfd-container-XXXXXX)
name=""
cleanup() {
  if [[ -n "$name" ]]; then podman rm -f "$name" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/tools" "$work/modules" "$work/run"
cp "$exectrace" "$work/modules/exectrace.wasm"
marker="wbpfc$$"
cat >"$work/tools/exectrace.toml" <<TOML
args = ["-n", "1000000", "-t", "600000", "-m", "$marker"]
[module]
file = "/var/lib/wasmbpfd/modules/exectrace.wasm"
[policy]
preset = "observe"
TOML

nofile=$(ulimit -Hn)
[[ "$nofile" == unlimited || "$nofile" -gt 65536 ]] && nofile=65536
nproc=$(ulimit -Hu)
[[ "$nproc" == unlimited || "$nproc" -gt 4096 ]] && nproc=4096

# Runs the image with the given extra options; checks the tracer sees a host exec;
# stops it and checks its programs are gone.
run_case() {
  local label="$1"
  shift
  name="wasmbpfd-test-$$-$label"
  rm -f "$work/run/wasmbpfd.sock"
  podman run -d --name "$name" --runtime runc \
    --ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc" \
    -v /sys/kernel/tracing:/sys/kernel/tracing -v /sys/fs/bpf:/sys/fs/bpf \
    -v "$work/run:/run/wasmbpfd" -v "$work/tools:/etc/wasmbpfd/tools:ro" \
    -v "$work/modules:/var/lib/wasmbpfd/modules:ro" \
    "$@" "$image" >/dev/null
  local socket="$work/run/wasmbpfd.sock"
  for _ in $(seq 1 100); do
    [[ -S "$socket" ]] && "$ctl" health --ready --socket "$socket" >/dev/null 2>&1 && break
    sleep 0.2
  done
  "$ctl" health --ready --socket "$socket" >/dev/null || {
    podman logs "$name" >&2
    fail "$label: the agent did not become ready"
  }
  local pid
  pid=$(podman inspect -f '{{.State.Pid}}' "$name")
  local seen=""
  for _ in $(seq 1 50); do
    cp /bin/true "$work/$marker" && "$work/$marker"
    if "$ctl" logs exectrace --socket "$socket" | grep -q "exec .* $marker"; then
      seen=yes
      break
    fi
    sleep 0.2
  done
  if [[ -z "$seen" ]]; then
    "$ctl" list --socket "$socket" >&2 || true
    "$ctl" logs exectrace --socket "$socket" >&2 || true
    podman logs "$name" >&2
    fail "$label: the exec tracer in the container did not see $marker"
  fi
  # The agent's programs and links, by id, from its descriptors (this bpftool has no
  # pids column); other engineers' objects are never looked at.
  local programs links
  programs=$(cat /proc/"$pid"/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' | sort -u)
  links=$(cat /proc/"$pid"/fdinfo/* 2>/dev/null | awk '$1 == "link_id:" { print $2 }' | sort -u)
  [[ $(echo "$programs" | grep -c .) -eq 2 && $(echo "$links" | grep -c .) -eq 2 ]] ||
    fail "$label: expected the tracer's 2 programs and 2 links in pid $pid, found: $programs / $links"
  for id in $programs; do bpftool prog show id "$id" >/dev/null || fail "$label: bpftool does not show program $id"; done
  "$ctl" list --socket "$socket"
  podman stop -t 20 "$name" >/dev/null
  local status
  status=$(podman inspect -f '{{.State.ExitCode}}' "$name")
  [[ "$status" == 0 ]] || {
    podman logs "$name" >&2
    fail "$label: the agent exited with $status after SIGTERM"
  }
  podman logs "$name" 2>&1 | grep -q "every guest stopped" || fail "$label: no orderly shutdown in the log"
  for id in $programs; do
    if bpftool prog show id "$id" >/dev/null 2>&1; then fail "$label: program $id remains after the stop"; fi
  done
  for id in $links; do
    if bpftool link show id "$id" >/dev/null 2>&1; then fail "$label: link $id remains after the stop"; fi
  done
  podman rm "$name" >/dev/null
  name=""
  echo "test-agent-container: $label: ok (saw $marker; programs $(echo $programs) and links $(echo $links) gone after exit 0)"
}

run_case privileged --privileged
run_case least-capabilities --cap-drop=all --cap-add=CAP_BPF,CAP_PERFMON,CAP_NET_ADMIN \
  --security-opt seccomp=unconfined
echo "test-agent-container: passed in $(($(date +%s) - started)) s"
