/* f64 matrix multiply (n x n, n <= 128) of deterministic matrices; returns a checksum.
 * Checked by recomputing sampled entries with the sum taken in the opposite order. */
#include <math.h>

#include "kernel.h"

#define MAX 128
static double a[MAX][MAX], b[MAX][MAX], c[MAX][MAX];

KERNEL_EXPORT unsigned run(unsigned n) {
  if (n > MAX) n = MAX;
  for (unsigned i = 0; i < n; i++)
    for (unsigned j = 0; j < n; j++) {
      a[i][j] = (double)((i * 7 + j * 3) % 17) / 16.0;
      b[i][j] = (double)((i * 5 + j * 11) % 13) / 12.0;
    }
  for (unsigned i = 0; i < n; i++)
    for (unsigned j = 0; j < n; j++) {
      double sum = 0;
      for (unsigned k = 0; k < n; k++) sum += a[i][k] * b[k][j];
      c[i][j] = sum;
    }
  uint32_t seed = n;
  for (int s = 0; s < 16 && n > 0; s++) {
    unsigned i = lcg_next(&seed) % n, j = lcg_next(&seed) % n;
    double sum = 0;
    for (unsigned k = n; k-- > 0;) sum += a[i][k] * b[k][j];
    CHECK(fabs(sum - c[i][j]) <= 1e-9 * (1 + fabs(sum)));
  }
  double total = 0;
  for (unsigned i = 0; i < n; i++)
    for (unsigned j = 0; j < n; j++) total += c[i][j] * (double)(1 + ((i + j) & 3));
  return (unsigned)(total * 1000.0);
}

KERNEL_MAIN(MAX)
