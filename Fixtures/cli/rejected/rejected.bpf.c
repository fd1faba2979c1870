// A BPF program the verifier refuses (a map lookup dereferenced without a NULL
// check), embedded in rejected.c, for `wasmbpf-run --verifier-log`.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} values SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int unchecked_lookup(void *ctx) {
  __u32 key = 0;
  __u64 *value = bpf_map_lookup_elem(&values, &key);
  return (int)*value;
}
