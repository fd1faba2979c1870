// A BPF object for the inspection tests: two tracepoint programs, one of which uses
// a helper that a policy may deny (bpf_send_signal), and three maps of different
// types. Declares what it needs by hand (no vmlinux.h).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct event {
  __u32 pid;
  __u32 uid;
};

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 128);
  __type(key, __u32);
  __type(value, __u64);
} counts SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} scratch SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int trace_execve(void *ctx) {
  struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) return 0;
  e->pid = bpf_get_current_pid_tgid() >> 32;
  e->uid = (__u32)bpf_get_current_uid_gid();
  bpf_ringbuf_submit(e, 0);
  return 0;
}

SEC("tracepoint/syscalls/sys_enter_kill")
int punish_kill(void *ctx) {
  __u32 key = 0;
  __u64 one = 1, *value = bpf_map_lookup_elem(&counts, &key);
  if (value)
    __sync_fetch_and_add(value, 1);
  else
    bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
  bpf_send_signal(9);
  return 0;
}
