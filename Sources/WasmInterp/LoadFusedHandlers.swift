// Round 5 (branch `shape`, docs/performance.md): handlers that take an operand
// straight from memory, chosen from the handler-to-handler edges of the whole
// kernel suite. `br_table` on a byte or word just loaded is how C's `switch (*p)`
// and a bytecode machine's `switch (code[pc])` compile (strscan, statevm, mixed);
// `i32.mul` with a loaded operand is small-matrix integer code's `a[i][k] * b[k][j]`
// (intmatrix). The load's address operands are [address, k, offset]: the effective
// address is `u32(address + k) + offset`, k = 0 when the address was no `i32.add`.

import WasmCore

/// The value of `T` at `u32(fp[pc[a]] + pc[a+1]) + pc[a+2]`, zero- or sign-extended
/// to 32 bits by `widen`, or nil when it is out of bounds.
@inline(__always)
func loadedI32<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, at a: Int, _ type: T.Type, _ widen: (T) -> UInt32
) -> UInt32? {
  guard
    let ea = checkedAddress(
      wrappedAddress(fp[pc[a]], pc[a &+ 1], pc[a &+ 2]), width: UInt64(MemoryLayout<T>.size), ms)
  else { return nil }
  return widen(md.loadUnaligned(fromByteOffset: ea, as: T.self))
}

// MARK: `br_table` on a loaded index

/// Operands: [dst, address, k, offset, count, target 0, ..., target count-1, default]:
/// loads the index into `dst` (the load's own result, which a `local.tee` may have
/// made a local), then branches as `brTableOp` does (targets relative to this handler).
@inline(__always)
func loadBrTable<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ type: T.Type, _ widen: (T) -> UInt32
) -> Exit {
  guard let index = loadedI32(pc, fp, md, ms, at: 2, T.self, widen) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = UInt64(index)
  return next(tableTarget(pc, index: index, countAt: 5), fp, md, ms, c)
}

func i32LoadBrTable(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadBrTable(pc, fp, md, ms, c, UInt32.self) { $0 }
}
func i32Load8UBrTable(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadBrTable(pc, fp, md, ms, c, UInt8.self) { UInt32($0) }
}
func i32Load16UBrTable(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  loadBrTable(pc, fp, md, ms, c, UInt16.self) { UInt32($0) }
}

/// Operands: [dst, x, s, k, offset, count, target 0, ..., default]: `i32LoadScaled`,
/// then `br_table` on the loaded word.
func i32LoadScaledBrTable(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let scaled = u32(fp[pc[2]]) &<< UInt32(truncatingIfNeeded: pc[3])
  let ea = UInt64(scaled &+ UInt32(truncatingIfNeeded: pc[4])) &+ UInt64(truncatingIfNeeded: pc[5])
  guard let at = checkedAddress(ea, width: 4, ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let index = md.loadUnaligned(fromByteOffset: at, as: UInt32.self)
  fp[pc[1]] = UInt64(index)
  return next(tableTarget(pc, index: index, countAt: 6), fp, md, ms, c)
}

/// The fused `load; br_table` handler for a load of `op`, if it has one (the
/// unsigned i32 loads: a `switch` on a byte, a halfword or a word).
func loadBrTableHandler(_ op: LoadOp) -> Handler? {
  switch op {
  case .i32Load: return LoadFusedHandlers.i32LoadBrTable
  case .i32Load8U: return LoadFusedHandlers.i32Load8UBrTable
  case .i32Load16U: return LoadFusedHandlers.i32Load16UBrTable
  default: return nil
  }
}

// MARK: `i32.mul` with a loaded operand (multiplication commutes: either order)

/// Operands: [dst, x, address, k, offset]: `x * load`, wrapping.
@inline(__always)
func i32MulLoaded<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ type: T.Type, _ widen: (T) -> UInt32
) -> Exit {
  guard let v = loadedI32(pc, fp, md, ms, at: 3, T.self, widen) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  fp[pc[1]] = cell(u32(fp[pc[2]]) &* v)
  return next(pc + 6, fp, md, ms, c)
}

func i32MulLoad(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  i32MulLoaded(pc, fp, md, ms, c, UInt32.self) { $0 }
}
func i32MulLoad16S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  i32MulLoaded(pc, fp, md, ms, c, Int16.self) { UInt32(bitPattern: Int32($0)) }
}

// MARK: `i32.load` at a scaled index (`table[i]`, `crc_table[(crc ^ b) & 0xff]`)

/// The i32 at `u32(index + k) + offset`, k and offset at `pc[a]`, `pc[a+1]`, into
/// `pc[1]`; then the handler `words` long after this one.
@inline(__always)
func loadIndexed(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ index: UInt32, at a: Int, words: Int
) -> Exit {
  let ea =
    UInt64(index &+ UInt32(truncatingIfNeeded: pc[a])) &+ UInt64(truncatingIfNeeded: pc[a &+ 1])
  guard let at = checkedAddress(ea, width: 4, ms) else { return .trap(.outOfBoundsMemoryAccess) }
  fp[pc[1]] = UInt64(md.loadUnaligned(fromByteOffset: at, as: UInt32.self))
  return next(pc + words, fp, md, ms, c)
}

/// Operands: [dst, x, s, k, offset]: the i32 at `u32((x << s) + k) + offset`, the
/// shift taken mod 32 and the sum wrapped as the Wasm instructions do.
func i32LoadScaled(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let index = u32(fp[pc[2]]) &<< UInt32(truncatingIfNeeded: pc[3])
  return loadIndexed(pc, fp, md, ms, c, index, at: 4, words: 6)
}
/// Operands: [dst, x, m, s, k, offset]: the i32 at `u32(((x & m) << s) + k) + offset`.
func i32LoadMaskedScaled(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let masked = u32(fp[pc[2]]) & UInt32(truncatingIfNeeded: pc[3])
  let index = masked &<< UInt32(truncatingIfNeeded: pc[4])
  return loadIndexed(pc, fp, md, ms, c, index, at: 5, words: 7)
}

/// One closure per handler, so that every site shares its code and tests can find it.
enum LoadFusedHandlers {
  static let i32LoadBrTable: Handler = { WasmInterp.i32LoadBrTable($0, $1, $2, $3, $4) }
  static let i32Load8UBrTable: Handler = { WasmInterp.i32Load8UBrTable($0, $1, $2, $3, $4) }
  static let i32Load16UBrTable: Handler = { WasmInterp.i32Load16UBrTable($0, $1, $2, $3, $4) }
  static let i32MulLoad: Handler = { WasmInterp.i32MulLoad($0, $1, $2, $3, $4) }
  static let i32MulLoad16S: Handler = { WasmInterp.i32MulLoad16S($0, $1, $2, $3, $4) }
  static let i32LoadScaledBrTable: Handler = {
    WasmInterp.i32LoadScaledBrTable($0, $1, $2, $3, $4)
  }
  static let i32LoadScaled: Handler = { WasmInterp.i32LoadScaled($0, $1, $2, $3, $4) }
  static let i32LoadMaskedScaled: Handler = {
    WasmInterp.i32LoadMaskedScaled($0, $1, $2, $3, $4)
  }
}
