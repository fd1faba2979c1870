/* SIMD kernel (wasm_simd128.h): f32 saxpy and dot products, i32x4 checksums. */
#include "kernel.h"
#include <wasm_simd128.h>

#define MAX 65536
static float x[MAX], y[MAX];
static int32_t w[MAX];

KERNEL_EXPORT unsigned run(unsigned rounds) {
  for (unsigned i = 0; i < MAX; i++) {
    x[i] = (float)(i % 97) * 0.25f;
    y[i] = (float)(i % 89) * 0.5f;
    w[i] = (int32_t)(i * 2654435761u);
  }
  v128_t checksum = wasm_i32x4_splat(0);
  float dot = 0;
  for (unsigned r = 0; r < rounds; r++) {
    v128_t a = wasm_f32x4_splat(0.5f + (float)(r & 3));
    v128_t acc = wasm_f32x4_splat(0);
    for (unsigned i = 0; i < MAX; i += 4) {
      v128_t vx = wasm_v128_load(&x[i]);
      v128_t vy = wasm_v128_load(&y[i]);
      vy = wasm_f32x4_add(wasm_f32x4_mul(a, vx), vy);
      vy = wasm_f32x4_mul(vy, wasm_f32x4_splat(0.5f));
      wasm_v128_store(&y[i], vy);
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(vx, vy));
      v128_t vw = wasm_v128_load(&w[i]);
      vw = wasm_i32x4_add(wasm_i32x4_shl(vw, 1), wasm_v128_xor(vw, checksum));
      wasm_v128_store(&w[i], vw);
      checksum = wasm_i32x4_add(checksum, wasm_i32x4_shr(vw, 3));
    }
    dot += wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) +
           wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
  }
  uint32_t lanes = (uint32_t)wasm_i32x4_extract_lane(checksum, 0) ^
                   (uint32_t)wasm_i32x4_extract_lane(checksum, 1) ^
                   (uint32_t)wasm_i32x4_extract_lane(checksum, 2) ^
                   (uint32_t)wasm_i32x4_extract_lane(checksum, 3);
  return lanes + (uint32_t)(dot > 0 ? dot : -dot);
}

KERNEL_MAIN(16)
