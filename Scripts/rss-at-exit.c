// What is resident when a process exits (docs/performance.md, "Round 5 rss3").
// Runs a command under ptrace, stops it at PTRACE_EVENT_EXIT of its main thread (its
// memory still mapped; at exit VmRSS equals the peak, VmHWM) and copies
// /proc/PID/{status,maps,smaps,smaps_rollup} to OUT.status, OUT.maps, ... and each
// present page of /proc/PID/pagemap to OUT.pagemap as "address file exclusive pfn"
// (file 1: a page-cache page; 0: anonymous, e.g. copied on write; the page frame,
// root only, finds the page's folio in /proc/kpageflags).
//
//   cc -O2 -o rss-at-exit Scripts/rss-at-exit.c
//   OUT=/tmp/run ./rss-at-exit ./wasmbpf-run empty.wasm
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static void copy(pid_t pid, const char *what, const char *out) {
  char path[256], target[512], buffer[65536];
  snprintf(path, sizeof path, "/proc/%d/%s", pid, what);
  snprintf(target, sizeof target, "%s.%s", out, what);
  FILE *in = fopen(path, "r"), *to = fopen(target, "w");
  if (!in || !to) { perror(path); exit(1); }
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, in)) > 0) fwrite(buffer, 1, n, to);
  fclose(in);
  fclose(to);
}

static void pages(pid_t pid, const char *out) {
  char path[256], target[512], line[512];
  snprintf(path, sizeof path, "/proc/%d/maps", pid);
  FILE *maps = fopen(path, "r");
  snprintf(path, sizeof path, "/proc/%d/pagemap", pid);
  FILE *pagemap = fopen(path, "r");
  snprintf(target, sizeof target, "%s.pagemap", out);
  FILE *to = fopen(target, "w");
  if (!maps || !pagemap || !to) { perror(path); exit(1); }
  while (fgets(line, sizeof line, maps)) {
    unsigned long start, end;
    if (sscanf(line, "%lx-%lx", &start, &end) != 2) continue;
    for (unsigned long page = start; page < end; page += 4096) {
      uint64_t entry = 0;
      if (fseek(pagemap, (long)(page / 4096 * 8), SEEK_SET) != 0 || fread(&entry, 8, 1, pagemap) != 1) break;
      if (entry >> 63)
        fprintf(to, "%lx %d %d %llx\n", page, (int)((entry >> 61) & 1), (int)((entry >> 56) & 1),
                (unsigned long long)(entry & ((1ULL << 55) - 1)));
    }
  }
  fclose(maps);
  fclose(pagemap);
  fclose(to);
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: OUT=prefix %s COMMAND [ARG...]\n", argv[0]); return 2; }
  const char *out = getenv("OUT") ? getenv("OUT") : "rss-at-exit";
  pid_t pid = fork();
  if (pid == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    execv(argv[1], argv + 1);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXIT);
  ptrace(PTRACE_CONT, pid, 0, 0);
  for (;;) {
    if (waitpid(pid, &status, __WALL) < 0 || WIFEXITED(status) || WIFSIGNALED(status)) break;
    if (WIFSTOPPED(status) && (status >> 8) == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
      copy(pid, "status", out);
      copy(pid, "maps", out);
      copy(pid, "smaps", out);
      copy(pid, "smaps_rollup", out);
      pages(pid, out);
      ptrace(PTRACE_CONT, pid, 0, 0);
      continue;
    }
    int signal = WIFSTOPPED(status) ? WSTOPSIG(status) : 0;
    ptrace(PTRACE_CONT, pid, 0, signal == SIGTRAP ? 0 : signal);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
