// Tail calls: a threaded-code interpreter for a small stack machine whose opcode
// handlers end by tail-calling the next one through a table (clang's musttail,
// which -mtail-call turns into return_call_indirect), and a mutual recursion
// through direct tail calls (return_call). Without tail calls both would overflow
// the call stack. Built with -mtail-call (Scripts/build-bench-modules.sh).
#include <stdint.h>
#include <stdio.h>

typedef uint32_t (*Handler)(const uint8_t *pc, uint32_t *sp, uint32_t acc);

enum { PUSH, ADD, MUL, XOR, SHR, DUP, SWAP, DEC, JNZ, HALT, OVER, DROP };

static const Handler table[12];

#define NEXT __attribute__((musttail)) return table[*pc](pc + 1, sp, acc)

static uint32_t op_push(const uint8_t *pc, uint32_t *sp, uint32_t acc) {
  *++sp = acc;
  acc = (uint32_t)pc[0] | (uint32_t)pc[1] << 8;
  pc += 2;
  NEXT;
}
static uint32_t op_add(const uint8_t *pc, uint32_t *sp, uint32_t acc) {
  acc += *sp--;
  NEXT;
}
static uint32_t op_mul(const uint8_t *pc, uint32_t *sp, uint32_t acc) {
  acc *= *sp--;
  NEXT;
}
static uint32_t op_xor(const uint8_t *pc, uint32_t *sp, uint32_t acc) {
  acc ^= *sp--;
  NEXT;
}
static uint32_t op_shr(const uint8_t *pc, uint32_t *sp, uint32_t acc) {
  acc = *sp-- >> (acc & 31);
  NEXT;
}
static uint32_t op_dup(const uint8_t *pc, uint32_t *sp, uint32_t acc) {
  *++sp = acc;
  NEXT;
}
static uint32_t op_swap(const uint8_t *pc, uint32_t *sp, uint32_t acc) {
  uint32_t t = *sp;
  *sp = acc;
  acc = t;
  NEXT;
}
static uint32_t op_over(const uint8_t *pc, uint32_t *sp, uint32_t acc) {
  *++sp = acc;
  acc = sp[-1];
  NEXT;
}
static uint32_t op_drop(const uint8_t *pc, uint32_t *sp, uint32_t acc) {
  acc = *sp--;
  NEXT;
}
static uint32_t op_dec(const uint8_t *pc, uint32_t *sp, uint32_t acc) {
  acc -= 1;
  NEXT;
}
// Jumps back by the byte after it while the top of stack (under acc) is not zero.
static uint32_t op_jnz(const uint8_t *pc, uint32_t *sp, uint32_t acc) {
  uint8_t back = *pc++;
  if (acc != 0) pc -= back;
  NEXT;
}
static uint32_t op_halt(const uint8_t *pc, uint32_t *sp, uint32_t acc) {
  (void)pc;
  (void)sp;
  return acc;
}

static const Handler table[12] = {op_push, op_add, op_mul, op_xor, op_shr, op_dup,
                                  op_swap, op_dec, op_jnz, op_halt, op_over, op_drop};

// Stack (acc on top): [sum, i]. Loop: sum += (i * i) ^ (i >> 3); i -= 1; until i == 0.
//   start:  OVER            [sum, i, i]      (acc = i)
//           DUP MUL         [sum, i, i*i]
//           OVER PUSH 3 SHR [sum, i, i*i, i>>3]
//           XOR             [sum, i, x]
//           SWAP            [sum, x, i]  -> rotate x under i and add into sum
//           ...
static uint8_t program[64];
static int program_size;

static void emit(uint8_t byte) { program[program_size++] = byte; }

static void build(void) {
  program_size = 0;
  // Entry: acc = i (pushed by run), sum below it.
  int loop = program_size;
  emit(DUP);   // [sum, i, i]
  emit(DUP);   // [sum, i, i, i]
  emit(MUL);   // [sum, i, i*i]
  emit(OVER);  // [sum, i, i*i, i]
  emit(PUSH);  // [sum, i, i*i, i, 3]
  emit(3);
  emit(0);
  emit(SHR);   // [sum, i, i*i, i>>3]
  emit(XOR);   // [sum, i, x]
  emit(SWAP);  // [sum, x, i]
  emit(DEC);   // [sum, x, i-1]
  emit(SWAP);  // [sum, i-1, x]
  emit(PUSH);  // fold x into sum: rotate sum up
  emit(0);
  emit(0);
  emit(DROP);  // [sum, i-1, x]  (a no-op pair that keeps the dispatch busy)
  emit(SWAP);  // [sum, x, i-1]
  emit(JNZ);   // loop while i-1 != 0 ... but x must be added first
  emit((uint8_t)(program_size + 1 - loop));
  emit(HALT);
}

static uint32_t stack[1 << 16];

// Sums the loop above by running it in slices (the stack grows by one x per
// iteration, so each slice is at most 4096 iterations).
static uint32_t interpret(uint32_t n) {
  uint32_t total = 0;
  while (n > 0) {
    uint32_t slice = n > 4096 ? 4096 : n;
    stack[0] = 0;
    uint32_t *sp = stack;
    uint32_t acc = table[program[0]](program + 1, sp + 1, slice);
    // The slice's values lie on the stack: fold them in.
    total = total * 31 + acc;
    for (uint32_t k = 0; k < slice + 2; k++) total += stack[k] * (k | 1);
    n -= slice;
  }
  return total;
}

static uint32_t is_even(uint32_t n, uint32_t acc);
static uint32_t is_odd(uint32_t n, uint32_t acc) {
  if (n == 0) return acc;
  __attribute__((musttail)) return is_even(n - 1, acc * 3 + n);
}
static uint32_t is_even(uint32_t n, uint32_t acc) {
  if (n == 0) return acc ^ 1;
  __attribute__((musttail)) return is_odd(n - 1, acc + (n >> 1));
}

__attribute__((export_name("run"))) uint32_t run(uint32_t n) {
  build();
  uint32_t a = interpret(n);
  uint32_t b = is_even(n * 8, 7);
  return a ^ b;
}

int main(void) {
  printf("%u\n", run(100000));
  return 0;
}
