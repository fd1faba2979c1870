// Lane operations of the v128 instructions that Swift's SIMD operators do not
// express directly (saturation, swizzle, bitmask, popcount, dot product, Wasm
// float min/max). https://webassembly.github.io/spec/core/exec/numerics.html

/// Clamps each lane of `w` to the range of `N.Scalar`, then narrows it.
@inline(__always)
func saturate<W: SIMD, N: SIMD>(_ w: W, _: N.Type) -> N
where W.Scalar: FixedWidthInteger, N.Scalar: FixedWidthInteger {
  var r = N()
  for i in r.indices { r[i] = N.Scalar(clamping: w[i]) }
  return r
}

// Concrete overloads of `saturate` for the pairs the handlers use: with concrete
// types the clamp and the truncating conversion compile to vector compares/packs
// instead of the generic lane loop above.
@inline(__always)
func saturate(_ w: SIMD16<Int16>, _: I8x16.Type) -> I8x16 {
  I8x16(truncatingIfNeeded: w.clamped(lowerBound: .init(repeating: -128), upperBound: .init(repeating: 127)))
}
@inline(__always)
func saturate(_ w: SIMD16<Int16>, _: U8x16.Type) -> U8x16 {
  U8x16(truncatingIfNeeded: w.clamped(lowerBound: .init(repeating: 0), upperBound: .init(repeating: 255)))
}
@inline(__always)
func saturate(_ w: SIMD8<Int32>, _: I16x8.Type) -> I16x8 {
  I16x8(truncatingIfNeeded: w.clamped(lowerBound: .init(repeating: -32768), upperBound: .init(repeating: 32767)))
}
@inline(__always)
func saturate(_ w: SIMD8<Int32>, _: U16x8.Type) -> U16x8 {
  U16x8(truncatingIfNeeded: w.clamped(lowerBound: .init(repeating: 0), upperBound: .init(repeating: 65535)))
}
@inline(__always)
func saturate(_ w: I16x8, _: SIMD8<Int8>.Type) -> SIMD8<Int8> {
  SIMD8<Int8>(truncatingIfNeeded: w.clamped(lowerBound: .init(repeating: -128), upperBound: .init(repeating: 127)))
}
@inline(__always)
func saturate(_ w: I16x8, _: SIMD8<UInt8>.Type) -> SIMD8<UInt8> {
  SIMD8<UInt8>(truncatingIfNeeded: w.clamped(lowerBound: .init(repeating: 0), upperBound: .init(repeating: 255)))
}
@inline(__always)
func saturate(_ w: I32x4, _: SIMD4<Int16>.Type) -> SIMD4<Int16> {
  SIMD4<Int16>(
    truncatingIfNeeded: w.clamped(lowerBound: .init(repeating: -32768), upperBound: .init(repeating: 32767)))
}
@inline(__always)
func saturate(_ w: I32x4, _: SIMD4<UInt16>.Type) -> SIMD4<UInt16> {
  SIMD4<UInt16>(truncatingIfNeeded: w.clamped(lowerBound: .init(repeating: 0), upperBound: .init(repeating: 65535)))
}

/// Whether every lane of a comparison result is zero.
@inline(__always)
func noLaneSet<V: SIMD>(_ v: V) -> Bool {
  let bits = unsafeBitCast(v, to: U64x2.self)
  return bits[0] | bits[1] == 0
}

/// `i8x16.swizzle`: lane i of the result is lane s[i] of a, or 0 when s[i] > 15.
@inline(__always)
func swizzle(_ a: U8x16, _ s: U8x16) -> U8x16 {
  var r = U8x16()
  for i in 0..<16 {
    let k = s[i]
    r[i] = k < 16 ? a[Int(k)] : 0
  }
  return r
}

/// The sign bit of each lane, lane 0 in bit 0 (branch-free, so that the loop
/// unrolls into shifts and ORs).
@inline(__always)
func bitmask<V: SIMD>(_ v: V) -> UInt32 where V.Scalar: FixedWidthInteger & SignedInteger {
  var r: UInt32 = 0
  for i in v.indices {
    let sign = UInt32(truncatingIfNeeded: v[i] &>> V.Scalar(V.Scalar.bitWidth - 1)) & 1
    r |= sign << UInt32(truncatingIfNeeded: i)
  }
  return r
}

/// `all_true`: 1 when no lane is zero (concrete per shape, so the compare
/// vectorizes; a mask is its all-ones/zero lanes, read as such).
@inline(__always)
func allTrue(_ v: I8x16) -> UInt32 { noLaneSet(unsafeBitCast(v .== I8x16(), to: I8x16.self)) ? 1 : 0 }
@inline(__always)
func allTrue(_ v: I16x8) -> UInt32 { noLaneSet(unsafeBitCast(v .== I16x8(), to: I16x8.self)) ? 1 : 0 }
@inline(__always)
func allTrue(_ v: I32x4) -> UInt32 { noLaneSet(unsafeBitCast(v .== I32x4(), to: I32x4.self)) ? 1 : 0 }
@inline(__always)
func allTrue(_ v: I64x2) -> UInt32 { v[0] != 0 && v[1] != 0 ? 1 : 0 }

@inline(__always)
func popcount(_ v: U8x16) -> U8x16 {
  var r = U8x16()
  for i in 0..<16 { r[i] = UInt8(truncatingIfNeeded: v[i].nonzeroBitCount) }
  return r
}

/// `i32x4.dot_i16x8_s`: sums of the products of adjacent signed 16-bit lanes.
@inline(__always)
func dot(_ a: I16x8, _ b: I16x8) -> I32x4 {
  let even = I32x4(truncatingIfNeeded: a.evenHalf) &* I32x4(truncatingIfNeeded: b.evenHalf)
  let odd = I32x4(truncatingIfNeeded: a.oddHalf) &* I32x4(truncatingIfNeeded: b.oddHalf)
  return even &+ odd
}

/// Applies a scalar function lane by lane (conversions without a SIMD form).
@inline(__always)
func mapLanes<A: SIMD, R: SIMD>(_ a: A, _: R.Type, _ f: (A.Scalar) -> R.Scalar) -> R {
  var r = R()
  for i in r.indices { r[i] = f(a[i]) }
  return r
}

/// Wasm `fmin` lane-wise without branches: the smaller lane; for equal lanes the
/// OR of their bits (so -0 wins over +0); a NaN lane in either operand gives
/// `a + b`, a quiet NaN.
@inline(__always)
func wasmMin(_ a: F32x4, _ b: F32x4) -> F32x4 { vectorMinMax(a, b, U32x4.self, min: true) }
@inline(__always)
func wasmMin(_ a: F64x2, _ b: F64x2) -> F64x2 { vectorMinMax(a, b, U64x2.self, min: true) }

/// Wasm `fmax` lane-wise: as `wasmMin`, with the AND of equal lanes (+0 wins).
@inline(__always)
func wasmMax(_ a: F32x4, _ b: F32x4) -> F32x4 { vectorMinMax(a, b, U32x4.self, min: false) }
@inline(__always)
func wasmMax(_ a: F64x2, _ b: F64x2) -> F64x2 { vectorMinMax(a, b, U64x2.self, min: false) }

@inline(__always)
func vectorMinMax<F: SIMD, U: SIMD>(_ a: F, _ b: F, _: U.Type, min: Bool) -> F
where F.Scalar: BinaryFloatingPoint, U.Scalar: FixedWidthInteger {
  let ab = unsafeBitCast(a, to: U.self), bb = unsafeBitCast(b, to: U.self)
  var r = min ? b.replacing(with: a, where: a .< b) : b.replacing(with: a, where: b .< a)
  r.replace(with: unsafeBitCast(min ? ab | bb : ab & bb, to: F.self), where: a .== b)
  r.replace(with: a + b, where: (a .!= a) .| (b .!= b))
  return r
}

// MARK: Relaxed SIMD (deterministic profile)

/// `a * b + c` with two roundings (the unfused choice of `relaxed_madd`).
@inline(__always)
func unfusedMultiplyAdd<V: SIMD>(_ a: V, _ b: V, _ c: V) -> V where V.Scalar: BinaryFloatingPoint {
  let product = a * b
  return product + c
}

/// `i16x8.relaxed_dot_i8x16_i7x16_s`: both operands signed, adjacent products
/// summed with signed saturation.
@inline(__always)
func dotSaturating(_ a: I8x16, _ b: I8x16) -> I16x8 {
  let even = I16x8(truncatingIfNeeded: a.evenHalf) &* I16x8(truncatingIfNeeded: b.evenHalf)
  let odd = I16x8(truncatingIfNeeded: a.oddHalf) &* I16x8(truncatingIfNeeded: b.oddHalf)
  return saturate(SIMD8<Int32>(truncatingIfNeeded: even) &+ SIMD8<Int32>(truncatingIfNeeded: odd), I16x8.self)
}

/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`: the 16-bit dot product above, adjacent
/// pairs of it summed to 32 bits, plus `c` (i32x4 lanes, wrapping).
@inline(__always)
func dotAdd(_ a: I8x16, _ b: I8x16, _ c: I8x16) -> I32x4 {
  let d = dotSaturating(a, b)
  let sums = I32x4(truncatingIfNeeded: d.evenHalf) &+ I32x4(truncatingIfNeeded: d.oddHalf)
  return sums &+ unsafeBitCast(c, to: I32x4.self)
}

// MARK: Saturating arithmetic and rounding average, lane width kept (no widening,
// so they compile to plain vector compares and blends)

/// Signed saturating add: where the sum's sign differs from both operands' the
/// lane overflowed, and takes the limit of a's sign.
@inline(__always)
func addSaturating<V: SIMD>(_ a: V, _ b: V) -> V where V.Scalar: FixedWidthInteger & SignedInteger {
  let r = a &+ b
  return select(saturationLimit(a), r, overflow: (a ^ r) & (b ^ r))
}

/// Signed saturating subtract: overflow when the operands' signs differ and the
/// result's sign differs from a's.
@inline(__always)
func subtractSaturating<V: SIMD>(_ a: V, _ b: V) -> V where V.Scalar: FixedWidthInteger & SignedInteger {
  let r = a &- b
  return select(saturationLimit(a), r, overflow: (a ^ b) & (a ^ r))
}

/// `limit` in the lanes whose `overflow` sign bit is set, `r` elsewhere (bit
/// operations only: a mask compare on narrow lanes does not vectorize here).
@inline(__always)
func select<V: SIMD>(_ limit: V, _ r: V, overflow: V) -> V where V.Scalar: FixedWidthInteger & SignedInteger {
  let m = overflow &>> V.Scalar(V.Scalar.bitWidth - 1)
  return (limit & m) | (r & ~m)
}

/// max for non-negative lanes of a, min for negative ones.
@inline(__always)
func saturationLimit<V: SIMD>(_ a: V) -> V where V.Scalar: FixedWidthInteger & SignedInteger {
  (a &>> V.Scalar(V.Scalar.bitWidth - 1)) ^ V(repeating: V.Scalar.max)
}

/// Unsigned saturating add (concrete: a mask compare in generic code does not
/// vectorize).
@inline(__always)
func addSaturating(_ a: U8x16, _ b: U8x16) -> U8x16 {
  let r = a &+ b
  return r | lanes(r .< a, U8x16.self)
}
@inline(__always)
func addSaturating(_ a: U16x8, _ b: U16x8) -> U16x8 {
  let r = a &+ b
  return r | lanes(r .< a, U16x8.self)
}

/// Integer `abs` with wrap-around (the minimum stays itself).
@inline(__always)
func absolute<V: SIMD>(_ a: V) -> V where V.Scalar: FixedWidthInteger & SignedInteger {
  let m = a &>> V.Scalar(V.Scalar.bitWidth - 1)
  return (a ^ m) &- m
}

/// `avgr_u`: (a + b + 1) / 2 without the carry out of the lane.
@inline(__always)
func roundingAverage<V: SIMD>(_ a: V, _ b: V) -> V where V.Scalar: FixedWidthInteger & UnsignedInteger {
  (a | b) &- ((a ^ b) &>> 1)
}
