// Handlers for memory.size/grow, bulk memory, tables and segments. Each checks
// all bounds (64-bit arithmetic) before touching anything, as the spec requires:
// an out-of-bounds bulk operation traps without a partial write.
// https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions
// https://webassembly.github.io/spec/core/exec/instructions.html#table-instructions

/// The memory of the running function.
@inline(__always)
func currentMemory(_ c: Ctx) -> UnsafeMutablePointer<MemoryState> {
  (c.pointee.frameTop - 1).pointee.function.pointee.memory
}

@inline(__always) func pointer<T>(_ word: Int, as: T.Type) -> UnsafeMutablePointer<T> {
  UnsafeMutablePointer<T>(bitPattern: word).unsafelyUnwrapped
}

/// Operands: [dst].
func memorySizeOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = UInt64(ms / wasmPageSize)
  return next(pc + 2, fp, md, ms, c)
}

/// Operands: [dst, delta].
func memoryGrowOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let memory = currentMemory(c)
  let old = memory.pointee.grow(by: UInt64(u32(fp[pc[2]])))
  fp[pc[1]] = UInt64(UInt32(truncatingIfNeeded: old))
  return next(pc + 3, fp, memory.pointee.base, memory.pointee.size, c)
}

/// Operands: [destination, value, count].
func memoryFillOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let d = UInt64(u32(fp[pc[1]])), n = UInt64(u32(fp[pc[3]]))
  guard d &+ n <= UInt64(ms) else { return .trap(.outOfBoundsMemoryAccess) }
  (md + Int(d)).initializeMemory(
    as: UInt8.self, repeating: UInt8(truncatingIfNeeded: fp[pc[2]]), count: Int(n))
  return next(pc + 4, fp, md, ms, c)
}

/// Operands: [destination, source, count].
func memoryCopyOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let d = UInt64(u32(fp[pc[1]])), s = UInt64(u32(fp[pc[2]])), n = UInt64(u32(fp[pc[3]]))
  guard d &+ n <= UInt64(ms), s &+ n <= UInt64(ms) else { return .trap(.outOfBoundsMemoryAccess) }
  (md + Int(d)).copyMemory(from: md + Int(s), byteCount: Int(n))  // memmove semantics
  return next(pc + 4, fp, md, ms, c)
}

/// Operands: [destination, source offset, count, segment state address].
func memoryInitOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let segment = pointer(pc[4], as: SegmentState.self).pointee
  let d = UInt64(u32(fp[pc[1]])), s = UInt64(u32(fp[pc[2]])), n = UInt64(u32(fp[pc[3]]))
  guard d &+ n <= UInt64(ms), s &+ n <= UInt64(segment.count) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  if n > 0, let base = segment.base {
    (md + Int(d)).copyMemory(from: base + Int(s), byteCount: Int(n))
  }
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [segment state address]. Shared by `data.drop` and `elem.drop`.
func segmentDropOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  pointer(pc[1], as: SegmentState.self).pointee.count = 0
  return next(pc + 2, fp, md, ms, c)
}

// MARK: Tables

/// Operands: [dst, index, table state address].
func tableGetOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[3], as: TableState.self)
  let i = Int(u32(fp[pc[2]]))
  guard i < table.pointee.count else { return .trap(.outOfBoundsTableAccess) }
  fp[pc[1]] = table.pointee.elements[i]
  return next(pc + 4, fp, md, ms, c)
}

/// Operands: [index, value, table state address].
func tableSetOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[3], as: TableState.self)
  let i = Int(u32(fp[pc[1]]))
  guard i < table.pointee.count else { return .trap(.outOfBoundsTableAccess) }
  table.pointee.elements[i] = fp[pc[2]]
  return next(pc + 4, fp, md, ms, c)
}

/// Operands: [dst, table state address].
func tableSizeOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = UInt64(pointer(pc[2], as: TableState.self).pointee.count)
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [dst, initial value, delta, table state address].
func tableGrowOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[4], as: TableState.self)
  let old = table.pointee.grow(by: UInt64(u32(fp[pc[3]])), initial: fp[pc[2]])
  fp[pc[1]] = UInt64(UInt32(truncatingIfNeeded: old))
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [index, value, count, table state address].
func tableFillOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[4], as: TableState.self)
  let i = Int(u32(fp[pc[1]])), n = Int(u32(fp[pc[3]]))
  guard i + n <= table.pointee.count else { return .trap(.outOfBoundsTableAccess) }
  (table.pointee.elements + i).update(repeating: fp[pc[2]], count: n)
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [destination, source, count, destination table, source table].
func tableCopyOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let dt = pointer(pc[4], as: TableState.self), st = pointer(pc[5], as: TableState.self)
  let d = Int(u32(fp[pc[1]])), s = Int(u32(fp[pc[2]])), n = Int(u32(fp[pc[3]]))
  guard d + n <= dt.pointee.count, s + n <= st.pointee.count else {
    return .trap(.outOfBoundsTableAccess)
  }
  // Overlap-safe (memmove semantics).
  UnsafeMutableRawPointer(dt.pointee.elements + d).copyMemory(
    from: st.pointee.elements + s, byteCount: n * MemoryLayout<UInt64>.stride)
  return next(pc + 6, fp, md, ms, c)
}

/// Operands: [destination, source offset, count, table, segment state address].
func tableInitOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[4], as: TableState.self)
  let segment = pointer(pc[5], as: SegmentState.self).pointee
  let d = Int(u32(fp[pc[1]])), s = Int(u32(fp[pc[2]])), n = Int(u32(fp[pc[3]]))
  guard d + n <= table.pointee.count, s + n <= segment.count else {
    return .trap(.outOfBoundsTableAccess)
  }
  if n > 0, let base = segment.base {
    UnsafeMutableRawPointer(table.pointee.elements + d).copyMemory(
      from: base + s * MemoryLayout<UInt64>.stride, byteCount: n * MemoryLayout<UInt64>.stride)
  }
  return next(pc + 6, fp, md, ms, c)
}
