/* CRC and bit manipulation: CRC-32 bit by bit (no table: a shift, a mask and an xor per
 * bit) and with a table, CRC-32C with a table, population counts two ways, bit reversal
 * and a multiply-xorshift hash. Checked without stored answers on the data: the two
 * CRC-32s must agree, the two population counts must agree, reversing twice must give
 * the word back; the standard check values of "123456789" are checked once. */
#include "kernel.h"

#define BYTES 16384u
#define BITWISE_BYTES 2048u
static uint8_t data[BYTES];
static uint32_t crc32_table[256], crc32c_table[256];

static void make_table(uint32_t table[256], uint32_t polynomial) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (polynomial & (0u - (c & 1)));
    table[i] = c;
  }
}

static uint32_t crc_bitwise(const uint8_t *p, uint32_t length, uint32_t polynomial) {
  uint32_t crc = 0xffffffffu;
  for (uint32_t i = 0; i < length; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (polynomial & (0u - (crc & 1)));
  }
  return ~crc;
}

static uint32_t crc_table(const uint32_t table[256], const uint8_t *p, uint32_t length) {
  uint32_t crc = 0xffffffffu;
  for (uint32_t i = 0; i < length; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

/* Population count without the popcnt instruction: the classic SWAR sum. */
static uint32_t popcount_swar(uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0f0f0f0fu;
  return (x * 0x01010101u) >> 24;
}

/* Kernighan's loop: one iteration per set bit, a data-dependent branch. */
static uint32_t popcount_loop(uint32_t x) {
  uint32_t count = 0;
  for (; x; x &= x - 1) count++;
  return count;
}

static uint32_t reverse_bits(uint32_t x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
  return (x >> 16) | (x << 16);
}

/* The finalizer of MurmurHash3. */
static uint32_t mix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  return h ^ (h >> 16);
}

KERNEL_EXPORT unsigned run(unsigned rounds) {
  if (!crc32_table[1]) {
    make_table(crc32_table, 0xedb88320u);
    make_table(crc32c_table, 0x82f63b78u);
    const uint8_t *check = (const uint8_t *)"123456789";
    CHECK(crc_bitwise(check, 9, 0xedb88320u) == 0xcbf43926u);
    CHECK(crc_table(crc32c_table, check, 9) == 0xe3069283u);
  }
  uint32_t hash = 0;
  for (unsigned r = 0; r < rounds; r++) {
    uint32_t seed = r * 7919u + 1;
    for (uint32_t i = 0; i < BYTES; i++) data[i] = (uint8_t)(lcg_next(&seed) >> (i & 7));

    uint32_t bitwise = crc_bitwise(data, BITWISE_BYTES, 0xedb88320u);
    CHECK(bitwise == crc_table(crc32_table, data, BITWISE_BYTES));
    uint32_t crc32 = crc_table(crc32_table, data, BYTES);
    uint32_t crc32c = crc_table(crc32c_table, data, BYTES);

    uint32_t ones = 0, words = 0;
    for (uint32_t i = 0; i + 4 <= BYTES; i += 4) {
      uint32_t w = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 | (uint32_t)data[i + 2] << 16 |
                   (uint32_t)data[i + 3] << 24;
      uint32_t count = popcount_swar(w);
      CHECK(count == popcount_loop(w) && count == (uint32_t)__builtin_popcount(w));
      uint32_t reversed = reverse_bits(w);
      CHECK(reverse_bits(reversed) == w);
      ones += count;
      words = mix(words ^ reversed) + (uint32_t)__builtin_ctz(w | 0x80000000u);
    }
    hash = hash * 31 + (bitwise ^ crc32 ^ crc32c ^ ones ^ words);
  }
  return hash;
}

KERNEL_MAIN(120)
