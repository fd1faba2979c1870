// Integer and float literals of the text format.
// https://webassembly.github.io/spec/core/text/values.html
//
// Floats are converted by the standard library's correctly rounded parsers for
// each width separately (`Float(text)` never goes through `Double`), after this
// file has checked the text format's own grammar (underscores, `nan:0x...`,
// `inf`) and rejected what rounds to infinity.

/// A sign and magnitude read from an integer literal.
struct IntegerLiteral {
  var negative: Bool
  /// Whether a sign (`+` or `-`) was written.
  var signed: Bool
  var magnitude: UInt64
}

enum NumberLiterals {
  /// Digits with optional single underscores between them, in `radix`.
  static func digits(_ text: Substring.UTF8View, radix: UInt64) -> [UInt8]? {
    guard let first = text.first, first != UInt8(ascii: "_"), text.last != UInt8(ascii: "_")
    else { return nil }
    var result: [UInt8] = []
    var previousUnderscore = false
    for byte in text {
      if byte == UInt8(ascii: "_") {
        if previousUnderscore { return nil }
        previousUnderscore = true
        continue
      }
      previousUnderscore = false
      guard let value = digitValue(byte), UInt64(value) < radix else { return nil }
      result.append(value)
    }
    return result
  }

  static func digitValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
  }

  /// An integer literal; nil when the text is not one or does not fit 64 bits.
  static func integer(_ text: String) -> IntegerLiteral? {
    var utf8 = Substring(text).utf8[...]
    var negative = false
    var signed = false
    if let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
      negative = first == UInt8(ascii: "-")
      signed = true
      utf8 = utf8.dropFirst()
    }
    var radix: UInt64 = 10
    if utf8.starts(with: "0x".utf8) {
      radix = 16
      utf8 = utf8.dropFirst(2)
    }
    guard let values = digits(Substring(utf8).utf8, radix: radix) else { return nil }
    var magnitude: UInt64 = 0
    for value in values {
      let (product, overflow1) = magnitude.multipliedReportingOverflow(by: radix)
      let (sum, overflow2) = product.addingReportingOverflow(UInt64(value))
      if overflow1 || overflow2 { return nil }
      magnitude = sum
    }
    return IntegerLiteral(negative: negative, signed: signed, magnitude: magnitude)
  }

  /// An unsigned literal (no sign) up to `max`.
  static func unsigned(_ text: String, max: UInt64) -> UInt64? {
    guard let literal = integer(text), !literal.signed, literal.magnitude <= max else {
      return nil
    }
    return literal.magnitude
  }

  /// A `bits`-wide integer (signed or unsigned range) as its two's-complement bits.
  static func bits(_ text: String, width: Int) -> UInt64? {
    guard let literal = integer(text) else { return nil }
    let unsignedMax: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
    if literal.negative {
      guard literal.magnitude <= 1 << UInt64(width - 1) else { return nil }
      return (0 &- literal.magnitude) & unsignedMax
    }
    guard literal.magnitude <= unsignedMax else { return nil }
    return literal.magnitude
  }

  /// Checks the float grammar and returns the text without underscores, or nil.
  static func floatBody(_ utf8: Substring.UTF8View) -> String? {
    let hex = utf8.starts(with: "0x".utf8)
    let radix: UInt64 = hex ? 16 : 10
    var rest = hex ? utf8.dropFirst(2) : utf8
    let exponentMarks: [UInt8] =
      hex ? [UInt8(ascii: "p"), UInt8(ascii: "P")] : [UInt8(ascii: "e"), UInt8(ascii: "E")]
    var exponent: Substring.UTF8View? = nil
    if let mark = rest.firstIndex(where: { exponentMarks.contains($0) }) {
      exponent = rest[rest.index(after: mark)...]
      rest = rest[..<mark]
    }
    var fraction: Substring.UTF8View? = nil
    if let dot = rest.firstIndex(of: UInt8(ascii: ".")) {
      fraction = rest[rest.index(after: dot)...]
      rest = rest[..<dot]
    }
    guard let whole = digits(Substring(rest).utf8, radix: radix) else { return nil }
    var text = hex ? "0x" : ""
    text += String(whole.map { Character(String($0, radix: 16)) })
    if let fraction {
      text += "."
      if !fraction.isEmpty {
        guard let digits = digits(Substring(fraction).utf8, radix: radix) else { return nil }
        text += String(digits.map { Character(String($0, radix: 16)) })
      }
    }
    if var exponent {
      var sign = ""
      if let first = exponent.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
        sign = first == UInt8(ascii: "-") ? "-" : "+"
        exponent = exponent.dropFirst()
      }
      guard let digits = digits(Substring(exponent).utf8, radix: 10) else { return nil }
      // A huge exponent only needs to stay huge; clamp so the parser sees a sane one.
      var value = 0
      for digit in digits { value = min(value * 10 + Int(digit), 100_000) }
      text += (hex ? "p" : "e") + sign + String(value)
    } else if hex {
      text += "p0"
    }
    return text
  }

  /// Parses a float literal into the bits of a float with `exponentBits` and
  /// `significandBits` (8/23 or 11/52), using `parse` for finite values.
  static func float(
    _ text: String, exponentBits: Int, significandBits: Int, parse: (String) -> (UInt64, Bool)?
  ) -> UInt64? {
    var utf8 = Substring(text).utf8[...]
    var negative = false
    if let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
      negative = first == UInt8(ascii: "-")
      utf8 = utf8.dropFirst()
    }
    let signBit: UInt64 = negative ? 1 << UInt64(exponentBits + significandBits) : 0
    let exponentAll: UInt64 = ((1 << UInt64(exponentBits)) - 1) << UInt64(significandBits)
    let payloadMask: UInt64 = (1 << UInt64(significandBits)) - 1
    if utf8.elementsEqual("inf".utf8) { return signBit | exponentAll }
    if utf8.elementsEqual("nan".utf8) {
      return signBit | exponentAll | (1 << UInt64(significandBits - 1))
    }
    if utf8.starts(with: "nan:0x".utf8) {
      guard let payloadDigits = digits(Substring(utf8.dropFirst(6)).utf8, radix: 16) else {
        return nil
      }
      var payload: UInt64 = 0
      for digit in payloadDigits {
        guard payload <= payloadMask else { return nil }
        payload = payload << 4 | UInt64(digit)
      }
      guard payload >= 1, payload <= payloadMask else { return nil }
      return signBit | exponentAll | payload
    }
    guard let body = floatBody(utf8), let (bits, isInfinite) = parse(body) else { return nil }
    // A finite literal that rounds to infinity is out of range.
    if isInfinite { return nil }
    return signBit | bits
  }

  static func f32(_ text: String) -> UInt32? {
    float(text, exponentBits: 8, significandBits: 23) { body in
      guard let value = Float(body) else { return nil }
      return (UInt64(value.bitPattern), value.isInfinite)
    }.map { UInt32(truncatingIfNeeded: $0) }
  }

  static func f64(_ text: String) -> UInt64? {
    float(text, exponentBits: 11, significandBits: 52) { body in
      guard let value = Double(body) else { return nil }
      return (value.bitPattern, value.isInfinite)
    }
  }
}
