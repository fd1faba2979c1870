// exitsnoop: prints every process that ends on the machine, with its parent, how long
// it lived and how it ended (exit code or signal), until Ctrl-C or -d seconds.
#include <getopt.h>

#include "../common/tool.h"
#include "exitsnoop.h"

static const unsigned char object[] = {
#embed "exitsnoop.bpf.o"
};

static const char usage[] =
    "usage: exitsnoop [-t] [-x] [-p PID] [-n NAME] [-d SECONDS]\n"
    "Prints every process exit on the machine: time (UTC), name, PID, parent PID, age\n"
    "and how it ended.\n"
    "  -t          every thread, not only whole processes\n"
    "  -x          only failures (non-zero exit code or a signal)\n"
    "  -p PID      only this process\n"
    "  -n NAME     only processes whose name contains NAME\n"
    "  -d SECONDS  stop after SECONDS (default: at Ctrl-C)\n";

static struct {
  bool threads;
  bool failed_only;
  long pid;
  const char *name;
} filter = {false, false, 0, NULL};

// Linux's signal numbers on x86-64 (this describes the host's kernel, not WASI).
static const char *const signal_names[32] = {
    [1] = "HUP",   [2] = "INT",   [3] = "QUIT",  [4] = "ILL",   [5] = "TRAP",   [6] = "ABRT",
    [7] = "BUS",   [8] = "FPE",   [9] = "KILL",  [10] = "USR1", [11] = "SEGV",  [12] = "USR2",
    [13] = "PIPE", [14] = "ALRM", [15] = "TERM", [17] = "CHLD", [24] = "XCPU",  [25] = "XFSZ",
    [31] = "SYS"};

static int on_exit_event(void *ctx, void *data, size_t size) {
  (void)ctx;
  const struct exit_event *e = data;
  if (size < sizeof *e) return 0;
  if (!filter.threads && e->pid != e->tid) return 0;
  if (filter.failed_only && e->exit_code == 0) return 0;
  if (filter.pid && e->pid != (unsigned long)filter.pid) return 0;
  char comm[sizeof e->comm + 1];
  tool_text(comm, e->comm, sizeof e->comm);
  if (filter.name && !strstr(comm, filter.name)) return 0;

  char how[48];
  int signal = e->exit_code & 0x7f;
  if (signal == 0) {
    snprintf(how, sizeof how, "code %d", (e->exit_code >> 8) & 0xff);
  } else {
    const char *name = signal < 32 && signal_names[signal] ? signal_names[signal] : "?";
    snprintf(how, sizeof how, "signal %d (%s)%s", signal, name,
             e->exit_code & 0x80 ? ", core dumped" : "");
  }
  char clock[9];
  printf("%-8s %-16s %-7u %-7u %-7u %8.2f %s\n", tool_clock(clock), comm, e->pid, e->ppid,
         e->tid, (double)e->age_ns / 1e9, how);
  return 0;
}

int main(int argc, char **argv) {
  long seconds = 0;
  int option;
  while ((option = getopt(argc, argv, "txp:n:d:h")) != -1) {
    switch (option) {
    case 't': filter.threads = true; break;
    case 'x': filter.failed_only = true; break;
    case 'p': filter.pid = tool_number(optarg, "exitsnoop"); break;
    case 'n': filter.name = optarg; break;
    case 'd': seconds = tool_number(optarg, "exitsnoop"); break;
    case 'h': fputs(usage, stdout); return 0;
    default: fputs(usage, stderr); return 2;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0);

  const char *programs[] = {"process_exit"};
  struct wasmbpf_object *obj = tool_load("exitsnoop", object, sizeof object, programs, 1);
  if (!obj) return 1;
  struct wasmbpf_buffer *events = tool_events("exitsnoop", obj, "events", on_exit_event);
  if (!events) return 1;

  printf("%-8s %-16s %-7s %-7s %-7s %8s %s\n", "TIME", "PCOMM", "PID", "PPID", "TID", "AGE(s)",
         "EXIT");
  int status = tool_poll_until(events, tool_deadline(seconds), "exitsnoop");
  wasmbpf_buffer_free(events);
  wasmbpf_object_close(obj);
  return status;
}
