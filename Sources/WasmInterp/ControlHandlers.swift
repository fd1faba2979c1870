// Handlers for data movement, branches, globals and references. Branch targets
// are word offsets relative to the branching instruction, so code can be copied
// to its final allocation without patching.
// https://webassembly.github.io/spec/core/exec/instructions.html#control-instructions

/// Operands: [].
func unreachableOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  .trap(.unreachable)
}

/// Ends a run: the return address of an invocation's base frame points here.
func haltOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  .done
}

/// Operands: [dst, src].
func copyOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = fp[pc[2]]
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [dst, immediate].
func constOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = UInt64(truncatingIfNeeded: pc[2])
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [dst, a, b, condition].
func selectOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = u32(fp[pc[4]]) != 0 ? fp[pc[2]] : fp[pc[3]]
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [dst, k, b, condition]: `select` whose first operand is the constant
/// `k` (`const 0; x; c; select`, C's `c ? 0 : x`), one handler instead of two.
func selectConstFirstOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = u32(fp[pc[4]]) != 0 ? UInt64(truncatingIfNeeded: pc[2]) : fp[pc[3]]
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [dst, a, k, condition]: `select` whose second operand is the constant `k`.
func selectConstSecondOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = u32(fp[pc[4]]) != 0 ? fp[pc[2]] : UInt64(truncatingIfNeeded: pc[3])
  return next(pc + 5, fp, md, ms, c)
}

/// The `select` forms with a constant operand, as single closures (tests find them
/// in translated code).
enum SelectHandlers {
  static let constFirst: Handler = { selectConstFirstOp($0, $1, $2, $3, $4) }
  static let constSecond: Handler = { selectConstSecondOp($0, $1, $2, $3, $4) }
}

/// Operands: [dst, global cell address].
func globalGetOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = UnsafeMutablePointer<UInt64>(bitPattern: pc[2]).unsafelyUnwrapped.pointee
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [src, global cell address].
func globalSetOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  UnsafeMutablePointer<UInt64>(bitPattern: pc[2]).unsafelyUnwrapped.pointee = fp[pc[1]]
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [dst, src]. Null is 0 for both reference types.
func refIsNullOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = fp[pc[2]] == 0 ? 1 : 0
  return next(pc + 3, fp, md, ms, c)
}

// MARK: Branches

/// Operands: [target].
func brOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  next(pc + pc[1], fp, md, ms, c)
}

/// Operands: [target]; a loop back-edge, so it checks fuel and interruption.
func brLoopOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  if let kind = budgetExceeded(c) { return .trap(kind) }
  return next(pc + pc[1], fp, md, ms, c)
}

/// Operands: [condition, target].
func brIfOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  if u32(fp[pc[1]]) != 0 { return next(pc + pc[2], fp, md, ms, c) }
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [condition, target]; back-edge variant.
func brIfLoopOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  if u32(fp[pc[1]]) != 0 {
    if let kind = budgetExceeded(c) { return .trap(kind) }
    return next(pc + pc[2], fp, md, ms, c)
  }
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [condition, target]; branches when the condition is zero (`if`).
func brIfNotOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  if u32(fp[pc[1]]) == 0 { return next(pc + pc[2], fp, md, ms, c) }
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [index, count, target 0, ..., target count-1, default target].
/// Targets point at stubs that move branch values and check budgets as needed.
func brTableOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  next(tableTarget(pc, index: u32(fp[pc[1]]), countAt: 2), fp, md, ms, c)
}

/// Where a `br_table` whose operands are [..., count, target 0, ..., default] (the
/// count at `pc[k]`) goes for `index`: its target, or the default when out of range.
@inline(__always)
func tableTarget(_ pc: PC, index: UInt32, countAt k: Int) -> PC {
  let count = pc[k]
  let i = Int(index)
  let entry = i < count ? i : count
  return pc + pc[k &+ 1 &+ entry]
}

// MARK: Fused compare-and-branch (the condition of a `br_if` computed in place)

@inline(__always)
func branchIf(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ test: (UInt64, UInt64) -> Bool
) -> Exit {
  // Operands: [a, b, target].
  if test(fp[pc[1]], fp[pc[2]]) { return next(pc + pc[3], fp, md, ms, c) }
  return next(pc + 4, fp, md, ms, c)
}

@inline(__always)
func branchIfLoop(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ test: (UInt64, UInt64) -> Bool
) -> Exit {
  if test(fp[pc[1]], fp[pc[2]]) {
    if let kind = budgetExceeded(c) { return .trap(kind) }
    return next(pc + pc[3], fp, md, ms, c)
  }
  return next(pc + 4, fp, md, ms, c)
}

@inline(__always)
func branchIfImm(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ test: (UInt64, UInt64) -> Bool
) -> Exit {
  // Operands: [a, immediate, target].
  if test(fp[pc[1]], UInt64(truncatingIfNeeded: pc[2])) { return next(pc + pc[3], fp, md, ms, c) }
  return next(pc + 4, fp, md, ms, c)
}

@inline(__always)
func branchIfImmLoop(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ test: (UInt64, UInt64) -> Bool
) -> Exit {
  if test(fp[pc[1]], UInt64(truncatingIfNeeded: pc[2])) {
    if let kind = budgetExceeded(c) { return .trap(kind) }
    return next(pc + pc[3], fp, md, ms, c)
  }
  return next(pc + 4, fp, md, ms, c)
}
