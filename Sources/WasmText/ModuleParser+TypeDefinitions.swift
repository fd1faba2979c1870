// Type definitions: function types, and Wasm 3.0's recursion groups, subtypes,
// structs and arrays (GC).
// https://webassembly.github.io/spec/core/text/types.html#composite-types

extension FunctionType {
  /// `0x60 params results`.
  var encoding: [UInt8] {
    var bytes: [UInt8] = [0x60]
    bytes.appendU32(UInt32(truncatingIfNeeded: paramCount))
    bytes.append(contentsOf: params)
    bytes.appendU32(UInt32(truncatingIfNeeded: resultCount))
    bytes.append(contentsOf: results)
    return bytes
  }
}

extension ModuleParser {
  /// A `(type ...)` or `(rec ...)` field at the cursor: its type section entry.
  func parseTypeField() throws(TextError) {
    let open = stream.peek
    try stream.expectLeftParen()
    if stream.take("rec") {
      var group: [UInt8] = []
      var count: UInt32 = 0
      while stream.atList("type") {
        stream.advance()
        stream.advance()
        group.append(contentsOf: try parseSubtype(inGroup: true))
        try stream.expectRightParen()
        count += 1
      }
      try stream.expectRightParen()
      var entry: [UInt8] = [0x4E]
      entry.appendU32(count)
      typeEntries.append(entry + group)
      return
    }
    guard stream.take("type") else { throw stream.error("expected a type definition", at: open) }
    typeEntries.append(try parseSubtype(inGroup: false))
    try stream.expectRightParen()
  }

  /// After `(type`: `$id? (sub final? x* comptype)` or `$id? comptype`.
  private func parseSubtype(inGroup: Bool) throws(TextError) -> [UInt8] {
    _ = try stream.takeId()
    let position = UInt32(truncatingIfNeeded: functionTypes.count)
    guard stream.atList("sub") else {
      let (bytes, function) = try parseCompositeType(position: position)
      functionTypes.append(function)
      matchable.append(function != nil && !inGroup)
      return bytes
    }
    stream.advance()
    stream.advance()
    let final = stream.take("final")
    var supertypes: [UInt32] = []
    while atIndex { supertypes.append(try index(in: typeSpace)) }
    let (composite, function) = try parseCompositeType(position: position)
    try stream.expectRightParen()
    functionTypes.append(function)
    // `(sub final comptype)` is what a bare composite type abbreviates.
    let plain = final && supertypes.isEmpty
    matchable.append(plain && function != nil && !inGroup)
    if plain { return composite }
    var bytes: [UInt8] = [final ? 0x4F : 0x50]
    bytes.appendU32(UInt32(truncatingIfNeeded: supertypes.count))
    for supertype in supertypes { bytes.appendU32(supertype) }
    return bytes + composite
  }

  /// `(func ...)`, `(struct (field ...)*)` or `(array fieldtype)`.
  private func parseCompositeType(position: UInt32) throws(TextError) -> ([UInt8], FunctionType?) {
    let open = stream.peek
    try stream.expectLeftParen()
    let (keyword, _) = try stream.takeAtom("func, struct or array")
    switch keyword {
    case "func":
      let (params, names) = try parseParams(allowNames: true)
      let (results, resultCount) = try parseResults()
      try stream.expectRightParen()
      let type = FunctionType(
        paramCount: names.count, params: params, resultCount: resultCount, results: results)
      return (type.encoding, type)
    case "struct":
      var fields: [UInt8] = []
      var count: UInt32 = 0
      var names: [String: UInt32] = [:]
      while stream.atList("field") {
        stream.advance()
        stream.advance()
        if stream.atId {
          let token = stream.peek
          let name = try stream.takeId() ?? ""
          guard names[name] == nil else { throw stream.error("duplicate field \(name)", at: token) }
          names[name] = count
          fields.append(contentsOf: try parseFieldType())
          count += 1
        } else {
          while !stream.atRightParen {
            fields.append(contentsOf: try parseFieldType())
            count += 1
          }
        }
        try stream.expectRightParen()
      }
      try stream.expectRightParen()
      fieldNames[position] = names
      var bytes: [UInt8] = [0x5F]
      bytes.appendU32(count)
      return (bytes + fields, nil)
    case "array":
      let field = try parseFieldType()
      try stream.expectRightParen()
      return ([0x5E] + field, nil)
    default:
      throw stream.error("unknown type definition \"\(keyword)\"", at: open)
    }
  }

  /// `storagetype` or `(mut storagetype)`, with its mutability byte.
  private func parseFieldType() throws(TextError) -> [UInt8] {
    if stream.atList("mut") {
      stream.advance()
      stream.advance()
      let type = try parseStorageType()
      try stream.expectRightParen()
      return type + [0x01]
    }
    return try parseStorageType() + [0x00]
  }

  private func parseStorageType() throws(TextError) -> [UInt8] {
    if stream.take("i8") { return [0x78] }
    if stream.take("i16") { return [0x77] }
    return try parseValueType()
  }
}
