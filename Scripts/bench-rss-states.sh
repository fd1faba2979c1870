#!/usr/bin/env bash
# Peak RSS (KiB, /usr/bin/time -f %M) of an empty WASI command for each page-cache
# state of the binary, several binaries interleaved (docs/performance.md, "Round 5
# rss3"): the kernel maps page-cache folios around each fault, so the same binary
# measures differently depending on what of its file is cached and in what folios.
#
#   just-written  a fresh copy (cp) run once: the file is cached as written, as just
#                 after an install
#   cold          the copy's page cache dropped (posix_fadvise DONTNEED, this file
#                 only) before each run
#   exec-filled   dropped once, then run repeatedly: cached only what exec read
#   read-whole    read by cat after a drop: readahead's large folios
#
# Usage: Scripts/bench-rss-states.sh RUNS BINARY...   (prints median, min and max)
# Needs cc and /usr/bin/time (Debian: gcc, time). Works in a temporary folder.
set -euo pipefail
runs=${1:?usage: bench-rss-states.sh RUNS BINARY...}
shift
[ $# -gt 0 ] || { echo "bench-rss-states: no binary" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/evict.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
/* Drops the page cache of the files named (written back first). */
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0 || fdatasync(fd) != 0 || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0) {
      perror(argv[i]);
      return 1;
    }
    close(fd);
  }
  return 0;
}
C
cc -O2 -o "$work/evict" "$work/evict.c"
# (module (func (export "_start")))
printf '\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0\7\12\1\6_start\0\0\12\4\1\2\0\13' >"$work/empty.wasm"
peak() { { /usr/bin/time -f %M "$1" "$work/empty.wasm" >/dev/null; } 2>&1 | tail -n 1; }
summary() { sort -n | awk '{v[NR] = $1} END {printf "%d (%d-%d)", v[int((NR + 1) / 2)], v[1], v[NR]}'; }

declare -A written cold filled whole
index=0
for binary in "$@"; do
  index=$((index + 1))
  cp "$binary" "$work/$index.filled"
  "$work/evict" "$work/$index.filled"
  "$work/$index.filled" "$work/empty.wasm" >/dev/null
  cp "$binary" "$work/$index.whole"
  "$work/evict" "$work/$index.whole"
  cat "$work/$index.whole" >/dev/null
  cp "$binary" "$work/$index.cold"
done
for run in $(seq "$runs"); do
  index=0
  for binary in "$@"; do
    index=$((index + 1))
    cp "$binary" "$work/$index.written"
    written[$index]+="$(peak "$work/$index.written") "
    rm -f "$work/$index.written"
    "$work/evict" "$work/$index.cold"
    cold[$index]+="$(peak "$work/$index.cold") "
    filled[$index]+="$(peak "$work/$index.filled") "
    whole[$index]+="$(peak "$work/$index.whole") "
  done
done
echo "peak RSS KiB, median (min-max) of $runs interleaved runs; load $(cut -d' ' -f1-3 /proc/loadavg)"
index=0
for binary in "$@"; do
  index=$((index + 1))
  printf '%s: just-written %s | cold %s | exec-filled %s | read-whole %s\n' "$binary" \
    "$(tr ' ' '\n' <<<"${written[$index]}" | grep . | summary)" \
    "$(tr ' ' '\n' <<<"${cold[$index]}" | grep . | summary)" \
    "$(tr ' ' '\n' <<<"${filled[$index]}" | grep . | summary)" \
    "$(tr ' ' '\n' <<<"${whole[$index]}" | grep . | summary)"
done
