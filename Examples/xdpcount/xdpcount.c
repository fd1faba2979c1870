// xdpcount: counts the packets an interface receives by protocol (XDP), printing the
// rates every -i seconds and the totals at the end (-d seconds or Ctrl-C).
#include <getopt.h>

#include "../common/tool.h"
#include "xdpcount.h"

static const unsigned char object[] = {
#embed "xdpcount.bpf.o"
};

static const char usage[] =
    "usage: xdpcount [-i SECONDS] [-d SECONDS] INTERFACE\n"
    "Counts the packets INTERFACE receives, by protocol, with an XDP program (every\n"
    "packet passes). Prints what arrived every -i SECONDS (default 1) and the totals\n"
    "at the end.\n"
    "  -i SECONDS  interval between reports (0: totals only)\n"
    "  -d SECONDS  stop after SECONDS (default: at Ctrl-C)\n";

static const char *const class_names[XDPCOUNT_CLASSES] = {
    "ipv4/tcp", "ipv4/udp", "ipv4/icmp", "ipv4/other", "ipv6/tcp",
    "ipv6/udp", "ipv6/icmp", "ipv6/other", "arp",      "other"};

static int read_counts(int fd, struct xdpcount_value values[XDPCOUNT_CLASSES]) {
  for (unsigned int class = 0; class < XDPCOUNT_CLASSES; class++) {
    int err = wasmbpf_map_lookup(fd, &class, &values[class]);
    if (err) {
      fprintf(stderr, "xdpcount: reading the counts failed: %d\n", err);
      return 1;
    }
  }
  return 0;
}

/// One line per protocol that saw packets since `before`.
static void print_interval(const struct xdpcount_value now[], const struct xdpcount_value before[],
                           long long elapsed_ms) {
  char clock[9];
  tool_clock(clock);
  for (int class = 0; class < XDPCOUNT_CLASSES; class++) {
    unsigned long long packets = now[class].packets - before[class].packets;
    unsigned long long bytes = now[class].bytes - before[class].bytes;
    if (!packets) continue;
    double seconds = elapsed_ms > 0 ? elapsed_ms / 1000.0 : 1.0;
    printf("%-8s %-10s %12llu %14llu %12.1f %14.1f\n", clock, class_names[class], packets, bytes,
           packets / seconds, bytes / seconds);
  }
}

/// What the interval reports need between two calls.
struct report {
  int fd;
  long long last;
  struct xdpcount_value before[XDPCOUNT_CLASSES];
};

static int report_interval(void *context) {
  struct report *report = context;
  struct xdpcount_value now[XDPCOUNT_CLASSES];
  if (read_counts(report->fd, now)) return 1;
  long long at = tool_now_ms();
  print_interval(now, report->before, at - report->last);
  memcpy(report->before, now, sizeof now);
  report->last = at;
  return 0;
}

int main(int argc, char **argv) {
  long seconds = 0, interval = 1;
  int option;
  while ((option = getopt(argc, argv, "i:d:h")) != -1) {
    switch (option) {
    case 'i': interval = tool_number(optarg, "xdpcount"); break;
    case 'd': seconds = tool_number(optarg, "xdpcount"); break;
    case 'h': fputs(usage, stdout); return 0;
    default: fputs(usage, stderr); return 2;
    }
  }
  if (optind != argc - 1) {
    fputs(usage, stderr);
    return 2;
  }
  const char *interface = argv[optind];
  setvbuf(stdout, NULL, _IOLBF, 0);

  struct wasmbpf_object *obj = tool_load("xdpcount", object, sizeof object, NULL, 0);
  if (!obj) return 1;
  int err = wasmbpf_attach(obj, "count_packets", interface);
  if (err) {
    fprintf(stderr, "xdpcount: attaching to %s failed: %d\n", interface, err);
    return 1;
  }
  int fd = wasmbpf_map_fd(obj, "counts");
  if (fd < 0) {
    fprintf(stderr, "xdpcount: no counts map: %d\n", fd);
    return 1;
  }

  printf("Counting packets received on %s... %s\n", interface,
         seconds ? "until the duration ends or Ctrl-C" : "Ctrl-C to end");
  printf("%-8s %-10s %12s %14s %12s %14s\n", "TIME", "PROTOCOL", "PACKETS", "BYTES", "PACKETS/s",
         "BYTES/s");
  struct report report = {.fd = fd, .last = tool_now_ms()};
  int status = tool_every(seconds, interval, report_interval, &report);
  struct xdpcount_value now[XDPCOUNT_CLASSES];
  if (!status && !(status = read_counts(fd, now))) {
    printf("totals on %s:\n", interface);
    for (int class = 0; class < XDPCOUNT_CLASSES; class++)
      if (now[class].packets)
        printf("  %-10s %12llu packets %14llu bytes\n", class_names[class], now[class].packets,
               now[class].bytes);
  }
  wasmbpf_object_close(obj);
  return status;
}
