// Loop back-edges that first step the loop counter: `i += k; if (i != n) continue`
// (clang's rotated loops end with `local.get; const; add; local.tee; compare;
// br_if`). The step, the comparison and the branch are one handler. The step's
// result is written first and then compared, as the separate instructions do; a
// taken branch checks the budget like every back-edge. Table-like code.

import WasmCore

/// Operands: [dst, x, y, b, target]: `dst = step(x, y)`, then branches to `target`
/// (relative to this instruction) when `cond(dst, b)`. `y` and `b` are slots or
/// immediates as the handler says.
@inline(__always)
func stepThenBranchLoop(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, stepImmediate: Bool, boundImmediate: Bool,
  _ step: (UInt64, UInt64) -> UInt64, _ cond: (UInt64, UInt64) -> Bool
) -> Exit {
  let y = stepImmediate ? UInt64(truncatingIfNeeded: pc[3]) : fp[pc[3]]
  let v = step(fp[pc[2]], y)
  fp[pc[1]] = v
  let b = boundImmediate ? UInt64(truncatingIfNeeded: pc[4]) : fp[pc[4]]
  if cond(v, b) {
    if let kind = budgetExceeded(c) { return .trap(kind) }
    return next(pc + pc[5], fp, md, ms, c)
  }
  return next(pc + 6, fp, md, ms, c)
}

func i32AddImmBrIfNeLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  stepThenBranchLoop(
    pc, fp, md, ms, c, stepImmediate: true, boundImmediate: false,
    { a, b in cell(u32(a) &+ u32(b)) }, { a, b in u32(a) != u32(b) })
}
func i32AddImmBrIfNeImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  stepThenBranchLoop(
    pc, fp, md, ms, c, stepImmediate: true, boundImmediate: true,
    { a, b in cell(u32(a) &+ u32(b)) }, { a, b in u32(a) != u32(b) })
}
func i32AddImmBrIfLtULoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  stepThenBranchLoop(
    pc, fp, md, ms, c, stepImmediate: true, boundImmediate: false,
    { a, b in cell(u32(a) &+ u32(b)) }, { a, b in u32(a) < u32(b) })
}
func i32AddImmBrIfLtUImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  stepThenBranchLoop(
    pc, fp, md, ms, c, stepImmediate: true, boundImmediate: true,
    { a, b in cell(u32(a) &+ u32(b)) }, { a, b in u32(a) < u32(b) })
}
func i32AddImmBrIfLtSLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  stepThenBranchLoop(
    pc, fp, md, ms, c, stepImmediate: true, boundImmediate: false,
    { a, b in cell(u32(a) &+ u32(b)) },
    { a, b in Int32(truncatingIfNeeded: a) < Int32(truncatingIfNeeded: b) })
}
func i32AddImmBrIfLtSImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  stepThenBranchLoop(
    pc, fp, md, ms, c, stepImmediate: true, boundImmediate: true,
    { a, b in cell(u32(a) &+ u32(b)) },
    { a, b in Int32(truncatingIfNeeded: a) < Int32(truncatingIfNeeded: b) })
}
func i64AddBrIfNeLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  stepThenBranchLoop(
    pc, fp, md, ms, c, stepImmediate: false, boundImmediate: false, { a, b in a &+ b },
    { a, b in a != b })
}
func i64AddImmBrIfNeLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  stepThenBranchLoop(
    pc, fp, md, ms, c, stepImmediate: true, boundImmediate: false, { a, b in a &+ b },
    { a, b in a != b })
}
func i64AddBrIfLtULoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  stepThenBranchLoop(
    pc, fp, md, ms, c, stepImmediate: false, boundImmediate: false, { a, b in a &+ b },
    { a, b in a < b })
}
func i64AddImmBrIfLtULoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  stepThenBranchLoop(
    pc, fp, md, ms, c, stepImmediate: true, boundImmediate: false, { a, b in a &+ b },
    { a, b in a < b })
}

/// The fused back-edge for a step `step` (its immediate form or not) followed by the
/// comparison `compare` (with an immediate bound or not), if there is one.
func stepThenBranchLoopHandler(
  step: NumericOp, stepImmediate: Bool, compare: NumericOp, boundImmediate: Bool
) -> Handler? {
  switch (step, stepImmediate, compare, boundImmediate) {
  case (.i32Add, true, .i32Ne, false): return { i32AddImmBrIfNeLoop($0, $1, $2, $3, $4) }
  case (.i32Add, true, .i32Ne, true): return { i32AddImmBrIfNeImmLoop($0, $1, $2, $3, $4) }
  case (.i32Add, true, .i32LtU, false): return { i32AddImmBrIfLtULoop($0, $1, $2, $3, $4) }
  case (.i32Add, true, .i32LtU, true): return { i32AddImmBrIfLtUImmLoop($0, $1, $2, $3, $4) }
  case (.i32Add, true, .i32LtS, false): return { i32AddImmBrIfLtSLoop($0, $1, $2, $3, $4) }
  case (.i32Add, true, .i32LtS, true): return { i32AddImmBrIfLtSImmLoop($0, $1, $2, $3, $4) }
  case (.i64Add, false, .i64Ne, false): return { i64AddBrIfNeLoop($0, $1, $2, $3, $4) }
  case (.i64Add, true, .i64Ne, false): return { i64AddImmBrIfNeLoop($0, $1, $2, $3, $4) }
  case (.i64Add, false, .i64LtU, false): return { i64AddBrIfLtULoop($0, $1, $2, $3, $4) }
  case (.i64Add, true, .i64LtU, false): return { i64AddImmBrIfLtULoop($0, $1, $2, $3, $4) }
  default: return nil
  }
}
