import Synchronization

// Building blocks of the handlers: operand decoding and the shapes of operations
// (unary, binary, comparison, trapping). Everything here is `@inline(__always)` so
// that each handler compiles to a few instructions ending in the sibling call.
//
// Operand layout: `pc[0]` is the handler, `pc[1...]` its operands. Slots hold
// 64-bit cells; an i32 is the low 32 bits of its cell (readers truncate), an f32
// its bit pattern in the low 32 bits, references their encoding (see `Reference`).

@inline(__always) func u32(_ v: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: v) }
@inline(__always) func f32(_ v: UInt64) -> Float {
  Float(bitPattern: UInt32(truncatingIfNeeded: v))
}
@inline(__always) func f64(_ v: UInt64) -> Double { Double(bitPattern: v) }
@inline(__always) func cell(_ v: UInt32) -> UInt64 { UInt64(v) }
@inline(__always) func cell(_ v: Float) -> UInt64 { UInt64(v.bitPattern) }
@inline(__always) func cell(_ v: Double) -> UInt64 { v.bitPattern }
@inline(__always) func cell(_ v: Bool) -> UInt64 { v ? 1 : 0 }

/// `dst = op(a, b)` with operands `[dst, a, b]`.
@inline(__always)
func binary(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ op: (UInt64, UInt64) -> UInt64
) -> Exit {
  fp[pc[1]] = op(fp[pc[2]], fp[pc[3]])
  return next(pc + 4, fp, md, ms, c)
}

/// `dst = op(a, imm)` with operands `[dst, a, imm]` (a fused constant operand).
@inline(__always)
func binaryImm(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ op: (UInt64, UInt64) -> UInt64
) -> Exit {
  fp[pc[1]] = op(fp[pc[2]], UInt64(truncatingIfNeeded: pc[3]))
  return next(pc + 4, fp, md, ms, c)
}

/// `dst = op(a)` with operands `[dst, a]`.
@inline(__always)
func unary(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ op: (UInt64) -> UInt64) -> Exit {
  fp[pc[1]] = op(fp[pc[2]])
  return next(pc + 3, fp, md, ms, c)
}

/// A binary operation that may trap: `op` returns nil and sets `kind`.
@inline(__always)
func binaryTrapping(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx,
  _ op: (UInt64, UInt64) -> Result<UInt64, TrapError>
) -> Exit {
  switch op(fp[pc[2]], fp[pc[3]]) {
  case .success(let v):
    fp[pc[1]] = v
    return next(pc + 4, fp, md, ms, c)
  case .failure(let e):
    return .trap(e.kind)
  }
}

/// A unary operation that may trap.
@inline(__always)
func unaryTrapping(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx,
  _ op: (UInt64) -> Result<UInt64, TrapError>
) -> Exit {
  switch op(fp[pc[2]]) {
  case .success(let v):
    fp[pc[1]] = v
    return next(pc + 3, fp, md, ms, c)
  case .failure(let e):
    return .trap(e.kind)
  }
}

/// A trap kind as an `Error`, for `Result` in the trapping shapes.
struct TrapError: Error {
  var kind: TrapKind
  static let divideByZero = TrapError(kind: .integerDivideByZero)
  static let overflow = TrapError(kind: .integerOverflow)
  static let invalidConversion = TrapError(kind: .invalidConversionToInteger)
}

/// The bits of the store's budget flag (`ExecContext.interrupt`).
enum BudgetFlag {
  /// Another thread asked the guest to stop (`InterruptHandle.interrupt()`).
  static let interrupted: UInt8 = 1
  /// Fuel is metered (`Store.fuel` is set): back-edges and calls decrement it.
  static let metered: UInt8 = 2
}

/// Budget check at loop back-edges and calls: fuel and the interrupt flag.
///
/// One byte says whether anything is to be done: with fuel unmetered and no
/// interruption asked, the check is a load and a branch. Fuel is decremented only
/// when metered: a decrement in memory at every back-edge is a read-modify-write
/// chain from one iteration to the next (store-to-load forwarding latency each
/// time), which a read and a predicted branch are not.
@inline(__always)
func budgetExceeded(_ c: Ctx) -> TrapKind? {
  let flags = c.pointee.interrupt.pointee.load(ordering: .relaxed)
  if flags == 0 { return nil }
  if flags & BudgetFlag.metered != 0 {
    let fuel = c.pointee.fuel &- 1
    c.pointee.fuel = fuel
    if fuel < 0 { return .outOfFuel }
  }
  if flags & BudgetFlag.interrupted != 0 { return .interrupted }
  return nil
}
