/* Sieve of Eratosthenes: counts primes below n, repeated to amortise set-up. */
#include <stdio.h>
#include <string.h>

#define LIMIT (1u << 20)
static unsigned char composite[LIMIT];

__attribute__((export_name("run"))) unsigned run(unsigned n) {
  if (n > LIMIT) n = LIMIT;
  memset(composite, 0, n);
  unsigned count = 0;
  for (unsigned i = 2; i < n; i++) {
    if (composite[i]) continue;
    count++;
    for (unsigned long long j = (unsigned long long)i * i; j < n; j += i) composite[j] = 1;
  }
  return count;
}

int main(void) {
  printf("%u\n", run(LIMIT));
  return 0;
}
