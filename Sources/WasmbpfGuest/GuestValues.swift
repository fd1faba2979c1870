// Wasm values as text, both ways: the parameters of an invoked export as a command
// line or an API gives them, and its results as they are printed.

import WasmCore
import WasmInterp

extension Value {
  /// A parameter: a decimal (or 0x hexadecimal) integer for i32/i64, signed or
  /// unsigned within the type's width; a number, `nan` or `inf` for f32/f64. nil when
  /// the text is not one, or for other types.
  public init?(parsing text: String, as type: ValueType) {
    switch type {
    case .i32:
      guard let bits = Self.integer(text, bits: 32) else { return nil }
      self = .i32(UInt32(truncatingIfNeeded: bits))
    case .i64:
      guard let bits = Self.integer(text, bits: 64) else { return nil }
      self = .i64(bits)
    case .f32:
      guard let value = Float(text) else { return nil }
      self = .float(value)
    case .f64:
      guard let value = Double(text) else { return nil }
      self = .double(value)
    default:
      return nil
    }
  }

  /// Signed or unsigned, within `bits`; the bit pattern.
  private static func integer(_ text: String, bits: Int) -> UInt64? {
    var body = Substring(text)
    var negative = false
    if body.hasPrefix("-") {
      negative = true
      body = body.dropFirst()
    } else if body.hasPrefix("+") {
      body = body.dropFirst()
    }
    var radix = 10
    if body.hasPrefix("0x") || body.hasPrefix("0X") {
      radix = 16
      body = body.dropFirst(2)
    }
    guard !body.isEmpty, let magnitude = UInt64(body, radix: radix) else { return nil }
    let unsignedMax: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
    if negative {
      let limit: UInt64 = 1 << UInt64(bits - 1)
      guard magnitude <= limit else { return nil }
      return (0 &- magnitude) & unsignedMax
    }
    guard magnitude <= unsignedMax else { return nil }
    return magnitude
  }

  /// A result as printed: signed integers, floats as Swift prints them.
  public var resultText: String {
    switch self {
    case .i32(let v): return String(Int32(bitPattern: v))
    case .i64(let v): return String(Int64(bitPattern: v))
    case .f32(let v): return String(Float(bitPattern: v))
    case .f64(let v): return String(Double(bitPattern: v))
    default: return description
    }
  }
}

extension ValueType {
  /// `i32`, `f64`, `funcref`, `(ref null $1)`... as the text format writes them.
  public var textName: String { description }
}

extension FunctionType {
  /// "(i32, i32) -> (i32)".
  public var signatureText: String {
    "(" + parameters.map(\.textName).joined(separator: ", ") + ") -> ("
      + results.map(\.textName).joined(separator: ", ") + ")"
  }
}
