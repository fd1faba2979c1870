/* A mixed integer workload: build and walk linked lists, run a byte-driven state
 * machine (a switch the compiler turns into br_table), and CRC-32 the state trace. */
#include "kernel.h"

typedef struct Node { struct Node *next; uint32_t value; } Node;

#define NODES 4096
static Node pool[NODES];

static uint32_t crc_table[256];
static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}
static uint32_t crc_update(uint32_t crc, uint8_t byte) {
  return crc_table[(crc ^ byte) & 0xff] ^ (crc >> 8);
}

/* A small tokenizer-like machine over generated input: states 0..7. */
static unsigned step(unsigned state, uint8_t byte) {
  switch (state) {
  case 0: return byte < 64 ? 1 : byte < 128 ? 2 : 3;
  case 1: return byte & 1 ? 4 : 0;
  case 2: return byte > 200 ? 5 : 2;
  case 3: return (byte & 7) == 3 ? 6 : 1;
  case 4: return byte == 0 ? 7 : 0;
  case 5: return byte % 3 ? 2 : 4;
  case 6: return byte > 100 ? 0 : 3;
  default: return byte & 3;
  }
}

KERNEL_EXPORT unsigned run(unsigned rounds) {
  crc_init();
  /* Self-check: CRC-32 of "123456789" is cbf43926. */
  uint32_t check = 0xffffffffu;
  for (const char *p = "123456789"; *p; p++) check = crc_update(check, (uint8_t)*p);
  CHECK((check ^ 0xffffffffu) == 0xcbf43926u);
  uint32_t seed = 7, crc = 0xffffffffu, sum = 0;
  for (unsigned r = 0; r < rounds; r++) {
    /* Link the pool in a scrambled order, then walk it. */
    Node *head = NULL;
    for (unsigned i = 0; i < NODES; i++) {
      Node *node = &pool[(i * 2654435761u) % NODES];
      seed = seed * 1664525u + 1013904223u;
      node->value = seed >> 8;
      node->next = head;
      head = node;
    }
    unsigned state = 0;
    for (Node *n = head; n; n = n->next) {
      sum += n->value;
      state = step(state, (uint8_t)n->value);
      crc = crc_update(crc, (uint8_t)(state * 37 + (n->value & 0xf)));
    }
  }
  return (crc ^ 0xffffffffu) + sum;
}

KERNEL_MAIN(64)
