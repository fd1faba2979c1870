/* memcpy/memset/memmove-heavy code: a buffer assembled from copied pieces of varied
 * sizes, an overlapping shift, regions cleared and filled, and 24-byte records copied
 * as structs (which the compiler turns into loads and stores). Each result is checked
 * against the pattern it must equal, with memcmp or a sum. */
#include <string.h>

#include "kernel.h"

#define BYTES 65536u
#define RECORDS 1024u
static uint8_t source[BYTES], target[BYTES + 64];

typedef struct {
  uint32_t id;
  uint32_t a, b;
  uint16_t c;
  uint8_t tag[10];
} Record;
static Record records[RECORDS], copies[RECORDS];

static uint8_t pattern(uint32_t i) { return (uint8_t)((i * 2654435761u) >> 24); }

KERNEL_EXPORT unsigned run(unsigned rounds) {
  if (!records[1].id) {
    for (uint32_t i = 0; i < BYTES; i++) source[i] = pattern(i);
    for (uint32_t i = 0; i < RECORDS; i++) {
      records[i].id = i;
      records[i].a = i * 3;
      records[i].b = ~i;
      records[i].c = (uint16_t)i;
      memset(records[i].tag, (int)(i & 0x7f), sizeof records[i].tag);
    }
  }
  uint32_t hash = 0;
  for (unsigned r = 0; r < rounds; r++) {
    uint32_t seed = 31 + r;

    /* The source copied in pieces of 1..320 bytes, then compared. */
    for (uint32_t at = 0; at < BYTES;) {
      uint32_t length = 1 + lcg_next(&seed) % 320;
      if (length > BYTES - at) length = BYTES - at;
      memcpy(target + at, source + at, length);
      at += length;
    }
    CHECK(memcmp(target, source, BYTES) == 0);

    /* An overlapping shift up by a few bytes. */
    uint32_t shift = 1 + r % 13;
    memmove(target + shift, target, BYTES - shift);
    CHECK(memcmp(target + shift, source, BYTES - shift) == 0);

    /* Cleared, then runs filled with a byte; the sum of all bytes is what was written. */
    memset(target, 0, BYTES);
    uint32_t expected = 0;
    for (uint32_t at = 0; at < BYTES;) {
      uint32_t length = 1 + lcg_next(&seed) % 200, gap = lcg_next(&seed) % 64;
      uint8_t value = (uint8_t)(1 + lcg_next(&seed) % 255);
      if (length > BYTES - at) length = BYTES - at;
      memset(target + at, value, length);
      expected += value * length;
      at += length;
      at += gap < BYTES - at ? gap : BYTES - at;
    }
    uint32_t sum = 0;
    for (uint32_t i = 0; i < BYTES; i += 4) {
      uint32_t w;
      memcpy(&w, target + i, 4);
      sum += (w & 0xff) + (w >> 8 & 0xff) + (w >> 16 & 0xff) + (w >> 24);
    }
    CHECK(sum == expected);

    /* Records copied as structs in a scrambled order, then back. */
    for (uint32_t i = 0; i < RECORDS; i++) copies[i] = records[(i * 389u + r) % RECORDS];
    uint32_t ids = 0;
    for (uint32_t i = 0; i < RECORDS; i++) {
      CHECK(copies[i].id == (i * 389u + r) % RECORDS && copies[i].a == copies[i].id * 3);
      ids = ids * 31 + copies[i].id + copies[i].tag[9];
      records[copies[i].id] = copies[i];
    }
    hash = hash * 31 + (ids ^ sum ^ shift);
  }
  return hash;
}

KERNEL_MAIN(300)
