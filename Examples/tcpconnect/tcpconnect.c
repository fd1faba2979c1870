// tcpconnect: prints every outgoing TCP connection attempt on the machine (connect),
// with the process and both ends, until Ctrl-C or -d seconds.
#include <getopt.h>

#include "../common/tool.h"
#include "tcpconnect.h"

static const unsigned char object[] = {
#embed "tcpconnect.bpf.o"
};

static const char usage[] =
    "usage: tcpconnect [-p PID] [-P PORT] [-d SECONDS]\n"
    "Prints every TCP connect on the machine: time (UTC), PID, process name, IP\n"
    "version, source address, destination address and port.\n"
    "  -p PID      only this process\n"
    "  -P PORT     only connections to this destination port\n"
    "  -d SECONDS  stop after SECONDS (default: at Ctrl-C)\n";

static struct {
  long pid;
  long port;
} filter = {0, 0};

static int on_connect(void *ctx, void *data, size_t size) {
  (void)ctx;
  const struct connect_event *e = data;
  if (size < sizeof *e) return 0;
  if (filter.pid && e->pid != (unsigned long)filter.pid) return 0;
  if (filter.port && e->dport != filter.port) return 0;
  char comm[sizeof e->comm + 1];
  tool_text(comm, e->comm, sizeof e->comm);
  char source[40], destination[40];
  bool v4 = e->family == 2;
  if (v4) {
    tool_ipv4(e->saddr, source);
    tool_ipv4(e->daddr, destination);
  } else {
    tool_ipv6(e->saddr, source);
    tool_ipv6(e->daddr, destination);
  }
  char clock[9];
  printf("%-8s %-7u %-16s %-2d %-15s %-15s %u\n", tool_clock(clock), e->pid, comm, v4 ? 4 : 6,
         source, destination, e->dport);
  return 0;
}

int main(int argc, char **argv) {
  long seconds = 0;
  int option;
  while ((option = getopt(argc, argv, "p:P:d:h")) != -1) {
    switch (option) {
    case 'p': filter.pid = tool_number(optarg, "tcpconnect"); break;
    case 'P': filter.port = tool_number(optarg, "tcpconnect"); break;
    case 'd': seconds = tool_number(optarg, "tcpconnect"); break;
    case 'h': fputs(usage, stdout); return 0;
    default: fputs(usage, stderr); return 2;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0);

  const char *programs[] = {"state_change"};
  struct wasmbpf_object *obj = tool_load("tcpconnect", object, sizeof object, programs, 1);
  if (!obj) return 1;
  struct wasmbpf_buffer *events = tool_events("tcpconnect", obj, "events", on_connect);
  if (!events) return 1;

  printf("%-8s %-7s %-16s %-2s %-15s %-15s %s\n", "TIME", "PID", "COMM", "IP", "SADDR", "DADDR",
         "DPORT");
  int status = tool_poll_until(events, tool_deadline(seconds), "tcpconnect");
  wasmbpf_buffer_free(events);
  wasmbpf_object_close(obj);
  return status;
}
