// Process exec and exit events through a BPF ring buffer (sched tracepoints).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "exectrace.h"

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __always_inline int submit(int is_exit) {
  struct exec_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) return 0;
  __u64 id = bpf_get_current_pid_tgid();
  e->pid = id >> 32;
  e->tid = (__u32)id;
  e->is_exit = is_exit;
  bpf_get_current_comm(e->comm, sizeof(e->comm));
  bpf_ringbuf_submit(e, 0);
  return 0;
}

SEC("tracepoint/sched/sched_process_exec")
int handle_exec(void *ctx) { return submit(0); }

SEC("tracepoint/sched/sched_process_exit")
int handle_exit(void *ctx) {
  __u64 id = bpf_get_current_pid_tgid();
  if ((__u32)id != (__u32)(id >> 32)) return 0;  // threads: only the leader's exit
  return submit(1);
}
