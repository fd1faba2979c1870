// Attaches the XDP counter to the interface given by -a (default "lo") and prints
// "packets N" once at least -n packets were counted (summed over every CPU).
#include "../common.h"
#include "wasmbpf_guest.h"

static const unsigned char object[] = {
#embed "xdpcount.bpf.o"
};

int main(int argc, char **argv) {
  struct fixture_options o = fixture_parse(argc, argv);
  const char *interface = o.arg ? o.arg : "lo";
  struct wasmbpf_object *obj = wasmbpf_object_load(object, sizeof object);
  if (!obj) { fprintf(stderr, "load failed\n"); return 1; }
  int err = wasmbpf_attach(obj, "count_packets", interface);
  if (err) { fprintf(stderr, "attach to %s failed: %d\n", interface, err); return 1; }
  int fd = wasmbpf_map_fd(obj, "packets");
  printf("ready\n");
  // One u64 per possible CPU (the host checks the buffer is big enough).
  unsigned long long per_cpu[256];
  unsigned int key = 0;
  long deadline = fixture_now_ms() + o.timeout_ms;
  unsigned long long total = 0;
  while (fixture_now_ms() < deadline) {
    // The host fills one slot per possible CPU; the rest stay zero.
    memset(per_cpu, 0, sizeof per_cpu);
    if (wasmbpf_map_lookup(fd, &key, per_cpu) != 0) { fprintf(stderr, "lookup failed\n"); return 1; }
    total = 0;
    for (int i = 0; i < 256; i++) total += per_cpu[i];
    if ((long)total >= o.max_events) break;
    struct timespec pause = {0, 50 * 1000000};
    nanosleep(&pause, NULL);
  }
  printf("packets %llu\n", total);
  wasmbpf_object_close(obj);
  return (long)total >= o.max_events ? 0 : 2;
}
