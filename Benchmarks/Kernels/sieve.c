/* Sieve of Eratosthenes: counts primes below n over a byte array. Checked by trial
 * division of sampled numbers against the sieve's verdict. */
#include <string.h>

#include "kernel.h"

#define LIMIT (1u << 20)
static unsigned char composite[LIMIT];

static int is_prime(uint32_t x) {
  if (x < 2) return 0;
  for (uint32_t d = 2; d * d <= x; d++)
    if (x % d == 0) return 0;
  return 1;
}

KERNEL_EXPORT unsigned run(unsigned n) {
  if (n > LIMIT) n = LIMIT;
  memset(composite, 0, n);
  unsigned count = 0;
  for (unsigned i = 2; i < n; i++) {
    if (composite[i]) continue;
    count++;
    for (unsigned long long j = (unsigned long long)i * i; j < n; j += i) composite[j] = 1;
  }
  uint32_t seed = n;
  for (int s = 0; s < 32 && n > 2; s++) {
    uint32_t x = 2 + lcg_next(&seed) % (n - 2);
    CHECK(is_prime(x) == !composite[x]);
  }
  return count;
}

KERNEL_MAIN(LIMIT)
