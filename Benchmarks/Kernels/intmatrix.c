/* Small-matrix integer code: 16x16 matrices of 16-bit values multiplied into 32-bit
 * sums, scaled, added to and bit-extracted (the shapes of embedded benchmark suites),
 * and 4x4 transforms composed by repeated multiplication. Checked without a stored
 * answer: Freivalds' test (C x == A (B x), exact in wrapping 32-bit arithmetic) for each
 * product, and M^k by repeated multiplication against M^k by squaring. */
#include "kernel.h"

#define N 16
static int16_t a[N][N], b[N][N];
static int32_t c[N][N], d[N][N];

static void fill(uint32_t seed) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (int16_t)(lcg_next(&seed) & 0x7ff) - 1024;
      b[i][j] = (int16_t)(lcg_next(&seed) & 0x7ff) - 1024;
    }
}

static void multiply(int32_t out[N][N]) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      int32_t sum = 0;
      for (int k = 0; k < N; k++) sum += (int32_t)a[i][k] * (int32_t)b[k][j];
      out[i][j] = sum;
    }
}

/* C x == A (B x) for a vector x, in wrapping unsigned arithmetic. */
static void check_product(int32_t product[N][N], uint32_t seed) {
  uint32_t x[N], bx[N], left, right;
  for (int i = 0; i < N; i++) x[i] = lcg_next(&seed);
  for (int i = 0; i < N; i++) {
    bx[i] = 0;
    for (int k = 0; k < N; k++) bx[i] += (uint32_t)(int32_t)b[i][k] * x[k];
  }
  for (int i = 0; i < N; i++) {
    left = right = 0;
    for (int k = 0; k < N; k++) {
      left += (uint32_t)product[i][k] * x[k];
      right += (uint32_t)(int32_t)a[i][k] * bx[k];
    }
    CHECK(left == right);
  }
}

typedef struct {
  uint32_t m[4][4];
} Mat4;

static Mat4 mat4_multiply(const Mat4 *x, const Mat4 *y) {
  Mat4 out;
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      out.m[i][j] = x->m[i][0] * y->m[0][j] + x->m[i][1] * y->m[1][j] +
                    x->m[i][2] * y->m[2][j] + x->m[i][3] * y->m[3][j];
  return out;
}

KERNEL_EXPORT unsigned run(unsigned rounds) {
  uint32_t hash = 0;
  for (unsigned r = 0; r < rounds; r++) {
    fill(7 + r);
    multiply(c);
    check_product(c, r);

    /* Scale and offset A in place, multiply again, extract bit fields of the sums. */
    int16_t scale = (int16_t)(3 + (r & 3)), offset = (int16_t)(r & 15);
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) a[i][j] = (int16_t)(a[i][j] * scale / 4 + offset);
    multiply(d);
    check_product(d, r + 1);
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) hash += ((uint32_t)(c[i][j] ^ d[i][j]) >> 2 & 0xf) * (uint32_t)(i + j + 1);

    /* A 4x4 transform to the power 64 twice: 63 multiplications, then 6 squarings. */
    Mat4 m, power, squared;
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++) m.m[i][j] = (uint32_t)(a[i][j] + 3 * i - j);
    power = m;
    for (int k = 1; k < 64; k++) power = mat4_multiply(&power, &m);
    squared = m;
    for (int k = 0; k < 6; k++) squared = mat4_multiply(&squared, &squared);
    for (int i = 0; i < 4; i++)
      for (int j = 0; j < 4; j++) {
        CHECK(power.m[i][j] == squared.m[i][j]);
        hash = hash * 31 + power.m[i][j];
      }
  }
  return hash;
}

KERNEL_MAIN(2000)
