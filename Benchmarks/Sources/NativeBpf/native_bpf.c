// See native_bpf.h. Plain libbpf, as a native tool would use it.
#include "native_bpf.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int native_load_attach(const void *object, size_t size) {
  struct bpf_object *obj = bpf_object__open_mem(object, size, NULL);
  if (!obj) return -errno;
  int err = bpf_object__load(obj);
  if (err) {
    bpf_object__close(obj);
    return err;
  }
  struct bpf_link *links[16];
  int count = 0;
  struct bpf_program *prog;
  bpf_object__for_each_program(prog, obj) {
    if (count == 16) break;
    struct bpf_link *link = bpf_program__attach(prog);
    if (!link) {
      err = -errno;
      break;
    }
    links[count++] = link;
  }
  for (int i = 0; i < count; i++) bpf_link__destroy(links[i]);
  bpf_object__close(obj);
  return err;
}

struct kept {
  struct bpf_object *obj;
  struct bpf_link *links[16];
  int count;
};

void *native_load_attach_keep(const void *object, size_t size) {
  struct kept *k = calloc(1, sizeof *k);
  if (!k) return NULL;
  k->obj = bpf_object__open_mem(object, size, NULL);
  if (!k->obj || bpf_object__load(k->obj)) {
    native_release(k);
    return NULL;
  }
  struct bpf_program *prog;
  bpf_object__for_each_program(prog, k->obj) {
    if (k->count == 16) break;
    struct bpf_link *link = bpf_program__attach(prog);
    if (!link) {
      native_release(k);
      return NULL;
    }
    k->links[k->count++] = link;
  }
  return k;
}

void native_release(void *handle) {
  struct kept *k = handle;
  if (!k) return;
  for (int i = 0; i < k->count; i++) bpf_link__destroy(k->links[i]);
  bpf_object__close(k->obj);
  free(k);
}

struct consumer {
  long consumed;
  unsigned long long checksum;
};

static int on_record(void *ctx, void *data, size_t size) {
  struct consumer *c = ctx;
  if (size >= 8) c->checksum += *(const unsigned long long *)data;
  c->consumed++;
  return 0;
}

long native_ring_consume(const void *object, size_t size, const char *program,
                         const char *map, long events, int timeout_ms) {
  struct bpf_object *obj = bpf_object__open_mem(object, size, NULL);
  if (!obj) return -errno;
  long result = bpf_object__load(obj);
  struct bpf_link *link = NULL;
  struct ring_buffer *ring = NULL;
  struct consumer consumer = {0, 0};
  if (result) goto out;
  struct bpf_program *prog = bpf_object__find_program_by_name(obj, program);
  if (!prog) { result = -ENOENT; goto out; }
  link = bpf_program__attach(prog);
  if (!link) { result = -errno; goto out; }
  int fd = bpf_object__find_map_fd_by_name(obj, map);
  if (fd < 0) { result = fd; goto out; }
  ring = ring_buffer__new(fd, on_record, &consumer, NULL);
  if (!ring) { result = -errno; goto out; }
  long deadline = now_ms() + timeout_ms;
  while (consumer.consumed < events && now_ms() < deadline) {
    int n = ring_buffer__poll(ring, 10);
    if (n < 0 && n != -EINTR) { result = n; goto out; }
  }
  result = consumer.consumed;
out:
  ring_buffer__free(ring);
  bpf_link__destroy(link);
  bpf_object__close(obj);
  return result;
}
