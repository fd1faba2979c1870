// A log2 histogram of clock_nanosleep() durations in microseconds, kept in a hash
// map keyed by bucket (the shape of runqlat: the user side iterates the keys).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 10240);
  __type(key, __u32);  // thread id
  __type(value, __u64);  // entry time, ns
} start SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 64);
  __type(key, __u32);  // log2(us)
  __type(value, __u64);  // count
} hist SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_clock_nanosleep")
int sleep_enter(void *ctx) {
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  __u64 now = bpf_ktime_get_ns();
  bpf_map_update_elem(&start, &tid, &now, BPF_ANY);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_clock_nanosleep")
int sleep_exit(void *ctx) {
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  __u64 *begin = bpf_map_lookup_elem(&start, &tid);
  if (!begin) return 0;
  __u64 us = (bpf_ktime_get_ns() - *begin) / 1000;
  bpf_map_delete_elem(&start, &tid);
  __u32 slot = 0;
  for (int i = 0; i < 40 && us > 1; i++) {
    us >>= 1;
    slot++;
  }
  __u64 one = 1, *count = bpf_map_lookup_elem(&hist, &slot);
  if (count) __sync_fetch_and_add(count, 1);
  else bpf_map_update_elem(&hist, &slot, &one, BPF_NOEXIST);
  return 0;
}
