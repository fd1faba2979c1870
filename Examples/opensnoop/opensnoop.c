// opensnoop: prints every file opened on the machine (openat), with the process, the
// result and the path, until Ctrl-C or -d seconds.
#include <getopt.h>

#include "../common/tool.h"
#include "opensnoop.h"

static const unsigned char object[] = {
#embed "opensnoop.bpf.o"
};

static const char usage[] =
    "usage: opensnoop [-x] [-p PID] [-n NAME] [-f TEXT] [-d SECONDS]\n"
    "Prints every openat on the machine: time (UTC), PID, process name, the file\n"
    "descriptor or error (a Linux errno) and the path.\n"
    "  -x          only failed opens\n"
    "  -p PID      only this process\n"
    "  -n NAME     only processes whose name contains NAME\n"
    "  -f TEXT     only paths that contain TEXT\n"
    "  -d SECONDS  stop after SECONDS (default: at Ctrl-C)\n";

static struct {
  bool failed_only;
  long pid;
  const char *name;
  const char *path;
} filter = {false, 0, NULL, NULL};

static int on_open(void *ctx, void *data, size_t size) {
  (void)ctx;
  const struct open_event *e = data;
  if (size < sizeof *e) return 0;
  if (filter.failed_only && e->result >= 0) return 0;
  if (filter.pid && e->pid != (unsigned long)filter.pid) return 0;
  char comm[sizeof e->comm + 1], path[sizeof e->path + 1];
  tool_text(comm, e->comm, sizeof e->comm);
  tool_text(path, e->path, sizeof e->path);
  if (filter.name && !strstr(comm, filter.name)) return 0;
  if (filter.path && !strstr(path, filter.path)) return 0;
  long long fd = e->result >= 0 ? e->result : -1;
  long long error = e->result >= 0 ? 0 : -e->result;
  char clock[9];
  printf("%-8s %-7u %-16s %4lld %3lld %s\n", tool_clock(clock), e->pid, comm, fd, error, path);
  return 0;
}

int main(int argc, char **argv) {
  long seconds = 0;
  int option;
  while ((option = getopt(argc, argv, "xp:n:f:d:h")) != -1) {
    switch (option) {
    case 'x': filter.failed_only = true; break;
    case 'p': filter.pid = tool_number(optarg, "opensnoop"); break;
    case 'n': filter.name = optarg; break;
    case 'f': filter.path = optarg; break;
    case 'd': seconds = tool_number(optarg, "opensnoop"); break;
    case 'h': fputs(usage, stdout); return 0;
    default: fputs(usage, stderr); return 2;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0);

  const char *programs[] = {"openat_enter", "openat_exit"};
  struct wasmbpf_object *obj = tool_load("opensnoop", object, sizeof object, programs, 2);
  if (!obj) return 1;
  struct wasmbpf_buffer *events = tool_events("opensnoop", obj, "events", on_open);
  if (!events) return 1;

  printf("%-8s %-7s %-16s %4s %3s %s\n", "TIME", "PID", "COMM", "FD", "ERR", "PATH");
  int status = tool_poll_until(events, tool_deadline(seconds), "opensnoop");
  wasmbpf_buffer_free(events);
  wasmbpf_object_close(obj);
  return status;
}
