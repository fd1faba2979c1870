// Writes the tag given by -a into the kernel side's config map, then waits until
// -n processes called getppid() and prints "result PID VALUE" for each.
#include "../common.h"
#include "wasmbpf_guest.h"

static const unsigned char object[] = {
#embed "config.bpf.o"
};

/* The keys of `results` (at most 1024) into `pids`; how many. */
static long collect_keys(int results, unsigned int *pids) {
  long found = 0;
  unsigned int key, next;
  const unsigned int *previous = NULL;
  while (found < 1024 && wasmbpf_map_next_key(results, previous, &next) == 0) {
    pids[found++] = next;
    key = next;
    previous = &key;
  }
  return found;
}

int main(int argc, char **argv) {
  struct fixture_options o = fixture_parse(argc, argv);
  unsigned int tag = o.arg ? (unsigned int)strtoul(o.arg, NULL, 10) : 21;
  struct wasmbpf_object *obj = wasmbpf_object_load(object, sizeof object);
  if (!obj) { fprintf(stderr, "load failed\n"); return 1; }
  unsigned int zero = 0;
  int config = wasmbpf_map_fd(obj, "config");
  if (wasmbpf_map_update(config, &zero, &tag, WASMBPF_ANY) != 0) {
    fprintf(stderr, "config update failed\n");
    return 1;
  }
  if (wasmbpf_attach(obj, "on_getppid", NULL)) { fprintf(stderr, "attach failed\n"); return 1; }
  int results = wasmbpf_map_fd(obj, "results");
  printf("ready\n");
  long deadline = fixture_now_ms() + o.timeout_ms;
  long found = 0;
  unsigned int pids[1024];
  int settled = 0;
  while (fixture_now_ms() < deadline) {
    found = collect_keys(results, pids);
    // Once -n processes are in, one more read after 200 ms: other processes on the
    // machine call getppid() too, and one that calls it steadily (the test's) is then
    // in the map even when another was first.
    if (found >= o.max_events && settled) break;
    struct timespec pause = {0, (found >= o.max_events ? 200 : 50) * 1000000L};
    if (found >= o.max_events) settled = 1;
    nanosleep(&pause, NULL);
  }
  for (long i = 0; i < found; i++) {
    unsigned int value = 0;
    if (wasmbpf_map_lookup(results, &pids[i], &value) == 0) printf("result %u %u\n", pids[i], value);
  }
  wasmbpf_object_close(obj);
  return found >= o.max_events ? 0 : 2;
}
