// A hostile guest: calls every wasm_bpf import with forged, stale and out-of-range
// arguments and prints what each returned ("NAME RESULT"), for the tests to compare
// with the errno the host must give. With -m close / exit / trap it then closes the
// object, exits, or traps from inside a ring-buffer callback.
#include "../common.h"
#include "wasmbpf_guest.h"

static const unsigned char object[] = {
#embed "hostile.bpf.o"
};

static const unsigned char garbage[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};

static uint64_t handle;
static const char *mode = "";
static int events;

#define CHECK(name, expr) printf("%s %lld\n", name, (long long)(expr))

static int on_event(void *ctx, void *data, size_t size) {
  events++;
  if (!strcmp(mode, "close")) {
    // Records already in the ring still arrive after the close: close only once.
    if (events == 1) printf("close-in-callback %d\n", wasm_close_bpf_object(handle));
    return 0;
  }
  if (!strcmp(mode, "exit")) exit(7);
  if (!strcmp(mode, "trap")) __builtin_trap();
  return 1;
}

static void wrong_type(void) {}

int main(int argc, char **argv) {
  struct fixture_options o = fixture_parse(argc, argv);
  if (o.match) mode = o.match;
  char *end = (char *)(__builtin_wasm_memory_size(0) * 65536);

  CHECK("load-out-of-memory", wasm_load_bpf_object(end - 16, 4096));
  CHECK("load-negative-length", wasm_load_bpf_object(object, -1));
  CHECK("load-garbage", wasm_load_bpf_object(garbage, sizeof garbage));
  CHECK("close-zero", wasm_close_bpf_object(0));
  CHECK("close-forged", wasm_close_bpf_object(0xdeadbeefULL));
  CHECK("attach-forged", wasm_attach_bpf_program(12345, "on_exec", ""));

  handle = wasm_load_bpf_object(object, sizeof object);
  CHECK("load-valid", handle != 0);
  CHECK("attach-unknown-program", wasm_attach_bpf_program(handle, "no_such", ""));
  // An unterminated name in the last bytes of memory.
  memset(end - 16, 'A', 16);
  CHECK("attach-unterminated-name", wasm_attach_bpf_program(handle, end - 16, ""));
  CHECK("attach-name-out-of-memory", wasm_attach_bpf_program(handle, end + 64, ""));
  CHECK("attach-fd-not-cgroup-program", wasm_attach_bpf_program_fd(handle, "on_exec", 3));
  CHECK("map-unknown-name", wasm_bpf_map_fd_by_name(handle, "nope"));
  CHECK("map-name-unterminated", wasm_bpf_map_fd_by_name(handle, end - 16));

  int table = wasm_bpf_map_fd_by_name(handle, "table");
  int percpu = wasm_bpf_map_fd_by_name(handle, "percpu");
  int ring = wasm_bpf_map_fd_by_name(handle, "events");
  unsigned int key = 1;
  unsigned long long value = 5;
  CHECK("map-host-fd-0", wasm_bpf_map_operate(0, 1, &key, &value, NULL, 0));
  CHECK("map-host-fd-2", wasm_bpf_map_operate(2, 1, &key, &value, NULL, 0));
  CHECK("map-forged-fd", wasm_bpf_map_operate(1000, 1, &key, &value, NULL, 0));
  CHECK("map-bad-command", wasm_bpf_map_operate(table, 7, &key, &value, NULL, 0));
  CHECK("map-key-out-of-memory", wasm_bpf_map_operate(table, 1, end - 2, &value, NULL, 0));
  CHECK("map-value-out-of-memory", wasm_bpf_map_operate(table, 2, &key, end - 4, NULL, 0));
  CHECK("map-update", wasm_bpf_map_operate(table, 2, &key, &value, NULL, 0));
  CHECK("map-lookup", wasm_bpf_map_operate(table, 1, &key, &value, NULL, 0));
  // Per-CPU: 8 bytes per possible CPU; 8 bytes before the end is too small (2+ CPUs).
  unsigned int zero = 0;
  CHECK("percpu-too-small", wasm_bpf_map_operate(percpu, 1, &zero, end - 8, NULL, 0));
  CHECK("next-key-out-of-memory", wasm_bpf_map_operate(table, 4, NULL, NULL, end - 2, 0));

  static char data[4096];
  int sample = (int)(uintptr_t)on_event;
  CHECK("poll-forged-handle", wasm_bpf_buffer_poll(999, ring, sample, NULL, data, 4096, 10));
  CHECK("poll-not-a-buffer", wasm_bpf_buffer_poll(handle, table, sample, NULL, data, 4096, 10));
  CHECK("poll-callback-out-of-table", wasm_bpf_buffer_poll(handle, ring, 99999, NULL, data, 4096, 10));
  CHECK("poll-callback-wrong-type",
        wasm_bpf_buffer_poll(handle, ring, (int)(uintptr_t)wrong_type, NULL, data, 4096, 10));
  CHECK("poll-data-out-of-memory", wasm_bpf_buffer_poll(handle, ring, sample, NULL, end - 10, 4096, 10));
  CHECK("poll-negative-size", wasm_bpf_buffer_poll(handle, ring, sample, NULL, data, -1, 10));
  CHECK("poll-negative-timeout", wasm_bpf_buffer_poll(handle, ring, sample, NULL, data, 4096, -1) >= 0);

  if (*mode) {
    CHECK("attach", wasm_attach_bpf_program(handle, "on_exec", ""));
    printf("ready\n");
    long deadline = fixture_now_ms() + o.timeout_ms;
    while (events == 0 && fixture_now_ms() < deadline)
      wasm_bpf_buffer_poll(handle, ring, sample, NULL, data, 4096, 100);
    CHECK("events", events > 0);
    CHECK("stale-after-close", wasm_bpf_map_fd_by_name(handle, "table"));
    return 0;
  }
  CHECK("close", wasm_close_bpf_object(handle));
  CHECK("close-stale", wasm_close_bpf_object(handle));
  CHECK("map-after-close", wasm_bpf_map_operate(table, 1, &key, &value, NULL, 0));
  return 0;
}
