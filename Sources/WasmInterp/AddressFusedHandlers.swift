// Loads and stores whose address is `x + k` computed just before by `i32.add`
// with a constant (clang's `p[i]` / `s->field` addressing, which it cannot fold into
// the offset because the i32 sum wraps and the offset does not). One handler
// instead of two; the effective address is exactly the unfused one:
// `UInt32(x &+ k)` (wrapping), then `+ offset` in 64 bits, checked against the
// memory size like every access (MemoryHandlers.swift). Also: arithmetic with an
// operand loaded just before, and stores of a constant. Table-like code.
// https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions

import WasmCore

/// `u32(x &+ k) + offset` in 64 bits: the sum of an i32 address and a
/// memarg offset (both below 2^32) cannot wrap.
@inline(__always)
func wrappedAddress(_ x: UInt64, _ k: Int, _ offset: Int) -> UInt64 {
  UInt64(u32(x) &+ UInt32(truncatingIfNeeded: k)) &+ UInt64(truncatingIfNeeded: offset)
}

/// Operands: [dst, x, k, offset]: `dst = widen(load T at u32(x + k) + offset)`.
@inline(__always)
func loadAdded<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ type: T.Type, _ widen: (T) -> UInt64
) -> Exit {
  guard
    let ea = checkedAddress(
      wrappedAddress(fp[pc[2]], pc[3], pc[4]), width: UInt64(MemoryLayout<T>.size), ms)
  else { return .trap(.outOfBoundsMemoryAccess) }
  fp[pc[1]] = widen(md.loadUnaligned(fromByteOffset: ea, as: T.self))
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [x, value, k, offset]: stores the low bytes of `value` at
/// `u32(x + k) + offset`.
@inline(__always)
func storeAdded<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ type: T.Type
) -> Exit {
  guard
    let ea = checkedAddress(
      wrappedAddress(fp[pc[1]], pc[3], pc[4]), width: UInt64(MemoryLayout<T>.size), ms)
  else { return .trap(.outOfBoundsMemoryAccess) }
  md.storeBytes(of: T(truncatingIfNeeded: fp[pc[2]]), toByteOffset: ea, as: T.self)
  return next(pc + 5, fp, md, ms, c)
}

// MARK: Loads

func i32LoadAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, UInt32.self) { UInt64($0) }
}
func i64LoadAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, UInt64.self) { $0 }
}
func f32LoadAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, UInt32.self) { UInt64($0) }
}
func f64LoadAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, UInt64.self) { $0 }
}
func i32Load8SAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, Int8.self) { UInt64(UInt32(bitPattern: Int32($0))) }
}
func i32Load8UAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, UInt8.self) { UInt64($0) }
}
func i32Load16SAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, Int16.self) { UInt64(UInt32(bitPattern: Int32($0))) }
}
func i32Load16UAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, UInt16.self) { UInt64($0) }
}
func i64Load8SAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, Int8.self) { UInt64(bitPattern: Int64($0)) }
}
func i64Load8UAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, UInt8.self) { UInt64($0) }
}
func i64Load16SAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, Int16.self) { UInt64(bitPattern: Int64($0)) }
}
func i64Load16UAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, UInt16.self) { UInt64($0) }
}
func i64Load32SAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, Int32.self) { UInt64(bitPattern: Int64($0)) }
}
func i64Load32UAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadAdded(pc, fp, md, ms, c, UInt32.self) { UInt64($0) }
}

// MARK: Stores

func i32StoreAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeAdded(pc, fp, md, ms, c, UInt32.self)
}
func i64StoreAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeAdded(pc, fp, md, ms, c, UInt64.self)
}
func f32StoreAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeAdded(pc, fp, md, ms, c, UInt32.self)
}
func f64StoreAdded(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeAdded(pc, fp, md, ms, c, UInt64.self)
}
func i32Store8Added(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeAdded(pc, fp, md, ms, c, UInt8.self)
}
func i32Store16Added(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeAdded(pc, fp, md, ms, c, UInt16.self)
}
func i64Store8Added(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeAdded(pc, fp, md, ms, c, UInt8.self)
}
func i64Store16Added(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeAdded(pc, fp, md, ms, c, UInt16.self)
}
func i64Store32Added(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeAdded(pc, fp, md, ms, c, UInt32.self)
}

// MARK: An arithmetic operator with one operand loaded just before

/// The loaded operand of `f64MulLoad` and friends: operands `pc[3...5]` are
/// [address, k, offset] (k = 0 when the load's address was not an `i32.add`).
@inline(__always)
func loadedOperand<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ type: T.Type
) -> T? {
  guard
    let ea = checkedAddress(
      wrappedAddress(fp[pc[3]], pc[4], pc[5]), width: UInt64(MemoryLayout<T>.size), ms)
  else { return nil }
  return md.loadUnaligned(fromByteOffset: ea, as: T.self)
}

/// Operands: [dst, x, address, k, offset]: `x * load` (`a[i] * b[j]`, the loaded
/// value as the second operand).
func f64MulLoad(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  guard let bits = loadedOperand(pc, fp, md, ms, UInt64.self) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = cell(f64(fp[pc[2]]) * f64(bits))
  return next(pc + 6, fp, md, ms, c)
}
/// Operands: [dst, x, address, k, offset]: `load * x` (the loaded value first).
func f64LoadMul(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  guard let bits = loadedOperand(pc, fp, md, ms, UInt64.self) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = cell(f64(bits) * f64(fp[pc[2]]))
  return next(pc + 6, fp, md, ms, c)
}
/// Operands: [dst, x, address, k, offset]: `x + load`.
func f64AddLoad(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  guard let bits = loadedOperand(pc, fp, md, ms, UInt64.self) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = cell(f64(fp[pc[2]]) + f64(bits))
  return next(pc + 6, fp, md, ms, c)
}
/// Operands: [dst, x, address, k, offset]: `load + x`.
func f64LoadAdd(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  guard let bits = loadedOperand(pc, fp, md, ms, UInt64.self) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = cell(f64(bits) + f64(fp[pc[2]]))
  return next(pc + 6, fp, md, ms, c)
}
/// Operands: [dst, x, address, k, offset]: `x + load` (i32, either operand order).
func i32AddLoad(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  guard let v = loadedOperand(pc, fp, md, ms, UInt32.self) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = cell(u32(fp[pc[2]]) &+ v)
  return next(pc + 6, fp, md, ms, c)
}

/// Operands: [dst, x, address, k, offset]: `x * load` (f32, the loaded value second).
func f32MulLoad(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  guard let bits = loadedOperand(pc, fp, md, ms, UInt32.self) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = cell(f32(fp[pc[2]]) * Float(bitPattern: bits))
  return next(pc + 6, fp, md, ms, c)
}
/// Operands: [dst, x, address, k, offset]: `load * x` (f32).
func f32LoadMul(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  guard let bits = loadedOperand(pc, fp, md, ms, UInt32.self) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = cell(Float(bitPattern: bits) * f32(fp[pc[2]]))
  return next(pc + 6, fp, md, ms, c)
}
/// Operands: [dst, x, address, k, offset]: `x + load` (f32).
func f32AddLoad(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  guard let bits = loadedOperand(pc, fp, md, ms, UInt32.self) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = cell(f32(fp[pc[2]]) + Float(bitPattern: bits))
  return next(pc + 6, fp, md, ms, c)
}
/// Operands: [dst, x, address, k, offset]: `load + x` (f32).
func f32LoadAdd(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  guard let bits = loadedOperand(pc, fp, md, ms, UInt32.self) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = cell(Float(bitPattern: bits) + f32(fp[pc[2]]))
  return next(pc + 6, fp, md, ms, c)
}

// MARK: Translation tables

/// The f32 forms, as single closures so that tests can find them in translated code.
enum LoadOperandHandlers {
  static let f32MulLoad: Handler = { WasmInterp.f32MulLoad($0, $1, $2, $3, $4) }
  static let f32LoadMul: Handler = { WasmInterp.f32LoadMul($0, $1, $2, $3, $4) }
  static let f32AddLoad: Handler = { WasmInterp.f32AddLoad($0, $1, $2, $3, $4) }
  static let f32LoadAdd: Handler = { WasmInterp.f32LoadAdd($0, $1, $2, $3, $4) }
}

/// The `x + k` address form of a scalar load.
func loadAddedHandler(_ op: LoadOp) -> Handler? {
  switch op {
  case .i32Load: return { i32LoadAdded($0, $1, $2, $3, $4) }
  case .i64Load: return { i64LoadAdded($0, $1, $2, $3, $4) }
  case .f32Load: return { f32LoadAdded($0, $1, $2, $3, $4) }
  case .f64Load: return { f64LoadAdded($0, $1, $2, $3, $4) }
  case .i32Load8S: return { i32Load8SAdded($0, $1, $2, $3, $4) }
  case .i32Load8U: return { i32Load8UAdded($0, $1, $2, $3, $4) }
  case .i32Load16S: return { i32Load16SAdded($0, $1, $2, $3, $4) }
  case .i32Load16U: return { i32Load16UAdded($0, $1, $2, $3, $4) }
  case .i64Load8S: return { i64Load8SAdded($0, $1, $2, $3, $4) }
  case .i64Load8U: return { i64Load8UAdded($0, $1, $2, $3, $4) }
  case .i64Load16S: return { i64Load16SAdded($0, $1, $2, $3, $4) }
  case .i64Load16U: return { i64Load16UAdded($0, $1, $2, $3, $4) }
  case .i64Load32S: return { i64Load32SAdded($0, $1, $2, $3, $4) }
  case .i64Load32U: return { i64Load32UAdded($0, $1, $2, $3, $4) }
  default: return nil
  }
}

/// The `x + k` address form of a scalar store.
func storeAddedHandler(_ op: StoreOp) -> Handler? {
  switch op {
  case .i32Store: return { i32StoreAdded($0, $1, $2, $3, $4) }
  case .i64Store: return { i64StoreAdded($0, $1, $2, $3, $4) }
  case .f32Store: return { f32StoreAdded($0, $1, $2, $3, $4) }
  case .f64Store: return { f64StoreAdded($0, $1, $2, $3, $4) }
  case .i32Store8: return { i32Store8Added($0, $1, $2, $3, $4) }
  case .i32Store16: return { i32Store16Added($0, $1, $2, $3, $4) }
  case .i64Store8: return { i64Store8Added($0, $1, $2, $3, $4) }
  case .i64Store16: return { i64Store16Added($0, $1, $2, $3, $4) }
  case .i64Store32: return { i64Store32Added($0, $1, $2, $3, $4) }
  default: return nil
  }
}

// MARK: Stores of a constant (`p[i] = 1`, flags and sentinels)

/// Operands: [address, constant, offset]: stores the low bytes of the constant
/// (the `i32.const` just before the store, folded in).
@inline(__always)
func storeConstant<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ type: T.Type
) -> Exit {
  guard
    let ea = effectiveAddress(
      pc, fp, ms, address: 1, offset: 3, width: UInt64(MemoryLayout<T>.size))
  else { return .trap(.outOfBoundsMemoryAccess) }
  md.storeBytes(of: T(truncatingIfNeeded: pc[2]), toByteOffset: ea, as: T.self)
  return next(pc + 4, fp, md, ms, c)
}

func i32StoreConstant(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeConstant(pc, fp, md, ms, c, UInt32.self)
}
func i64StoreConstant(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeConstant(pc, fp, md, ms, c, UInt64.self)
}
func f32StoreConstant(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeConstant(pc, fp, md, ms, c, UInt32.self)
}
func f64StoreConstant(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeConstant(pc, fp, md, ms, c, UInt64.self)
}
func i32Store8Constant(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeConstant(pc, fp, md, ms, c, UInt8.self)
}
func i32Store16Constant(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeConstant(pc, fp, md, ms, c, UInt16.self)
}
func i64Store8Constant(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeConstant(pc, fp, md, ms, c, UInt8.self)
}
func i64Store16Constant(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeConstant(pc, fp, md, ms, c, UInt16.self)
}
func i64Store32Constant(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  storeConstant(pc, fp, md, ms, c, UInt32.self)
}

/// The constant-value form of a scalar store.
func storeConstantHandler(_ op: StoreOp) -> Handler? {
  switch op {
  case .i32Store: return { i32StoreConstant($0, $1, $2, $3, $4) }
  case .i64Store: return { i64StoreConstant($0, $1, $2, $3, $4) }
  case .f32Store: return { f32StoreConstant($0, $1, $2, $3, $4) }
  case .f64Store: return { f64StoreConstant($0, $1, $2, $3, $4) }
  case .i32Store8: return { i32Store8Constant($0, $1, $2, $3, $4) }
  case .i32Store16: return { i32Store16Constant($0, $1, $2, $3, $4) }
  case .i64Store8: return { i64Store8Constant($0, $1, $2, $3, $4) }
  case .i64Store16: return { i64Store16Constant($0, $1, $2, $3, $4) }
  case .i64Store32: return { i64Store32Constant($0, $1, $2, $3, $4) }
  default: return nil
  }
}
