// A cursor over the tokens of a source, with the small reads every parser needs.

/// Tokens and the source they came from; errors point at a token's line:column.
final class TokenStream {
  let source: [UInt8]
  let tokens: [Token]
  var index = 0

  init(source: [UInt8]) throws(TextError) {
    self.source = source
    self.tokens = try Lexer.tokenize(source)
  }

  init(source: [UInt8], tokens: [Token]) {
    self.source = source
    self.tokens = tokens
  }

  var peek: Token { tokens[index] }

  func token(at offset: Int) -> Token {
    tokens[min(index + offset, tokens.count - 1)]
  }

  func text(_ token: Token) -> String {
    String(decoding: source[token.start..<token.end], as: UTF8.self)
  }

  func error(_ message: String, at token: Token? = nil) -> TextError {
    let token = token ?? peek
    return TextError(line: token.line, column: token.column, message: message)
  }

  /// The text of the atom at `offset` tokens ahead, or nil when it is not an atom.
  func atom(at offset: Int = 0) -> String? {
    let token = token(at: offset)
    return token.kind == .atom ? text(token) : nil
  }

  /// The keyword after a `(` at the cursor, or nil.
  var listKeyword: String? {
    peek.kind == .leftParen ? atom(at: 1) : nil
  }

  /// Whether the cursor is at `(keyword`.
  func atList(_ keyword: String) -> Bool {
    listKeyword == keyword
  }

  var atRightParen: Bool { peek.kind == .rightParen }

  func advance() { if index < tokens.count - 1 { index += 1 } }

  func expectLeftParen() throws(TextError) {
    guard peek.kind == .leftParen else { throw error("expected \"(\"") }
    advance()
  }

  func expectRightParen() throws(TextError) {
    guard peek.kind == .rightParen else {
      throw error("unexpected token \(describe(peek)), expected \")\"")
    }
    advance()
  }

  /// Consumes `(keyword`.
  func expectList(_ keyword: String) throws(TextError) {
    guard atList(keyword) else { throw error("expected (\(keyword) ...)") }
    advance()
    advance()
  }

  /// Consumes the keyword if it is next.
  func take(_ keyword: String) -> Bool {
    guard atom() == keyword else { return false }
    advance()
    return true
  }

  /// Any atom.
  func takeAtom(_ what: String) throws(TextError) -> (String, Token) {
    let token = peek
    guard token.kind == .atom else { throw error("expected \(what), found \(describe(token))") }
    advance()
    return (text(token), token)
  }

  /// An identifier (`$name`), if next. Quoted ids keep their quotes decoded.
  func takeId() throws(TextError) -> String? {
    guard peek.kind == .atom, source[peek.start] == UInt8(ascii: "$") else { return nil }
    let token = peek
    advance()
    if token.end - token.start >= 2, source[token.start + 1] == UInt8(ascii: "\"") {
      let bytes = try decodeString(start: token.start + 1, end: token.end, token: token)
      guard !bytes.isEmpty else { throw error("empty identifier", at: token) }
      guard let name = String(validating: bytes, as: UTF8.self) else {
        throw error("malformed UTF-8 encoding in an identifier", at: token)
      }
      return "$" + name
    }
    guard token.end - token.start >= 2 else { throw error("empty identifier", at: token) }
    return text(token)
  }

  var atId: Bool { peek.kind == .atom && source[peek.start] == UInt8(ascii: "$") }
  var atString: Bool { peek.kind == .string }

  /// A string literal's bytes.
  func takeString() throws(TextError) -> [UInt8] {
    let token = peek
    guard token.kind == .string else { throw error("expected a string, found \(describe(token))") }
    advance()
    return try decodeString(start: token.start, end: token.end, token: token)
  }

  /// A string that must be valid UTF-8 (names).
  func takeName() throws(TextError) -> String {
    let token = peek
    let bytes = try takeString()
    guard let name = String(validating: bytes, as: UTF8.self) else {
      throw error("malformed UTF-8 encoding", at: token)
    }
    return name
  }

  /// Decodes a quoted string's escapes (`\n`, `\hh`, `\u{...}`).
  func decodeString(start: Int, end: Int, token: Token) throws(TextError) -> [UInt8] {
    try TokenStream.decodeString(source, start: start, end: end, token: token)
  }

  /// Decodes the quoted string at `start..<end` of `source`; errors point at `token`.
  static func decodeString(_ source: [UInt8], start: Int, end: Int, token: Token)
    throws(TextError) -> [UInt8]
  {
    func error(_ message: String, at token: Token) -> TextError {
      TextError(line: token.line, column: token.column, message: message)
    }
    var bytes: [UInt8] = []
    var position = start + 1
    let last = end - 1
    while position < last {
      let byte = source[position]
      guard byte == UInt8(ascii: "\\") else {
        guard byte >= 0x20, byte != 0x7F else {
          throw error("control character in string", at: token)
        }
        bytes.append(byte)
        position += 1
        continue
      }
      position += 1
      guard position < last else { throw error("bad escape in string", at: token) }
      let escape = source[position]
      position += 1
      switch escape {
      case UInt8(ascii: "t"): bytes.append(0x09)
      case UInt8(ascii: "n"): bytes.append(0x0A)
      case UInt8(ascii: "r"): bytes.append(0x0D)
      case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"): bytes.append(escape)
      case UInt8(ascii: "u"):
        guard position < last, source[position] == UInt8(ascii: "{") else {
          throw error("bad \\u escape in string", at: token)
        }
        position += 1
        var scalar: UInt32 = 0
        var count = 0
        while position < last, let digit = NumberLiterals.digitValue(source[position]) {
          guard scalar <= 0x10FFFF else { break }
          scalar = scalar << 4 | UInt32(digit)
          position += 1
          count += 1
        }
        guard count > 0, position < last, source[position] == UInt8(ascii: "}"),
          let unicode = Unicode.Scalar(scalar)
        else { throw error("bad \\u escape in string", at: token) }
        position += 1
        bytes.append(contentsOf: Array(String(Character(unicode)).utf8))
      default:
        guard let high = NumberLiterals.digitValue(escape), position < last,
          let low = NumberLiterals.digitValue(source[position])
        else { throw error("bad escape in string", at: token) }
        position += 1
        bytes.append(high << 4 | low)
      }
    }
    return bytes
  }

  /// Skips one token or one balanced parenthesised form, without recursion.
  func skipItem() throws(TextError) {
    guard peek.kind == .leftParen else {
      guard peek.kind != .endOfInput else { throw error("unexpected end of input") }
      advance()
      return
    }
    let open = peek
    var depth = 0
    repeat {
      switch peek.kind {
      case .leftParen: depth += 1
      case .rightParen: depth -= 1
      case .endOfInput: throw error("unclosed \"(\"", at: open)
      default: break
      }
      advance()
    } while depth > 0
  }

  func describe(_ token: Token) -> String {
    switch token.kind {
    case .leftParen: return "\"(\""
    case .rightParen: return "\")\""
    case .endOfInput: return "end of input"
    case .atom, .string:
      let text = self.text(token)
      return "\"" + (text.count > 40 ? String(text.prefix(40)) + "..." : text) + "\""
    }
  }
}
