/* Naive recursive Fibonacci: a call-heavy kernel. Checked against the iterative sum. */
#include "kernel.h"

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

KERNEL_EXPORT unsigned run(unsigned n) {
  uint32_t result = fib(n), previous = 0, current = 1;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t next = previous + current;
    previous = current;
    current = next;
  }
  CHECK(result == previous);
  return result;
}

KERNEL_MAIN(27)
