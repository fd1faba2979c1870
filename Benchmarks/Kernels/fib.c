/* Naive recursive Fibonacci: a call-heavy kernel. */
#include <stdio.h>

static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((export_name("run"))) unsigned run(unsigned n) { return fib(n); }

int main(void) {
  printf("%u\n", run(27));
  return 0;
}
