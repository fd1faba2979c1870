// wasmbpf guest SDK: a libbpf-like user-space API for C programs compiled to
// wasm32-wasi, implemented on the `wasm_bpf` host imports (docs/wasm-bpf-abi.md).
// Header-only; the bundled tools (Examples/) and the test guests (Fixtures/) use it,
// and so can yours: add `-I SDK` to the wasm32-wasi compile (SDK/README.md).
#ifndef WASMBPF_GUEST_H
#define WASMBPF_GUEST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WASMBPF_IMPORT(name) \
  __attribute__((import_module("wasm_bpf"), import_name(#name)))

WASMBPF_IMPORT(wasm_load_bpf_object)
uint64_t wasm_load_bpf_object(const void *obj_buf, int obj_len);
WASMBPF_IMPORT(wasm_close_bpf_object)
int wasm_close_bpf_object(uint64_t obj);
WASMBPF_IMPORT(wasm_attach_bpf_program)
int wasm_attach_bpf_program(uint64_t obj, const char *name, const char *attach_target);
WASMBPF_IMPORT(wasm_attach_bpf_program_fd)
int wasm_attach_bpf_program_fd(uint64_t obj, const char *name, int target_fd);
WASMBPF_IMPORT(wasm_bpf_buffer_poll)
int wasm_bpf_buffer_poll(uint64_t obj, int map_fd, int sample_fn, void *ctx, void *data,
                         int max_size, int timeout_ms);
WASMBPF_IMPORT(wasm_bpf_map_fd_by_name)
int wasm_bpf_map_fd_by_name(uint64_t obj, const char *name);
WASMBPF_IMPORT(wasm_bpf_map_operate)
int wasm_bpf_map_operate(int fd, int cmd, const void *key, void *value, void *next_key,
                         uint64_t flags);

// The host returns Linux errno values (negated). wasi-libc numbers errno differently
// (its ENOENT is 44, Linux's is 2), so compare results with these, not <errno.h>'s.
// One exception: an interrupted poll (wasmbpf_interrupted).
enum { WASMBPF_EPERM = 1, WASMBPF_ENOENT = 2, WASMBPF_EINTR = 4, WASMBPF_EBADF = 9,
       WASMBPF_EFAULT = 14, WASMBPF_EINVAL = 22 };

enum { WASMBPF_MAP_LOOKUP = 1, WASMBPF_MAP_UPDATE = 2, WASMBPF_MAP_DELETE = 3,
       WASMBPF_MAP_NEXT_KEY = 4 };
enum { WASMBPF_ANY = 0, WASMBPF_NOEXIST = 1, WASMBPF_EXIST = 2 };

/// A loaded BPF object (the host's opaque handle).
struct wasmbpf_object {
  uint64_t handle;
};

/// Loads (opens, verifies, creates maps) an ELF BPF object held in guest memory.
static inline struct wasmbpf_object *wasmbpf_object_load(const void *elf, size_t size) {
  uint64_t handle = wasm_load_bpf_object(elf, (int)size);
  if (handle == 0) return NULL;
  struct wasmbpf_object *obj = malloc(sizeof *obj);
  if (obj) obj->handle = handle;
  return obj;
}

/// Attaches program `name`; `target` is NULL or "" for automatic attach, a cgroup
/// path for cgroup programs, an interface for XDP.
static inline int wasmbpf_attach(struct wasmbpf_object *obj, const char *name,
                                 const char *target) {
  return wasm_attach_bpf_program(obj->handle, name, target ? target : "");
}

/// Attaches cgroup program `name` to the cgroup directory open as WASI fd `fd`.
static inline int wasmbpf_attach_fd(struct wasmbpf_object *obj, const char *name, int fd) {
  return wasm_attach_bpf_program_fd(obj->handle, name, fd);
}

static inline int wasmbpf_map_fd(struct wasmbpf_object *obj, const char *map_name) {
  return wasm_bpf_map_fd_by_name(obj->handle, map_name);
}

static inline int wasmbpf_map_lookup(int fd, const void *key, void *value) {
  return wasm_bpf_map_operate(fd, WASMBPF_MAP_LOOKUP, key, value, NULL, 0);
}
static inline int wasmbpf_map_update(int fd, const void *key, const void *value,
                                     uint64_t flags) {
  return wasm_bpf_map_operate(fd, WASMBPF_MAP_UPDATE, key, (void *)value, NULL, flags);
}
static inline int wasmbpf_map_delete(int fd, const void *key) {
  return wasm_bpf_map_operate(fd, WASMBPF_MAP_DELETE, key, NULL, NULL, 0);
}
/// `key` NULL gives the first key. 0, or -WASMBPF_ENOENT after the last key.
static inline int wasmbpf_map_next_key(int fd, const void *key, void *next_key) {
  return wasm_bpf_map_operate(fd, WASMBPF_MAP_NEXT_KEY, key, NULL, next_key, 0);
}

static inline void wasmbpf_object_close(struct wasmbpf_object *obj) {
  if (!obj) return;
  wasm_close_bpf_object(obj->handle);
  free(obj);
}

/// Called for each ring/perf buffer record; non-zero stops the current poll.
typedef int (*wasmbpf_sample_fn)(void *ctx, void *data, size_t size);

/// A ring buffer or perf event array of an object, polled into a guest buffer.
struct wasmbpf_buffer {
  struct wasmbpf_object *obj;
  int map_fd;
  wasmbpf_sample_fn sample;
  void *ctx;
  char data[4096];
};

static inline struct wasmbpf_buffer *wasmbpf_buffer_open(struct wasmbpf_object *obj,
                                                         const char *map_name,
                                                         wasmbpf_sample_fn sample,
                                                         void *ctx) {
  int fd = wasmbpf_map_fd(obj, map_name);
  if (fd < 0) return NULL;
  struct wasmbpf_buffer *buffer = calloc(1, sizeof *buffer);
  if (!buffer) return NULL;
  buffer->obj = obj;
  buffer->map_fd = fd;
  buffer->sample = sample;
  buffer->ctx = ctx;
  return buffer;
}

/// Records consumed, or a negative errno: see wasmbpf_interrupted.
static inline int wasmbpf_buffer_poll(struct wasmbpf_buffer *buffer, int timeout_ms) {
  // A C function pointer in wasm32 is its index in table 0: what the host calls.
  return wasm_bpf_buffer_poll(buffer->obj->handle, buffer->map_fd,
                              (int)(uintptr_t)buffer->sample, buffer->ctx, buffer->data,
                              (int)sizeof buffer->data, timeout_ms > 0 ? timeout_ms : 100);
}

/// True when a poll's result means the tool was asked to stop (Ctrl-C): leave the
/// poll loop, print what is pending and return from main. On the first SIGINT the
/// runtime ends a blocked poll with the guest libc's -EINTR (WASI's 27, as upstream
/// wasm-bpf guests expect); earlier runtimes returned Linux's -4.
static inline int wasmbpf_interrupted(int result) {
  return result == -EINTR || result == -WASMBPF_EINTR;
}

static inline void wasmbpf_buffer_free(struct wasmbpf_buffer *buffer) { free(buffer); }

#endif
