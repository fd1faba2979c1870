// Handlers added from profiles of the benchmark kernels (see docs/performance.md):
// `eqz` fused into branches, and super-instructions for the hottest instruction
// pairs. Table-like code.

// MARK: `eqz` fused into `br_if` / `if` (clang's usual loop exit and `if (!x)`)

/// Operands: [condition, target]; branches when the i32 condition is zero, back-edge.
func brIfZeroLoopOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  if u32(fp[pc[1]]) == 0 {
    if let kind = budgetExceeded(c) { return .trap(kind) }
    return next(pc + pc[2], fp, md, ms, c)
  }
  return next(pc + 3, fp, md, ms, c)
}
/// Operands: [condition, target]; branches when the i64 value is zero.
func brIfZero64Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  if fp[pc[1]] == 0 { return next(pc + pc[2], fp, md, ms, c) }
  return next(pc + 3, fp, md, ms, c)
}
/// Operands: [condition, target]; branches when the i64 value is zero, back-edge.
func brIfZero64LoopOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  if fp[pc[1]] == 0 {
    if let kind = budgetExceeded(c) { return .trap(kind) }
    return next(pc + pc[2], fp, md, ms, c)
  }
  return next(pc + 3, fp, md, ms, c)
}
/// Operands: [condition, target]; branches when the i64 value is not zero.
func brIfNonZero64Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  if fp[pc[1]] != 0 { return next(pc + pc[2], fp, md, ms, c) }
  return next(pc + 3, fp, md, ms, c)
}

// MARK: Two arithmetic instructions in one (the hottest pairs of the kernels)

/// Operands: [dst, x, k, y]: `(x << k) + y`, array addressing (`base + i * 2^k`).
func i32ShlImmAdd(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let shifted = u32(fp[pc[2]]) &<< u32(UInt64(truncatingIfNeeded: pc[3]))
  fp[pc[1]] = cell(shifted &+ u32(fp[pc[4]]))
  return next(pc + 5, fp, md, ms, c)
}
/// Operands: [dst, x, y, z]: `x * y + z`, rounded after each operation as the two
/// Wasm instructions are (not a fused multiply-add).
func f64MulAdd(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let product = f64(fp[pc[2]]) * f64(fp[pc[3]])
  fp[pc[1]] = cell(product + f64(fp[pc[4]]))
  return next(pc + 5, fp, md, ms, c)
}
/// Operands: [dst, x, y, z]: `z + x * y` (the product as the second operand).
func f64AddMul(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let product = f64(fp[pc[2]]) * f64(fp[pc[3]])
  fp[pc[1]] = cell(f64(fp[pc[4]]) + product)
  return next(pc + 5, fp, md, ms, c)
}

// MARK: Register moves

/// Operands: [dst1, src1, dst2, src2]: two `local.set` moves in a row (loop-carried
/// state such as SHA-2's working variables), done in order like the two copies.
func copyPairOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = fp[pc[2]]
  fp[pc[3]] = fp[pc[4]]
  return next(pc + 5, fp, md, ms, c)
}

// MARK: A shift or rotation by a constant, then `xor` (SHA-2's Σ and σ functions)

/// Operands: [dst, x, k, y]: `rotl(x, k) ^ y`.
func i32RotlImmXor(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let rotated = u32(fp[pc[2]]).rotl(u32(UInt64(truncatingIfNeeded: pc[3])))
  fp[pc[1]] = cell(rotated ^ u32(fp[pc[4]]))
  return next(pc + 5, fp, md, ms, c)
}
/// Operands: [dst, x, k, y]: `rotr(x, k) ^ y`.
func i32RotrImmXor(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let rotated = u32(fp[pc[2]]).rotr(u32(UInt64(truncatingIfNeeded: pc[3])))
  fp[pc[1]] = cell(rotated ^ u32(fp[pc[4]]))
  return next(pc + 5, fp, md, ms, c)
}
/// Operands: [dst, x, k, y]: `(x >> k) ^ y`, unsigned.
func i32ShrUImmXor(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let shifted = u32(fp[pc[2]]) &>> u32(UInt64(truncatingIfNeeded: pc[3]))
  fp[pc[1]] = cell(shifted ^ u32(fp[pc[4]]))
  return next(pc + 5, fp, md, ms, c)
}

// MARK: Two operations with constant operands (`x; const a; op1; const b; op2`)

/// Operands: [dst, x, m, k]: `(x & m) << k`, table indexing (`t[(crc ^ b) & 0xff]`).
func i32AndImmShlImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let masked = u32(fp[pc[2]]) & UInt32(truncatingIfNeeded: pc[3])
  fp[pc[1]] = cell(masked &<< UInt32(truncatingIfNeeded: pc[4]))
  return next(pc + 5, fp, md, ms, c)
}
/// Operands: [dst, x, k, m]: `(x >> k) & m`, unsigned (byte and field extraction).
func i32ShrUImmAndImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let shifted = u32(fp[pc[2]]) &>> UInt32(truncatingIfNeeded: pc[3])
  fp[pc[1]] = cell(shifted & UInt32(truncatingIfNeeded: pc[4]))
  return next(pc + 5, fp, md, ms, c)
}
/// Operands: [dst, x, a, b]: `x * a + b` (linear congruential generators, hashes).
func i32MulImmAddImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let product = u32(fp[pc[2]]) &* UInt32(truncatingIfNeeded: pc[3])
  fp[pc[1]] = cell(product &+ UInt32(truncatingIfNeeded: pc[4]))
  return next(pc + 5, fp, md, ms, c)
}

// MARK: Two bitwise or add operations in a row (SHA-2's Ch, Maj and T1 sums)

/// `op2(op1(x, y), z)` with operands [dst, x, y, z]; both operations commute, so
/// the translator fuses the pair whichever operand of `op2` the first result is.
@inline(__always)
func binaryPair(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ op1: (UInt32, UInt32) -> UInt32,
  _ op2: (UInt32, UInt32) -> UInt32
) -> Exit {
  fp[pc[1]] = cell(op2(op1(u32(fp[pc[2]]), u32(fp[pc[3]])), u32(fp[pc[4]])))
  return next(pc + 5, fp, md, ms, c)
}
/// Operands: [dst, x, y, z]: `x + y + z`.
func i32AddAdd(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryPair(pc, fp, md, ms, c, { $0 &+ $1 }, { $0 &+ $1 })
}
/// Operands: [dst, x, y, z]: `x ^ y ^ z`.
func i32XorXor(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryPair(pc, fp, md, ms, c, { $0 ^ $1 }, { $0 ^ $1 })
}
/// Operands: [dst, x, y, z]: `(x ^ y) & z`.
func i32XorAnd(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryPair(pc, fp, md, ms, c, { $0 ^ $1 }, { $0 & $1 })
}
/// Operands: [dst, x, y, z]: `(x & y) ^ z`.
func i32AndXor(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryPair(pc, fp, md, ms, c, { $0 & $1 }, { $0 ^ $1 })
}
/// Operands: [dst, x, y, z]: `(x + y) ^ z` (CRC-style mixing of a sum into a state).
func i32AddXor(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryPair(pc, fp, md, ms, c, { $0 &+ $1 }, { $0 ^ $1 })
}

// MARK: More pairs with constant operands (bit fields and byte classes)

/// Operands: [dst, x, k, m]: `(x << k) & m`.
func i32ShlImmAndImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let shifted = u32(fp[pc[2]]) &<< UInt32(truncatingIfNeeded: pc[3])
  fp[pc[1]] = cell(shifted & UInt32(truncatingIfNeeded: pc[4]))
  return next(pc + 5, fp, md, ms, c)
}
/// Operands: [dst, x, m, k]: `(x & m) > k`, unsigned (1 or 0).
func i32AndImmGtUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let masked = u32(fp[pc[2]]) & UInt32(truncatingIfNeeded: pc[3])
  fp[pc[1]] = cell(masked > UInt32(truncatingIfNeeded: pc[4]))
  return next(pc + 5, fp, md, ms, c)
}
/// Operands: [dst, x, m, k]: `(x & m) < k`, unsigned (1 or 0).
func i32AndImmLtUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let masked = u32(fp[pc[2]]) & UInt32(truncatingIfNeeded: pc[3])
  fp[pc[1]] = cell(masked < UInt32(truncatingIfNeeded: pc[4]))
  return next(pc + 5, fp, md, ms, c)
}

// MARK: Sums of f64 (`s = a*b + c*d + e*f + g*h + s`, matmul's unrolled dot product)

/// Operands: [dst, x, y, z]: `(x + y) + z`, rounded after each addition.
func f64AddAdd(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let sum = f64(fp[pc[2]]) + f64(fp[pc[3]])
  fp[pc[1]] = cell(sum + f64(fp[pc[4]]))
  return next(pc + 5, fp, md, ms, c)
}
/// Operands: [dst, x, y, z]: `z + (x + y)` (the first sum as the second operand).
func f64AddAddSecond(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let sum = f64(fp[pc[2]]) + f64(fp[pc[3]])
  fp[pc[1]] = cell(f64(fp[pc[4]]) + sum)
  return next(pc + 5, fp, md, ms, c)
}

// MARK: Division and remainder by a constant (`x % 10`, `x / 7`: a divisor the
// translator saw as `i32.const`). The operator still checks the divisor and the
// overflow case, so a constant 0 (or `INT_MIN / -1`) traps as the instruction does.

/// `dst = op(a, imm)` with operands `[dst, a, imm]`, or the operator's trap.
@inline(__always)
func binaryTrappingImm(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx,
  _ op: (UInt64, UInt64) -> Result<UInt64, TrapError>
) -> Exit {
  switch op(fp[pc[2]], UInt64(truncatingIfNeeded: pc[3])) {
  case .success(let v):
    fp[pc[1]] = v
    return next(pc + 4, fp, md, ms, c)
  case .failure(let e):
    return .trap(e.kind)
  }
}

// MARK: A move, then a branch (`local.set` of a loop-carried value, then `br`)

/// Operands: [dst, src, target].
func copyBranchOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = fp[pc[2]]
  return next(pc + pc[3], fp, md, ms, c)
}
/// Operands: [dst, src, target]; a loop back-edge, so it checks fuel and interruption
/// (after the move: a trap ends the call either way).
func copyBranchLoopOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = fp[pc[2]]
  if let kind = budgetExceeded(c) { return .trap(kind) }
  return next(pc + pc[3], fp, md, ms, c)
}

/// Operands: [dst, x, k, to, from, target]: `dst = x + k` (i32, wrapping), then the
/// move `to = from`, then the back-edge: a loop's last steps as clang writes them
/// (`b++; in_word = letter; continue`, strscan's wc loop). Both writes happen in
/// order, so a move that reads the stepped value sees the new one; the budget is
/// checked after them, as `copyBranchLoopOp` does.
func i32AddImmCopyBranchLoopOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = cell(u32(fp[pc[2]]) &+ UInt32(truncatingIfNeeded: pc[3]))
  fp[pc[4]] = fp[pc[5]]
  if let kind = budgetExceeded(c) { return .trap(kind) }
  return next(pc + pc[6], fp, md, ms, c)
}

/// Operands: [dst, x, k, to, from, c, v, target]: `i32AddImmCopyBranchLoopOp`, and
/// then the loop's first instruction, `c = v` (a constant: strscan's `letter = 0` at
/// the head of the wc loop), the target being the instruction after it. The constant
/// is written after the budget check, as it would run after the branch. Round 6.
func i32AddImmCopyConstBranchLoopOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = cell(u32(fp[pc[2]]) &+ UInt32(truncatingIfNeeded: pc[3]))
  fp[pc[4]] = fp[pc[5]]
  if let kind = budgetExceeded(c) { return .trap(kind) }
  fp[pc[6]] = UInt64(truncatingIfNeeded: pc[7])
  return next(pc + pc[8], fp, md, ms, c)
}

/// Operands: [dst, x, k, to, from]: `dst = x + k` (i32, wrapping), then the move
/// `to = from` (which may read the new `dst`): a step followed by a move, as
/// `p += 4; local.tee q; local.set p` or a call's argument copied into place right
/// after a step (qsort's partition loops). Round 6 (`shape2`).
func i32AddImmCopyOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = cell(u32(fp[pc[2]]) &+ UInt32(truncatingIfNeeded: pc[3]))
  fp[pc[4]] = fp[pc[5]]
  return next(pc + 6, fp, md, ms, c)
}

/// One closure per handler, so that every site shares its code and tests can find it.
enum MoveBranchHandlers {
  static let copyBranch: Handler = { copyBranchOp($0, $1, $2, $3, $4) }
  static let copyBranchLoop: Handler = { copyBranchLoopOp($0, $1, $2, $3, $4) }
  static let i32AddImmCopyBranchLoop: Handler = {
    i32AddImmCopyBranchLoopOp($0, $1, $2, $3, $4)
  }
  static let i32AddImmCopy: Handler = { i32AddImmCopyOp($0, $1, $2, $3, $4) }
  static let i32AddImmCopyConstBranchLoop: Handler = {
    i32AddImmCopyConstBranchLoopOp($0, $1, $2, $3, $4)
  }
}

// MARK: An addition of a selected value (`count += c ? 0 : x`, a branchless count)

/// Operands: [dst, k, b, condition, y]: `(condition ? k : b) + y` (i32, wrapping).
func i32AddSelectConstFirstOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let selected = u32(fp[pc[4]]) != 0 ? UInt32(truncatingIfNeeded: pc[2]) : u32(fp[pc[3]])
  fp[pc[1]] = cell(selected &+ u32(fp[pc[5]]))
  return next(pc + 6, fp, md, ms, c)
}
/// Operands: [dst, a, k, condition, y]: `(condition ? a : k) + y` (i32, wrapping).
func i32AddSelectConstSecondOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let selected = u32(fp[pc[4]]) != 0 ? u32(fp[pc[2]]) : UInt32(truncatingIfNeeded: pc[3])
  fp[pc[1]] = cell(selected &+ u32(fp[pc[5]]))
  return next(pc + 6, fp, md, ms, c)
}

/// One closure per handler, so that every site shares its code and tests can find it.
enum SelectAddHandlers {
  static let i32AddSelectConstFirst: Handler = { i32AddSelectConstFirstOp($0, $1, $2, $3, $4) }
  static let i32AddSelectConstSecond: Handler = { i32AddSelectConstSecondOp($0, $1, $2, $3, $4) }
}
