// The kernel side of the hostile guest: an exec event into a ring buffer, plus a hash
// map and a per-CPU array for the map checks.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u64);
} table SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} percpu SEC(".maps");

SEC("tracepoint/sched/sched_process_exec")
int on_exec(void *ctx) {
  __u32 *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) return 0;
  *e = bpf_get_current_pid_tgid() >> 32;
  bpf_ringbuf_submit(e, 0);
  return 0;
}
