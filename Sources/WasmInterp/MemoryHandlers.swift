// Load and store handlers. Every access goes through `effectiveAddress`: the
// address plus the offset in 64-bit arithmetic, checked against the memory size
// held in a register (`ms`), so a guest never touches bytes outside its memory.
// Table-like code, one handler per instruction. Assumes a little-endian host, as
// Wasm memory is little-endian.
// https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions

/// `ea` as an index into a memory of `ms` bytes when the `width` bytes from there
/// lie inside it, else nil. Every memory access of a handler is checked here.
/// `ea` is at most 2^33 (an i32 address plus an offset below 2^32), so `ea + width`
/// cannot wrap.
@inline(__always)
func checkedAddress(_ ea: UInt64, width: UInt64, _ ms: Int) -> Int? {
  guard ea &+ width <= UInt64(truncatingIfNeeded: ms) else { return nil }
  return Int(truncatingIfNeeded: ea)
}

/// The effective address of `[.., address slot at pc[k], .., offset at pc[o]]`, or
/// nil when `width` bytes from there leave the memory.
@inline(__always)
func effectiveAddress(_ pc: PC, _ fp: FP, _ ms: Int, address k: Int, offset o: Int, width: UInt64)
  -> Int?
{
  checkedAddress(UInt64(u32(fp[pc[k]])) &+ UInt64(truncatingIfNeeded: pc[o]), width: width, ms)
}

/// Operands: [dst, address, offset]: `dst = widen(load T at address + offset)`.
@inline(__always)
func scalarLoad<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: T.Type, _ widen: (T) -> UInt64
) -> Exit {
  guard
    let ea = effectiveAddress(
      pc, fp, ms, address: 2, offset: 3, width: UInt64(MemoryLayout<T>.size))
  else { return .trap(.outOfBoundsMemoryAccess) }
  fp[pc[1]] = widen(md.loadUnaligned(fromByteOffset: ea, as: T.self))
  return next(pc + 4, fp, md, ms, c)
}

/// Operands: [address, value, offset]: stores the low bytes of `value` at
/// address + offset.
@inline(__always)
func scalarStore<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: T.Type
) -> Exit {
  guard
    let ea = effectiveAddress(
      pc, fp, ms, address: 1, offset: 3, width: UInt64(MemoryLayout<T>.size))
  else { return .trap(.outOfBoundsMemoryAccess) }
  md.storeBytes(of: T(truncatingIfNeeded: fp[pc[2]]), toByteOffset: ea, as: T.self)
  return next(pc + 4, fp, md, ms, c)
}

// MARK: Loads

func i32Load(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, UInt32.self) { UInt64($0) }
}
func i64Load(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, UInt64.self) { $0 }
}
func f32Load(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, UInt32.self) { UInt64($0) }
}
func f64Load(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, UInt64.self) { $0 }
}
func i32Load8S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, Int8.self) { UInt64(UInt32(bitPattern: Int32($0))) }
}
func i32Load8U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, UInt8.self) { UInt64($0) }
}
func i32Load16S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, Int16.self) { UInt64(UInt32(bitPattern: Int32($0))) }
}
func i32Load16U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, UInt16.self) { UInt64($0) }
}
func i64Load8S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, Int8.self) { UInt64(bitPattern: Int64($0)) }
}
func i64Load8U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, UInt8.self) { UInt64($0) }
}
func i64Load16S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, Int16.self) { UInt64(bitPattern: Int64($0)) }
}
func i64Load16U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, UInt16.self) { UInt64($0) }
}
func i64Load32S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, Int32.self) { UInt64(bitPattern: Int64($0)) }
}
func i64Load32U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarLoad(pc, fp, md, ms, c, UInt32.self) { UInt64($0) }
}

// MARK: Stores

func i32Store(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarStore(pc, fp, md, ms, c, UInt32.self)
}
func i64Store(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarStore(pc, fp, md, ms, c, UInt64.self)
}
func f32Store(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarStore(pc, fp, md, ms, c, UInt32.self)
}
func f64Store(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarStore(pc, fp, md, ms, c, UInt64.self)
}
func i32Store8(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarStore(pc, fp, md, ms, c, UInt8.self)
}
func i32Store16(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarStore(pc, fp, md, ms, c, UInt16.self)
}
func i64Store8(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarStore(pc, fp, md, ms, c, UInt8.self)
}
func i64Store16(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarStore(pc, fp, md, ms, c, UInt16.self)
}
func i64Store32(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  scalarStore(pc, fp, md, ms, c, UInt32.self)
}
