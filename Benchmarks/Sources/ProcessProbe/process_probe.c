// See process_probe.h.
#define _GNU_SOURCE
#include "process_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/// VmHWM of `pid` in kB, or -1.
static long peak_rss(pid_t pid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *file = fopen(path, "r");
  if (!file) return -1;
  long kb = -1;
  while (fgets(line, sizeof line, file)) {
    if (strncmp(line, "VmHWM:", 6) == 0) {
      kb = strtol(line + 6, NULL, 10);
      break;
    }
  }
  fclose(file);
  return kb;
}

int probe_run(char *const argv[], int stdout_fd, int measure_rss, ProbeResult *result) {
  memset(result, 0, sizeof *result);
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) return -errno;
  double start = now();
  // vfork: copying the page tables of this large, multi-threaded process (fork)
  // took longer than a small command's whole run.
  pid_t pid = vfork();
  if (pid < 0) {
    int error = errno;
    close(null_fd);
    return -error;
  }
  if (pid == 0) {
    // The parent's memory is shared until exec: only system calls from here.
    dup2(null_fd, 0);
    dup2(stdout_fd >= 0 ? stdout_fd : null_fd, 1);
    dup2(null_fd, 2);
    if (measure_rss && ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) _exit(126);
    execv(argv[0], argv);
    _exit(127);
  }
  close(null_fd);
  int status = 0, traced_exit = 0;
  struct rusage usage;
  memset(&usage, 0, sizeof usage);
  for (;;) {
    pid_t waited = wait4(pid, &status, 0, &usage);
    if (waited < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (!WIFSTOPPED(status)) break;
    // Traced: the first stop is the exec's SIGTRAP, where the exit stop is asked for;
    // at the exit stop VmHWM is final. Other signals go on to the child.
    int signal = WSTOPSIG(status), forward = 0;
    if (signal == SIGTRAP && (status >> 16) == PTRACE_EVENT_EXIT) {
      result->peak_rss_kb = peak_rss(pid);
    } else if (signal == SIGTRAP && !traced_exit) {
      ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)PTRACE_O_TRACEEXIT);
      traced_exit = 1;
    } else {
      forward = signal;
    }
    ptrace(PTRACE_CONT, pid, NULL, (void *)(long)forward);
  }
  result->wall_seconds = now() - start;
  result->cpu_seconds = (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec * 1e-6 +
                        (double)usage.ru_stime.tv_sec + (double)usage.ru_stime.tv_usec * 1e-6;
  result->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return 0;
}
