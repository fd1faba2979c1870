// tcplife: prints the TCP connections of a cgroup's processes as they close, with
// both ends, the bytes each way and how long they lasted, until Ctrl-C or -d seconds.
// The cgroup is a directory the runtime granted (--dir HOST::GUEST): the tool opens
// it and attaches to that descriptor, never to a host path of its choosing.
#include <fcntl.h>
#include <getopt.h>
#include <unistd.h>

#include "../common/tool.h"
#include "tcplife.h"

static const unsigned char object[] = {
#embed "tcplife.bpf.o"
};

static const char usage[] =
    "usage: tcplife [-P PORT] [-d SECONDS] CGROUP\n"
    "Prints the TCP connections of the processes in CGROUP (a cgroup v2 directory the\n"
    "runtime granted, e.g. wasmbpf-run --dir /sys/fs/cgroup::/cgroup tcplife.wasm\n"
    "/cgroup) when they close: direction, local and remote ends, bytes sent (and\n"
    "acknowledged) and received, and how long they were open.\n"
    "  -P PORT     only connections with this local or remote port\n"
    "  -d SECONDS  stop after SECONDS (default: at Ctrl-C)\n";

static long only_port;

static int on_close(void *ctx, void *data, size_t size) {
  (void)ctx;
  const struct tcp_life *e = data;
  if (size < sizeof *e) return 0;
  if (only_port && e->local_port != only_port && e->remote_port != only_port) return 0;
  char local[40], remote[40];
  if (e->family == 2) {
    tool_ipv4(e->local_address, local);
    tool_ipv4(e->remote_address, remote);
  } else {
    tool_ipv6(e->local_address, local);
    tool_ipv6(e->remote_address, remote);
  }
  char clock[9];
  printf("%-8s %-3s %-15s %-5u %-15s %-5u %10llu %10llu %10.2f\n", tool_clock(clock),
         e->active ? "out" : "in", local, e->local_port, remote, e->remote_port, e->bytes_sent,
         e->bytes_received, (double)e->duration_ns / 1e6);
  return 0;
}

int main(int argc, char **argv) {
  long seconds = 0;
  int option;
  while ((option = getopt(argc, argv, "P:d:h")) != -1) {
    switch (option) {
    case 'P': only_port = tool_number(optarg, "tcplife"); break;
    case 'd': seconds = tool_number(optarg, "tcplife"); break;
    case 'h': fputs(usage, stdout); return 0;
    default: fputs(usage, stderr); return 2;
    }
  }
  if (optind != argc - 1) {
    fputs(usage, stderr);
    return 2;
  }
  const char *cgroup = argv[optind];
  setvbuf(stdout, NULL, _IOLBF, 0);

  int cgroup_fd = open(cgroup, O_RDONLY | O_DIRECTORY);
  if (cgroup_fd < 0) {
    fprintf(stderr, "tcplife: cannot open %s (grant it with --dir HOST::%s)\n", cgroup, cgroup);
    return 1;
  }
  struct wasmbpf_object *obj = tool_load("tcplife", object, sizeof object, NULL, 0);
  if (!obj) return 1;
  int err = wasmbpf_attach_fd(obj, "track_connections", cgroup_fd);
  close(cgroup_fd);
  if (err) {
    fprintf(stderr, "tcplife: attaching to the cgroup %s failed: %d\n", cgroup, err);
    return 1;
  }
  struct wasmbpf_buffer *events = tool_events("tcplife", obj, "events", on_close);
  if (!events) return 1;

  printf("%-8s %-3s %-15s %-5s %-15s %-5s %10s %10s %10s\n", "TIME", "DIR", "LADDR", "LPORT",
         "RADDR", "RPORT", "TX_BYTES", "RX_BYTES", "MS");
  int status = tool_poll_until(events, tool_deadline(seconds), "tcplife");
  wasmbpf_buffer_free(events);
  wasmbpf_object_close(obj);
  return status;
}
