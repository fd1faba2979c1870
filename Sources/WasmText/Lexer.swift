// The lexical format of WebAssembly text: parentheses, atoms, strings, comments.
// https://webassembly.github.io/spec/core/text/lexical.html

/// One token of a text source. Atoms (keywords, numbers, `$ids`) and strings keep
/// their source range; the parser reads their text on demand.
struct Token: Sendable {
  enum Kind: Sendable {
    case leftParen
    case rightParen
    /// A keyword, a number or an identifier (starts with `$`).
    case atom
    /// A string literal, quotes included in the range.
    case string
    case endOfInput
  }

  var kind: Kind
  var start: Int
  var end: Int
  var line: Int
  var column: Int
}

/// Splits a source into tokens, skipping white space, comments and annotations.
struct Lexer {
  let source: [UInt8]
  private var position = 0
  private var line = 1
  private var lineStart = 0

  init(_ source: [UInt8]) {
    self.source = source
  }

  /// Every token, ending with `.endOfInput`.
  static func tokenize(_ source: [UInt8]) throws(TextError) -> [Token] {
    if let bad = firstInvalidUTF8(source) {
      let before = source[..<bad]
      let line = before.count(where: { $0 == UInt8(ascii: "\n") }) + 1
      let lineStart = (before.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
      throw TextError(line: line, column: bad - lineStart + 1, message: "malformed UTF-8 encoding")
    }
    var lexer = Lexer(source)
    var tokens: [Token] = []
    while true {
      let token = try lexer.next()
      tokens.append(token)
      if token.kind == .endOfInput { return tokens }
    }
  }

  private func error(_ message: String, at offset: Int) -> TextError {
    TextError(line: line, column: offset - lineStart + 1, message: message)
  }

  private mutating func newline(at offset: Int) {
    line += 1
    lineStart = offset + 1
  }

  mutating func next() throws(TextError) -> Token {
    try skipTrivia()
    let start = position
    let column = start - lineStart + 1
    guard position < source.count else {
      return Token(kind: .endOfInput, start: start, end: start, line: line, column: column)
    }
    let byte = source[position]
    switch byte {
    case UInt8(ascii: "("):
      position += 1
      return Token(kind: .leftParen, start: start, end: position, line: line, column: column)
    case UInt8(ascii: ")"):
      position += 1
      return Token(kind: .rightParen, start: start, end: position, line: line, column: column)
    case UInt8(ascii: "\""):
      try skipString()
      // Tokens must be separated: `"a""b"` is not two strings.
      if position < source.count,
        source[position] == UInt8(ascii: "\"") || Lexer.isIdChar(source[position])
      {
        throw error("unknown operator: no space after a string", at: position)
      }
      return Token(kind: .string, start: start, end: position, line: line, column: column)
    default:
      guard Lexer.isIdChar(byte) else {
        throw error("unexpected character 0x\(String(byte, radix: 16))", at: start)
      }
      while position < source.count, Lexer.isIdChar(source[position]) {
        position += 1
      }
      // `$"..."`: a quoted identifier (Wasm 3.0).
      if position == start + 1, byte == UInt8(ascii: "$"), position < source.count,
        source[position] == UInt8(ascii: "\"")
      {
        try skipString()
        if position < source.count, Lexer.isIdChar(source[position]) {
          throw error("unknown operator: no space after a quoted identifier", at: position)
        }
      }
      if position < source.count, source[position] == UInt8(ascii: "\"") {
        throw error("unknown operator: string directly after a keyword", at: position)
      }
      return Token(kind: .atom, start: start, end: position, line: line, column: column)
    }
  }

  /// The offset of the first byte that is not well-formed UTF-8, if any (the
  /// source must be Unicode text).
  static func firstInvalidUTF8(_ source: [UInt8]) -> Int? {
    var index = 0
    while index < source.count {
      let lead = source[index]
      if lead < 0x80 {
        index += 1
        continue
      }
      let length: Int
      var secondRange: ClosedRange<UInt8> = 0x80...0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0: (length, secondRange) = (3, 0xA0...0xBF)
      case 0xED: (length, secondRange) = (3, 0x80...0x9F)
      case 0xE1...0xEF: length = 3
      case 0xF0: (length, secondRange) = (4, 0x90...0xBF)
      case 0xF4: (length, secondRange) = (4, 0x80...0x8F)
      case 0xF1...0xF3: length = 4
      default: return index
      }
      guard index + length <= source.count, secondRange.contains(source[index + 1]) else {
        return index
      }
      for offset in 2..<max(2, length) where source[index + offset] & 0xC0 != 0x80 {
        return index
      }
      index += length
    }
    return nil
  }

  /// Characters allowed in keywords, numbers and identifiers.
  static func isIdChar(_ byte: UInt8) -> Bool {
    guard byte > 0x20, byte < 0x7F else { return false }
    switch byte {
    case UInt8(ascii: "\""), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","),
      UInt8(ascii: ";"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
      UInt8(ascii: "}"):
      return false
    default: return true
    }
  }

  private mutating func skipString() throws(TextError) {
    let start = position
    position += 1
    while position < source.count {
      let byte = source[position]
      if byte == UInt8(ascii: "\"") {
        position += 1
        return
      }
      if byte == UInt8(ascii: "\n") { throw error("unterminated string (newline)", at: start) }
      if byte == UInt8(ascii: "\\") { position += 1 }
      position += 1
    }
    throw error("unterminated string", at: start)
  }

  private mutating func skipTrivia() throws(TextError) {
    while position < source.count {
      let byte = source[position]
      switch byte {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
        position += 1
      case UInt8(ascii: "\n"):
        newline(at: position)
        position += 1
      case UInt8(ascii: ";") where peek(1) == UInt8(ascii: ";"):
        // A line comment ends at a line feed or a carriage return.
        while position < source.count, source[position] != UInt8(ascii: "\n"),
          source[position] != UInt8(ascii: "\r")
        {
          position += 1
        }
      case UInt8(ascii: "(") where peek(1) == UInt8(ascii: ";"):
        try skipBlockComment()
      case UInt8(ascii: "(") where peek(1) == UInt8(ascii: "@"):
        try skipAnnotation()
      default:
        return
      }
    }
  }

  private func peek(_ distance: Int) -> UInt8? {
    position + distance < source.count ? source[position + distance] : nil
  }

  /// `(; ... ;)`, which nests.
  private mutating func skipBlockComment() throws(TextError) {
    let start = position
    var depth = 0
    while position < source.count {
      if source[position] == UInt8(ascii: "("), peek(1) == UInt8(ascii: ";") {
        depth += 1
        position += 2
      } else if source[position] == UInt8(ascii: ";"), peek(1) == UInt8(ascii: ")") {
        depth -= 1
        position += 2
        if depth == 0 { return }
      } else {
        if source[position] == UInt8(ascii: "\n") { newline(at: position) }
        position += 1
      }
    }
    throw error("unclosed block comment", at: start)
  }

  /// `(@name ...)`: custom annotations, which carry no meaning for us. Skipped with a
  /// counter, not recursion, strings and comments respected.
  private mutating func skipAnnotation() throws(TextError) {
    let start = position
    // The id: `(@name` or `(@"name"`, right after the `@`.
    let idStart = position + 2
    if idStart < source.count, source[idStart] == UInt8(ascii: "\"") {
      position = idStart
      try skipString()
      let token = Token(
        kind: .string, start: idStart, end: position, line: line,
        column: idStart - lineStart + 1)
      let bytes = try TokenStream.decodeString(source, start: idStart, end: position, token: token)
      guard !bytes.isEmpty else { throw error("empty annotation id", at: start) }
      guard String(validating: bytes, as: UTF8.self) != nil else {
        throw error("malformed UTF-8 encoding in an annotation id", at: start)
      }
    } else {
      guard idStart < source.count, Lexer.isIdChar(source[idStart]) else {
        throw error("empty annotation id", at: start)
      }
    }
    position = start
    var depth = 0
    while position < source.count {
      let byte = source[position]
      if byte == UInt8(ascii: "(") && peek(1) == UInt8(ascii: ";") {
        try skipBlockComment()
      } else if byte == UInt8(ascii: ";") && peek(1) == UInt8(ascii: ";") {
        while position < source.count, source[position] != UInt8(ascii: "\n") { position += 1 }
      } else if byte == UInt8(ascii: "(") {
        depth += 1
        position += 1
      } else if byte == UInt8(ascii: ")") {
        depth -= 1
        position += 1
        if depth == 0 { return }
      } else if byte == UInt8(ascii: "\"") {
        try skipString()
      } else {
        if byte == UInt8(ascii: "\n") { newline(at: position) }
        if (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte >= 0x7F {
          throw error("illegal character 0x\(String(byte, radix: 16))", at: position)
        }
        position += 1
      }
    }
    throw error("unclosed annotation", at: start)
  }
}
