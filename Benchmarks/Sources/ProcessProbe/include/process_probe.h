// Runs a command and reports what the whole-process benchmarks need of it: wall and
// CPU time, or its peak resident set. C because ptrace(2) is variadic, which Swift
// cannot call, and because fork/exec must not allocate in between.
#ifndef PROCESS_PROBE_H
#define PROCESS_PROBE_H

/// What a finished child cost.
typedef struct {
  int exit_status;      ///< 0..255, or 128 + the signal that ended it
  double wall_seconds;  ///< fork to reaping, CLOCK_MONOTONIC
  double cpu_seconds;   ///< user + system time of the child (wait4's rusage)
  long peak_rss_kb;     ///< VmHWM at exit (0 unless measured with ptrace)
} ProbeResult;

/// Runs `argv[0]` (a path, not searched) with `argv` (NULL-terminated), stdin from
/// /dev/null, stdout to `stdout_fd` (or /dev/null when negative), stderr to
/// /dev/null. With `measure_rss` the child is traced and stopped once at its exit, to
/// read VmHWM from /proc while its address space still exists (the parent's peak
/// would otherwise be mixed into what wait4 reports, see RSSReport.swift); the stop
/// costs the child nothing before its exit, but is not used for timings.
/// Returns 0, or -errno when the child could not be started.
int probe_run(char *const argv[], int stdout_fd, int measure_rss, ProbeResult *result);

#endif
