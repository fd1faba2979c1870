// Tokens, literals and where errors point.

import Testing

@testable import WasmText

@Suite struct LexerTests {
  func kinds(_ text: String) throws -> [Token.Kind] {
    try Lexer.tokenize(Array(text.utf8)).map(\.kind)
  }

  @Test func tokensSkipCommentsAndAnnotations() throws {
    let text = "(module ;; line\n (; block (; nested ;) ;) $id \"s\" (@custom \"x\" (y)) 0x1F)"
    #expect(
      try kinds(text) == [.leftParen, .atom, .atom, .string, .atom, .rightParen, .endOfInput])
  }

  @Test func positionsAreLineAndColumn() throws {
    let tokens = try Lexer.tokenize(Array("(a\n  b)".utf8))
    #expect(tokens[2].line == 2)
    #expect(tokens[2].column == 3)
  }

  @Test func unterminatedStringIsAnError() {
    #expect(throws: TextError(line: 2, column: 3, message: "unterminated string")) {
      _ = try Lexer.tokenize(Array("()\n  \"abc".utf8))
    }
  }

  @Test func stringsMustBeSeparated() {
    #expect(throws: TextError.self) { _ = try Lexer.tokenize(Array("\"a\"\"b\"".utf8)) }
  }

  @Test func unclosedBlockCommentIsAnError() {
    #expect(throws: TextError.self) { _ = try Lexer.tokenize(Array("(; (; ;)".utf8)) }
  }

  @Test func stringEscapes() throws {
    let stream = try TokenStream(source: Array(#""a\n\t\"\\\41\u{e9}""#.utf8))
    #expect(try stream.takeString() == [0x61, 0x0A, 0x09, 0x22, 0x5C, 0x41, 0xC3, 0xA9])
  }
}

@Suite struct NumberLiteralTests {
  @Test func integers() {
    #expect(NumberLiterals.bits("-1", width: 32) == 0xFFFF_FFFF)
    #expect(NumberLiterals.bits("0xffff_ffff", width: 32) == 0xFFFF_FFFF)
    #expect(NumberLiterals.bits("-0x8000_0000", width: 32) == 0x8000_0000)
    #expect(NumberLiterals.bits("4294967296", width: 32) == nil)
    #expect(NumberLiterals.bits("-2147483649", width: 32) == nil)
    #expect(NumberLiterals.bits("1__0", width: 32) == nil)
    #expect(NumberLiterals.bits("_1", width: 32) == nil)
    #expect(NumberLiterals.bits("18446744073709551615", width: 64) == ~0)
    #expect(NumberLiterals.unsigned("+1", max: 10) == nil)
  }

  @Test func floatsSpecialValues() {
    #expect(NumberLiterals.f32("inf") == 0x7F80_0000)
    #expect(NumberLiterals.f32("-inf") == 0xFF80_0000)
    #expect(NumberLiterals.f32("nan") == 0x7FC0_0000)
    #expect(NumberLiterals.f32("-nan:0x1") == 0xFF80_0001)
    #expect(NumberLiterals.f32("nan:0x0") == nil)
    #expect(NumberLiterals.f32("nan:0x80_0000") == nil)
    #expect(NumberLiterals.f64("nan:0xf_ffff_ffff_ffff") == 0x7FFF_FFFF_FFFF_FFFF)
    #expect(NumberLiterals.f64("-0") == 0x8000_0000_0000_0000)
  }

  @Test func hexFloats() {
    #expect(NumberLiterals.f32("0x1p-149") == 1)
    #expect(NumberLiterals.f32("0x1.fffffep127") == 0x7F7F_FFFF)
    #expect(NumberLiterals.f32("0x1p128") == nil)
    #expect(NumberLiterals.f32("0x1.") == 0x3F80_0000)
    #expect(NumberLiterals.f64("0x1.8p1") == 0x4008_0000_0000_0000)
  }

  /// 1 + 2^-24 is halfway between two floats; the digits after it must round up.
  /// Going through Double first would land exactly on the halfway point and round
  /// to even (down).
  @Test func decimalF32RoundsOnce() {
    #expect(NumberLiterals.f32("1.000000059604644775390625") == 0x3F80_0000)
    #expect(NumberLiterals.f32("1.00000005960464477550") == 0x3F80_0001)
    #expect(NumberLiterals.f32("1e39") == nil)
    #expect(NumberLiterals.f32("340282356779733623858607532500980858880") == 0x7F7F_FFFF)
    #expect(NumberLiterals.f32("340282356779733661637539395458142568448") == nil)
    #expect(NumberLiterals.f32("1_000.5e-1_0") != nil)
    #expect(NumberLiterals.f32("1.e") == nil)
  }
}
