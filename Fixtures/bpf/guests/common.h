// Small helpers shared by the fixture guests: argument parsing and line output.
#ifndef FIXTURE_COMMON_H
#define FIXTURE_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/// Options every fixture guest understands:
///   -n N   stop after N matching events (default 1)
///   -t MS  give up after MS milliseconds (default 10000)
///   -m S   only report events matching S (meaning depends on the guest)
///   -a S   an extra argument (attach target, config value, ...)
struct fixture_options {
  long max_events;
  long timeout_ms;
  const char *match;
  const char *arg;
};

static inline struct fixture_options fixture_parse(int argc, char **argv) {
  struct fixture_options o = {1, 10000, NULL, NULL};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "-n")) o.max_events = strtol(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "-t")) o.timeout_ms = strtol(argv[i + 1], NULL, 10);
    else if (!strcmp(argv[i], "-m")) o.match = argv[i + 1];
    else if (!strcmp(argv[i], "-a")) o.arg = argv[i + 1];
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  return o;
}

static inline long fixture_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
