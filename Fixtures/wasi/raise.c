// proc_raise: an ignored signal returns, a stopping one is refused, a fatal one
// ends the instance (exit status 128 + Linux signal number: SIGTERM -> 143).
#include <stdio.h>
#include "raw.h"

int main(void) {
  printf("chld %d\n", raw_proc_raise(16));
  printf("stop %d\n", raw_proc_raise(18));
  fflush(stdout);
  raw_proc_raise(15);
  printf("still running\n");
  return 0;
}
