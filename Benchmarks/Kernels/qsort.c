/* Quicksort of n pseudo-random integers with the comparison behind a function pointer
 * (so every comparison is a call_indirect). */
#include "kernel.h"

typedef int (*compare_fn)(const void *, const void *);

static int compare_ints(const void *x, const void *y) {
  int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
  return (a > b) - (a < b);
}

static void swap(int32_t *a, int32_t *b) { int32_t t = *a; *a = *b; *b = t; }

/* Iterative over the larger half, recursive over the smaller: depth stays O(log n). */
static void quicksort(int32_t *v, long lo, long hi, compare_fn compare) {
  while (lo < hi) {
    int32_t pivot = v[lo + (hi - lo) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (compare(&v[i], &pivot) < 0) i++;
      while (compare(&v[j], &pivot) > 0) j--;
      if (i <= j) swap(&v[i++], &v[j--]);
    }
    if (j - lo < hi - i) { quicksort(v, lo, j, compare); lo = i; }
    else { quicksort(v, i, hi, compare); hi = j; }
  }
}

#define MAX (1u << 18)
static int32_t values[MAX];
/* volatile so that the compiler cannot turn the indirect call into a direct one. */
static compare_fn volatile comparator = compare_ints;

KERNEL_EXPORT unsigned run(unsigned n) {
  if (n > MAX) n = MAX;
  uint32_t seed = 12345;
  for (unsigned i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    values[i] = (int32_t)(seed >> 1);
  }
  if (n > 0) quicksort(values, 0, (long)n - 1, comparator);
  uint32_t check = 0;
  for (unsigned i = 1; i < n; i++) {
    CHECK(values[i - 1] <= values[i]);
    check = check * 31 + (uint32_t)values[i];
  }
  return check;
}

KERNEL_MAIN(MAX)
