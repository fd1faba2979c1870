// poll_oneoff with clock and fd subscriptions. Stdin is an in-memory buffer
// holding "abc"; stdout is a buffer too.
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wasi/api.h>

static long long now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static __wasi_subscription_t clock_sub(__wasi_userdata_t tag, __wasi_timestamp_t timeout, int absolute) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = tag;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.flags = absolute ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
  return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t tag, __wasi_fd_t fd, int write) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = tag;
  s.u.tag = write ? __WASI_EVENTTYPE_FD_WRITE : __WASI_EVENTTYPE_FD_READ;
  s.u.u.fd_read.file_descriptor = fd;
  return s;
}

int main(void) {
  __wasi_subscription_t in[3];
  __wasi_event_t out[3];
  __wasi_size_t n = 0;

  long long start = now();
  in[0] = clock_sub(7, 30000000, 0);
  int err = __wasi_poll_oneoff(in, out, 1, &n);
  printf("relative clock: err %d events %lu userdata %llu type %d waited %d\n", err, n,
         (unsigned long long)out[0].userdata, out[0].type, now() - start >= 30000000LL);

  start = now();
  in[0] = clock_sub(8, (unsigned long long)now() + 20000000ULL, 1);
  err = __wasi_poll_oneoff(in, out, 1, &n);
  printf("absolute clock: err %d events %lu userdata %llu waited %d\n", err, n,
         (unsigned long long)out[0].userdata, now() - start >= 20000000LL);

  start = now();
  in[0] = fd_sub(1, 0, 0);
  in[1] = clock_sub(2, 60000000000ULL, 0);  // never reached: stdin is ready at once
  err = __wasi_poll_oneoff(in, out, 2, &n);
  printf("stdin ready: err %d events %lu userdata %llu type %d nbytes %llu quick %d\n", err, n,
         (unsigned long long)out[0].userdata, out[0].type,
         (unsigned long long)out[0].fd_readwrite.nbytes, now() - start < 30000000000LL);

  in[0] = fd_sub(3, 1, 1);
  err = __wasi_poll_oneoff(in, out, 1, &n);
  printf("stdout writable: err %d events %lu userdata %llu type %d\n", err, n,
         (unsigned long long)out[0].userdata, out[0].type);

  in[0] = fd_sub(4, 99, 0);
  err = __wasi_poll_oneoff(in, out, 1, &n);
  printf("bad fd: err %d events %lu userdata %llu error %d\n", err, n,
         (unsigned long long)out[0].userdata, out[0].error);

  err = __wasi_poll_oneoff(in, out, 0, &n);
  printf("no subscriptions: err %d\n", err);
  return 0;
}
