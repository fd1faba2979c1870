// A wasm-bpf guest embedding hugemap.bpf.o (a map whose size overflows 64 bits):
// prints "load failed" and exits with 1 when the host refuses it, as it must.
#include <stdio.h>
#include "wasmbpf_guest.h"

static const unsigned char object[] = {
#embed "hugemap.bpf.o"
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
