// Value types, type uses and block types.
// https://webassembly.github.io/spec/core/text/types.html
// https://webassembly.github.io/spec/core/text/modules.html#type-uses

extension ModuleParser {
  /// A value type's encoding, if one is at the cursor.
  func parseValueType() throws(TextError) -> UInt8 {
    if let keyword = stream.atom() {
      let encoding: UInt8
      switch keyword {
      case "i32": encoding = 0x7F
      case "i64": encoding = 0x7E
      case "f32": encoding = 0x7D
      case "f64": encoding = 0x7C
      case "v128": encoding = 0x7B
      case "funcref": encoding = 0x70
      case "externref": encoding = 0x6F
      default: throw stream.error("unknown value type \"\(keyword)\"")
      }
      stream.advance()
      return encoding
    }
    if stream.atList("ref") {
      let open = stream.peek
      stream.advance()
      stream.advance()
      guard stream.take("null") else {
        throw stream.error("unsupported reference type (non-nullable references)", at: open)
      }
      let heap = try parseHeapType()
      try stream.expectRightParen()
      return heap
    }
    throw stream.error("expected a value type, found \(stream.describe(stream.peek))")
  }

  /// `func` or `extern`, as the matching reference type's encoding.
  func parseHeapType() throws(TextError) -> UInt8 {
    let (keyword, token) = try stream.takeAtom("a heap type")
    switch keyword {
    case "func": return 0x70
    case "extern": return 0x6F
    default: throw stream.error("unsupported heap type \"\(keyword)\"", at: token)
    }
  }

  func parseReferenceType() throws(TextError) -> UInt8 {
    let token = stream.peek
    let type = try parseValueType()
    guard type == 0x70 || type == 0x6F else {
      throw stream.error("expected a reference type", at: token)
    }
    return type
  }

  /// `(param ...)*`: types, and a name per type (nil when anonymous).
  func parseParams(allowNames: Bool) throws(TextError) -> ([UInt8], [String?]) {
    var types: [UInt8] = []
    var names: [String?] = []
    while stream.atList("param") {
      stream.advance()
      stream.advance()
      if stream.atId {
        let token = stream.peek
        guard allowNames else { throw stream.error("unexpected identifier in a type", at: token) }
        names.append(try stream.takeId())
        types.append(try parseValueType())
      } else {
        while !stream.atRightParen {
          types.append(try parseValueType())
          names.append(nil)
        }
      }
      try stream.expectRightParen()
    }
    return (types, names)
  }

  func parseResults() throws(TextError) -> [UInt8] {
    var types: [UInt8] = []
    while stream.atList("result") {
      stream.advance()
      stream.advance()
      while !stream.atRightParen {
        types.append(try parseValueType())
      }
      try stream.expectRightParen()
    }
    return types
  }

  /// The index of a function type, adding it at the end when no type matches.
  func typeIndex(of type: FunctionType) -> UInt32 {
    if let index = types.firstIndex(of: type) { return UInt32(truncatingIfNeeded: index) }
    types.append(type)
    return UInt32(truncatingIfNeeded: types.count - 1)
  }

  /// `(type x)? (param ...)* (result ...)*`: the type index and the parameter names.
  func parseTypeUse(allowNames: Bool = true) throws(TextError) -> (UInt32, [String?]) {
    var explicit: UInt32?
    let start = stream.peek
    if stream.atList("type") {
      stream.advance()
      stream.advance()
      explicit = try index(in: typeSpace)
      try stream.expectRightParen()
    }
    let hasInline = stream.atList("param") || stream.atList("result")
    let (params, names) = try parseParams(allowNames: allowNames)
    let results = try parseResults()
    let inline = FunctionType(params: params, results: results)
    guard let explicit else { return (typeIndex(of: inline), names) }
    guard Int(explicit) < types.count else {
      // Without an inline type, an unknown type is for validation to report; with
      // one, the text cannot be read.
      if hasInline { throw stream.error("unknown type \(explicit)", at: start) }
      return (explicit, names)
    }
    if hasInline {
      guard types[Int(explicit)] == inline else {
        throw stream.error("inline function type does not match the type it uses", at: start)
      }
      return (explicit, names)
    }
    return (explicit, Array(repeating: nil, count: types[Int(explicit)].params.count))
  }

  /// A block type: empty, one result, or a type use (as a signed type index).
  func parseBlockType() throws(TextError) -> [UInt8] {
    if !stream.atList("type") {
      let start = stream.index
      let (params, _) = try parseParams(allowNames: false)
      let results = try parseResults()
      if params.isEmpty, results.count <= 1 {
        return results.isEmpty ? [0x40] : results
      }
      stream.index = start
    }
    let (index, names) = try parseTypeUse(allowNames: false)
    _ = names
    var bytes: [UInt8] = []
    bytes.appendS64(Int64(index))
    return bytes
  }

  /// An index: a number, or an identifier of `space`.
  func index(in space: IndexSpace) throws(TextError) -> UInt32 {
    let token = stream.peek
    if stream.atId {
      let name = try stream.takeId() ?? ""
      guard let index = space.names[name] else {
        throw stream.error("unknown \(space.kind) \(name)", at: token)
      }
      return index
    }
    let (text, _) = try stream.takeAtom("a \(space.kind) index")
    guard let value = NumberLiterals.unsigned(text, max: UInt64(UInt32.max)) else {
      throw stream.error("expected a \(space.kind) index, found \"\(text)\"", at: token)
    }
    return UInt32(truncatingIfNeeded: value)
  }

  /// Whether an index (a `$name` or an unsigned number) is at the cursor.
  var atIndex: Bool { isIndex(stream.atom()) }

  func isIndex(_ text: String?) -> Bool {
    guard let text, let first = text.utf8.first else { return false }
    return first == UInt8(ascii: "$") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
  }

  /// `u32` (limits, lanes, alignment).
  func parseU32(_ what: String) throws(TextError) -> UInt32 {
    let (text, token) = try stream.takeAtom(what)
    guard let value = NumberLiterals.unsigned(text, max: UInt64(UInt32.max)) else {
      throw stream.error("expected \(what), found \"\(text)\"", at: token)
    }
    return UInt32(truncatingIfNeeded: value)
  }

  /// `min max?` as limits bytes.
  func parseLimits() throws(TextError) -> [UInt8] {
    if stream.atom() == "i64" {
      throw stream.error("unsupported: 64-bit memories and tables (memory64)")
    }
    let minimum = try parseU32("a limit")
    var bytes: [UInt8] = []
    if atIndex, !stream.atId {
      let maximum = try parseU32("a limit")
      bytes.append(0x01)
      bytes.appendU32(minimum)
      bytes.appendU32(maximum)
    } else {
      bytes.append(0x00)
      bytes.appendU32(minimum)
    }
    if stream.atom() == "shared" { throw stream.error("unsupported: shared memories (threads)") }
    return bytes
  }

  /// `t` or `(mut t)`.
  func parseGlobalType() throws(TextError) -> [UInt8] {
    if stream.atList("mut") {
      stream.advance()
      stream.advance()
      let type = try parseValueType()
      try stream.expectRightParen()
      return [type, 0x01]
    }
    return [try parseValueType(), 0x00]
  }
}
