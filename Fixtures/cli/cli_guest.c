// A WASI command for the wasmbpf-run end-to-end tests: one behaviour per mode
// (argv[1]), so each exit path of the runner can be reached from a test.
//
//   args            print argc and each argument
//   env             print the environment, one KEY=VALUE a line
//   exit N          exit with status N
//   trap            trap (unreachable) two named frames deep
//   loop            print "looping", then spin forever
//   sleep MS        print "sleeping", then sleep MS milliseconds (WASI poll_oneoff)
//   recurse N       recurse N deep (uses the value stack)
//   alloc MIB       allocate and touch MIB MiB; exits 3 when malloc fails
//   cat PATH        print a file
//   write PATH TEXT write TEXT to PATH; exits 4 with the error when that fails
//   read            print "reading", then read(2) stdin once; print what it returned
//   open-fifo PATH  print "opening", then open PATH for reading (a FIFO without a
//                   writer: blocks in path_open); print what open returned
//   fill PATH       open PATH for writing, print "filling", then write to it until a
//                   write fails (a FIFO nobody drains: blocks in fd_write)
//   preopens        print "fd N NAME" for each preopened directory, in fd order
//
// Exports `add` and `scale` for --invoke.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

extern char **environ;

__attribute__((export_name("add"))) int add(int a, int b) { return a + b; }

__attribute__((export_name("scale"))) double scale(double x, float factor) {
  return x * factor;
}

__attribute__((noinline)) void crash_here(volatile int depth) {
  if (depth >= 0) __builtin_trap();
}

__attribute__((noinline)) void call_crash(void) {
  crash_here(1);
  puts("not reached");
}

__attribute__((noinline)) int recurse(volatile int n) {
  volatile char pad[64];
  pad[0] = (char)n;
  return n <= 0 ? pad[0] : recurse(n - 1) + 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: cli_guest MODE [ARGS]\n", stderr);
    return 64;
  }
  const char *mode = argv[1];
  if (!strcmp(mode, "args")) {
    printf("argc %d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d] %s\n", i, argv[i]);
    return 0;
  }
  if (!strcmp(mode, "env")) {
    for (char **e = environ; *e; e++) puts(*e);
    return 0;
  }
  if (!strcmp(mode, "exit") && argc > 2) return atoi(argv[2]);
  if (!strcmp(mode, "trap")) {
    call_crash();
    return 0;
  }
  if (!strcmp(mode, "loop")) {
    puts("looping");
    fflush(stdout);
    volatile unsigned long spins = 0;
    for (;;) spins++;
  }
  if (!strcmp(mode, "sleep") && argc > 2) {
    puts("sleeping");
    fflush(stdout);
    long ms = atol(argv[2]);
    struct timespec pause = {ms / 1000, (ms % 1000) * 1000000};
    int result = nanosleep(&pause, NULL);
    printf("slept %d\n", result);
    return 0;
  }
  if (!strcmp(mode, "recurse") && argc > 2) {
    printf("depth %d\n", recurse(atoi(argv[2])));
    return 0;
  }
  if (!strcmp(mode, "alloc") && argc > 2) {
    size_t size = (size_t)atoi(argv[2]) << 20;
    char *p = malloc(size);
    if (!p) {
      puts("alloc failed");
      return 3;
    }
    memset(p, 1, size);
    volatile char *last = p + size - 1;
    printf("allocated %s MiB (%d)\n", argv[2], *last);
    return 0;
  }
  if (!strcmp(mode, "cat") && argc > 2) {
    FILE *f = fopen(argv[2], "r");
    if (!f) {
      printf("open failed: %s\n", strerror(errno));
      return 4;
    }
    char buffer[256];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, f)) > 0) fwrite(buffer, 1, n, stdout);
    fclose(f);
    return 0;
  }
  if (!strcmp(mode, "write") && argc > 3) {
    FILE *f = fopen(argv[2], "w");
    if (!f || fputs(argv[3], f) < 0 || fclose(f) != 0) {
      printf("write failed: %s\n", strerror(errno));
      return 4;
    }
    return 0;
  }
  if (!strcmp(mode, "preopens")) {
    for (__wasi_fd_t fd = 3;; fd++) {
      __wasi_prestat_t prestat;
      if (__wasi_fd_prestat_get(fd, &prestat) != 0) break;
      char name[256] = {0};
      size_t length = prestat.u.dir.pr_name_len < 255 ? prestat.u.dir.pr_name_len : 255;
      if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, length) != 0) break;
      printf("fd %u %s\n", fd, name);
    }
    return 0;
  }
  if (!strcmp(mode, "read")) {
    puts("reading");
    fflush(stdout);
    char buffer[64];
    ssize_t n = read(0, buffer, sizeof buffer);
    printf("read %zd (%s)\n", n, n < 0 ? strerror(errno) : "ok");
    return n < 0 ? 5 : 0;
  }
  if (!strcmp(mode, "open-fifo") && argc > 2) {
    puts("opening");
    fflush(stdout);
    int fd = open(argv[2], O_RDONLY);
    printf("open %d (%s)\n", fd, fd < 0 ? strerror(errno) : "ok");
    return fd < 0 ? 5 : 0;
  }
  if (!strcmp(mode, "fill") && argc > 2) {
    int fd = open(argv[2], O_WRONLY);
    if (fd < 0) {
      printf("open failed: %s\n", strerror(errno));
      return 4;
    }
    puts("filling");
    fflush(stdout);
    static char block[4096];
    long total = 0;
    ssize_t n;
    while ((n = write(fd, block, sizeof block)) > 0) total += n;
    printf("wrote %ld, then %s\n", total, strerror(errno));
    return 5;
  }
  fprintf(stderr, "unknown mode %s\n", mode);
  return 64;
}
