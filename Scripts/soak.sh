#!/usr/bin/env bash
# Soak: runs the ring-buffer guest (Fixtures/bpf/guests/ringbench) under wasmbpf-run
# while a native producer calls getppid() as fast as it can (each call is one
# 64-byte record), for MINUTES (default 10), and prints every minute the guest
# process's resident memory, open descriptors and BPF objects (its own descriptors
# of BPF maps, programs and links, read from /proc/PID/fd, so other programs on the
# machine do not count), plus the records the BPF side produced and dropped. All of
# them must stay flat. Not a test: run it by hand (root) and read the table.
#
# Usage: Scripts/soak.sh [MINUTES]
#   WASMBPF_RUN   the binary (default: the release build, built here if missing)
set -euo pipefail

minutes="${1:-10}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
Scripts/build-fixtures.sh >/dev/null
binary="${WASMBPF_RUN:-}"
if [ -z "$binary" ]; then
  swift build -c release --product wasmbpf-run --scratch-path .build-release 2>&1 | tail -1
  binary="$root/.build-release/release/wasmbpf-run"
fi
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing

work=$(mktemp -d)
producer_pid=""
guest_pid=""
cleanup() {
  [ -n "$producer_pid" ] && kill "$producer_pid" 2>/dev/null || true
  [ -n "$guest_pid" ] && kill "$guest_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/producer.c" <<'C'
#include <sys/syscall.h>
#include <unistd.h>
int main(void) { for (;;) syscall(SYS_getppid); }
C
cc -O2 -o "$work/producer" "$work/producer.c"

milliseconds=$((minutes * 60 * 1000 + 15000))
# -n: as many records as a wasm32 long holds; the guest stops at its deadline first.
"$binary" Fixtures/generated/bpf/guests/ringbench.wasm -n 2147483647 -t "$milliseconds" \
  >"$work/guest.out" 2>"$work/guest.err" &
guest_pid=$!
sleep 2
"$work/producer" &
producer_pid=$!

# The BPF side's counters map (0: produced, 1: dropped), found through the guest's
# own descriptors: the map named "counters" among the maps it holds.
counters_id() {
  for fd in /proc/"$guest_pid"/fdinfo/*; do
    if grep -q '^map_type:\s*2$' "$fd" 2>/dev/null; then
      id=$(awk '/^map_id:/ {print $2}' "$fd")
      if bpftool map show id "$id" 2>/dev/null | grep -q 'name counters'; then echo "$id"; return; fi
    fi
  done
}
counter() {  # counter ID INDEX: the u64 at INDEX, from bpftool's JSON (bytes as hex)
  bpftool -j map lookup id "$1" key "$2" 0 0 0 2>/dev/null |
    python3 -c 'import json, sys; print(int.from_bytes(bytes(int(b, 16) for b in json.load(sys.stdin)["value"]), "little"))' 2>/dev/null ||
    echo "?"
}
sample() {  # sample MINUTE
  local rss fds maps progs links other
  rss=$(awk '/^VmRSS:/ {print $2}' /proc/"$guest_pid"/status)
  fds=$(ls /proc/"$guest_pid"/fd | wc -l)
  maps=0 progs=0 links=0 other=0
  for fd in /proc/"$guest_pid"/fd/*; do
    case "$(readlink "$fd")" in
      anon_inode:bpf-map) maps=$((maps + 1)) ;;
      anon_inode:bpf-prog) progs=$((progs + 1)) ;;
      anon_inode:bpf_link) links=$((links + 1)) ;;
      anon_inode:*) other=$((other + 1)) ;;
    esac
  done
  local id produced dropped
  id=$(counters_id || true)
  produced=$( [ -n "$id" ] && counter "$id" 0 || echo "?")
  dropped=$( [ -n "$id" ] && counter "$id" 1 || echo "?")
  printf '%6s %10s %5s %5s %6s %6s %7s %14s %12s\n' "$1" "$rss" "$fds" "$maps" "$progs" \
    "$links" "$other" "$produced" "$dropped"
}

echo "soak: $binary ringbench.wasm for $minutes min, producer pid $producer_pid, guest pid $guest_pid"
printf '%6s %10s %5s %5s %6s %6s %7s %14s %12s\n' minute "RSS KiB" fds maps progs links "anon" \
  produced dropped
sample 0
for minute in $(seq 1 "$minutes"); do
  sleep 60
  kill -0 "$guest_pid" 2>/dev/null || { echo "soak: the guest ended early"; cat "$work/guest.err"; exit 1; }
  sample "$minute"
done
kill "$producer_pid"
producer_pid=""
# The guest stops at its deadline and prints how many records it consumed.
status=0
wait "$guest_pid" || status=$?
guest_pid=""
echo "soak: guest exit status $status; it printed: $(cat "$work/guest.out")"
grep -v '^$' "$work/guest.err" | tail -3 || true
