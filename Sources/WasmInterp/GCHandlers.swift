// Handlers of the GC instructions (Wasm 3.0): i31, `ref.eq`, casts, structs and
// arrays. References are cells encoded as GCObjects.swift describes; allocation and
// the concrete-type test leave the handler for an `@inline(never)` slow path.
// https://webassembly.github.io/spec/core/exec/instructions.html#aggregate-reference-instructions

import WasmCore

// MARK: i31, ref.eq, casts

/// Operands: [dst, value].
func refI31Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = GCRef.i31(fp[pc[2]])
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [dst, reference]; the 31 bits sign-extended.
func i31GetSOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let cell = fp[pc[2]]
  guard cell != 0 else { return .trap(.nullI31Reference) }
  let bits = UInt32(truncatingIfNeeded: cell)  // value << 1 | 1
  fp[pc[1]] = UInt64(UInt32(bitPattern: Int32(bitPattern: bits) >> 1))
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [dst, reference]; the 31 bits zero-extended.
func i31GetUOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let cell = fp[pc[2]]
  guard cell != 0 else { return .trap(.nullI31Reference) }
  fp[pc[1]] = (cell >> 1) & 0x7FFF_FFFF
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [dst, a, b]. Encodings are canonical: equal references, equal cells.
func refEqOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = fp[pc[2]] == fp[pc[3]] ? 1 : 0
  return next(pc + 4, fp, md, ms, c)
}

/// Whether `cell` passes a cast to `target` (CastTarget), null allowed or not.
@inline(__always)
func castMatches(_ cell: UInt64, target: Int, nullable: Int, _ c: Ctx) -> Bool {
  if cell == 0 { return nullable != 0 }
  switch target {
  case CastTarget.any, CastTarget.function, CastTarget.extern, CastTarget.exception:
    return true
  case CastTarget.i31: return GCRef.isI31(cell)
  case CastTarget.none: return false
  default: return castMatchesSlow(cell, target: target, c)
  }
}

@inline(never)
func castMatchesSlow(_ cell: UInt64, target: Int, _ c: Ctx) -> Bool {
  c.pointee.runtime.takeUnretainedValue().referenceMatches(cell, target: target)
}

/// Operands: [dst, reference, target, nullable].
func refTestOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = castMatches(fp[pc[2]], target: pc[3], nullable: pc[4], c) ? 1 : 0
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [dst, reference, target, nullable].
func refCastOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let cell = fp[pc[2]]
  guard castMatches(cell, target: pc[3], nullable: pc[4], c) else { return .trap(.castFailure) }
  fp[pc[1]] = cell
  return next(pc + 5, fp, md, ms, c)
}

// MARK: Allocation

/// A new zeroed object of the layout at `layout` (an array of `count` elements);
/// 0 when the store's GC heap limit refuses it. Collects first when the heap has
/// grown past its threshold: `fp` is the running frame, the top of the value
/// stack's live part is its end.
@inline(never)
func gcAllocate(_ c: Ctx, _ fp: FP, layout: Int, count: Int) -> UInt64 {
  let words = pointer(layout, as: Int.self)
  let runtime = c.pointee.runtime.takeUnretainedValue()
  let isStruct = words[GCLayout.kind] == Int(GCHeader.structKind)
  // `count` is an i32 (below 2^32): the product cannot overflow.
  let cells = isStruct ? words[GCLayout.cells] : count &* words[GCLayout.cells]
  if runtime.gcBytes &+ cells &* 8 > runtime.gcThreshold {
    let frame = (c.pointee.frameTop - 1).pointee.function
    runtime.collect(stackTop: fp + frame.pointee.frameSize)
  }
  return runtime.allocateObject(
    kind: isStruct ? GCHeader.structKind : GCHeader.arrayKind, typeID: words[GCLayout.typeID],
    count: isStruct ? cells : count, cellsPerElement: isStruct ? 0 : words[GCLayout.cells],
    cells: cells, references: words[GCLayout.references] != 0) ?? 0
}

// MARK: Structs

/// Operands: [dst, first field slot, layout, frame stride].
func structNewOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let object = gcAllocate(c, fp, layout: pc[3], count: 0)
  guard object != 0 else { return .trap(.allocationTooLarge) }
  let words = pointer(pc[3], as: Int.self)
  let cells = GCHeader.cells(object)
  let first = pc[2], frameStride = pc[4]
  var i = 0
  while i < words[GCLayout.fieldCount] {
    let offset = words[GCLayout.fields &+ 2 &* i], mode = words[GCLayout.fields &+ 2 &* i &+ 1]
    let slot = first &+ i &* frameStride
    cells[offset] = GCStorage.pack(fp[slot], mode)
    if mode == GCStorage.v128.rawValue { cells[offset &+ 1] = fp[slot &+ 1] }
    i &+= 1
  }
  fp[pc[1]] = object
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [dst, layout].
func structNewDefaultOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let object = gcAllocate(c, fp, layout: pc[2], count: 0)
  guard object != 0 else { return .trap(.allocationTooLarge) }
  fp[pc[1]] = object
  return next(pc + 3, fp, md, ms, c)
}

/// Reads a stored value: `mode` 0 a cell (or a packed value zero-extended), 1/2 an
/// i8/i16 sign-extended, 3 a v128 (two cells).
@inline(__always)
func gcRead(_ cells: UnsafeMutablePointer<UInt64>, _ at: Int, mode: Int, into fp: FP, _ dst: Int) {
  switch mode {
  case 1: fp[dst] = UInt64(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: cells[at]))))
  case 2: fp[dst] = UInt64(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: cells[at]))))
  case 3:
    fp[dst] = cells[at]
    fp[dst &+ 1] = cells[at &+ 1]
  default: fp[dst] = cells[at]
  }
}

/// Stores a value: `mode` as GCStorage (packed types keep their low bits).
@inline(__always)
func gcWrite(_ cells: UnsafeMutablePointer<UInt64>, _ at: Int, mode: Int, from fp: FP, _ src: Int) {
  cells[at] = GCStorage.pack(fp[src], mode)
  if mode == GCStorage.v128.rawValue { cells[at &+ 1] = fp[src &+ 1] }
}

/// Operands: [dst, reference, cell offset, read mode].
func structGetOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let object = fp[pc[2]]
  guard object != 0 else { return .trap(.nullStructureReference) }
  gcRead(GCHeader.cells(object), pc[3], mode: pc[4], into: fp, pc[1])
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [reference, value, cell offset, storage mode].
func structSetOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let object = fp[pc[1]]
  guard object != 0 else { return .trap(.nullStructureReference) }
  gcWrite(GCHeader.cells(object), pc[3], mode: pc[4], from: fp, pc[2])
  return next(pc + 5, fp, md, ms, c)
}

// MARK: Arrays

/// Operands: [dst, value, length, layout].
func arrayNewOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let count = Int(u32(fp[pc[3]]))
  let object = gcAllocate(c, fp, layout: pc[4], count: count)
  guard object != 0 else { return .trap(.allocationTooLarge) }
  let words = pointer(pc[4], as: Int.self)
  let mode = words[GCLayout.fields], per = words[GCLayout.cells]
  let cells = GCHeader.cells(object)
  var i = 0
  while i < count {
    gcWrite(cells, i &* per, mode: mode, from: fp, pc[2])
    i &+= 1
  }
  fp[pc[1]] = object
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [dst, length, layout].
func arrayNewDefaultOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let object = gcAllocate(c, fp, layout: pc[3], count: Int(u32(fp[pc[2]])))
  guard object != 0 else { return .trap(.allocationTooLarge) }
  fp[pc[1]] = object
  return next(pc + 4, fp, md, ms, c)
}

/// Operands: [dst, first value slot, count, layout, frame stride].
func arrayNewFixedOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let count = pc[3]
  let object = gcAllocate(c, fp, layout: pc[4], count: count)
  guard object != 0 else { return .trap(.allocationTooLarge) }
  let words = pointer(pc[4], as: Int.self)
  let mode = words[GCLayout.fields], per = words[GCLayout.cells]
  let cells = GCHeader.cells(object)
  var i = 0
  while i < count {
    gcWrite(cells, i &* per, mode: mode, from: fp, pc[2] &+ i &* pc[5])
    i &+= 1
  }
  fp[pc[1]] = object
  return next(pc + 6, fp, md, ms, c)
}

/// Copies `count` elements of `bytes` bytes each from `source` into `cells` from
/// element `at`, little-endian (a v128 element fills two cells).
func gcLoadElements(
  _ cells: UnsafeMutablePointer<UInt64>, at: Int, count: Int, bytes: Int, perElement: Int,
  from source: UnsafeRawPointer
) {
  var i = 0
  while i < count {
    let p = source + i &* bytes
    let cell = cells + (at &+ i) &* perElement
    switch bytes {
    case 1: cell[0] = UInt64(p.load(as: UInt8.self))
    case 2: cell[0] = UInt64(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
    case 4: cell[0] = UInt64(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
    case 8: cell[0] = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
    default:
      cell[0] = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
      cell[1] = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }
    i &+= 1
  }
}

/// Whether `offset + count <= limit` (all below 2^32, or `limit` a segment length).
@inline(__always) func inRange(_ offset: UInt64, _ count: UInt64, _ limit: Int) -> Bool {
  offset &+ count <= UInt64(limit)
}

/// Operands: [dst, segment offset, length, layout, data segment state].
func arrayNewDataOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let offset = UInt64(u32(fp[pc[2]])), count = Int(u32(fp[pc[3]]))
  let words = pointer(pc[4], as: Int.self)
  let segment = pointer(pc[5], as: SegmentState.self)
  let bytes = words[GCLayout.elementBytes]
  guard inRange(offset, UInt64(count) &* UInt64(bytes), segment.pointee.count) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  let object = gcAllocate(c, fp, layout: pc[4], count: count)
  guard object != 0 else { return .trap(.allocationTooLarge) }
  if count > 0, let base = segment.pointee.base {
    gcLoadElements(
      GCHeader.cells(object), at: 0, count: count, bytes: bytes,
      perElement: words[GCLayout.cells], from: base + Int(offset))
  }
  fp[pc[1]] = object
  return next(pc + 6, fp, md, ms, c)
}

/// Operands: [dst, segment offset, length, layout, element segment state].
func arrayNewElemOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let offset = UInt64(u32(fp[pc[2]])), count = Int(u32(fp[pc[3]]))
  let segment = pointer(pc[5], as: SegmentState.self)
  guard inRange(offset, UInt64(count), segment.pointee.count) else {
    return .trap(.outOfBoundsTableAccess)
  }
  let object = gcAllocate(c, fp, layout: pc[4], count: count)
  guard object != 0 else { return .trap(.allocationTooLarge) }
  if count > 0, let base = segment.pointee.base {
    GCHeader.cells(object).update(
      from: base.assumingMemoryBound(to: UInt64.self) + Int(offset), count: count)
  }
  fp[pc[1]] = object
  return next(pc + 6, fp, md, ms, c)
}

/// The array at `cell` and whether `index + count` stays within it.
@inline(__always)
func arrayRange(_ cell: UInt64, _ index: UInt64, _ count: UInt64) -> Bool {
  index &+ count <= UInt64(GCHeader.header(cell).pointee.count)
}

/// Operands: [dst, reference, index, read mode].
func arrayGetOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let object = fp[pc[2]]
  guard object != 0 else { return .trap(.nullArrayReference) }
  let index = UInt64(u32(fp[pc[3]]))
  guard arrayRange(object, index, 1) else { return .trap(.outOfBoundsArrayAccess) }
  let per = GCHeader.header(object).pointee.cellsPerElement
  gcRead(GCHeader.cells(object), Int(index) &* per, mode: pc[4], into: fp, pc[1])
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [reference, index, value, storage mode].
func arraySetOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let object = fp[pc[1]]
  guard object != 0 else { return .trap(.nullArrayReference) }
  let index = UInt64(u32(fp[pc[2]]))
  guard arrayRange(object, index, 1) else { return .trap(.outOfBoundsArrayAccess) }
  let per = GCHeader.header(object).pointee.cellsPerElement
  gcWrite(GCHeader.cells(object), Int(index) &* per, mode: pc[4], from: fp, pc[3])
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [dst, reference].
func arrayLenOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let object = fp[pc[2]]
  guard object != 0 else { return .trap(.nullArrayReference) }
  fp[pc[1]] = UInt64(GCHeader.header(object).pointee.count)
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [reference, offset, value, count, storage mode].
func arrayFillOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let object = fp[pc[1]]
  guard object != 0 else { return .trap(.nullArrayReference) }
  let offset = UInt64(u32(fp[pc[2]])), count = UInt64(u32(fp[pc[4]]))
  guard arrayRange(object, offset, count) else { return .trap(.outOfBoundsArrayAccess) }
  let per = GCHeader.header(object).pointee.cellsPerElement
  let cells = GCHeader.cells(object)
  var i = Int(offset)
  let end = Int(offset + count)
  while i < end {
    gcWrite(cells, i &* per, mode: pc[5], from: fp, pc[3])
    i &+= 1
  }
  return next(pc + 6, fp, md, ms, c)
}

/// Operands: [destination, destination offset, source, source offset, count].
func arrayCopyOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let destination = fp[pc[1]], source = fp[pc[3]]
  guard destination != 0, source != 0 else { return .trap(.nullArrayReference) }
  let d = UInt64(u32(fp[pc[2]])), s = UInt64(u32(fp[pc[4]])), n = UInt64(u32(fp[pc[5]]))
  guard arrayRange(destination, d, n), arrayRange(source, s, n) else {
    return .trap(.outOfBoundsArrayAccess)
  }
  let per = GCHeader.header(destination).pointee.cellsPerElement
  // Overlapping ranges of one array: `update` is a memmove.
  (GCHeader.cells(destination) + Int(d) &* per).update(
    from: GCHeader.cells(source) + Int(s) &* per, count: Int(n) &* per)
  return next(pc + 6, fp, md, ms, c)
}

/// Operands: [reference, array offset, segment offset, count, layout, data segment].
func arrayInitDataOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let object = fp[pc[1]]
  guard object != 0 else { return .trap(.nullArrayReference) }
  let d = UInt64(u32(fp[pc[2]])), s = UInt64(u32(fp[pc[3]])), n = UInt64(u32(fp[pc[4]]))
  guard arrayRange(object, d, n) else { return .trap(.outOfBoundsArrayAccess) }
  let words = pointer(pc[5], as: Int.self)
  let segment = pointer(pc[6], as: SegmentState.self)
  let bytes = words[GCLayout.elementBytes]
  guard inRange(s, n &* UInt64(bytes), segment.pointee.count) else {
    return .trap(.outOfBoundsMemoryAccess)
  }
  if n > 0, let base = segment.pointee.base {
    gcLoadElements(
      GCHeader.cells(object), at: Int(d), count: Int(n), bytes: bytes,
      perElement: words[GCLayout.cells], from: base + Int(s))
  }
  return next(pc + 7, fp, md, ms, c)
}

/// Operands: [reference, array offset, segment offset, count, element segment].
func arrayInitElemOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let object = fp[pc[1]]
  guard object != 0 else { return .trap(.nullArrayReference) }
  let d = UInt64(u32(fp[pc[2]])), s = UInt64(u32(fp[pc[3]])), n = UInt64(u32(fp[pc[4]]))
  guard arrayRange(object, d, n) else { return .trap(.outOfBoundsArrayAccess) }
  let segment = pointer(pc[5], as: SegmentState.self)
  guard inRange(s, n, segment.pointee.count) else { return .trap(.outOfBoundsTableAccess) }
  if n > 0, let base = segment.pointee.base {
    (GCHeader.cells(object) + Int(d)).update(
      from: base.assumingMemoryBound(to: UInt64.self) + Int(s), count: Int(n))
  }
  return next(pc + 6, fp, md, ms, c)
}

/// `call_indirect`'s check when the ids differ (off the fast path): a function of a
/// declared subtype of the expected type matches too.
@inline(never)
func isDeclaredSubtype(_ id: Int, of expected: Int, _ c: Ctx) -> Bool {
  c.pointee.runtime.takeUnretainedValue().types.isSubtype(id, of: expected)
}
