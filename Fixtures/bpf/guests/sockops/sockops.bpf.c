// A sockops program for a cgroup: counts TCP connection events by sockops callback.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 16);
  __type(key, __u32);  // BPF_SOCK_OPS_* op
  __type(value, __u64);
} ops SEC(".maps");

SEC("sockops")
int count_sockops(struct bpf_sock_ops *skops) {
  __u32 op = skops->op;
  if (op >= 16) return 1;
  __u64 *count = bpf_map_lookup_elem(&ops, &op);
  if (count) __sync_fetch_and_add(count, 1);
  return 1;
}
