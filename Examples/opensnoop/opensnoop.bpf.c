// Every openat(2) on the machine (what glibc's open() and fopen() call on x86-64):
// the path and flags, read at entry while the caller's memory is still there and kept
// per thread, and the result added at exit.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "opensnoop.h"

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, __u32);  // thread id
  __type(value, struct open_event);
} pending SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 256 * 1024);
} events SEC(".maps");

static const struct open_event empty_event;

SEC("tracepoint/syscalls/sys_enter_openat")
int openat_enter(struct trace_event_raw_sys_enter *ctx) {
  __u64 id = bpf_get_current_pid_tgid();
  __u32 pid = id >> 32, tid = (__u32)id;
  if (bpf_map_update_elem(&pending, &tid, &empty_event, BPF_ANY)) return 0;
  struct open_event *e = bpf_map_lookup_elem(&pending, &tid);
  if (!e) return 0;
  e->pid = pid;
  e->tid = tid;
  e->uid = (__u32)bpf_get_current_uid_gid();
  e->flags = (int)ctx->args[2];
  bpf_get_current_comm(e->comm, sizeof(e->comm));
  bpf_probe_read_user_str(e->path, sizeof(e->path), (const char *)ctx->args[1]);
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int openat_exit(struct trace_event_raw_sys_exit *ctx) {
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  struct open_event *e = bpf_map_lookup_elem(&pending, &tid);
  if (!e) return 0;
  e->result = ctx->ret;
  bpf_ringbuf_output(&events, e, sizeof(*e), 0);
  bpf_map_delete_elem(&pending, &tid);
  return 0;
}
