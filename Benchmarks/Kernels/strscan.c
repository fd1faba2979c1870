/* Byte and word scanning, the loops of text tools: memchr for line ends, strlen over
 * NUL-terminated lines, strchr for a separator (libc's word-at-a-time loops), and a
 * wc-like byte loop counting words. The generator records how many lines, words and
 * commas it wrote; every pass checks its count against that. */
#include <string.h>

#include "kernel.h"

#define TEXT_BYTES 60000
static char text[TEXT_BYTES + 256];    /* lines ending in '\n', then a NUL */
static char strings[TEXT_BYTES + 256]; /* the same lines, each ending in a NUL */
static uint32_t expected_lines, expected_words, expected_commas, expected_bytes;

/* Lines of 3..16 words of 1..12 letters; one separator in eight is ", ". */
static void generate(void) {
  uint32_t seed = 12345;
  char *t = text, *s = strings;
  while (t - text < TEXT_BYTES - 220) {
    unsigned words = 3 + lcg_next(&seed) % 14;
    for (unsigned w = 0; w < words; w++) {
      if (w) {
        if (lcg_next(&seed) % 8 == 0) {
          *t++ = *s++ = ',';
          expected_commas++;
        }
        *t++ = *s++ = ' ';
      }
      unsigned length = 1 + lcg_next(&seed) % 12;
      for (unsigned i = 0; i < length; i++) *t++ = *s++ = (char)('a' + lcg_next(&seed) % 26);
      expected_words++;
    }
    *t++ = '\n';
    *s++ = 0;
    expected_lines++;
  }
  *t = 0;
  expected_bytes = (uint32_t)(t - text);
}

KERNEL_EXPORT unsigned run(unsigned rounds) {
  if (!expected_lines) generate();
  uint32_t hash = 0;
  for (unsigned r = 0; r < rounds; r++) {
    /* Line ends with memchr; the hash takes every line's length. */
    const char *p = text, *end = text + expected_bytes;
    uint32_t lines = 0;
    while (p < end) {
      const char *newline = memchr(p, '\n', (size_t)(end - p));
      CHECK(newline != NULL);
      hash = hash * 31 + (uint32_t)(newline - p);
      lines++;
      p = newline + 1;
    }
    CHECK(lines == expected_lines);

    /* strlen over the NUL-terminated copy, and strchr for the commas of each line. */
    const char *q = strings;
    uint32_t total = 0, commas = 0;
    for (uint32_t i = 0; i < lines; i++) {
      for (const char *c = strchr(q, ','); c; c = strchr(c + 1, ',')) commas++;
      uint32_t length = (uint32_t)strlen(q);
      total += length + 1;
      q += length + 1;
    }
    CHECK(total == expected_bytes);
    CHECK(commas == expected_commas);

    /* wc: one byte at a time, with the in-a-word state carried across bytes. */
    uint32_t words = 0, in_word = 0;
    for (const unsigned char *b = (const unsigned char *)text; *b; b++) {
      uint32_t letter = *b != ' ' && *b != '\n' && *b != ',';
      words += letter & !in_word;
      in_word = letter;
    }
    CHECK(words == expected_words);
    hash ^= words + (commas << 16) + r;
  }
  return hash;
}

KERNEL_MAIN(64)
