// A small JSON reader for the spec command files (RFC 8259).
//
// The runner reads ~15 MB of JSON per spec run and the CLI should start fast, so this
// avoids Foundation: one pass over the bytes, objects kept as ordered key/value
// arrays (command objects have a handful of keys, where a linear search beats
// hashing), numbers kept as their text (the files only hold small integers, and
// Wasm values arrive as strings anyway).

/// A parsed JSON value.
public enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  /// A number, as written (for example `"104"` or `"-1.5e3"`).
  case number(String)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  /// Parses a whole document; whitespace may surround the value, nothing else.
  public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
    try bytes.withUnsafeBufferPointer { (buffer) throws(JSONError) -> JSONValue in
      var parser = JSONParser(buffer)
      return try parser.parseDocument()
    }
  }

  /// Parses a whole document given as text.
  public static func parse(_ text: String) throws(JSONError) -> JSONValue {
    try parse(Array(text.utf8))
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var objectValue: JSONObject? {
    if case .object(let o) = self { return o }
    return nil
  }

  /// The value of an integral number that fits in `Int`.
  public var intValue: Int? {
    if case .number(let text) = self { return Int(text) }
    return nil
  }
}

/// A JSON object with its members in document order.
public struct JSONObject: Equatable, Sendable {
  public var keys: [String]
  public var values: [JSONValue]

  public init(_ members: [(String, JSONValue)] = []) {
    keys = members.map(\.0)
    values = members.map(\.1)
  }

  /// The value of the first member named `key`.
  public subscript(key: String) -> JSONValue? {
    guard let index = keys.firstIndex(of: key) else { return nil }
    return values[index]
  }
}

/// Why a document is not valid JSON, and the byte offset where that was noticed.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
  public var message: String
  public var offset: Int

  public init(_ message: String, at offset: Int) {
    self.message = message
    self.offset = offset
  }

  public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

/// Nesting deeper than this is refused: the parser recurses once per level.
let jsonMaximumDepth = 128

struct JSONParser {
  let bytes: UnsafeBufferPointer<UInt8>
  var position = 0
  var depth = 0

  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.bytes = bytes
  }

  mutating func parseDocument() throws(JSONError) -> JSONValue {
    let value = try parseValue()
    skipWhitespace()
    guard position == bytes.count else { throw JSONError("trailing characters", at: position) }
    return value
  }

  mutating func skipWhitespace() {
    while position < bytes.count {
      switch bytes[position] {
      case 0x20, 0x0A, 0x0D, 0x09: position += 1
      default: return
      }
    }
  }

  mutating func parseValue() throws(JSONError) -> JSONValue {
    skipWhitespace()
    guard position < bytes.count else { throw JSONError("unexpected end", at: position) }
    switch bytes[position] {
    case UInt8(ascii: "{"): return .object(try parseObject())
    case UInt8(ascii: "["): return .array(try parseArray())
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return .number(try parseNumber())
    default:
      throw JSONError("unexpected character", at: position)
    }
  }

  mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
    let start = position
    let count = literal.utf8CodeUnitCount
    guard bytes.count - position >= count else { throw JSONError("unexpected end", at: position) }
    for index in 0..<count where bytes[position + index] != literal.utf8Start[index] {
      throw JSONError("unexpected character", at: start + index)
    }
    position += count
  }

  mutating func enterNested() throws(JSONError) {
    depth += 1
    guard depth <= jsonMaximumDepth else { throw JSONError("nesting too deep", at: position) }
  }

  mutating func parseObject() throws(JSONError) -> JSONObject {
    try enterNested()
    defer { depth -= 1 }
    position += 1  // {
    var object = JSONObject()
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
      return object
    }
    while true {
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
        throw JSONError("expected a member name", at: position)
      }
      let key = try parseString()
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
        throw JSONError("expected ':'", at: position)
      }
      position += 1
      let value = try parseValue()
      object.keys.append(key)
      object.values.append(value)
      skipWhitespace()
      guard position < bytes.count else { throw JSONError("unexpected end", at: position) }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
      } else if bytes[position] == UInt8(ascii: "}") {
        position += 1
        return object
      } else {
        throw JSONError("expected ',' or '}'", at: position)
      }
    }
  }

  mutating func parseArray() throws(JSONError) -> [JSONValue] {
    try enterNested()
    defer { depth -= 1 }
    position += 1  // [
    var elements: [JSONValue] = []
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
      position += 1
      return elements
    }
    while true {
      elements.append(try parseValue())
      skipWhitespace()
      guard position < bytes.count else { throw JSONError("unexpected end", at: position) }
      if bytes[position] == UInt8(ascii: ",") {
        position += 1
      } else if bytes[position] == UInt8(ascii: "]") {
        position += 1
        return elements
      } else {
        throw JSONError("expected ',' or ']'", at: position)
      }
    }
  }

  mutating func parseNumber() throws(JSONError) -> String {
    let start = position
    if bytes[position] == UInt8(ascii: "-") { position += 1 }
    // Integer part: "0" alone, or a non-zero digit followed by digits.
    guard position < bytes.count, isDigit(bytes[position]) else {
      throw JSONError("expected a digit", at: position)
    }
    if bytes[position] == UInt8(ascii: "0") {
      position += 1
    } else {
      skipDigits()
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
      position += 1
      guard position < bytes.count, isDigit(bytes[position]) else {
        throw JSONError("expected a digit", at: position)
      }
      skipDigits()
    }
    if position < bytes.count,
      bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")
    {
      position += 1
      if position < bytes.count,
        bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")
      {
        position += 1
      }
      guard position < bytes.count, isDigit(bytes[position]) else {
        throw JSONError("expected a digit", at: position)
      }
      skipDigits()
    }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
  }

  func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  mutating func skipDigits() {
    while position < bytes.count, isDigit(bytes[position]) { position += 1 }
  }

  mutating func parseString() throws(JSONError) -> String {
    position += 1  // opening quote
    let start = position
    // Fast path: no escapes, the common case, decoded straight from the buffer.
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        let text = String(
          decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        position += 1
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw JSONError("control character in string", at: position) }
      position += 1
    }
    var utf8 = Array(UnsafeBufferPointer(rebasing: bytes[start..<position]))
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        position += 1
        return String(decoding: utf8, as: UTF8.self)
      }
      if byte < 0x20 { throw JSONError("control character in string", at: position) }
      if byte != UInt8(ascii: "\\") {
        utf8.append(byte)
        position += 1
        continue
      }
      position += 1
      guard position < bytes.count else { break }
      let escape = bytes[position]
      position += 1
      switch escape {
      case UInt8(ascii: "\""): utf8.append(0x22)
      case UInt8(ascii: "\\"): utf8.append(0x5C)
      case UInt8(ascii: "/"): utf8.append(0x2F)
      case UInt8(ascii: "b"): utf8.append(0x08)
      case UInt8(ascii: "f"): utf8.append(0x0C)
      case UInt8(ascii: "n"): utf8.append(0x0A)
      case UInt8(ascii: "r"): utf8.append(0x0D)
      case UInt8(ascii: "t"): utf8.append(0x09)
      case UInt8(ascii: "u"):
        let scalar = try parseUnicodeEscape()
        utf8.append(contentsOf: String(Character(scalar)).utf8)
      default:
        throw JSONError("unknown escape", at: position - 1)
      }
    }
    throw JSONError("unterminated string", at: start - 1)
  }

  /// Reads the hex digits after `\u` (and a second `\uXXXX` for a surrogate pair).
  mutating func parseUnicodeEscape() throws(JSONError) -> Unicode.Scalar {
    let first = try parseHex4()
    if (0xD800...0xDBFF).contains(first) {
      // A high surrogate must be followed by an escaped low surrogate.
      guard bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
        bytes[position + 1] == UInt8(ascii: "u")
      else { throw JSONError("unpaired surrogate", at: position) }
      position += 2
      let second = try parseHex4()
      guard (0xDC00...0xDFFF).contains(second) else {
        throw JSONError("unpaired surrogate", at: position - 4)
      }
      let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
      guard let scalar = Unicode.Scalar(value) else {
        throw JSONError("invalid code point", at: position)
      }
      return scalar
    }
    guard let scalar = Unicode.Scalar(first) else {
      throw JSONError("unpaired surrogate", at: position - 4)
    }
    return scalar
  }

  mutating func parseHex4() throws(JSONError) -> UInt32 {
    guard bytes.count - position >= 4 else { throw JSONError("unexpected end", at: position) }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[position]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw JSONError("expected a hex digit", at: position)
      }
      value = value << 4 | UInt32(digit)
      position += 1
    }
    return value
  }
}
