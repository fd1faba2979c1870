// What the bundled tools share beyond the SDK: a clock, interruption-aware waiting
// and polling, address formatting and a log2 histogram. Conventions of these tools,
// not part of the wasm_bpf ABI, so it lives here rather than in SDK/.
#ifndef WASMBPF_TOOL_H
#define WASMBPF_TOOL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasmbpf_guest.h"

/// Milliseconds of a monotonic clock. 64-bit: `long` is 32 bits in wasm32, where
/// milliseconds since boot overflow it after 24 days.
static inline long long tool_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/// The wall-clock time as HH:MM:SS (UTC: a WASI guest has no time zone).
static inline const char *tool_clock(char out[9]) {
  time_t now = time(NULL);
  struct tm parts;
  gmtime_r(&now, &parts);
  snprintf(out, 9, "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec);
  return out;
}

/// A whole number (seconds, a PID, a port...) from an option's text; exits with
/// status 2 when it is not one, as a usage error should.
static inline long tool_number(const char *text, const char *tool) {
  char *end = NULL;
  long value = strtol(text, &end, 10);
  if (!*text || *end || value < 0 || value > 0x7fffffffL) {
    fprintf(stderr, "%s: '%s' is not a whole number\n", tool, text);
    exit(2);
  }
  return value;
}

/// Milliseconds left before `deadline` (0: none), capped at `cap`; 0 when passed.
static inline int tool_slice(long long deadline, int cap) {
  if (!deadline) return cap;
  long long left = deadline - tool_now_ms();
  if (left <= 0) return 0;
  return left < cap ? (int)left : cap;
}

/// The deadline `seconds` from now, or 0 (run until interrupted) for 0 seconds.
static inline long long tool_deadline(long seconds) {
  return seconds > 0 ? tool_now_ms() + seconds * 1000LL : 0;
}

/// Sleeps `ms` milliseconds. False when the sleep was interrupted (Ctrl-C): the tool
/// should print what it has and end.
static inline bool tool_sleep(int ms) {
  struct timespec pause = {ms / 1000, (long)(ms % 1000) * 1000000};
  return nanosleep(&pause, NULL) == 0;
}

/// Delivers `buffer`'s records to its callback until `deadline` (0: none) passes or
/// the user interrupts the tool. 0 then; 1 when a poll fails.
static inline int tool_poll_until(struct wasmbpf_buffer *buffer, long long deadline,
                                  const char *tool) {
  for (;;) {
    int slice = tool_slice(deadline, 100);
    if (slice == 0) break;
    int result = wasmbpf_buffer_poll(buffer, slice);
    if (wasmbpf_interrupted(result)) return 0;
    if (result < 0) {
      fprintf(stderr, "%s: polling the event buffer failed: %d\n", tool, result);
      return 1;
    }
  }
  // Records that arrived just before the deadline.
  int result = wasmbpf_buffer_poll(buffer, 1);
  return result < 0 && !wasmbpf_interrupted(result) ? 1 : 0;
}

/// Loads the tool's embedded BPF object and attaches `programs` (automatic attach, by
/// their sections). NULL after saying why (the runtime prints the details).
static inline struct wasmbpf_object *tool_load(const char *tool, const unsigned char *elf,
                                               size_t size, const char *const *programs,
                                               int count) {
  struct wasmbpf_object *obj = wasmbpf_object_load(elf, size);
  if (!obj) {
    fprintf(stderr, "%s: loading the BPF object failed (the runtime said why)\n", tool);
    return NULL;
  }
  for (int i = 0; i < count; i++) {
    int err = wasmbpf_attach(obj, programs[i], NULL);
    if (err) {
      fprintf(stderr, "%s: attaching %s failed: %d\n", tool, programs[i], err);
      wasmbpf_object_close(obj);
      return NULL;
    }
  }
  return obj;
}

/// The object's event buffer `map` (ring buffer or perf event array) delivered to
/// `callback`; NULL after saying why.
static inline struct wasmbpf_buffer *tool_events(const char *tool, struct wasmbpf_object *obj,
                                                 const char *map, wasmbpf_sample_fn callback) {
  struct wasmbpf_buffer *buffer = wasmbpf_buffer_open(obj, map, callback, NULL);
  if (!buffer) fprintf(stderr, "%s: no event buffer '%s'\n", tool, map);
  return buffer;
}

/// Runs until `seconds` pass (0: until Ctrl-C) or Ctrl-C, calling `tick(ctx)` every
/// `interval` seconds (0: never). 0, or the first non-zero result of `tick`.
static inline int tool_every(long seconds, long interval, int (*tick)(void *), void *ctx) {
  long long deadline = tool_deadline(seconds);
  long long next = interval ? tool_now_ms() + interval * 1000LL : 0;
  for (;;) {
    if (deadline && tool_now_ms() >= deadline) return 0;
    int slice = tool_slice(deadline, 1000);
    if (next) slice = tool_slice(next, slice);
    if (slice > 0 && !tool_sleep(slice)) return 0;  // interrupted
    if (next && tool_now_ms() >= next) {
      int status = tick(ctx);
      if (status) return status;
      next += interval * 1000LL;
    }
  }
}

/// A fixed-size, maybe unterminated string field of a record, as a C string.
static inline const char *tool_text(char *out, const char *field, size_t size) {
  memcpy(out, field, size);
  out[size] = 0;
  return out;
}

/// Dotted-quad text of an IPv4 address in network order.
static inline const char *tool_ipv4(const unsigned char address[4], char out[16]) {
  snprintf(out, 16, "%u.%u.%u.%u", address[0], address[1], address[2], address[3]);
  return out;
}

/// Text of an IPv6 address in network order: lower-case groups, the longest run of
/// two or more zero groups written as "::".
static inline const char *tool_ipv6(const unsigned char address[16], char out[40]) {
  unsigned groups[8];
  for (int i = 0; i < 8; i++) groups[i] = (unsigned)address[2 * i] << 8 | address[2 * i + 1];
  int best = -1, best_length = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && groups[j] == 0) j++;
    if (j - i > best_length) { best = i; best_length = j - i; }
    i = j > i ? j : i + 1;
  }
  size_t used = 0;
  out[0] = 0;
  for (int i = 0; i < 8; i++) {
    if (i == best) {
      used += (size_t)snprintf(out + used, 40 - used, "::");
      i += best_length - 1;
      continue;
    }
    bool after_gap = i > 0 && i == best + best_length;
    used += (size_t)snprintf(out + used, 40 - used, "%s%x", i > 0 && !after_gap ? ":" : "",
                             groups[i]);
  }
  return out;
}

/// Prints slots of a log2 histogram (slot i counts values in [2^i, 2^(i+1)), slot 0
/// also counts 0) as ranges, counts and a bar scaled to the largest count.
static inline void tool_print_log2_hist(const unsigned long long *slots, int count,
                                        const char *unit) {
  int last = -1;
  unsigned long long largest = 0;
  for (int i = 0; i < count; i++) {
    if (slots[i]) last = i;
    if (slots[i] > largest) largest = slots[i];
  }
  printf("%24s : %-10s distribution\n", unit, "count");
  for (int i = 0; i <= last; i++) {
    unsigned long long low = i == 0 ? 0 : 1ULL << i, high = (1ULL << (i + 1)) - 1;
    char range[32], bar[41];
    snprintf(range, sizeof range, "%llu -> %llu", low, high);
    int width = largest ? (int)(slots[i] * 40 / largest) : 0;
    memset(bar, '*', (size_t)width);
    bar[width] = 0;
    printf("%24s : %-10llu |%-40s|\n", range, slots[i], bar);
  }
}

#endif
