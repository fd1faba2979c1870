// Collects for -t ms, then prints "usecs LOW-HIGH COUNT" for every non-empty bucket,
// in bucket order, by walking the hash map's keys.
#include "../common.h"
#include "wasmbpf_guest.h"

static const unsigned char object[] = {
#embed "sleephist.bpf.o"
};

int main(int argc, char **argv) {
  struct fixture_options o = fixture_parse(argc, argv);
  struct wasmbpf_object *obj = wasmbpf_object_load(object, sizeof object);
  if (!obj) { fprintf(stderr, "load failed\n"); return 1; }
  if (wasmbpf_attach(obj, "sleep_enter", NULL) || wasmbpf_attach(obj, "sleep_exit", NULL)) {
    fprintf(stderr, "attach failed\n");
    return 1;
  }
  printf("ready\n");
  struct timespec pause = {o.timeout_ms / 1000, (o.timeout_ms % 1000) * 1000000};
  nanosleep(&pause, NULL);

  int fd = wasmbpf_map_fd(obj, "hist");
  unsigned long long counts[64] = {0};
  unsigned int key, next;
  const unsigned int *previous = NULL;
  int err;
  while ((err = wasmbpf_map_next_key(fd, previous, &next)) == 0) {
    unsigned long long value;
    if (next < 64 && wasmbpf_map_lookup(fd, &next, &value) == 0) counts[next] = value;
    key = next;
    previous = &key;
  }
  if (err != -WASMBPF_ENOENT) {  // -ENOENT ends the walk; anything else is a failure
    fprintf(stderr, "reading the histogram failed: %d\n", err);
    return 1;
  }
  for (int slot = 0; slot < 64; slot++) {
    if (!counts[slot]) continue;
    unsigned long long low = slot == 0 ? 0 : 1ULL << slot, high = (1ULL << (slot + 1)) - 1;
    printf("usecs %llu-%llu %llu\n", low, high, counts[slot]);
  }
  wasmbpf_object_close(obj);
  return 0;
}
