// The numeric operations whose Wasm semantics differ from Swift's operators:
// trapping division, min/max with NaN and signed zeros, float-to-int truncation.
// https://webassembly.github.io/spec/core/exec/numerics.html

extension FixedWidthInteger where Self: UnsignedInteger {
  @inline(__always) func rotl(_ k: Self) -> Self {
    let n = Int(truncatingIfNeeded: k) & (Self.bitWidth - 1)
    return (self &<< Self(truncatingIfNeeded: n))
      | (self &>> Self(truncatingIfNeeded: (Self.bitWidth - n)))
  }
  @inline(__always) func rotr(_ k: Self) -> Self {
    let n = Int(truncatingIfNeeded: k) & (Self.bitWidth - 1)
    return (self &>> Self(truncatingIfNeeded: n))
      | (self &<< Self(truncatingIfNeeded: (Self.bitWidth - n)))
  }
}

@inline(__always) func divS32(_ a: UInt64, _ b: UInt64) -> Result<UInt64, TrapError> {
  let x = Int32(truncatingIfNeeded: a), y = Int32(truncatingIfNeeded: b)
  if y == 0 { return .failure(.divideByZero) }
  if x == .min && y == -1 { return .failure(.overflow) }
  return .success(UInt64(UInt32(bitPattern: x / y)))
}
@inline(__always) func divU32(_ a: UInt64, _ b: UInt64) -> Result<UInt64, TrapError> {
  let x = u32(a), y = u32(b)
  if y == 0 { return .failure(.divideByZero) }
  return .success(UInt64(x / y))
}
@inline(__always) func remS32(_ a: UInt64, _ b: UInt64) -> Result<UInt64, TrapError> {
  let x = Int32(truncatingIfNeeded: a), y = Int32(truncatingIfNeeded: b)
  if y == 0 { return .failure(.divideByZero) }
  if y == -1 { return .success(0) }
  return .success(UInt64(UInt32(bitPattern: x % y)))
}
@inline(__always) func remU32(_ a: UInt64, _ b: UInt64) -> Result<UInt64, TrapError> {
  let x = u32(a), y = u32(b)
  if y == 0 { return .failure(.divideByZero) }
  return .success(UInt64(x % y))
}
@inline(__always) func divS64(_ a: UInt64, _ b: UInt64) -> Result<UInt64, TrapError> {
  let x = Int64(bitPattern: a), y = Int64(bitPattern: b)
  if y == 0 { return .failure(.divideByZero) }
  if x == .min && y == -1 { return .failure(.overflow) }
  return .success(UInt64(bitPattern: x / y))
}
@inline(__always) func divU64(_ a: UInt64, _ b: UInt64) -> Result<UInt64, TrapError> {
  if b == 0 { return .failure(.divideByZero) }
  return .success(a / b)
}
@inline(__always) func remS64(_ a: UInt64, _ b: UInt64) -> Result<UInt64, TrapError> {
  let x = Int64(bitPattern: a), y = Int64(bitPattern: b)
  if y == 0 { return .failure(.divideByZero) }
  if y == -1 { return .success(0) }
  return .success(UInt64(bitPattern: x % y))
}
@inline(__always) func remU64(_ a: UInt64, _ b: UInt64) -> Result<UInt64, TrapError> {
  if b == 0 { return .failure(.divideByZero) }
  return .success(a % b)
}

/// Wasm `min`: NaN if either operand is NaN, and -0 < +0.
@inline(__always) func wasmMin<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> F {
  if a.isNaN || b.isNaN { return a + b }
  if a == b { return a.sign == .minus ? a : b }
  return a < b ? a : b
}
/// Wasm `max`: NaN if either operand is NaN, and +0 > -0.
@inline(__always) func wasmMax<F: BinaryFloatingPoint>(_ a: F, _ b: F) -> F {
  if a.isNaN || b.isNaN { return a + b }
  if a == b { return a.sign == .minus ? b : a }
  return a > b ? a : b
}

// Truncation: the range checks are on the float value, exclusive bounds chosen so
// that every value that truncates into range passes and nothing else does.
// Concrete Float and Double versions, so that the conversions compile to single
// instructions (the generic `Int32(_: some BinaryFloatingPoint)` does not).

@inline(__always) func truncateS32(_ x: Float) -> Result<UInt64, TrapError> {
  if x.isNaN { return .failure(.invalidConversion) }
  guard x > -2147483649.0 as Float || x == -2147483648.0 as Float, x < 2147483648.0 as Float else {
    return .failure(.overflow)
  }
  return .success(UInt64(UInt32(bitPattern: Int32(x))))
}
@inline(__always) func truncateS32(_ x: Double) -> Result<UInt64, TrapError> {
  if x.isNaN { return .failure(.invalidConversion) }
  guard x > -2147483649.0 as Double || x == -2147483648.0 as Double, x < 2147483648.0 as Double
  else {
    return .failure(.overflow)
  }
  return .success(UInt64(UInt32(bitPattern: Int32(x))))
}
@inline(__always) func truncateU32(_ x: Float) -> Result<UInt64, TrapError> {
  if x.isNaN { return .failure(.invalidConversion) }
  guard x > -1.0 as Float, x < 4294967296.0 as Float else { return .failure(.overflow) }
  return .success(UInt64(UInt32(x)))
}
@inline(__always) func truncateU32(_ x: Double) -> Result<UInt64, TrapError> {
  if x.isNaN { return .failure(.invalidConversion) }
  guard x > -1.0 as Double, x < 4294967296.0 as Double else { return .failure(.overflow) }
  return .success(UInt64(UInt32(x)))
}
@inline(__always) func truncateS64(_ x: Float) -> Result<UInt64, TrapError> {
  if x.isNaN { return .failure(.invalidConversion) }
  guard x >= -9223372036854775808.0 as Float, x < 9223372036854775808.0 as Float else {
    return .failure(.overflow)
  }
  return .success(UInt64(bitPattern: Int64(x)))
}
@inline(__always) func truncateS64(_ x: Double) -> Result<UInt64, TrapError> {
  if x.isNaN { return .failure(.invalidConversion) }
  guard x >= -9223372036854775808.0 as Double, x < 9223372036854775808.0 as Double else {
    return .failure(.overflow)
  }
  return .success(UInt64(bitPattern: Int64(x)))
}
@inline(__always) func truncateU64(_ x: Float) -> Result<UInt64, TrapError> {
  if x.isNaN { return .failure(.invalidConversion) }
  guard x > -1.0 as Float, x < 18446744073709551616.0 as Float else { return .failure(.overflow) }
  return .success(UInt64(x))
}
@inline(__always) func truncateU64(_ x: Double) -> Result<UInt64, TrapError> {
  if x.isNaN { return .failure(.invalidConversion) }
  guard x > -1.0 as Double, x < 18446744073709551616.0 as Double else { return .failure(.overflow) }
  return .success(UInt64(x))
}

@inline(__always) func truncateSatS32(_ x: Float) -> UInt64 {
  if x.isNaN { return 0 }
  if x <= -2147483648.0 as Float { return UInt64(UInt32(bitPattern: .min)) }
  if x >= 2147483647.0 as Float { return UInt64(UInt32(bitPattern: .max)) }
  return UInt64(UInt32(bitPattern: Int32(x)))
}
@inline(__always) func truncateSatS32(_ x: Double) -> UInt64 {
  if x.isNaN { return 0 }
  if x <= -2147483648.0 as Double { return UInt64(UInt32(bitPattern: .min)) }
  if x >= 2147483647.0 as Double { return UInt64(UInt32(bitPattern: .max)) }
  return UInt64(UInt32(bitPattern: Int32(x)))
}
@inline(__always) func truncateSatU32(_ x: Float) -> UInt64 {
  if x.isNaN || x <= 0 { return 0 }
  if x >= 4294967295.0 as Float { return UInt64(UInt32.max) }
  return UInt64(UInt32(x))
}
@inline(__always) func truncateSatU32(_ x: Double) -> UInt64 {
  if x.isNaN || x <= 0 { return 0 }
  if x >= 4294967295.0 as Double { return UInt64(UInt32.max) }
  return UInt64(UInt32(x))
}
@inline(__always) func truncateSatS64(_ x: Float) -> UInt64 {
  if x.isNaN { return 0 }
  if x <= -9223372036854775808.0 as Float { return UInt64(bitPattern: .min) }
  if x >= 9223372036854775808.0 as Float { return UInt64(bitPattern: .max) }
  return UInt64(bitPattern: Int64(x))
}
@inline(__always) func truncateSatS64(_ x: Double) -> UInt64 {
  if x.isNaN { return 0 }
  if x <= -9223372036854775808.0 as Double { return UInt64(bitPattern: .min) }
  if x >= 9223372036854775808.0 as Double { return UInt64(bitPattern: .max) }
  return UInt64(bitPattern: Int64(x))
}
@inline(__always) func truncateSatU64(_ x: Float) -> UInt64 {
  if x.isNaN || x <= 0 { return 0 }
  if x >= 18446744073709551616.0 as Float { return .max }
  return UInt64(x)
}
@inline(__always) func truncateSatU64(_ x: Double) -> UInt64 {
  if x.isNaN || x <= 0 { return 0 }
  if x >= 18446744073709551616.0 as Double { return .max }
  return UInt64(x)
}
