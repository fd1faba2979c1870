// Two-way traffic between guest and kernel: the guest writes a tag into `config`;
// on each getppid() the program stores tag * 2 for the calling process in `results`.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, __u32);  // pid
  __type(value, __u32);  // tag * 2
} results SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx) {
  __u32 zero = 0;
  __u32 *tag = bpf_map_lookup_elem(&config, &zero);
  if (!tag || *tag == 0) return 0;
  __u32 pid = bpf_get_current_pid_tgid() >> 32;
  __u32 value = *tag * 2;
  bpf_map_update_elem(&results, &pid, &value, BPF_ANY);
  return 0;
}
