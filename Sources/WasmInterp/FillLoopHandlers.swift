// Round 7 (`loop`, docs/performance.md): a loop whose whole body is a store then a
// pointer step (`StoreStepHandlers`), closed by a back-edge that steps a counter and
// tests it, as one handler that runs every iteration itself. The fill loops of C
// (`for (j = i*i; j < n; j += i) flags[j] = 1`, QuickJS's and SQLite's
// `do { *p++ = 0; } while (--n)` over 8-byte words) carry the pointer and the counter
// through frame slots, one store and one reload of each per iteration, a
// store-to-load chain that no pairwise fusion shortens; here both live in registers
// for the whole loop.
//
// What stays observable is kept exactly:
// - each iteration stores, steps the pointer, steps the counter, tests it, in the
//   code's order, so memory is written up to the store that traps (which writes
//   nothing) and the trap kind is the store's;
// - every taken back-edge checks the budget flag like the separate back-edge does (a
//   relaxed load of the same byte, fuel decremented once per taken back-edge when
//   metered), so `--fuel`, timeouts and interrupts stop the loop at the same
//   iteration;
// - the pointer and the counter are written back to their slots whenever the handler
//   leaves: at the loop's exit, on a trap, on a budget stop.
// The translator (`Translator.fuseFillLoop`) takes the loop only when the pointer
// and the counter are distinct locals that nothing else in the body reads or writes:
// the stored value, the steps and the bound are then loop-invariant and read once.
// Memory 0 with i32 addresses only, as the store-step pair.

import Synchronization
import WasmCore

/// Operand words of a fill loop: [flags, pointer, value, offset, pointerStep, counter,
/// counterStep, bound]. `flags` says which of them are immediates and the store's
/// width (`FillLoop`).
enum FillLoop {
  /// log2 of the store's width in bytes (0...3).
  static let widthMask = 3
  /// `value` is the stored constant itself.
  static let constantValue = 4
  /// `pointerStep` is an immediate.
  static let pointerStepImmediate = 8
  /// `counterStep` is an immediate.
  static let counterStepImmediate = 16
  /// `bound` is an immediate.
  static let boundImmediate = 32
  /// Words of the record, handler included.
  static let size = 9
}

/// Runs the loop of a fill-loop record. `Counter` is the counter's type (its cell's
/// low bits for i32); `step` and `test` are the back-edge's; `T` the stored type.
@inline(__always)
func fillLoop<T: FixedWidthInteger, Counter: FixedWidthInteger & UnsignedInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: T.Type, _: Counter.Type,
  _ step: (Counter, Counter) -> Counter, _ test: (Counter, Counter) -> Bool
) -> Exit {
  let flags = pc[1]
  let pointerSlot = pc[2], counterSlot = pc[6]
  let value = T(
    truncatingIfNeeded: flags & FillLoop.constantValue != 0
      ? UInt64(truncatingIfNeeded: pc[3]) : fp[pc[3]])
  let offset = UInt64(truncatingIfNeeded: pc[4])
  let pointerStep =
    flags & FillLoop.pointerStepImmediate != 0
    ? UInt32(truncatingIfNeeded: pc[5]) : u32(fp[pc[5]])
  let counterStep = Counter(
    truncatingIfNeeded: flags & FillLoop.counterStepImmediate != 0
      ? UInt64(truncatingIfNeeded: pc[7]) : fp[pc[7]])
  let bound = Counter(
    truncatingIfNeeded: flags & FillLoop.boundImmediate != 0
      ? UInt64(truncatingIfNeeded: pc[8]) : fp[pc[8]])
  let budget = c.pointee.interrupt
  var pointer = u32(fp[pointerSlot])
  var counter = Counter(truncatingIfNeeded: fp[counterSlot])
  while true {
    guard
      let ea = checkedAddress(
        UInt64(pointer) &+ offset, width: UInt64(MemoryLayout<T>.size), ms)
    else {
      fp[pointerSlot] = UInt64(pointer)
      fp[counterSlot] = UInt64(counter)
      return .trap(.outOfBoundsMemoryAccess)
    }
    md.storeBytes(of: value, toByteOffset: ea, as: T.self)
    pointer = pointer &+ pointerStep
    counter = step(counter, counterStep)
    guard test(counter, bound) else { break }
    if budget.pointee.load(ordering: .relaxed) != 0 {
      fp[pointerSlot] = UInt64(pointer)
      fp[counterSlot] = UInt64(counter)
      if let kind = budgetExceeded(c) { return .trap(kind) }
    }
  }
  fp[pointerSlot] = UInt64(pointer)
  fp[counterSlot] = UInt64(counter)
  return next(pc + FillLoop.size, fp, md, ms, c)
}

/// The loop of `fillLoop` for the record's store width, chosen once before it.
@inline(__always)
func fillLoopAnyWidth<Counter: FixedWidthInteger & UnsignedInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ counter: Counter.Type,
  _ step: (Counter, Counter) -> Counter, _ test: (Counter, Counter) -> Bool
) -> Exit {
  switch pc[1] & FillLoop.widthMask {
  case 0: return fillLoop(pc, fp, md, ms, c, UInt8.self, counter, step, test)
  case 1: return fillLoop(pc, fp, md, ms, c, UInt16.self, counter, step, test)
  case 2: return fillLoop(pc, fp, md, ms, c, UInt32.self, counter, step, test)
  default: return fillLoop(pc, fp, md, ms, c, UInt64.self, counter, step, test)
  }
}

/// One handler per back-edge: how the counter steps (i32 or i64 add) and the test
/// that continues the loop.
enum FillLoopHandlers {
  /// `n += k; br_if n` (`ValueBranchHandlers.i32AddImmBrIfLoop`): while not zero.
  static let i32CountDown: Handler = {
    fillLoopAnyWidth($0, $1, $2, $3, $4, UInt32.self, { $0 &+ $1 }, { a, _ in a != 0 })
  }
  static let i32Ne: Handler = {
    fillLoopAnyWidth($0, $1, $2, $3, $4, UInt32.self, { $0 &+ $1 }, { $0 != $1 })
  }
  static let i32LtU: Handler = {
    fillLoopAnyWidth($0, $1, $2, $3, $4, UInt32.self, { $0 &+ $1 }, { $0 < $1 })
  }
  static let i32LtS: Handler = {
    fillLoopAnyWidth(
      $0, $1, $2, $3, $4, UInt32.self, { $0 &+ $1 },
      { Int32(bitPattern: $0) < Int32(bitPattern: $1) })
  }
  static let i64Ne: Handler = {
    fillLoopAnyWidth($0, $1, $2, $3, $4, UInt64.self, { $0 &+ $1 }, { $0 != $1 })
  }
  static let i64LtU: Handler = {
    fillLoopAnyWidth($0, $1, $2, $3, $4, UInt64.self, { $0 &+ $1 }, { $0 < $1 })
  }

  /// The handler for a stepped back-edge (LoopStepHandlers.swift) of `step` compared
  /// by `compare`, if it has one.
  static func handler(step: NumericOp, compare: NumericOp) -> Handler? {
    switch (step, compare) {
    case (.i32Add, .i32Ne): return i32Ne
    case (.i32Add, .i32LtU): return i32LtU
    case (.i32Add, .i32LtS): return i32LtS
    case (.i64Add, .i64Ne): return i64Ne
    case (.i64Add, .i64LtU): return i64LtU
    default: return nil
    }
  }
}
