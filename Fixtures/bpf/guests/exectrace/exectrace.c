// Prints "exec PID COMM" / "exit PID COMM" for processes whose command matches -m.
#include "../common.h"
#include "wasmbpf_guest.h"
#include "exectrace.h"

static const unsigned char object[] = {
#embed "exectrace.bpf.o"
};

static long seen;
static const char *match;

static int on_event(void *ctx, void *data, size_t size) {
  const struct exec_event *e = data;
  if (size < sizeof *e) return 0;
  if (match && strncmp(e->comm, match, sizeof e->comm) != 0) return 0;
  printf("%s %u %.16s\n", e->is_exit ? "exit" : "exec", e->pid, e->comm);
  seen++;
  return 0;
}

int main(int argc, char **argv) {
  struct fixture_options o = fixture_parse(argc, argv);
  match = o.match;
  struct wasmbpf_object *obj = wasmbpf_object_load(object, sizeof object);
  if (!obj) { fprintf(stderr, "load failed\n"); return 1; }
  if (wasmbpf_attach(obj, "handle_exec", NULL) || wasmbpf_attach(obj, "handle_exit", NULL)) {
    fprintf(stderr, "attach failed\n");
    return 1;
  }
  struct wasmbpf_buffer *events = wasmbpf_buffer_open(obj, "events", on_event, NULL);
  if (!events) { fprintf(stderr, "no ring buffer\n"); return 1; }
  printf("ready\n");
  long deadline = fixture_now_ms() + o.timeout_ms;
  int interrupted = 0;
  while (seen < o.max_events && fixture_now_ms() < deadline) {
    int n = wasmbpf_buffer_poll(events, 100);
    // Stopped (Ctrl-C): leave the loop and finish normally, as upstream tools do.
    if (wasmbpf_interrupted(n)) { interrupted = 1; break; }
    if (n < 0) { fprintf(stderr, "poll: %d\n", n); return 1; }
  }
  wasmbpf_buffer_free(events);
  // -a keep: leave the object to the host, which closes it when the instance ends.
  if (!o.arg || strcmp(o.arg, "keep") != 0) wasmbpf_object_close(obj);
  if (interrupted) printf("interrupted after %ld events\n", (long)seen);
  return interrupted || seen >= o.max_events ? 0 : 2;
}
