// Building blocks of the v128 handlers, and the moves of wide bodies.
// See SIMDTranslation.swift for the slot layout: a v128 is two adjacent 64-bit
// cells (lane 0 in the lowest bytes of the first cell, as in memory), read and
// written as a Swift SIMD vector with unaligned loads/stores, which compile to
// single SSE moves. Everything here is `@inline(__always)`: each handler is one
// straight-line function ending in the sibling call, and allocates nothing.

import WasmCore

typealias I8x16 = SIMD16<Int8>
typealias U8x16 = SIMD16<UInt8>
typealias I16x8 = SIMD8<Int16>
typealias U16x8 = SIMD8<UInt16>
typealias I32x4 = SIMD4<Int32>
typealias U32x4 = SIMD4<UInt32>
typealias I64x2 = SIMD2<Int64>
typealias U64x2 = SIMD2<UInt64>
typealias F32x4 = SIMD4<Float>
typealias F64x2 = SIMD2<Double>

/// The v128 at cell `i`, viewed as `V`.
@inline(__always)
func vload<V: SIMD>(_ fp: FP, _ i: Int, _: V.Type = V.self) -> V {
  UnsafeRawPointer(fp + i).loadUnaligned(as: V.self)
}

/// Writes a v128 to cells `i` and `i + 1`.
@inline(__always)
func vstore<V: SIMD>(_ fp: FP, _ i: Int, _ v: V) {
  UnsafeMutableRawPointer(fp + i).storeBytes(of: v, as: V.self)
}

/// `dst = op(a)` with operands `[dst, a]`.
@inline(__always)
func vUnary<A: SIMD, R: SIMD>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: A.Type, _ op: (A) -> R
) -> Exit {
  vstore(fp, pc[1], op(vload(fp, pc[2], A.self)))
  return next(pc + 3, fp, md, ms, c)
}

/// `dst = op(a, b)` with operands `[dst, a, b]`.
@inline(__always)
func vBinary<A: SIMD, R: SIMD>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: A.Type, _ op: (A, A) -> R
) -> Exit {
  vstore(fp, pc[1], op(vload(fp, pc[2], A.self), vload(fp, pc[3], A.self)))
  return next(pc + 4, fp, md, ms, c)
}

/// `dst = op(a, b, c)` with operands `[dst, a, b, c]`.
@inline(__always)
func vTernary<A: SIMD, R: SIMD>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: A.Type, _ op: (A, A, A) -> R
) -> Exit {
  vstore(fp, pc[1], op(vload(fp, pc[2], A.self), vload(fp, pc[3], A.self), vload(fp, pc[4], A.self)))
  return next(pc + 5, fp, md, ms, c)
}

/// A scalar result from a vector: `[dst, a]` (any_true, all_true, bitmask).
@inline(__always)
func vReduce<A: SIMD>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: A.Type, _ op: (A) -> UInt32
) -> Exit {
  fp[pc[1]] = UInt64(op(vload(fp, pc[2], A.self)))
  return next(pc + 3, fp, md, ms, c)
}

/// A vector from a scalar cell: `[dst, a]` (splat).
@inline(__always)
func vFromScalar<R: SIMD>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _ op: (UInt64) -> R
) -> Exit {
  vstore(fp, pc[1], op(fp[pc[2]]))
  return next(pc + 3, fp, md, ms, c)
}

/// A shift by a scalar: `[dst, a, count]`; the count is taken modulo the lane width.
@inline(__always)
func vShift<A: SIMD>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: A.Type, _ op: (A, A.Scalar) -> A
) -> Exit where A.Scalar: FixedWidthInteger {
  let count = A.Scalar(truncatingIfNeeded: u32(fp[pc[3]]) & UInt32(A.Scalar.bitWidth - 1))
  vstore(fp, pc[1], op(vload(fp, pc[2], A.self), count))
  return next(pc + 4, fp, md, ms, c)
}

/// A shift by a constant: `[dst, a, count immediate]`.
@inline(__always)
func vShiftImmediate<A: SIMD>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: A.Type, _ op: (A, A.Scalar) -> A
) -> Exit where A.Scalar: FixedWidthInteger {
  let count = A.Scalar(truncatingIfNeeded: pc[3] & (A.Scalar.bitWidth - 1))
  vstore(fp, pc[1], op(vload(fp, pc[2], A.self), count))
  return next(pc + 4, fp, md, ms, c)
}

/// The constant-count form of a shift instruction, nil for other instructions.
func simdShiftImmediateHandler(_ op: SIMDOp) -> Handler? {
  switch op {
  case .i8x16Shl: return { vShiftImmediate($0, $1, $2, $3, $4, I8x16.self) { $0 &<< $1 } }
  case .i8x16ShrS: return { vShiftImmediate($0, $1, $2, $3, $4, I8x16.self) { $0 &>> $1 } }
  case .i8x16ShrU: return { vShiftImmediate($0, $1, $2, $3, $4, U8x16.self) { $0 &>> $1 } }
  case .i16x8Shl: return { vShiftImmediate($0, $1, $2, $3, $4, I16x8.self) { $0 &<< $1 } }
  case .i16x8ShrS: return { vShiftImmediate($0, $1, $2, $3, $4, I16x8.self) { $0 &>> $1 } }
  case .i16x8ShrU: return { vShiftImmediate($0, $1, $2, $3, $4, U16x8.self) { $0 &>> $1 } }
  case .i32x4Shl: return { vShiftImmediate($0, $1, $2, $3, $4, I32x4.self) { $0 &<< $1 } }
  case .i32x4ShrS: return { vShiftImmediate($0, $1, $2, $3, $4, I32x4.self) { $0 &>> $1 } }
  case .i32x4ShrU: return { vShiftImmediate($0, $1, $2, $3, $4, U32x4.self) { $0 &>> $1 } }
  case .i64x2Shl: return { vShiftImmediate($0, $1, $2, $3, $4, I64x2.self) { $0 &<< $1 } }
  case .i64x2ShrS: return { vShiftImmediate($0, $1, $2, $3, $4, I64x2.self) { $0 &>> $1 } }
  case .i64x2ShrU: return { vShiftImmediate($0, $1, $2, $3, $4, U64x2.self) { $0 &>> $1 } }
  default: return nil
  }
}

/// All-ones lanes where `mask` holds, zero elsewhere.
@inline(__always)
func lanes<V: SIMD>(_ mask: SIMDMask<V.MaskStorage>, _: V.Type) -> V where V.Scalar: FixedWidthInteger {
  V.zero.replacing(with: ~V.Scalar.zero, where: mask)
}

// MARK: Moves of wide bodies

/// Operands: [dst, src]: one wide slot (two cells).
func copy2Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let s = pc[2], d = pc[1]
  let lo = fp[s], hi = fp[s &+ 1]
  fp[d] = lo
  fp[d &+ 1] = hi
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [dst, a, b, condition], wide slots.
func select2Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let s = u32(fp[pc[4]]) != 0 ? pc[2] : pc[3]
  let lo = fp[s], hi = fp[s &+ 1]
  fp[pc[1]] = lo
  fp[pc[1] &+ 1] = hi
  return next(pc + 5, fp, md, ms, c)
}

/// Operands: [dst, global cells address]. Globals always have two cells.
func globalGet2Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let g = UnsafeMutablePointer<UInt64>(bitPattern: pc[2]).unsafelyUnwrapped
  fp[pc[1]] = g[0]
  fp[pc[1] &+ 1] = g[1]
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [src, global cells address].
func globalSet2Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let g = UnsafeMutablePointer<UInt64>(bitPattern: pc[2]).unsafelyUnwrapped
  g[0] = fp[pc[1]]
  g[1] = fp[pc[1] &+ 1]
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [low, high] after the destination: `v128.const`.
func v128ConstOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[pc[1]] = UInt64(truncatingIfNeeded: pc[2])
  fp[pc[1] &+ 1] = UInt64(truncatingIfNeeded: pc[3])
  return next(pc + 4, fp, md, ms, c)
}

/// Operands: [result slot]: returns one v128 (cells 0 and 1 of the frame).
func return2Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let lo = fp[pc[1]], hi = fp[pc[1] &+ 1]
  fp[0] = lo
  fp[1] = hi
  let top = c.pointee.frameTop - 1
  c.pointee.frameTop = top
  let m = top.pointee.callerMemory.pointee
  return next(top.pointee.returnPC, top.pointee.callerFP, m.base, m.size, c)
}

/// Operands: [first result cell, count]: a wide body returning scalar results in
/// a narrow calling convention (result i from cell first + 2i to cell i).
func returnPackedOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let src = pc[1], n = pc[2]
  var i = 0
  while i < n {
    fp[i] = fp[src &+ 2 &* i]
    i &+= 1
  }
  let top = c.pointee.frameTop - 1
  c.pointee.frameTop = top
  let m = top.pointee.callerMemory.pointee
  return next(top.pointee.returnPC, top.pointee.callerFP, m.base, m.size, c)
}

/// Operands: [base cell, count]: values at base + 2i move to base + i (ascending,
/// so nothing is overwritten before it is read).
func packOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let base = pc[1], n = pc[2]
  var i = 1
  while i < n {
    fp[base &+ i] = fp[base &+ 2 &* i]
    i &+= 1
  }
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [base cell, count]: values at base + i move to base + 2i (descending).
func unpackOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let base = pc[1]
  var i = pc[2] &- 1
  while i > 0 {
    fp[base &+ 2 &* i] = fp[base &+ i]
    i &-= 1
  }
  return next(pc + 3, fp, md, ms, c)
}
