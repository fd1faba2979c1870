// A function body written twice at once: as Wasm binary (what both runtimes run)
// and as text in the flat instruction syntax (what a repro shows, and what can be
// edited by hand and run again with `wasmbpf-run` to shrink a mismatch).
// https://webassembly.github.io/spec/core/binary/instructions.html

/// A number type of Wasm 1.0 (the generator uses no references or vectors).
enum ValType: CaseIterable, Hashable {
  case i32, i64, f32, f64

  var code: UInt8 {
    switch self {
    case .i32: 0x7F
    case .i64: 0x7E
    case .f32: 0x7D
    case .f64: 0x7C
    }
  }

  var name: String {
    switch self {
    case .i32: "i32"
    case .i64: "i64"
    case .f32: "f32"
    case .f64: "f64"
    }
  }

  var isFloat: Bool { self == .f32 || self == .f64 }
}

/// Appends LEB128 encodings to a byte array.
extension Array where Element == UInt8 {
  mutating func uleb(_ value: UInt64) {
    var v = value
    repeat {
      var byte = UInt8(v & 0x7F)
      v >>= 7
      if v != 0 { byte |= 0x80 }
      append(byte)
    } while v != 0
  }

  mutating func sleb(_ value: Int64) {
    var v = value
    while true {
      let byte = UInt8(truncatingIfNeeded: v & 0x7F)
      v >>= 7
      let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0)
      append(done ? byte : byte | 0x80)
      if done { return }
    }
  }

  mutating func littleEndian<T: FixedWidthInteger>(_ value: T) {
    for i in 0..<(T.bitWidth / 8) { append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
  }

  mutating func name(_ s: String) {
    let utf8 = Array(s.utf8)
    uleb(UInt64(utf8.count))
    append(contentsOf: utf8)
  }
}

/// The instructions of one function body, as binary and as text.
struct Code {
  var bytes: [UInt8] = []
  var lines: [String] = []
  private var depth = 2

  private mutating func line(_ s: String) {
    lines.append(String(repeating: "  ", count: depth) + s)
  }

  /// An instruction without immediates.
  mutating func op(_ byte: UInt8, _ name: String) {
    bytes.append(byte)
    line(name)
  }

  /// An instruction with one unsigned index immediate (locals, globals, labels, calls).
  mutating func op(_ byte: UInt8, _ name: String, index: UInt32) {
    bytes.append(byte)
    bytes.uleb(UInt64(index))
    line("\(name) \(index)")
  }

  /// A 0xFC-prefixed instruction (saturating truncations, bulk memory).
  mutating func prefixed(_ sub: UInt32, _ name: String, trailingZeros: Int = 0) {
    bytes.append(0xFC)
    bytes.uleb(UInt64(sub))
    for _ in 0..<trailingZeros { bytes.append(0) }
    line(name)
  }

  mutating func i32Const(_ v: Int32) {
    bytes.append(0x41)
    bytes.sleb(Int64(v))
    line("i32.const \(v)")
  }

  mutating func i64Const(_ v: Int64) {
    bytes.append(0x42)
    bytes.sleb(v)
    line("i64.const \(v)")
  }

  mutating func f32Const(bits: UInt32) {
    bytes.append(0x43)
    bytes.littleEndian(bits)
    line("f32.const \(floatText(bits: bits))")
  }

  mutating func f64Const(bits: UInt64) {
    bytes.append(0x44)
    bytes.littleEndian(bits)
    line("f64.const \(doubleText(bits: bits))")
  }

  /// A load or store: alignment as log2, offset as the memarg's u32.
  mutating func memory(_ byte: UInt8, _ name: String, alignLog2: Int, offset: UInt32) {
    bytes.append(byte)
    bytes.uleb(UInt64(alignLog2))
    bytes.uleb(UInt64(offset))
    line("\(name) offset=\(offset) align=\(1 << alignLog2)")
  }

  /// `block`, `loop` or `if` with an empty or single-result block type.
  mutating func enter(_ byte: UInt8, _ name: String, result: ValType?) {
    bytes.append(byte)
    bytes.append(result?.code ?? 0x40)
    line(result.map { "\(name) (result \($0.name))" } ?? name)
    depth += 1
  }

  mutating func elseBranch() {
    depth -= 1
    op(0x05, "else")
    depth += 1
  }

  mutating func end() {
    depth -= 1
    op(0x0B, "end")
  }

  mutating func brTable(_ targets: [UInt32], default d: UInt32) {
    bytes.append(0x0E)
    bytes.uleb(UInt64(targets.count))
    for t in targets { bytes.uleb(UInt64(t)) }
    bytes.uleb(UInt64(d))
    line("br_table \(targets.map(String.init).joined(separator: " ")) \(d)")
  }

  mutating func callIndirect(type: UInt32) {
    bytes.append(0x11)
    bytes.uleb(UInt64(type))
    bytes.append(0)
    line("call_indirect (type \(type))")
  }
}

/// Text of an f32 constant that reads back to exactly `bits` (hex floats, NaN payloads).
func floatText(bits: UInt32) -> String {
  let sign = bits >> 31 != 0 ? "-" : ""
  let exponent = Int((bits >> 23) & 0xFF)
  let mantissa = bits & 0x7F_FFFF
  if exponent == 0xFF {
    return mantissa == 0 ? "\(sign)inf" : "\(sign)nan:0x\(String(mantissa, radix: 16))"
  }
  let digits = hexDigits(UInt64(mantissa) << 1, count: 6)
  if exponent == 0 { return mantissa == 0 ? "\(sign)0x0p+0" : "\(sign)0x0.\(digits)p-126" }
  return "\(sign)0x1.\(digits)p\(exponent - 127)"
}

/// Text of an f64 constant that reads back to exactly `bits`.
func doubleText(bits: UInt64) -> String {
  let sign = bits >> 63 != 0 ? "-" : ""
  let exponent = Int((bits >> 52) & 0x7FF)
  let mantissa = bits & 0xF_FFFF_FFFF_FFFF
  if exponent == 0x7FF {
    return mantissa == 0 ? "\(sign)inf" : "\(sign)nan:0x\(String(mantissa, radix: 16))"
  }
  let digits = hexDigits(mantissa, count: 13)
  if exponent == 0 { return mantissa == 0 ? "\(sign)0x0p+0" : "\(sign)0x0.\(digits)p-1022" }
  return "\(sign)0x1.\(digits)p\(exponent - 1023)"
}

private func hexDigits(_ v: UInt64, count: Int) -> String {
  let s = String(v, radix: 16)
  return String(repeating: "0", count: max(count - s.count, 0)) + s
}
