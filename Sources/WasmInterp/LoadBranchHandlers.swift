// Round 6 (branch `shape`, docs/performance.md): `br_if` on a value just loaded, as
// one handler. C's `if (flags[i]) continue;` (sieve), `while (*p)` and
// `if (!*p) break;` (`load; i32.eqz; br_if`) branch on a byte or word straight from
// memory. The load writes its own result (a temporary, or the local a `local.tee`
// made it) before the branch reads it, as the two instructions do; an out-of-bounds
// load traps before any branch; a taken back-edge checks the budget like every
// back-edge. Operands: [dst, address, k, offset, target], the effective address
// `u32(address + k) + offset` (LoadFusedHandlers.swift's `loadedI32`). Table-like
// code.

import WasmCore

/// Loads into `dst`, then branches to `target` (relative to this instruction) when
/// the value is non-zero (or zero, when `ifZero`).
@inline(__always)
func loadThenBranch<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ type: T.Type, ifZero: Bool, loop: Bool,
  _ widen: (T) -> UInt32
) -> Exit {
  guard let v = loadedI32(pc, fp, md, ms, at: 2, T.self, widen) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = UInt64(v)
  if (v == 0) == ifZero {
    if loop, let kind = budgetExceeded(c) { return .trap(kind) }
    return next(pc + pc[5], fp, md, ms, c)
  }
  return next(pc + 6, fp, md, ms, c)
}

/// The fused handlers: per load, branching when the value is non-zero (`BrIf`) or
/// zero (`BrIfZero`), to a block or to a loop (`Loop`: a back-edge).
enum LoadBranchHandlers {
  static let i32LoadBrIf: Handler = {
    loadThenBranch($0, $1, $2, $3, $4, UInt32.self, ifZero: false, loop: false) { $0 }
  }
  static let i32LoadBrIfLoop: Handler = {
    loadThenBranch($0, $1, $2, $3, $4, UInt32.self, ifZero: false, loop: true) { $0 }
  }
  static let i32LoadBrIfZero: Handler = {
    loadThenBranch($0, $1, $2, $3, $4, UInt32.self, ifZero: true, loop: false) { $0 }
  }
  static let i32LoadBrIfZeroLoop: Handler = {
    loadThenBranch($0, $1, $2, $3, $4, UInt32.self, ifZero: true, loop: true) { $0 }
  }
  static let i32Load8UBrIf: Handler = {
    loadThenBranch($0, $1, $2, $3, $4, UInt8.self, ifZero: false, loop: false) { UInt32($0) }
  }
  static let i32Load8UBrIfLoop: Handler = {
    loadThenBranch($0, $1, $2, $3, $4, UInt8.self, ifZero: false, loop: true) { UInt32($0) }
  }
  static let i32Load8UBrIfZero: Handler = {
    loadThenBranch($0, $1, $2, $3, $4, UInt8.self, ifZero: true, loop: false) { UInt32($0) }
  }
  static let i32Load8UBrIfZeroLoop: Handler = {
    loadThenBranch($0, $1, $2, $3, $4, UInt8.self, ifZero: true, loop: true) { UInt32($0) }
  }
  static let i32Load16UBrIf: Handler = {
    loadThenBranch($0, $1, $2, $3, $4, UInt16.self, ifZero: false, loop: false) { UInt32($0) }
  }
  static let i32Load16UBrIfLoop: Handler = {
    loadThenBranch($0, $1, $2, $3, $4, UInt16.self, ifZero: false, loop: true) { UInt32($0) }
  }
  static let i32Load16UBrIfZero: Handler = {
    loadThenBranch($0, $1, $2, $3, $4, UInt16.self, ifZero: true, loop: false) { UInt32($0) }
  }
  static let i32Load16UBrIfZeroLoop: Handler = {
    loadThenBranch($0, $1, $2, $3, $4, UInt16.self, ifZero: true, loop: true) { UInt32($0) }
  }

  /// The fused handler for `op` (the unsigned i32 loads), if it has one.
  static func handler(_ op: LoadOp, ifZero: Bool, loop: Bool) -> Handler? {
    switch (op, ifZero, loop) {
    case (.i32Load, false, false): return i32LoadBrIf
    case (.i32Load, false, true): return i32LoadBrIfLoop
    case (.i32Load, true, false): return i32LoadBrIfZero
    case (.i32Load, true, true): return i32LoadBrIfZeroLoop
    case (.i32Load8U, false, false): return i32Load8UBrIf
    case (.i32Load8U, false, true): return i32Load8UBrIfLoop
    case (.i32Load8U, true, false): return i32Load8UBrIfZero
    case (.i32Load8U, true, true): return i32Load8UBrIfZeroLoop
    case (.i32Load16U, false, false): return i32Load16UBrIf
    case (.i32Load16U, false, true): return i32Load16UBrIfLoop
    case (.i32Load16U, true, false): return i32Load16UBrIfZero
    case (.i32Load16U, true, true): return i32Load16UBrIfZeroLoop
    default: return nil
    }
  }
}
