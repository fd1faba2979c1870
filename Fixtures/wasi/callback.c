// proc_exit from inside a host callback: main calls the host's env.call_back, which
// calls this module's export `inner`, which exits with 5. Nothing after the exit
// runs, neither in the guest nor in the host callback.
#include <stdio.h>
#include <stdlib.h>

__attribute__((import_module("env"), import_name("call_back"))) void call_back(void);

__attribute__((export_name("inner"))) void inner(void) {
  printf("inner\n");
  fflush(stdout);
  exit(5);
}

int main(void) {
  printf("before\n");
  fflush(stdout);
  call_back();
  printf("after\n");
  return 0;
}
