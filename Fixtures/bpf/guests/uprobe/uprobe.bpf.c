// A uprobe on wasmbpf_uprobe_target() of the fixture's native target binary, named
// the way upstream wasm-bpf examples name theirs: relative, `./uprobe_target`. The
// runtime resolves it through the guest's granted directories (`--dir DIR::.`), or
// against its working directory with --bpf-host-paths. Reports the call's argument
// through a ring buffer.
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct uprobe_event {
  __u32 pid;
  __s32 argument;
};

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("uprobe/./uprobe_target:wasmbpf_uprobe_target")
int BPF_KPROBE(on_target, int value) {
  struct uprobe_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) return 0;
  e->pid = bpf_get_current_pid_tgid() >> 32;
  e->argument = value;
  bpf_ringbuf_submit(e, 0);
  return 0;
}
