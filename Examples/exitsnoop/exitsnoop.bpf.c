// Every thread exit on the machine (sched_process_exit), with the exit code and how
// long the thread lived, read from its task_struct (CO-RE).
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "exitsnoop.h"

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tracepoint/sched/sched_process_exit")
int process_exit(void *ctx) {
  struct exit_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) return 0;
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  __u64 id = bpf_get_current_pid_tgid();
  e->pid = id >> 32;
  e->tid = (__u32)id;
  e->ppid = BPF_CORE_READ(task, real_parent, tgid);
  e->exit_code = BPF_CORE_READ(task, exit_code);
  e->age_ns = bpf_ktime_get_ns() - BPF_CORE_READ(task, start_time);
  bpf_get_current_comm(e->comm, sizeof(e->comm));
  bpf_ringbuf_submit(e, 0);
  return 0;
}
