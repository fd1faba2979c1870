// Attaches to the cgroup given by -a (default the cgroup v2 root) and prints
// "connect N active N passive N" once -n active connections were established.
// With -m fd, -a is a directory path in the guest's WASI file system instead: the
// guest opens it and attaches through the fd (wasm_attach_bpf_program_fd).
#include <fcntl.h>
#include <unistd.h>
#include "../common.h"
#include "wasmbpf_guest.h"

static const unsigned char object[] = {
#embed "sockops.bpf.o"
};

enum { TCP_CONNECT_CB = 3, ACTIVE_ESTABLISHED_CB = 4, PASSIVE_ESTABLISHED_CB = 5 };

static unsigned long long count(int fd, unsigned int op) {
  unsigned long long value = 0;
  return wasmbpf_map_lookup(fd, &op, &value) == 0 ? value : 0;
}

int main(int argc, char **argv) {
  struct fixture_options o = fixture_parse(argc, argv);
  const char *cgroup = o.arg ? o.arg : "/sys/fs/cgroup/unified";
  struct wasmbpf_object *obj = wasmbpf_object_load(object, sizeof object);
  if (!obj) { fprintf(stderr, "load failed\n"); return 1; }
  int err;
  if (o.match && !strcmp(o.match, "fd")) {
    int fd = open(cgroup, O_RDONLY | O_DIRECTORY);
    if (fd < 0) { fprintf(stderr, "open %s failed\n", cgroup); return 1; }
    err = wasmbpf_attach_fd(obj, "count_sockops", fd);
    close(fd);
  } else {
    err = wasmbpf_attach(obj, "count_sockops", cgroup);
  }
  if (err) { fprintf(stderr, "attach to %s failed: %d\n", cgroup, err); return 1; }
  int fd = wasmbpf_map_fd(obj, "ops");
  printf("ready\n");
  long deadline = fixture_now_ms() + o.timeout_ms;
  while (fixture_now_ms() < deadline && (long)count(fd, ACTIVE_ESTABLISHED_CB) < o.max_events) {
    struct timespec pause = {0, 50 * 1000000};
    nanosleep(&pause, NULL);
  }
  unsigned long long active = count(fd, ACTIVE_ESTABLISHED_CB);
  printf("connect %llu active %llu passive %llu\n", count(fd, TCP_CONNECT_CB), active,
         count(fd, PASSIVE_ESTABLISHED_CB));
  wasmbpf_object_close(obj);
  return (long)active >= o.max_events ? 0 : 2;
}
