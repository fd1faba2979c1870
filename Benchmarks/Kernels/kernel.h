/* Shared by the kernels, which are built three ways: as Wasm modules (wasm32-wasi) for
 * both interpreters, as native shared objects (the in-process "native" column) and as
 * native executables (the whole-process one). Only fixed-width integers cross into a
 * checksum, so that `long` and pointer widths (32-bit in wasm32) never change it. */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdint.h>
#include <stdio.h>

/* `run` is what the harness calls; export_name only exists for Wasm targets. */
#ifdef __wasm__
#define KERNEL_EXPORT __attribute__((export_name("run")))
#else
#define KERNEL_EXPORT __attribute__((visibility("default")))
#endif

/* A failed self-check traps: Wasm `unreachable` in a guest, SIGILL natively. Either
 * way the run fails on every side instead of returning a checksum. */
#define CHECK(condition) \
  do { \
    if (!(condition)) __builtin_trap(); \
  } while (0)

/* `main` of a WASI command: run(n) with n from argv[1] (the whole-process benchmarks
 * pick it) or the kernel's default, printed as the checksum. The digits are read by
 * hand: strtoul would add 60 KB of libc to every module. */
#define KERNEL_MAIN(default_n) \
  int main(int argc, char **argv) { \
    unsigned n = (default_n); \
    if (argc > 1) \
      for (const char *digit = argv[1] + (n = 0); *digit >= '0' && *digit <= '9'; digit++) \
        n = n * 10 + (unsigned)(*digit - '0'); \
    printf("%u\n", run(n)); \
    return 0; \
  }

/* The kernels' pseudo-random numbers: a 32-bit LCG (Numerical Recipes' constants). */
static inline uint32_t lcg_next(uint32_t *state) {
  *state = *state * 1664525u + 1013904223u;
  return *state >> 8;
}

#endif
