// Load and store handlers. Every access is bounds-checked with 64-bit arithmetic
// against the memory size held in a register (`ms`): a guest never touches bytes
// outside its memory. Table-like code, one handler per instruction. Assumes a
// little-endian host, as Wasm memory is little-endian.
// https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions

func i32Load(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 4 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: UInt32.self)
  fp[pc[1]] = UInt64(v)
  return next(pc + 4, fp, md, ms, c)
}

func i64Load(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 8 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: UInt64.self)
  fp[pc[1]] = v
  return next(pc + 4, fp, md, ms, c)
}

func f32Load(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 4 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: UInt32.self)
  fp[pc[1]] = UInt64(v)
  return next(pc + 4, fp, md, ms, c)
}

func f64Load(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 8 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: UInt64.self)
  fp[pc[1]] = v
  return next(pc + 4, fp, md, ms, c)
}

func i32Load8S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 1 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: Int8.self)
  fp[pc[1]] = UInt64(UInt32(bitPattern: Int32(v)))
  return next(pc + 4, fp, md, ms, c)
}

func i32Load8U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 1 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: UInt8.self)
  fp[pc[1]] = UInt64(v)
  return next(pc + 4, fp, md, ms, c)
}

func i32Load16S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 2 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: Int16.self)
  fp[pc[1]] = UInt64(UInt32(bitPattern: Int32(v)))
  return next(pc + 4, fp, md, ms, c)
}

func i32Load16U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 2 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: UInt16.self)
  fp[pc[1]] = UInt64(v)
  return next(pc + 4, fp, md, ms, c)
}

func i64Load8S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 1 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: Int8.self)
  fp[pc[1]] = UInt64(bitPattern: Int64(v))
  return next(pc + 4, fp, md, ms, c)
}

func i64Load8U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 1 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: UInt8.self)
  fp[pc[1]] = UInt64(v)
  return next(pc + 4, fp, md, ms, c)
}

func i64Load16S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 2 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: Int16.self)
  fp[pc[1]] = UInt64(bitPattern: Int64(v))
  return next(pc + 4, fp, md, ms, c)
}

func i64Load16U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 2 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: UInt16.self)
  fp[pc[1]] = UInt64(v)
  return next(pc + 4, fp, md, ms, c)
}

func i64Load32S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 4 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: Int32.self)
  fp[pc[1]] = UInt64(bitPattern: Int64(v))
  return next(pc + 4, fp, md, ms, c)
}

func i64Load32U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [dst, address, offset]. 64-bit arithmetic: address < 2^32 and
  // offset < 2^32, so the sum cannot wrap.
  let ea = UInt64(u32(fp[pc[2]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 4 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  let v = md.loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: ea), as: UInt32.self)
  fp[pc[1]] = UInt64(v)
  return next(pc + 4, fp, md, ms, c)
}

func i32Store(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [address, value, offset].
  let ea = UInt64(u32(fp[pc[1]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 4 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  md.storeBytes(
    of: UInt32(truncatingIfNeeded: fp[pc[2]]), toByteOffset: Int(truncatingIfNeeded: ea),
    as: UInt32.self)
  return next(pc + 4, fp, md, ms, c)
}

func i64Store(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [address, value, offset].
  let ea = UInt64(u32(fp[pc[1]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 8 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  md.storeBytes(
    of: UInt64(truncatingIfNeeded: fp[pc[2]]), toByteOffset: Int(truncatingIfNeeded: ea),
    as: UInt64.self)
  return next(pc + 4, fp, md, ms, c)
}

func f32Store(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [address, value, offset].
  let ea = UInt64(u32(fp[pc[1]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 4 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  md.storeBytes(
    of: UInt32(truncatingIfNeeded: fp[pc[2]]), toByteOffset: Int(truncatingIfNeeded: ea),
    as: UInt32.self)
  return next(pc + 4, fp, md, ms, c)
}

func f64Store(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [address, value, offset].
  let ea = UInt64(u32(fp[pc[1]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 8 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  md.storeBytes(
    of: UInt64(truncatingIfNeeded: fp[pc[2]]), toByteOffset: Int(truncatingIfNeeded: ea),
    as: UInt64.self)
  return next(pc + 4, fp, md, ms, c)
}

func i32Store8(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [address, value, offset].
  let ea = UInt64(u32(fp[pc[1]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 1 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  md.storeBytes(
    of: UInt8(truncatingIfNeeded: fp[pc[2]]), toByteOffset: Int(truncatingIfNeeded: ea),
    as: UInt8.self)
  return next(pc + 4, fp, md, ms, c)
}

func i32Store16(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [address, value, offset].
  let ea = UInt64(u32(fp[pc[1]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 2 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  md.storeBytes(
    of: UInt16(truncatingIfNeeded: fp[pc[2]]), toByteOffset: Int(truncatingIfNeeded: ea),
    as: UInt16.self)
  return next(pc + 4, fp, md, ms, c)
}

func i64Store8(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [address, value, offset].
  let ea = UInt64(u32(fp[pc[1]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 1 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  md.storeBytes(
    of: UInt8(truncatingIfNeeded: fp[pc[2]]), toByteOffset: Int(truncatingIfNeeded: ea),
    as: UInt8.self)
  return next(pc + 4, fp, md, ms, c)
}

func i64Store16(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [address, value, offset].
  let ea = UInt64(u32(fp[pc[1]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 2 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  md.storeBytes(
    of: UInt16(truncatingIfNeeded: fp[pc[2]]), toByteOffset: Int(truncatingIfNeeded: ea),
    as: UInt16.self)
  return next(pc + 4, fp, md, ms, c)
}

func i64Store32(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  // Operands: [address, value, offset].
  let ea = UInt64(u32(fp[pc[1]])) &+ UInt64(truncatingIfNeeded: pc[3])
  guard ea &+ 4 <= UInt64(truncatingIfNeeded: ms) else { return .trap(.outOfBoundsMemoryAccess) }
  md.storeBytes(
    of: UInt32(truncatingIfNeeded: fp[pc[2]]), toByteOffset: Int(truncatingIfNeeded: ea),
    as: UInt32.self)
  return next(pc + 4, fp, md, ms, c)
}
