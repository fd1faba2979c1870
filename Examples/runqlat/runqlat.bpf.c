// Run-queue latency: how long runnable threads wait for a CPU, as a log2 histogram of
// microseconds. A thread's wait starts when it is woken (sched_wakeup,
// sched_wakeup_new) or preempted while still runnable (sched_switch away from it), and
// ends when sched_switch runs it. BTF tracepoints: the handlers get the kernel's
// task_struct pointers directly.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "runqlat.h"

char LICENSE[] SEC("license") = "GPL";

#define TASK_RUNNING 0

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 10240);
  __type(key, __u32);  // thread id
  __type(value, __u64);  // when its wait began (ns)
} waiting_since SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, RUNQLAT_SLOTS);
  __type(key, __u32);
  __type(value, __u64);
} histogram SEC(".maps");

static __always_inline void start_wait(__u32 tid) {
  if (tid == 0) return;  // the idle task
  __u64 now = bpf_ktime_get_ns();
  bpf_map_update_elem(&waiting_since, &tid, &now, BPF_ANY);
}

// floor(log2(v)) for v > 0, 0 for 0.
static __always_inline __u32 log2_slot(__u64 v) {
  __u32 slot = 0;
  for (int shift = 32; shift > 0; shift >>= 1) {
    if (v >= (1ULL << shift)) {
      v >>= shift;
      slot += shift;
    }
  }
  return slot;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(wakeup, struct task_struct *task) {
  start_wait(task->pid);
  return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(wakeup_new, struct task_struct *task) {
  start_wait(task->pid);
  return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(switch_task, bool preempt, struct task_struct *prev, struct task_struct *next) {
  // Switched away while still runnable: it waits again from now.
  if (prev->__state == TASK_RUNNING) start_wait(prev->pid);

  __u32 tid = next->pid;
  __u64 *since = bpf_map_lookup_elem(&waiting_since, &tid);
  if (!since) return 0;
  __u64 now = bpf_ktime_get_ns();
  __u64 waited_us = now > *since ? (now - *since) / 1000 : 0;
  bpf_map_delete_elem(&waiting_since, &tid);
  __u32 slot = log2_slot(waited_us);
  if (slot >= RUNQLAT_SLOTS) slot = RUNQLAT_SLOTS - 1;
  __u64 *count = bpf_map_lookup_elem(&histogram, &slot);
  if (count) __sync_fetch_and_add(count, 1);
  return 0;
}
