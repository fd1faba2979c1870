// Consumes -n records from the ring buffer (giving up after -t ms), summing their
// sequence numbers so every record is read, and prints "events N".
#include "../common.h"
#include "wasmbpf_guest.h"

static const unsigned char object[] = {
#embed "ringbench.bpf.o"
};

struct record {
  unsigned long long sequence;
  unsigned int pid;
  unsigned char payload[52];
};

static long consumed;
static unsigned long long checksum;

static int on_record(void *ctx, void *data, size_t size) {
  const struct record *r = data;
  if (size < sizeof *r) return 0;
  checksum += r->sequence;
  consumed++;
  return 0;
}

int main(int argc, char **argv) {
  struct fixture_options o = fixture_parse(argc, argv);
  struct wasmbpf_object *obj = wasmbpf_object_load(object, sizeof object);
  if (!obj) { fprintf(stderr, "load failed\n"); return 1; }
  if (wasmbpf_attach(obj, "produce", NULL)) { fprintf(stderr, "attach failed\n"); return 1; }
  struct wasmbpf_buffer *records = wasmbpf_buffer_open(obj, "records", on_record, NULL);
  if (!records) { fprintf(stderr, "no ring buffer\n"); return 1; }
  long deadline = fixture_now_ms() + o.timeout_ms;
  int interrupted = 0;
  while (consumed < o.max_events && fixture_now_ms() < deadline) {
    int n = wasmbpf_buffer_poll(records, 10);
    // Stopped (Ctrl-C): leave the loop and finish normally, as upstream tools do.
    if (wasmbpf_interrupted(n)) { interrupted = 1; break; }
    if (n < 0) { fprintf(stderr, "poll: %d\n", n); return 1; }
  }
  printf("events %ld checksum %llu\n", consumed, checksum);
  wasmbpf_object_close(obj);
  return interrupted || consumed >= o.max_events ? 0 : 2;
}
