// Socket calls on the descriptor argv[1]: receive what the host sent, send "ping",
// shut down writing.
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  __wasi_fd_t fd = (__wasi_fd_t)atoi(argv[1]);
  char buffer[64];
  __wasi_iovec_t in = {(uint8_t *)buffer, sizeof buffer};
  __wasi_size_t got = 0;
  __wasi_roflags_t flags = 0;
  int err = __wasi_sock_recv(fd, &in, 1, 0, &got, &flags);
  printf("recv %d %lu '%.*s'\n", err, got, (int)got, buffer);
  __wasi_ciovec_t out = {(const uint8_t *)"ping", 4};
  __wasi_size_t sent = 0;
  err = __wasi_sock_send(fd, &out, 1, 0, &sent);
  printf("send %d %lu\n", err, sent);
  printf("shutdown %d\n", __wasi_sock_shutdown(fd, __WASI_SDFLAGS_WR));
  printf("accept on a stream %d\n", __wasi_sock_accept(fd, 0, &(__wasi_fd_t){0}));
  return 0;
}
