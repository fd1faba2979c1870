import Testing

@testable import WastRunner

@Suite struct JSONTests {
  @Test func parsesScalars() throws {
    #expect(try JSONValue.parse("null") == .null)
    #expect(try JSONValue.parse(" true ") == .bool(true))
    #expect(try JSONValue.parse("false") == .bool(false))
    #expect(try JSONValue.parse("-12.5e+3") == .number("-12.5e+3"))
    #expect(try JSONValue.parse("104").intValue == 104)
    #expect(try JSONValue.parse("\"abc\"") == .string("abc"))
  }

  @Test func parsesNestedContainersInOrder() throws {
    let value = try JSONValue.parse(#"{"b": [1, {"c": null}], "a": "x", "b": 2}"#)
    let object = try #require(value.objectValue)
    #expect(object.keys == ["b", "a", "b"])
    // The first member of a name wins, as lookups go front to back.
    #expect(object["b"] == .array([.number("1"), .object(JSONObject([("c", .null)]))]))
    #expect(object["a"]?.stringValue == "x")
    #expect(object["missing"] == nil)
    #expect(try JSONValue.parse("[]") == .array([]))
    #expect(try JSONValue.parse("{}") == .object(JSONObject()))
  }

  @Test func decodesEscapes() throws {
    let value = try JSONValue.parse(#""a\"b\\c\/d\b\f\n\r\t\u0000\u00e9\u20ac""#)
    #expect(value.stringValue == "a\"b\\c/d\u{08}\u{0C}\n\r\t\u{00}é€")
  }

  @Test func decodesSurrogatePairsAndRawUTF8() throws {
    #expect(try JSONValue.parse(#""\ud83d\ude00""#).stringValue == "😀")
    #expect(try JSONValue.parse("\"héllo 😀\"").stringValue == "héllo 😀")
  }

  @Test(arguments: [
    "", "nul", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "\"abc", "\"\\x\"", "\"\\ud800\"",
    "\"\\udc00\"", "01", "1.", "-", "1e", "[1] x", "\"a\u{01}b\"", "{1: 2}",
  ])
  func rejectsInvalidDocuments(_ text: String) {
    #expect(throws: JSONError.self) { try JSONValue.parse(text) }
  }

  @Test func reportsTheOffsetOfAnError() {
    #expect(throws: JSONError("expected ',' or ']'", at: 3)) { try JSONValue.parse("[1 2]") }
  }

  @Test func limitsNesting() throws {
    let deep = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
    #expect(throws: JSONError.self) { try JSONValue.parse(deep) }
    let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    #expect(try JSONValue.parse(fine).arrayValue?.count == 1)
  }
}
