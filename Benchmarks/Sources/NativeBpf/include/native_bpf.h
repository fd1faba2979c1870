// The native peer of the BPF benchmarks: the same BPF objects driven by libbpf from
// C, with no Wasm in between.
#ifndef NATIVE_BPF_H
#define NATIVE_BPF_H
#include <stddef.h>

/// Opens and loads `object`, attaches every program automatically, then detaches and
/// closes everything. 0 or a negative errno.
int native_load_attach(const void *object, size_t size);

/// Opens, loads and attaches every program of `object`, and keeps it all: returns a
/// handle for `native_release` (NULL on failure). Detaching a tracepoint waits for an
/// RCU grace period (~100 ms here), which the load+attach benchmark does not time.
void *native_load_attach_keep(const void *object, size_t size);
void native_release(void *handle);

/// Loads `object`, attaches program `program`, and consumes `events` records from ring
/// buffer map `map` (reading each record's first 8 bytes), for at most `timeout_ms`.
/// Returns the number of records consumed, or a negative errno.
long native_ring_consume(const void *object, size_t size, const char *program,
                         const char *map, long events, int timeout_ms);
#endif
