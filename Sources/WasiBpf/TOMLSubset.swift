// A strict reader for the subset of TOML (https://toml.io/en/v1.0.0) that policy files
// use: comments, `[table]` and `[[array of tables]]` headers with dotted names,
// `key = value` with bare or quoted keys, and values that are basic or literal
// strings, decimal integers (with `_` separators), booleans and arrays (across lines,
// trailing comma allowed). Anything else is an error with its line and column.
//
// Why our own: the policy is read on the CLI's start-up path. Every maintained TOML,
// YAML or JSON parser available to this project either imports Foundation (measured
// here: +15 ms, 2.4x, on an empty program's start-up) or does not resolve from the
// package mirror (TOMLKit needs a test dependency that is not mirrored). This subset
// is ~300 lines, allocation-light and fuzzable; see docs/bpf-policy.md.

package indirect enum TOMLValue: Equatable {
  case string(String)
  case integer(Int64)
  case boolean(Bool)
  case array([TOMLValue])
  case table(TOMLTable)
}

package struct TOMLTable: Equatable {
  /// Keys in file order (messages name the first unknown key).
  package var keys: [String] = []
  package var values: [String: TOMLValue] = [:]
  /// Line of each key, for semantic errors after parsing.
  package var lines: [String: Int] = [:]

  package subscript(key: String) -> TOMLValue? { values[key] }
}

package struct TOMLError: Error, Equatable, CustomStringConvertible {
  package var line: Int
  package var column: Int
  package var message: String
  package var description: String { "line \(line), column \(column): \(message)" }
}

package struct TOMLReader {
  private let bytes: [UInt8]
  private var index = 0
  private var line = 1
  private var lineStart = 0

  package static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
    var reader = TOMLReader(bytes: Array(text.utf8))
    return try reader.document()
  }

  private init(bytes: [UInt8]) { self.bytes = bytes }

  private var column: Int { index - lineStart + 1 }
  private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

  private func error(_ message: String) -> TOMLError {
    TOMLError(line: line, column: column, message: message)
  }

  private mutating func advance() {
    if current == UInt8(ascii: "\n") {
      line += 1
      lineStart = index + 1
    }
    index += 1
  }

  /// Skips spaces and tabs (and, when `newlines`, line breaks and comments).
  private mutating func skipBlank(newlines: Bool) {
    while let c = current {
      if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
        advance()
      } else if c == UInt8(ascii: "#") {
        while let d = current, d != UInt8(ascii: "\n") { advance() }
      } else if newlines && c == UInt8(ascii: "\n") {
        advance()
      } else {
        return
      }
    }
  }

  private mutating func expectEndOfLine() throws(TOMLError) {
    skipBlank(newlines: false)
    if let c = current, c != UInt8(ascii: "\n") { throw error("expected the end of the line") }
  }

  private mutating func document() throws(TOMLError) -> TOMLTable {
    var root = TOMLTable()
    var path: [String] = []
    var defined = Set<[String]>()
    while true {
      skipBlank(newlines: true)
      guard let c = current else { return root }
      if c == UInt8(ascii: "[") {
        advance()
        let isArray = current == UInt8(ascii: "[")
        if isArray { advance() }
        skipBlank(newlines: false)
        path = try dottedKey()
        skipBlank(newlines: false)
        guard current == UInt8(ascii: "]") else { throw error("expected ']'") }
        advance()
        if isArray {
          guard current == UInt8(ascii: "]") else { throw error("expected ']]'") }
          advance()
        }
        let headerLine = line
        try expectEndOfLine()
        if isArray {
          try Self.appendTable(to: &root, path: path, line: headerLine, error: error)
        } else {
          guard defined.insert(path).inserted else {
            throw error("table [\(path.joined(separator: "."))] is defined twice")
          }
          try Self.table(in: &root, path: path, line: headerLine, error: error) { _ in }
        }
      } else {
        let keyLine = line
        let key = try dottedKey()
        skipBlank(newlines: false)
        guard current == UInt8(ascii: "=") else { throw error("expected '=' after the key") }
        advance()
        skipBlank(newlines: false)
        let value = try value()
        try expectEndOfLine()
        let fullPath = path + key.dropLast()
        let name = key.last!
        let makeError = error
        try Self.table(in: &root, path: fullPath, line: keyLine, error: error) {
          (table) throws(TOMLError) in
          guard table.values[name] == nil else {
            throw makeError("key '\(name)' is defined twice")
          }
          table.keys.append(name)
          table.values[name] = value
          table.lines[name] = keyLine
        }
      }
    }
  }

  /// Runs `body` on the table at `path` (created as needed; the last element of an
  /// array of tables when the path names one).
  private static func table(
    in root: inout TOMLTable, path: [String], line: Int,
    error: (String) -> TOMLError, _ body: (inout TOMLTable) throws(TOMLError) -> Void
  ) throws(TOMLError) {
    guard let first = path.first else { return try body(&root) }
    var child: TOMLValue = root.values[first] ?? .table(TOMLTable())
    if root.values[first] == nil {
      root.keys.append(first)
      root.lines[first] = line
    }
    switch child {
    case .table(var table):
      try Self.table(in: &table, path: Array(path.dropFirst()), line: line, error: error, body)
      child = .table(table)
    case .array(var elements):
      guard case .table(var last)? = elements.last else {
        throw error("'\(first)' is not a table")
      }
      try Self.table(in: &last, path: Array(path.dropFirst()), line: line, error: error, body)
      elements[elements.count - 1] = .table(last)
      child = .array(elements)
    default:
      throw error("'\(first)' is not a table")
    }
    root.values[first] = child
  }

  private static func appendTable(
    to root: inout TOMLTable, path: [String], line: Int, error: (String) -> TOMLError
  ) throws(TOMLError) {
    let name = path.last!
    try table(in: &root, path: Array(path.dropLast()), line: line, error: error) {
      (parent) throws(TOMLError) in
      switch parent.values[name] {
      case nil:
        parent.keys.append(name)
        parent.lines[name] = line
        parent.values[name] = .array([.table(TOMLTable())])
      case .array(var elements)?:
        elements.append(.table(TOMLTable()))
        parent.values[name] = .array(elements)
      default:
        throw error("'\(name)' is not an array of tables")
      }
    }
  }

  private mutating func dottedKey() throws(TOMLError) -> [String] {
    var parts = [try simpleKey()]
    while true {
      skipBlank(newlines: false)
      guard current == UInt8(ascii: ".") else { return parts }
      advance()
      skipBlank(newlines: false)
      parts.append(try simpleKey())
    }
  }

  private mutating func simpleKey() throws(TOMLError) -> String {
    if current == UInt8(ascii: "\"") { return try basicString() }
    if current == UInt8(ascii: "'") { return try literalString() }
    let start = index
    while let c = current, c.isBareKeyByte { advance() }
    guard index > start else { throw error("expected a key") }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  private mutating func value() throws(TOMLError) -> TOMLValue {
    guard let c = current else { throw error("expected a value") }
    switch c {
    case UInt8(ascii: "\""): return .string(try basicString())
    case UInt8(ascii: "'"): return .string(try literalString())
    case UInt8(ascii: "["): return try array()
    case UInt8(ascii: "t"), UInt8(ascii: "f"):
      if matches("true") { return .boolean(true) }
      if matches("false") { return .boolean(false) }
      throw error("expected a value")
    case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return .integer(try integer())
    default:
      throw error("expected a value (string, integer, boolean or array)")
    }
  }

  private mutating func matches(_ word: String) -> Bool {
    let w = Array(word.utf8)
    guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
      return false
    }
    if index + w.count < bytes.count, bytes[index + w.count].isBareKeyByte { return false }
    for _ in w { advance() }
    return true
  }

  private mutating func integer() throws(TOMLError) -> Int64 {
    var negative = false
    if current == UInt8(ascii: "-") || current == UInt8(ascii: "+") {
      negative = current == UInt8(ascii: "-")
      advance()
    }
    var value: Int64 = 0
    var digits = 0
    var lastWasUnderscore = false
    while let c = current {
      if c == UInt8(ascii: "_") {
        guard digits > 0, !lastWasUnderscore else { throw error("misplaced '_' in a number") }
        lastWasUnderscore = true
        advance()
        continue
      }
      guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { break }
      let (m, o1) = value.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(Int64(c - UInt8(ascii: "0")))
      guard !o1, !o2 else { throw error("integer out of range") }
      value = a
      digits += 1
      lastWasUnderscore = false
      advance()
    }
    guard digits > 0, !lastWasUnderscore else { throw error("expected digits") }
    if let c = current, c.isBareKeyByte || c == UInt8(ascii: ".") {
      throw error("only decimal integers are supported here")
    }
    return negative ? -value : value
  }

  private mutating func array() throws(TOMLError) -> TOMLValue {
    advance()  // [
    var elements: [TOMLValue] = []
    while true {
      skipBlank(newlines: true)
      if current == UInt8(ascii: "]") {
        advance()
        return .array(elements)
      }
      elements.append(try value())
      skipBlank(newlines: true)
      if current == UInt8(ascii: ",") {
        advance()
      } else if current != UInt8(ascii: "]") {
        throw error("expected ',' or ']' in an array")
      }
    }
  }

  private mutating func literalString() throws(TOMLError) -> String {
    advance()  // '
    let start = index
    while let c = current, c != UInt8(ascii: "'") {
      guard c != UInt8(ascii: "\n") else { throw error("unterminated string") }
      advance()
    }
    guard current != nil else { throw error("unterminated string") }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    advance()
    return text
  }

  private mutating func basicString() throws(TOMLError) -> String {
    advance()  // "
    var out: [UInt8] = []
    while true {
      guard let c = current, c != UInt8(ascii: "\n") else { throw error("unterminated string") }
      advance()
      if c == UInt8(ascii: "\"") { break }
      guard c == UInt8(ascii: "\\") else {
        guard c >= 0x20 || c == UInt8(ascii: "\t") else { throw error("control character in a string") }
        out.append(c)
        continue
      }
      guard let e = current else { throw error("unterminated string") }
      advance()
      switch e {
      case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
      case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
      case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
      case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
      case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
      case UInt8(ascii: "u"), UInt8(ascii: "U"):
        let count = e == UInt8(ascii: "u") ? 4 : 8
        var scalar: UInt32 = 0
        for _ in 0..<count {
          guard let h = current, let digit = h.hexValue else { throw error("bad \\u escape") }
          scalar = scalar << 4 | UInt32(digit)
          advance()
        }
        guard let s = Unicode.Scalar(scalar) else { throw error("bad \\u escape") }
        out.append(contentsOf: Array(String(Character(s)).utf8))
      default:
        throw error("unknown escape sequence")
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}

extension UInt8 {
  fileprivate var isBareKeyByte: Bool {
    (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z"))
      || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
      || (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9"))
      || self == UInt8(ascii: "_") || self == UInt8(ascii: "-")
  }

  fileprivate var hexValue: UInt8? {
    switch self {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return self - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return self - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return self - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
