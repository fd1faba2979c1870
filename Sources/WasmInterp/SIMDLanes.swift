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

/// The sign bit of each lane, lane 0 in bit 0.
@inline(__always)
func bitmask<V: SIMD>(_ v: V) -> UInt32 where V.Scalar: FixedWidthInteger & SignedInteger {
  var r: UInt32 = 0
  for i in v.indices where v[i] < 0 { r |= 1 << UInt32(truncatingIfNeeded: i) }
  return r
}

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

/// Wasm `fmin` lane by lane (NaN if either lane is NaN, -0 < +0).
@inline(__always)
func wasmMin<V: SIMD>(_ a: V, _ b: V) -> V where V.Scalar: BinaryFloatingPoint {
  var r = V()
  for i in r.indices { r[i] = wasmMin(a[i], b[i]) }
  return r
}

/// Wasm `fmax` lane by lane.
@inline(__always)
func wasmMax<V: SIMD>(_ a: V, _ b: V) -> V where V.Scalar: BinaryFloatingPoint {
  var r = V()
  for i in r.indices { r[i] = wasmMax(a[i], b[i]) }
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
