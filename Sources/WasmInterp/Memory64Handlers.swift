// memory.size/grow, bulk memory and table instructions beyond the Wasm 2.0 forms:
// other memories than memory 0 (multiple memories), i64 addresses (memory64) and
// i64 table indices (table64). The 2.0 forms (BulkHandlers.swift) keep memory 0 in
// registers; these read each memory's state through its address, an operand, and
// take the index types from flag operands. Every range is checked with `GuestRange`
// (64-bit arithmetic that cannot wrap) before anything is touched.
// https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions
// https://webassembly.github.io/spec/core/exec/instructions.html#table-instructions

import WasmCore

/// An address or index operand: an i32 is the low 32 bits of its cell.
@inline(__always)
func index(_ cell: UInt64, is64: Bool) -> UInt64 {
  is64 ? cell : UInt64(u32(cell))
}

/// The result of a failed `grow`: -1 of the index type.
@inline(__always)
func growResult(_ old: Int, is64: Bool) -> UInt64 {
  is64 ? UInt64(bitPattern: Int64(old)) : UInt64(UInt32(truncatingIfNeeded: old))
}

/// Continues with memory 0's base and size reloaded (after a grow of another memory,
/// which may be memory 0 imported twice).
@inline(__always)
func nextReloadingMemory(_ pc: PC, _ fp: FP, _ c: Ctx) -> Exit {
  let m = currentMemory(c).pointee
  return next(pc, fp, m.base, m.size, c)
}

// MARK: Memories

/// Operands: [dst, memory state].
func memorySizeNOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = UInt64(pointer(pc[2], as: MemoryState.self).pointee.size / wasmPageSize)
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [dst, delta, memory state, is64].
func memoryGrowNOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let is64 = pc[4] != 0
  let old = pointer(pc[3], as: MemoryState.self).pointee.grow(by: index(fp[pc[2]], is64: is64))
  fp[pc[1]] = growResult(old, is64: is64)
  return nextReloadingMemory(pc + 5, fp, c)
}

/// Operands: [destination, value, count, memory state, is64].
func memoryFillAnyOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let memory = pointer(pc[4], as: MemoryState.self).pointee
  let is64 = pc[5] != 0
  guard
    let range = GuestRange(
      address: index(fp[pc[1]], is64: is64), length: index(fp[pc[3]], is64: is64),
      memoryBytes: memory.size)
  else { return .trap(.outOfBoundsMemoryAccess) }
  (memory.base + range.offset).initializeMemory(
    as: UInt8.self, repeating: UInt8(truncatingIfNeeded: fp[pc[2]]), count: range.count)
  return next(pc + 6, fp, md, ms, c)
}

/// Operands: [destination, source, count, destination memory, source memory, flags]
/// (flags: bit 0 destination is 64-bit, bit 1 source is 64-bit; the count is i64
/// only when both are).
func memoryCopyAnyOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let destination = pointer(pc[4], as: MemoryState.self).pointee
  let source = pointer(pc[5], as: MemoryState.self).pointee
  let flags = pc[6]
  let n = index(fp[pc[3]], is64: flags == 3)
  guard
    let d = GuestRange(
      address: index(fp[pc[1]], is64: flags & 1 != 0), length: n, memoryBytes: destination.size),
    let s = GuestRange(
      address: index(fp[pc[2]], is64: flags & 2 != 0), length: n, memoryBytes: source.size)
  else { return .trap(.outOfBoundsMemoryAccess) }
  // memmove semantics: the memories may be one.
  (destination.base + d.offset).copyMemory(from: source.base + s.offset, byteCount: d.count)
  return next(pc + 7, fp, md, ms, c)
}

/// Operands: [destination, source offset, count, segment state, memory state, is64].
func memoryInitAnyOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let segment = pointer(pc[4], as: SegmentState.self).pointee
  let memory = pointer(pc[5], as: MemoryState.self).pointee
  let n = UInt64(u32(fp[pc[3]]))
  guard
    let d = GuestRange(
      address: index(fp[pc[1]], is64: pc[6] != 0), length: n, memoryBytes: memory.size),
    let s = GuestRange(address: UInt64(u32(fp[pc[2]])), length: n, memoryBytes: segment.count)
  else { return .trap(.outOfBoundsMemoryAccess) }
  if d.count > 0, let base = segment.base {
    (memory.base + d.offset).copyMemory(from: base + s.offset, byteCount: d.count)
  }
  return next(pc + 7, fp, md, ms, c)
}

/// Operands: [dst, delta] — memory 0 with i64 addresses.
func memoryGrow64Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let memory = currentMemory(c)
  let old = memory.pointee.grow(by: fp[pc[2]])
  fp[pc[1]] = growResult(old, is64: true)
  return next(pc + 3, fp, memory.pointee.base, memory.pointee.size, c)
}

// MARK: Tables with i64 indices

/// `index` as an element index of `table`, when below its size.
@inline(__always)
func element(_ index: UInt64, of table: UnsafeMutablePointer<TableState>) -> Int? {
  index < UInt64(table.pointee.count) ? Int(index) : nil
}

/// Operands: [dst, index, table state address].
func tableGet64Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[3], as: TableState.self)
  guard let i = element(fp[pc[2]], of: table) else { return .trap(.outOfBoundsTableAccess) }
  fp[pc[1]] = table.pointee.elements[i]
  return next(pc + 4, fp, md, ms, c)
}

/// Operands: [index, value, table state address].
func tableSet64Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[3], as: TableState.self)
  guard let i = element(fp[pc[1]], of: table) else { return .trap(.outOfBoundsTableAccess) }
  table.pointee.elements[i] = fp[pc[2]]
  return next(pc + 4, fp, md, ms, c)
}

/// Operands: [dst, initial value, delta, table state address].
func tableGrow64Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[4], as: TableState.self)
  let old = table.pointee.grow(by: fp[pc[3]], initial: fp[pc[2]])
  fp[pc[1]] = growResult(old, is64: true)
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [index, value, count, table state address].
func tableFill64Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[4], as: TableState.self)
  guard
    let range = GuestRange(address: fp[pc[1]], length: fp[pc[3]], memoryBytes: table.pointee.count)
  else { return .trap(.outOfBoundsTableAccess) }
  (table.pointee.elements + range.offset).update(repeating: fp[pc[2]], count: range.count)
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [destination, source, count, destination table, source table, flags]
/// (flags as for `memoryCopyAnyOp`).
func tableCopyAnyOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let dt = pointer(pc[4], as: TableState.self), st = pointer(pc[5], as: TableState.self)
  let flags = pc[6]
  let n = index(fp[pc[3]], is64: flags == 3)
  guard
    let d = GuestRange(
      address: index(fp[pc[1]], is64: flags & 1 != 0), length: n, memoryBytes: dt.pointee.count),
    let s = GuestRange(
      address: index(fp[pc[2]], is64: flags & 2 != 0), length: n, memoryBytes: st.pointee.count)
  else { return .trap(.outOfBoundsTableAccess) }
  UnsafeMutableRawPointer(dt.pointee.elements + d.offset).copyMemory(
    from: st.pointee.elements + s.offset, byteCount: d.count * MemoryLayout<UInt64>.stride)
  return next(pc + 7, fp, md, ms, c)
}

/// Operands: [destination, source offset, count, table, segment state address] with
/// an i64 destination.
func tableInit64Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[4], as: TableState.self)
  let segment = pointer(pc[5], as: SegmentState.self).pointee
  let n = UInt64(u32(fp[pc[3]]))
  guard
    let d = GuestRange(address: fp[pc[1]], length: n, memoryBytes: table.pointee.count),
    let s = GuestRange(address: UInt64(u32(fp[pc[2]])), length: n, memoryBytes: segment.count)
  else { return .trap(.outOfBoundsTableAccess) }
  if d.count > 0, let base = segment.base {
    UnsafeMutableRawPointer(table.pointee.elements + d.offset).copyMemory(
      from: base + s.offset * MemoryLayout<UInt64>.stride,
      byteCount: d.count * MemoryLayout<UInt64>.stride)
  }
  return next(pc + 6, fp, md, ms, c)
}

/// Operands: [table state address, index slot, type id, first argument slot]: a
/// `call_indirect` through a table64.
@inline(__always)
func callIndirect64Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[1], as: TableState.self)
  let i = fp[pc[2]]
  guard i < UInt64(table.pointee.count) else { return .trap(.undefinedElement) }
  let index = Int(i)
  guard
    let callee = UnsafeMutablePointer<FunctionEntry>(
      bitPattern: UInt(table.pointee.elements[index]))
  else {
    c.pointee.trapIndex = index
    return .trap(.uninitializedElement)
  }
  return enterIndirect(callee, pc, fp, md, ms, c)
}

/// Operands: [table state address, index slot, type id, first argument slot,
/// argument cells]: a `return_call_indirect` through a table64.
func returnCallIndirect64Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[1], as: TableState.self)
  let i = fp[pc[2]]
  guard i < UInt64(table.pointee.count) else { return .trap(.undefinedElement) }
  let index = Int(i)
  guard
    let callee = UnsafeMutablePointer<FunctionEntry>(
      bitPattern: UInt(table.pointee.elements[index]))
  else {
    c.pointee.trapIndex = index
    return .trap(.uninitializedElement)
  }
  guard callee.pointee.typeID == pc[3] || isDeclaredSubtype(callee.pointee.typeID, of: pc[3], c)
  else { return .trap(.indirectCallTypeMismatch) }
  return tailEnter(callee, fp + pc[4], pc[5], fp, c)
}
