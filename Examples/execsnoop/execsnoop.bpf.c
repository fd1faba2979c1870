// Every execve(2) on the machine: the caller, its arguments, the result. The entry
// tracepoint reads the arguments (the caller's memory is gone once exec succeeds) into
// a record kept per thread; the exit tracepoint adds the result and sends it.
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "execsnoop.h"

char LICENSE[] SEC("license") = "GPL";

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, __u32);  // thread id
  __type(value, struct exec_event);
} pending SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 256 * 1024);
} events SEC(".maps");

// A record is too large for the BPF stack: new ones are copied from this zeroed one.
static const struct exec_event empty_event;

SEC("tracepoint/syscalls/sys_enter_execve")
int execve_enter(struct trace_event_raw_sys_enter *ctx) {
  __u64 id = bpf_get_current_pid_tgid();
  __u32 tid = (__u32)id;
  if (bpf_map_update_elem(&pending, &tid, &empty_event, BPF_NOEXIST)) return 0;
  struct exec_event *e = bpf_map_lookup_elem(&pending, &tid);
  if (!e) return 0;

  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  e->pid = id >> 32;
  e->ppid = BPF_CORE_READ(task, real_parent, tgid);
  e->uid = (__u32)bpf_get_current_uid_gid();
  bpf_get_current_comm(e->comm, sizeof(e->comm));

  const char *const *argv = (const char *const *)ctx->args[1];
  unsigned int used = 0;
  for (int i = 0; i < EXECSNOOP_MAX_ARGS; i++) {
    const char *argument = NULL;
    if (bpf_probe_read_user(&argument, sizeof(argument), &argv[i]) || !argument) return 0;
    if (used > EXECSNOOP_ARGS_BYTES - EXECSNOOP_ARG_BYTES) break;
    long length = bpf_probe_read_user_str(&e->args[used], EXECSNOOP_ARG_BYTES, argument);
    if (length <= 0) return 0;
    used += length;
    e->args_size = used;
    e->arg_count++;
  }
  // Room or argument count ran out: is there another argument?
  const char *more = NULL;
  bpf_probe_read_user(&more, sizeof(more), &argv[EXECSNOOP_MAX_ARGS]);
  e->truncated = more != NULL || e->arg_count < EXECSNOOP_MAX_ARGS;
  return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int execve_exit(struct trace_event_raw_sys_exit *ctx) {
  __u32 tid = (__u32)bpf_get_current_pid_tgid();
  struct exec_event *e = bpf_map_lookup_elem(&pending, &tid);
  if (!e) return 0;
  e->retval = ctx->ret;
  // After a successful exec the thread carries the new program's name.
  bpf_get_current_comm(e->comm, sizeof(e->comm));
  bpf_ringbuf_output(&events, e, sizeof(*e), 0);
  bpf_map_delete_elem(&pending, &tid);
  return 0;
}
