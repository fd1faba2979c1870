// Round 6 (`shape2`, docs/performance.md): a conditional branch on the value the
// instruction before it just computed, as one handler. `n += k; if (n) continue`
// (libc's `memcmp`/`memcpy` byte loops count down: `local.tee n; br_if`) and
// `p = p->next; if (p) ...` (a linked list's walk: `i32.load; local.tee; br_if`, or
// `i32.eqz; br_if` for `if (!p) break`). The value is written first, as the
// separate instructions do; a load that traps writes nothing and does not branch;
// a taken back-edge checks the budget like every back-edge.

import WasmCore

// MARK: `x += k`, then `br_if` on the sum

/// Operands: [dst, x, k, target]: `dst = x + k` (i32, wrapping), then branches to
/// `target` (relative to this instruction) when the sum is not zero. `loop`: a
/// back-edge, which checks fuel and interruption when taken.
@inline(__always)
func i32AddImmBrIf(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, loop: Bool) -> Exit {
  let v = u32(fp[pc[2]]) &+ UInt32(truncatingIfNeeded: pc[3])
  fp[pc[1]] = cell(v)
  if v != 0 {
    if loop, let kind = budgetExceeded(c) { return .trap(kind) }
    return next(pc + pc[4], fp, md, ms, c)
  }
  return next(pc + 5, fp, md, ms, c)
}

// MARK: A load, then `br_if` on the loaded value (or on its `eqz`)

/// Operands: [dst, address, k, offset, target]: loads `T` at `u32(address + k) +
/// offset` into `dst` (zero-extended), then branches to `target` when the value is
/// not zero (`zero`: when it is zero). Out of bounds: traps, nothing written.
@inline(__always)
func loadBrIf<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ type: T.Type, zero: Bool, loop: Bool
) -> Exit {
  guard let v = loadedI32(pc, fp, md, ms, at: 2, T.self, { UInt32($0) }) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = UInt64(v)
  if (v == 0) == zero {
    if loop, let kind = budgetExceeded(c) { return .trap(kind) }
    return next(pc + pc[5], fp, md, ms, c)
  }
  return next(pc + 6, fp, md, ms, c)
}

/// The fused `load; br_if` (or `load; eqz; br_if`) handler for a load of `op`, if
/// there is one (the unsigned i32 loads: a pointer, a halfword or a byte).
func loadBrIfHandler(_ op: LoadOp, zero: Bool, loop: Bool) -> Handler? {
  typealias H = ValueBranchHandlers
  switch (op, zero, loop) {
  case (.i32Load, false, false): return H.i32LoadBrIf
  case (.i32Load, false, true): return H.i32LoadBrIfLoop
  case (.i32Load, true, false): return H.i32LoadBrIfZero
  case (.i32Load, true, true): return H.i32LoadBrIfZeroLoop
  case (.i32Load8U, false, false): return H.i32Load8UBrIf
  case (.i32Load8U, false, true): return H.i32Load8UBrIfLoop
  case (.i32Load8U, true, false): return H.i32Load8UBrIfZero
  case (.i32Load8U, true, true): return H.i32Load8UBrIfZeroLoop
  case (.i32Load16U, false, false): return H.i32Load16UBrIf
  case (.i32Load16U, false, true): return H.i32Load16UBrIfLoop
  case (.i32Load16U, true, false): return H.i32Load16UBrIfZero
  case (.i32Load16U, true, true): return H.i32Load16UBrIfZeroLoop
  default: return nil
  }
}

/// One closure per handler, so that every site shares its code and tests can find it.
enum ValueBranchHandlers {
  static let i32AddImmBrIf: Handler = { WasmInterp.i32AddImmBrIf($0, $1, $2, $3, $4, loop: false) }
  static let i32AddImmBrIfLoop: Handler = {
    WasmInterp.i32AddImmBrIf($0, $1, $2, $3, $4, loop: true)
  }
  static let i32LoadBrIf: Handler = {
    loadBrIf($0, $1, $2, $3, $4, UInt32.self, zero: false, loop: false)
  }
  static let i32LoadBrIfLoop: Handler = {
    loadBrIf($0, $1, $2, $3, $4, UInt32.self, zero: false, loop: true)
  }
  static let i32LoadBrIfZero: Handler = {
    loadBrIf($0, $1, $2, $3, $4, UInt32.self, zero: true, loop: false)
  }
  static let i32LoadBrIfZeroLoop: Handler = {
    loadBrIf($0, $1, $2, $3, $4, UInt32.self, zero: true, loop: true)
  }
  static let i32Load8UBrIf: Handler = {
    loadBrIf($0, $1, $2, $3, $4, UInt8.self, zero: false, loop: false)
  }
  static let i32Load8UBrIfLoop: Handler = {
    loadBrIf($0, $1, $2, $3, $4, UInt8.self, zero: false, loop: true)
  }
  static let i32Load8UBrIfZero: Handler = {
    loadBrIf($0, $1, $2, $3, $4, UInt8.self, zero: true, loop: false)
  }
  static let i32Load8UBrIfZeroLoop: Handler = {
    loadBrIf($0, $1, $2, $3, $4, UInt8.self, zero: true, loop: true)
  }
  static let i32Load16UBrIf: Handler = {
    loadBrIf($0, $1, $2, $3, $4, UInt16.self, zero: false, loop: false)
  }
  static let i32Load16UBrIfLoop: Handler = {
    loadBrIf($0, $1, $2, $3, $4, UInt16.self, zero: false, loop: true)
  }
  static let i32Load16UBrIfZero: Handler = {
    loadBrIf($0, $1, $2, $3, $4, UInt16.self, zero: true, loop: false)
  }
  static let i32Load16UBrIfZeroLoop: Handler = {
    loadBrIf($0, $1, $2, $3, $4, UInt16.self, zero: true, loop: true)
  }
}
