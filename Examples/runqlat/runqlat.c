// runqlat: a histogram of how long runnable threads waited for a CPU (run-queue
// latency), printed every -i seconds or once at the end (-d seconds or Ctrl-C).
#include <getopt.h>

#include "../common/tool.h"
#include "runqlat.h"

static const unsigned char object[] = {
#embed "runqlat.bpf.o"
};

static const char usage[] =
    "usage: runqlat [-i SECONDS] [-d SECONDS]\n"
    "Prints a log2 histogram of run-queue latency (microseconds) for every CPU.\n"
    "  -i SECONDS  print (and reset) the histogram every SECONDS\n"
    "  -d SECONDS  stop after SECONDS (default: at Ctrl-C); the histogram is printed\n"
    "              at the end\n";

/// Reads the histogram; with `reset`, zeroes it for the next interval.
static int read_histogram(int fd, unsigned long long slots[RUNQLAT_SLOTS], bool reset) {
  for (unsigned int slot = 0; slot < RUNQLAT_SLOTS; slot++) {
    unsigned long long value = 0;
    int err = wasmbpf_map_lookup(fd, &slot, &value);
    if (err) return err;
    slots[slot] = value;
    if (reset && value) {
      unsigned long long zero = 0;
      err = wasmbpf_map_update(fd, &slot, &zero, WASMBPF_ANY);
      if (err) return err;
    }
  }
  return 0;
}

static int print_histogram(int fd, bool reset) {
  unsigned long long slots[RUNQLAT_SLOTS];
  int err = read_histogram(fd, slots, reset);
  if (err) {
    fprintf(stderr, "runqlat: reading the histogram failed: %d\n", err);
    return 1;
  }
  char clock[9];
  printf("\n%s\n", tool_clock(clock));
  tool_print_log2_hist(slots, RUNQLAT_SLOTS, "usecs");
  return 0;
}

static int print_and_reset(void *fd) { return print_histogram(*(int *)fd, true); }

int main(int argc, char **argv) {
  long seconds = 0, interval = 0;
  int option;
  while ((option = getopt(argc, argv, "i:d:h")) != -1) {
    switch (option) {
    case 'i': interval = tool_number(optarg, "runqlat"); break;
    case 'd': seconds = tool_number(optarg, "runqlat"); break;
    case 'h': fputs(usage, stdout); return 0;
    default: fputs(usage, stderr); return 2;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0);

  const char *programs[] = {"wakeup", "wakeup_new", "switch_task"};
  struct wasmbpf_object *obj = tool_load("runqlat", object, sizeof object, programs, 3);
  if (!obj) return 1;
  int fd = wasmbpf_map_fd(obj, "histogram");
  if (fd < 0) {
    fprintf(stderr, "runqlat: no histogram map: %d\n", fd);
    return 1;
  }

  printf("Tracing run-queue latency... %s\n",
         seconds ? "until the duration ends or Ctrl-C" : "Ctrl-C to end");
  int status = tool_every(seconds, interval, print_and_reset, &fd);
  if (!status) status = print_histogram(fd, false);
  wasmbpf_object_close(obj);
  return status;
}
