// execsnoop: prints every new program started on the machine (execve), with its
// parent, its arguments and the result, until Ctrl-C or -d seconds.
#include <getopt.h>
#include <unistd.h>

#include "../common/tool.h"
#include "execsnoop.h"

static const unsigned char object[] = {
#embed "execsnoop.bpf.o"
};

static const char usage[] =
    "usage: execsnoop [-x] [-n TEXT] [-u UID] [-d SECONDS]\n"
    "Prints every execve on the machine: time (UTC), program, PID, parent PID, result\n"
    "and arguments.\n"
    "  -x          also failed execs\n"
    "  -n TEXT     only execs whose arguments contain TEXT\n"
    "  -u UID      only execs by this user id\n"
    "  -d SECONDS  stop after SECONDS (default: at Ctrl-C)\n";

static struct {
  bool failed;
  const char *text;
  long uid;
} filter = {false, NULL, -1};

static long shown;

static int on_exec(void *ctx, void *data, size_t size) {
  (void)ctx;
  const struct exec_event *e = data;
  if (size < sizeof *e) return 0;
  if (e->retval != 0 && !filter.failed) return 0;
  if (filter.uid >= 0 && e->uid != (unsigned long)filter.uid) return 0;
  // The arguments, NUL-separated by the BPF side, joined with spaces.
  char line[EXECSNOOP_ARGS_BYTES + 8];
  unsigned int length = e->args_size < EXECSNOOP_ARGS_BYTES ? e->args_size : EXECSNOOP_ARGS_BYTES;
  memcpy(line, e->args, length);
  for (unsigned int i = 0; i + 1 < length; i++)
    if (line[i] == 0) line[i] = ' ';
  line[length ? length - 1 : 0] = 0;
  if (e->truncated) strcat(line, " ...");
  if (filter.text && !strstr(line, filter.text)) return 0;
  char comm[sizeof e->comm + 1];
  tool_text(comm, e->comm, sizeof e->comm);
  char clock[9];
  printf("%-8s %-16s %-7u %-7u %3d %s\n", tool_clock(clock), comm, e->pid, e->ppid, e->retval,
         line);
  shown++;
  return 0;
}

int main(int argc, char **argv) {
  long seconds = 0;
  int option;
  while ((option = getopt(argc, argv, "xn:u:d:h")) != -1) {
    switch (option) {
    case 'x': filter.failed = true; break;
    case 'n': filter.text = optarg; break;
    case 'u': filter.uid = tool_number(optarg, "execsnoop"); break;
    case 'd': seconds = tool_number(optarg, "execsnoop"); break;
    case 'h': fputs(usage, stdout); return 0;
    default: fputs(usage, stderr); return 2;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0);  // live output, also through a pipe

  const char *programs[] = {"execve_enter", "execve_exit"};
  struct wasmbpf_object *obj = tool_load("execsnoop", object, sizeof object, programs, 2);
  if (!obj) return 1;
  struct wasmbpf_buffer *events = tool_events("execsnoop", obj, "events", on_exec);
  if (!events) return 1;

  printf("%-8s %-16s %-7s %-7s %3s %s\n", "TIME", "PCOMM", "PID", "PPID", "RET", "ARGS");
  int status = tool_poll_until(events, tool_deadline(seconds), "execsnoop");
  fprintf(stderr, "execsnoop: %ld exec(s) shown\n", shown);
  wasmbpf_buffer_free(events);
  wasmbpf_object_close(obj);
  return status;
}
