// Handlers added from profiles of the benchmark kernels (see docs/performance.md):
// immediate forms the numeric table lacked, `eqz` fused into branches, and
// super-instructions for the hottest instruction pairs. Table-like code.

// MARK: Rotations by a constant (SHA-2, hashes, PRNGs: always a constant count)

func i32RotlImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a).rotl(u32(b))) }
}
func i32RotrImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a).rotr(u32(b))) }
}
func i64RotlImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in a.rotl(b) }
}
func i64RotrImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in a.rotr(b) }
}

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
