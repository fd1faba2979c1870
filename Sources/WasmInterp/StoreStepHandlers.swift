// A store followed by an `i32.add` into a local, as one handler (docs/performance.md,
// "Round 6 (`shape`)"). Loops that write memory step a pointer or an index right
// after the write: `p[0] = v; p += stride` (sieve's `flags[j] = 1; j += i`), or
// compute the next element's address into a local (simd_scalar's
// `local.get i; i32.const k; i32.add; local.tee a`). The store goes first, as in
// the code: when it traps, the add has not run (and a trap ends the frame anyway).
// The add reads its operands after the store, which writes no slot, so the pair
// means the same whichever slots they name. Memory 0 with i32 addresses only.
// Table-like code.

import WasmCore

/// Operands: [address, value, offset, dst, a, b]: stores the low bytes of `value`
/// (a slot, or the constant itself when `constant`) at `address + offset`, then
/// `dst = u32(a + b)` (`b` a slot or an immediate as `immediate` says).
@inline(__always)
func storeThenAdd<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: T.Type, constant: Bool, immediate: Bool
) -> Exit {
  guard
    let ea = effectiveAddress(
      pc, fp, ms, address: 1, offset: 3, width: UInt64(MemoryLayout<T>.size))
  else { return .trap(.outOfBoundsMemoryAccess) }
  let value = constant ? UInt64(truncatingIfNeeded: pc[2]) : fp[pc[2]]
  md.storeBytes(of: T(truncatingIfNeeded: value), toByteOffset: ea, as: T.self)
  let b = immediate ? UInt32(truncatingIfNeeded: pc[6]) : u32(fp[pc[6]])
  fp[pc[4]] = cell(u32(fp[pc[5]]) &+ b)
  return next(pc + 7, fp, md, ms, c)
}

/// The fused handlers, one per store width, value form and add form.
enum StoreStepHandlers {
  static let store8AddImm: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt8.self, constant: false, immediate: true)
  }
  static let store8Add: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt8.self, constant: false, immediate: false)
  }
  static let store8ConstantAddImm: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt8.self, constant: true, immediate: true)
  }
  static let store8ConstantAdd: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt8.self, constant: true, immediate: false)
  }
  static let store16AddImm: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt16.self, constant: false, immediate: true)
  }
  static let store16Add: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt16.self, constant: false, immediate: false)
  }
  static let store16ConstantAddImm: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt16.self, constant: true, immediate: true)
  }
  static let store16ConstantAdd: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt16.self, constant: true, immediate: false)
  }
  static let store32AddImm: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt32.self, constant: false, immediate: true)
  }
  static let store32Add: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt32.self, constant: false, immediate: false)
  }
  static let store32ConstantAddImm: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt32.self, constant: true, immediate: true)
  }
  static let store32ConstantAdd: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt32.self, constant: true, immediate: false)
  }
  static let store64AddImm: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt64.self, constant: false, immediate: true)
  }
  static let store64Add: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt64.self, constant: false, immediate: false)
  }
  static let store64ConstantAddImm: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt64.self, constant: true, immediate: true)
  }
  static let store64ConstantAdd: Handler = {
    storeThenAdd($0, $1, $2, $3, $4, UInt64.self, constant: true, immediate: false)
  }

  /// The handler for a store of `width` bytes (1, 2, 4 or 8) then an add.
  static func handler(width: Int, constant: Bool, immediate: Bool) -> Handler? {
    switch (width, constant, immediate) {
    case (1, false, true): return store8AddImm
    case (1, false, false): return store8Add
    case (1, true, true): return store8ConstantAddImm
    case (1, true, false): return store8ConstantAdd
    case (2, false, true): return store16AddImm
    case (2, false, false): return store16Add
    case (2, true, true): return store16ConstantAddImm
    case (2, true, false): return store16ConstantAdd
    case (4, false, true): return store32AddImm
    case (4, false, false): return store32Add
    case (4, true, true): return store32ConstantAddImm
    case (4, true, false): return store32ConstantAdd
    case (8, false, true): return store64AddImm
    case (8, false, false): return store64Add
    case (8, true, true): return store64ConstantAddImm
    case (8, true, false): return store64ConstantAdd
    default: return nil
    }
  }

  /// What the handler word `handlerWord` of a store-step record stores and adds, if
  /// it is one (a fill loop, FillLoopHandlers.swift, takes a loop whose body is one).
  static func shape(of handlerWord: Int) -> (width: Int, constant: Bool, immediate: Bool)? {
    for width in [1, 2, 4, 8] {
      for constant in [false, true] {
        for immediate in [false, true] {
          if let h = handler(width: width, constant: constant, immediate: immediate),
            word(h) == handlerWord
          {
            return (width, constant, immediate)
          }
        }
      }
    }
    return nil
  }
}

extension StoreOp {
  /// Bytes a scalar store writes (16 for `v128.store`).
  var width: Int {
    switch self {
    case .i32Store8, .i64Store8: return 1
    case .i32Store16, .i64Store16: return 2
    case .i32Store, .f32Store, .i64Store32: return 4
    case .i64Store, .f64Store: return 8
    case .v128Store: return 16
    }
  }
}
