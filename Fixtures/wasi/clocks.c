// Clocks, sleeping and random bytes.
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(void) {
  struct timespec real, res, before, after, cpu;
  clock_gettime(CLOCK_REALTIME, &real);
  printf("realtime %lld.%09ld\n", (long long)real.tv_sec, real.tv_nsec);
  clock_getres(CLOCK_MONOTONIC, &res);
  printf("monotonic resolution ok %d\n", ns(res) > 0 && ns(res) <= 1000000);
  printf("cputime ok %d\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0);
  clock_gettime(CLOCK_MONOTONIC, &before);
  struct timespec nap = {0, 30 * 1000000};
  nanosleep(&nap, 0);
  clock_gettime(CLOCK_MONOTONIC, &after);
  long long slept = ns(after) - ns(before);
  printf("slept at least 30ms %d\n", slept >= 30000000LL);
  unsigned char bytes[8];
  getentropy(bytes, sizeof bytes);
  printf("random");
  for (int i = 0; i < 8; i++) printf(" %02x", bytes[i]);
  printf("\n");
  return 0;
}
