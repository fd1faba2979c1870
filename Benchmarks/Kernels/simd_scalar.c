/* The computation of simd.c written with scalars (built without -msimd128): the
 * same arrays, the same four-lane accumulators and checksum lanes, operations in
 * the same order, so run(n) returns the same checksum as simd.c's run(n). Lets a
 * benchmark compare v128 code with the best scalar code for the same work. */
#include "kernel.h"

#define MAX 65536
static float x[MAX], y[MAX];
static int32_t w[MAX];

KERNEL_EXPORT unsigned run(unsigned rounds) {
  for (unsigned i = 0; i < MAX; i++) {
    x[i] = (float)(i % 97) * 0.25f;
    y[i] = (float)(i % 89) * 0.5f;
    w[i] = (int32_t)(i * 2654435761u);
  }
  int32_t checksum[4] = {0, 0, 0, 0};
  float dot = 0;
  for (unsigned r = 0; r < rounds; r++) {
    float a = 0.5f + (float)(r & 3);
    float acc[4] = {0, 0, 0, 0};
    for (unsigned i = 0; i < MAX; i += 4) {
      for (unsigned l = 0; l < 4; l++) {
        float vx = x[i + l];
        float vy = a * vx;
        vy = vy + y[i + l];
        vy = vy * 0.5f;
        y[i + l] = vy;
        float p = vx * vy;
        acc[l] = acc[l] + p;
        uint32_t vw = (uint32_t)w[i + l];
        vw = (vw << 1) + (vw ^ (uint32_t)checksum[l]);
        w[i + l] = (int32_t)vw;
        checksum[l] = (int32_t)((uint32_t)checksum[l] + (uint32_t)((int32_t)vw >> 3));
      }
    }
    dot += acc[0] + acc[1] + acc[2] + acc[3];
  }
  uint32_t lanes = (uint32_t)checksum[0] ^ (uint32_t)checksum[1] ^ (uint32_t)checksum[2] ^
                   (uint32_t)checksum[3];
  return lanes + (uint32_t)(dot > 0 ? dot : -dot);
}

KERNEL_MAIN(16)
