// execve() calls through a perf event array (syscall tracepoint).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "execsnoop.h"

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
  __uint(key_size, sizeof(__u32));
  __uint(value_size, sizeof(__u32));
} events SEC(".maps");

// The tracepoint's record (see .../events/syscalls/sys_enter_execve/format).
struct sys_enter_execve_args {
  __u64 common;
  int syscall_nr;
  const char *filename;
  const char *const *argv;
  const char *const *envp;
};

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_execve(struct sys_enter_execve_args *ctx) {
  struct execve_event e = {};
  e.pid = bpf_get_current_pid_tgid() >> 32;
  bpf_probe_read_user_str(e.filename, sizeof(e.filename), ctx->filename);
  bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));
  return 0;
}
