/* Pointer chasing: a singly linked list over a pool, linked in a scrambled order, then
 * walked, searched by key, reversed and merge-sorted, as list-heavy C code does. Every
 * pass checks the node count and the key sum; the sort also checks its order. Nothing
 * depends on addresses, so wasm32 and native runs give the same checksum. */
#include "kernel.h"

typedef struct Node {
  struct Node *next;
  uint32_t key;
  uint32_t position;
} Node;

#define NODES 8192u
#define SEARCHES 24u
static Node pool[NODES];

/* Links every node of the pool, in the order of an odd stride (a bijection modulo a
 * power of two), each with a pseudo-random key. */
static Node *build(uint32_t round, uint32_t *key_sum) {
  uint32_t seed = 99 + round, sum = 0;
  Node *head = NULL;
  for (uint32_t i = 0; i < NODES; i++) {
    Node *node = &pool[(i * 5039u + round * 7u) % NODES];
    node->key = lcg_next(&seed) & 0xfffff;
    node->position = i;
    node->next = head;
    head = node;
    sum += node->key;
  }
  *key_sum = sum;
  return head;
}

static void check_list(const Node *head, uint32_t key_sum) {
  uint32_t count = 0, sum = 0;
  for (const Node *n = head; n; n = n->next) {
    count++;
    sum += n->key;
  }
  CHECK(count == NODES && sum == key_sum);
}

static Node *reverse(Node *head) {
  Node *previous = NULL;
  while (head) {
    Node *next = head->next;
    head->next = previous;
    previous = head;
    head = next;
  }
  return previous;
}

static Node *merge(Node *a, Node *b) {
  Node start, *tail = &start;
  while (a && b) {
    if (b->key < a->key) {
      tail->next = b;
      b = b->next;
    } else {
      tail->next = a;
      a = a->next;
    }
    tail = tail->next;
  }
  tail->next = a ? a : b;
  return start.next;
}

/* Top-down merge sort: halves found with a slow and a fast pointer. */
static Node *sort(Node *head) {
  if (!head || !head->next) return head;
  Node *slow = head, *fast = head->next;
  while (fast && fast->next) {
    slow = slow->next;
    fast = fast->next->next;
  }
  Node *second = slow->next;
  slow->next = NULL;
  return merge(sort(head), sort(second));
}

KERNEL_EXPORT unsigned run(unsigned rounds) {
  uint32_t hash = 0;
  for (unsigned r = 0; r < rounds; r++) {
    uint32_t key_sum;
    Node *head = build(r, &key_sum);
    check_list(head, key_sum);

    /* Searches for keys of nodes spread along the list: walks of ~NODES/2. */
    for (uint32_t s = 0; s < SEARCHES; s++) {
      uint32_t wanted = pool[(s * 337u + r) % NODES].key, steps = 0;
      const Node *n = head;
      while (n->key != wanted) {
        n = n->next;
        steps++;
      }
      hash = hash * 31 + steps;
    }

    head = reverse(head);
    CHECK(head->position == 0);
    check_list(head, key_sum);

    head = sort(head);
    check_list(head, key_sum);
    uint32_t previous = 0;
    for (const Node *n = head; n; n = n->next) {
      CHECK(n->key >= previous);
      previous = n->key;
    }
    for (const Node *n = head; n && n->key < 4096; n = n->next) hash = hash * 31 + n->position;
  }
  return hash;
}

KERNEL_MAIN(48)
