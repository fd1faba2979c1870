// Value types, type uses and block types.
// https://webassembly.github.io/spec/core/text/types.html
// https://webassembly.github.io/spec/core/text/modules.html#type-uses

extension ModuleParser {
  /// Abstract heap types and their encodings (reference types, typed function
  /// references, GC and exception handling).
  static let heapTypes: [String: UInt8] = [
    "func": 0x70, "extern": 0x6F, "any": 0x6E, "eq": 0x6D, "i31": 0x6C, "struct": 0x6B,
    "array": 0x6A, "exn": 0x69, "none": 0x71, "noextern": 0x72, "nofunc": 0x73, "noexn": 0x74,
  ]

  /// Shorthands `funcref`... for `(ref null func)`...
  static let referenceShorthands: [String: UInt8] = [
    "funcref": 0x70, "externref": 0x6F, "anyref": 0x6E, "eqref": 0x6D, "i31ref": 0x6C,
    "structref": 0x6B, "arrayref": 0x6A, "exnref": 0x69, "nullref": 0x71,
    "nullexternref": 0x72, "nullfuncref": 0x73, "nullexnref": 0x74,
  ]

  /// A value type's encoding.
  func parseValueType() throws(TextError) -> [UInt8] {
    if let keyword = stream.atom() {
      let encoding: UInt8
      switch keyword {
      case "i32": encoding = 0x7F
      case "i64": encoding = 0x7E
      case "f32": encoding = 0x7D
      case "f64": encoding = 0x7C
      case "v128": encoding = 0x7B
      default:
        guard let shorthand = ModuleParser.referenceShorthands[keyword] else {
          throw stream.error("unknown value type \"\(keyword)\"")
        }
        encoding = shorthand
      }
      stream.advance()
      return [encoding]
    }
    if stream.atList("ref") {
      stream.advance()
      stream.advance()
      let nullable = stream.take("null")
      let heap = try parseHeapType()
      try stream.expectRightParen()
      // Nullable abstract types are written as their one-byte shorthand.
      if nullable, heap.count == 1, heap[0] >= 0x69 { return heap }
      return [nullable ? 0x63 : 0x64] + heap
    }
    throw stream.error("expected a value type, found \(stream.describe(stream.peek))")
  }

  /// An abstract heap type, or a type index (a signed LEB128).
  func parseHeapType() throws(TextError) -> [UInt8] {
    if let keyword = stream.atom(), let encoding = ModuleParser.heapTypes[keyword] {
      stream.advance()
      return [encoding]
    }
    guard atIndex else {
      throw stream.error("expected a heap type, found \(stream.describe(stream.peek))")
    }
    var bytes: [UInt8] = []
    bytes.appendS64(Int64(try index(in: typeSpace)))
    return bytes
  }

  func parseReferenceType() throws(TextError) -> [UInt8] {
    let token = stream.peek
    let type = try parseValueType()
    guard type[0] == 0x63 || type[0] == 0x64 || (type[0] >= 0x69 && type[0] <= 0x74) else {
      throw stream.error("expected a reference type", at: token)
    }
    return type
  }

  /// Whether a reference type is next.
  var atReferenceType: Bool {
    if stream.atList("ref") { return true }
    guard let keyword = stream.atom() else { return false }
    return ModuleParser.referenceShorthands[keyword] != nil
  }

  /// `(param ...)*`: types, and a name per type (nil when anonymous).
  func parseParams(allowNames: Bool) throws(TextError) -> ([UInt8], [String?]) {
    var types: [UInt8] = []
    var typeList: [[UInt8]] = []
    var names: [String?] = []
    while stream.atList("param") {
      stream.advance()
      stream.advance()
      if stream.atId {
        let token = stream.peek
        guard allowNames else { throw stream.error("unexpected identifier in a type", at: token) }
        names.append(try stream.takeId())
        typeList.append(try parseValueType())
      } else {
        while !stream.atRightParen {
          typeList.append(try parseValueType())
          names.append(nil)
        }
      }
      try stream.expectRightParen()
    }
    for type in typeList { types.append(contentsOf: type) }
    return (types, names)
  }

  /// `(result ...)*`: the types' encodings and how many there are.
  func parseResults() throws(TextError) -> ([UInt8], Int) {
    var types: [UInt8] = []
    var count = 0
    while stream.atList("result") {
      stream.advance()
      stream.advance()
      while !stream.atRightParen {
        types.append(contentsOf: try parseValueType())
        count += 1
      }
      try stream.expectRightParen()
    }
    return (types, count)
  }

  /// The index of a function type, adding it at the end when no type matches.
  func typeIndex(of type: FunctionType) -> UInt32 {
    for (index, candidate) in functionTypes.enumerated() where matchable[index] && candidate == type
    {
      return UInt32(truncatingIfNeeded: index)
    }
    functionTypes.append(type)
    matchable.append(true)
    typeEntries.append(type.encoding)
    return UInt32(truncatingIfNeeded: functionTypes.count - 1)
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
    let (results, resultCount) = try parseResults()
    let inline = FunctionType(
      paramCount: names.count, params: params, resultCount: resultCount, results: results)
    guard let explicit else { return (typeIndex(of: inline), names) }
    guard Int(explicit) < functionTypes.count, let used = functionTypes[Int(explicit)] else {
      // Without an inline type, an unknown type is for validation to report; with
      // one, the text cannot be read.
      if hasInline { throw stream.error("unknown type \(explicit)", at: start) }
      return (explicit, names)
    }
    if hasInline {
      guard used == inline else {
        throw stream.error("inline function type does not match the type it uses", at: start)
      }
      return (explicit, names)
    }
    return (explicit, Array(repeating: nil, count: used.paramCount))
  }

  /// A block type: empty, one result, or a type use (as a signed type index).
  func parseBlockType() throws(TextError) -> [UInt8] {
    if !stream.atList("type") {
      let start = stream.index
      let (params, _) = try parseParams(allowNames: false)
      let (results, resultCount) = try parseResults()
      if params.isEmpty, resultCount <= 1 {
        return resultCount == 0 ? [0x40] : results
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

  /// `i64? min max?` as limits bytes (`i64`: memory64 and table64).
  func parseLimits() throws(TextError) -> [UInt8] {
    let is64 = stream.take("i64")
    // 32-bit limits beyond 2^32 are still read: the decoder (2.0, malformed) or
    // the validator (3.0, invalid) refuses them.
    let bound = UInt64.max
    let minimum = try parseBound(bound)
    var bytes: [UInt8] = []
    if atIndex, !stream.atId {
      let maximum = try parseBound(bound)
      bytes.append(is64 ? 0x05 : 0x01)
      bytes.appendU64(minimum)
      bytes.appendU64(maximum)
    } else {
      bytes.append(is64 ? 0x04 : 0x00)
      bytes.appendU64(minimum)
    }
    if stream.take("shared") { bytes[0] |= 0x02 }
    return bytes
  }

  private func parseBound(_ bound: UInt64) throws(TextError) -> UInt64 {
    let (text, token) = try stream.takeAtom("a limit")
    guard let value = NumberLiterals.unsigned(text, max: bound) else {
      throw stream.error("expected a limit, found \"\(text)\"", at: token)
    }
    return value
  }

  /// `t` or `(mut t)`.
  func parseGlobalType() throws(TextError) -> [UInt8] {
    if stream.atList("mut") {
      stream.advance()
      stream.advance()
      let type = try parseValueType()
      try stream.expectRightParen()
      return type + [0x01]
    }
    return try parseValueType() + [0x00]
  }
}
