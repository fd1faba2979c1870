// A hostile BPF object: a per-CPU hash map whose declared size overflows 64 bits
// (0xFFFFFFFF entries of 0x7FFFFFFF-byte keys and values, times every CPU). Its
// size estimate once trapped in the policy and killed wasmbpf-run and `inspect`
// (issue 22); now every policy refuses it before it reaches the kernel.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
  __uint(max_entries, 0xFFFFFFFF);
  __uint(key_size, 0x7FFFFFFF);
  __uint(value_size, 0x7FFFFFFF);
} huge SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int on_getpid(void *ctx) { return 0; }
