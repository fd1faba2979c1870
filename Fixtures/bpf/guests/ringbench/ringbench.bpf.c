// Ring-buffer throughput: one 64-byte record per getppid() call, from any process
// (the benchmark's producer thread calls it in a loop). Drops are counted.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct record {
  __u64 sequence;
  __u32 pid;
  __u8 payload[52];
};

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 4 * 1024 * 1024);
} records SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 2);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");  // 0: produced, 1: dropped

SEC("tracepoint/syscalls/sys_enter_getppid")
int produce(void *ctx) {
  __u32 produced = 0, dropped = 1;
  __u64 *count = bpf_map_lookup_elem(&counters, &produced);
  if (!count) return 0;
  __u64 sequence = __sync_fetch_and_add(count, 1);
  struct record *r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
  if (!r) {
    __u64 *drops = bpf_map_lookup_elem(&counters, &dropped);
    if (drops) __sync_fetch_and_add(drops, 1);
    return 0;
  }
  r->sequence = sequence;
  r->pid = bpf_get_current_pid_tgid() >> 32;
  bpf_ringbuf_submit(r, 0);
  return 0;
}
