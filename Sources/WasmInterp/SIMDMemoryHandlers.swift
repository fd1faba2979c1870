// v128 loads and stores (whole, extending, splat, zero-filling, single lane) and
// lane extraction/replacement. Bounds checks as in MemoryHandlers.swift: 64-bit
// effective address (address < 2^32, offset < 2^32: no wrap) against the memory
// size in a register. Little-endian host assumed, as Wasm memory is.
// https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions

import WasmCore

/// A load producing a v128 from `T` read at the effective address:
/// `[dst, address, offset, (state)]`.
@inline(__always)
func vLoad<A: MemoryAddressing, T: BitwiseCopyable, R: SIMD>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: A.Type, _: T.Type, _ op: (T) -> R
) -> Exit {
  guard
    let (base, ea) = A.resolve(
      pc, fp, md, ms, address: 2, offset: 3, state: 4, width: UInt64(MemoryLayout<T>.size))
  else { return .trap(.outOfBoundsMemoryAccess) }
  vstore(fp, pc[1], op(base.loadUnaligned(fromByteOffset: ea, as: T.self)))
  return next(pc + 4 + A.extraWords, fp, md, ms, c)
}

@inline(__always)
func vLoad<T: BitwiseCopyable, R: SIMD>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: T.Type, _ op: (T) -> R
) -> Exit {
  vLoad(pc, fp, md, ms, c, Memory32.self, T.self, op)
}

/// Widens each lane of `v` (sign or zero extension follows the scalar types).
@inline(__always)
func widen<A: SIMD, R: SIMD>(_ v: A, to _: R.Type) -> R
where A.Scalar: FixedWidthInteger, R.Scalar: FixedWidthInteger {
  var r = R()
  for i in r.indices { r[i] = R.Scalar(truncatingIfNeeded: v[i]) }
  return r
}

/// `v128.store`: `[address, value, offset, (state)]`.
@inline(__always)
func vStore<A: MemoryAddressing>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: A.Type
) -> Exit {
  guard let (base, ea) = A.resolve(pc, fp, md, ms, address: 1, offset: 3, state: 4, width: 16)
  else { return .trap(.outOfBoundsMemoryAccess) }
  base.storeBytes(of: vload(fp, pc[2], U64x2.self), toByteOffset: ea, as: U64x2.self)
  return next(pc + 4 + A.extraWords, fp, md, ms, c)
}

@inline(__always)
func vStore(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  vStore(pc, fp, md, ms, c, Memory32.self)
}

// MARK: Single lanes

/// `v128.loadN_lane`: `[dst, address, vector, offset, lane, (state)]`.
@inline(__always)
func vLoadLane<A: MemoryAddressing, T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: A.Type, _: T.Type
) -> Exit {
  guard
    let (base, ea) = A.resolve(
      pc, fp, md, ms, address: 2, offset: 4, state: 6, width: UInt64(MemoryLayout<T>.size))
  else { return .trap(.outOfBoundsMemoryAccess) }
  let value = base.loadUnaligned(fromByteOffset: ea, as: T.self)
  let d = pc[1]
  vstore(fp, d, vload(fp, pc[3], U64x2.self))
  UnsafeMutableRawPointer(fp + d).storeBytes(
    of: value, toByteOffset: (pc[5] & (16 / MemoryLayout<T>.size - 1)) &* MemoryLayout<T>.size,
    as: T.self)
  return next(pc + 6 + A.extraWords, fp, md, ms, c)
}

@inline(__always)
func vLoadLane<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: T.Type
) -> Exit {
  vLoadLane(pc, fp, md, ms, c, Memory32.self, T.self)
}

/// `v128.storeN_lane`: `[address, vector, offset, lane, (state)]`.
@inline(__always)
func vStoreLane<A: MemoryAddressing, T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: A.Type, _: T.Type
) -> Exit {
  guard
    let (base, ea) = A.resolve(
      pc, fp, md, ms, address: 1, offset: 3, state: 5, width: UInt64(MemoryLayout<T>.size))
  else { return .trap(.outOfBoundsMemoryAccess) }
  let value = UnsafeRawPointer(fp + pc[2]).loadUnaligned(
    fromByteOffset: (pc[4] & (16 / MemoryLayout<T>.size - 1)) &* MemoryLayout<T>.size, as: T.self)
  base.storeBytes(of: value, toByteOffset: ea, as: T.self)
  return next(pc + 5 + A.extraWords, fp, md, ms, c)
}

@inline(__always)
func vStoreLane<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: T.Type
) -> Exit {
  vStoreLane(pc, fp, md, ms, c, Memory32.self, T.self)
}

/// `extract_lane`: `[dst, vector, lane]`; `convert` widens the lane to a cell.
@inline(__always)
func vExtractLane<T: BitwiseCopyable>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: T.Type, _ convert: (T) -> UInt64
) -> Exit {
  let size = MemoryLayout<T>.size
  let v = UnsafeRawPointer(fp + pc[2]).loadUnaligned(
    fromByteOffset: (pc[3] & (16 / size - 1)) &* size, as: T.self)
  fp[pc[1]] = convert(v)
  return next(pc + 4, fp, md, ms, c)
}

/// `replace_lane`: `[dst, vector, scalar, lane]`.
@inline(__always)
func vReplaceLane<T: FixedWidthInteger>(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, _: T.Type
) -> Exit {
  let size = MemoryLayout<T>.size
  let scalar = T(truncatingIfNeeded: fp[pc[3]])
  let d = pc[1]
  vstore(fp, d, vload(fp, pc[2], U64x2.self))
  UnsafeMutableRawPointer(fp + d).storeBytes(
    of: scalar, toByteOffset: (pc[4] & (16 / size - 1)) &* size, as: T.self)
  return next(pc + 5, fp, md, ms, c)
}

/// `i8x16.shuffle`: `[dst, a, b, lanes low, lanes high]`; lane indices < 32 pick
/// from the concatenation of a and b (validation guarantees the range; the mask
/// keeps it in bounds regardless).
func i8x16ShuffleOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let a = vload(fp, pc[2], U8x16.self), b = vload(fp, pc[3], U8x16.self)
  let selector = U64x2(UInt64(truncatingIfNeeded: pc[4]), UInt64(truncatingIfNeeded: pc[5]))
  let s = unsafeBitCast(selector, to: U8x16.self)
  var r = U8x16()
  for i in 0..<16 {
    let k = Int(s[i] & 31)
    r[i] = k < 16 ? a[k] : b[k &- 16]
  }
  vstore(fp, pc[1], r)
  return next(pc + 6, fp, md, ms, c)
}
