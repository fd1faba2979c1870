// A wasm-bpf guest whose BPF object the kernel's verifier rejects: it prints
// "load failed" and exits with 1, for the --verifier-log test of wasmbpf-run.
#include <stdio.h>
#include "wasmbpf_guest.h"

static const unsigned char object[] = {
#embed "rejected.bpf.o"
};

int main(void) {
  struct wasmbpf_object *obj = wasmbpf_object_load(object, sizeof object);
  if (!obj) {
    fputs("load failed\n", stderr);
    return 1;
  }
  puts("loaded");
  return 0;
}
