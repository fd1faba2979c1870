/* Switch-heavy code: a tokenizer (a state machine over character classes) on generated
 * source text, and a small stack-machine bytecode interpreter (a `switch` in a loop:
 * br_table in Wasm). The generator counts the tokens it wrote and the tokenizer's
 * counts are checked against them; the bytecode program's result is checked against
 * the same computation in C. */
#include "kernel.h"

enum { IDENT, NUMBER, OPERATOR, PAREN, SEMICOLON, TOKEN_KINDS };

#define SOURCE_BYTES 32000
static char source[SOURCE_BYTES + 256];
static uint32_t expected[TOKEN_KINDS];

static char *put_word(char *p, uint32_t *seed, int digits) {
  unsigned length = 1 + lcg_next(seed) % 6;
  *p++ = digits ? (char)('0' + lcg_next(seed) % 10) : (char)('a' + lcg_next(seed) % 26);
  for (unsigned i = 1; i < length; i++) {
    uint32_t v = lcg_next(seed);
    *p++ = digits ? (char)('0' + v % 10) : (v & 1 ? (char)('0' + v % 10) : (char)('a' + v % 26));
  }
  return p;
}

/* Statements like `x1 = 42 * (y + z7) ;` with blanks, newlines and `#` comments. */
static void generate(void) {
  static const char operators[] = "+-*/=<>&|^";
  uint32_t seed = 2024;
  char *p = source;
  while (p - source < SOURCE_BYTES - 200) {
    unsigned terms = 1 + lcg_next(&seed) % 8, open = 0;
    p = put_word(p, &seed, 0);
    expected[IDENT]++;
    *p++ = ' ';
    *p++ = '=';
    expected[OPERATOR]++;
    for (unsigned t = 0; t < terms; t++) {
      *p++ = ' ';
      if (lcg_next(&seed) % 4 == 0) {
        *p++ = '(';
        expected[PAREN]++;
        open++;
      }
      int digits = lcg_next(&seed) % 2;
      p = put_word(p, &seed, digits);
      expected[digits ? NUMBER : IDENT]++;
      if (open && lcg_next(&seed) % 3 == 0) {
        *p++ = ')';
        expected[PAREN]++;
        open--;
      }
      if (t + 1 < terms) {
        *p++ = lcg_next(&seed) % 3 ? ' ' : '\t';
        *p++ = operators[lcg_next(&seed) % 10];
        expected[OPERATOR]++;
      }
    }
    for (; open; open--) {
      *p++ = ')';
      expected[PAREN]++;
    }
    *p++ = ';';
    expected[SEMICOLON]++;
    if (lcg_next(&seed) % 5 == 0) {
      const char *comment = " # note (not + tokens);";
      while (*comment) *p++ = *comment++;
    }
    *p++ = '\n';
  }
  *p = 0;
}

enum { START, IN_IDENT, IN_NUMBER, IN_COMMENT };

static void tokenize(const char *p, uint32_t counts[TOKEN_KINDS]) {
  int state = START;
  for (;;) {
    char c = *p;
    switch (state) {
    case START:
      switch (c) {
      case 0: return;
      case ' ': case '\t': case '\n': break;
      case '#': state = IN_COMMENT; break;
      case '(': case ')': counts[PAREN]++; break;
      case ';': counts[SEMICOLON]++; break;
      case '+': case '-': case '*': case '/': case '=': case '<': case '>': case '&': case '|':
      case '^': counts[OPERATOR]++; break;
      default:
        if (c >= '0' && c <= '9') state = IN_NUMBER;
        else if (c >= 'a' && c <= 'z') state = IN_IDENT;
        else __builtin_trap();
      }
      p++;
      break;
    case IN_IDENT:
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) p++;
      else {
        counts[IDENT]++;
        state = START;
      }
      break;
    case IN_NUMBER:
      if (c >= '0' && c <= '9') p++;
      else {
        counts[NUMBER]++;
        state = START;
      }
      break;
    case IN_COMMENT:
      if (c == '\n' || c == 0) state = START;
      else p++;
      break;
    }
  }
}

/* The bytecode machine: a value stack, eight registers, relative jumps. */
enum {
  OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_XOR, OP_SHR, OP_SHL,
  OP_DUP, OP_LT, OP_JUMP, OP_JUMP_IF_ZERO, OP_INC, OP_HALT,
};

static uint32_t execute(const int32_t *code, uint32_t limit) {
  uint32_t stack[32], regs[8] = {0};
  int sp = 0;
  regs[1] = limit;
  for (int pc = 0;;) {
    int32_t op = code[pc++];
    switch (op) {
    case OP_PUSH: stack[sp++] = (uint32_t)code[pc++]; break;
    case OP_LOAD: stack[sp++] = regs[code[pc++]]; break;
    case OP_STORE: regs[code[pc++]] = stack[--sp]; break;
    case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
    case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
    case OP_SHR: sp--; stack[sp - 1] >>= stack[sp] & 31; break;
    case OP_SHL: sp--; stack[sp - 1] <<= stack[sp] & 31; break;
    case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
    case OP_JUMP: pc += code[pc] + 1; break;
    case OP_JUMP_IF_ZERO: pc += stack[--sp] ? 1 : code[pc] + 1; break;
    case OP_INC: regs[code[pc++]]++; break;
    case OP_HALT: return regs[2];
    default: __builtin_trap();
    }
    CHECK(sp >= 0 && sp < 30);
  }
}

/* r0 = i, r1 = limit, r2 = acc:
 *   while (i < limit) { acc = (acc + (i * i ^ (i >> 3)) + (acc << 1 & 0xff)) & 0xffffff; i++; } */
static const int32_t program[] = {
    /* 0 */ OP_LOAD, 0, OP_LOAD, 1, OP_LT, OP_JUMP_IF_ZERO, 31,
    /* 7 */ OP_LOAD, 0, OP_DUP, OP_MUL, OP_LOAD, 0, OP_PUSH, 3, OP_SHR, OP_XOR,
    /* 17 */ OP_LOAD, 2, OP_ADD, OP_LOAD, 2, OP_PUSH, 1, OP_SHL, OP_PUSH, 0xff, OP_AND, OP_ADD,
    /* 29 */ OP_PUSH, 0xffffff, OP_AND, OP_STORE, 2, OP_INC, 0, OP_JUMP, -38,
    /* 38 */ OP_HALT,
};

static uint32_t expected_result(uint32_t limit) {
  uint32_t acc = 0;
  for (uint32_t i = 0; i < limit; i++) acc = (acc + (i * i ^ (i >> 3)) + (acc << 1 & 0xff)) & 0xffffff;
  return acc;
}

KERNEL_EXPORT unsigned run(unsigned rounds) {
  if (!expected[SEMICOLON]) generate();
  uint32_t hash = 0;
  for (unsigned r = 0; r < rounds; r++) {
    uint32_t counts[TOKEN_KINDS] = {0};
    tokenize(source, counts);
    for (int k = 0; k < TOKEN_KINDS; k++) {
      CHECK(counts[k] == expected[k]);
      hash = hash * 31 + counts[k];
    }
    uint32_t limit = 3000 + r % 7;
    uint32_t result = execute(program, limit);
    CHECK(result == expected_result(limit));
    hash ^= result;
  }
  return hash;
}

KERNEL_MAIN(200)
