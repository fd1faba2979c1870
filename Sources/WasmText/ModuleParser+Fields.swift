// Module fields, pass 2: each field's entries in its section, with the text
// format's abbreviations (inline exports, imports and segments) expanded.
// https://webassembly.github.io/spec/core/text/modules.html

extension ModuleParser {
  func parseField() throws(TextError) {
    let open = stream.peek
    try stream.expectLeftParen()
    let (keyword, _) = try stream.takeAtom("a module field")
    switch keyword {
    case "type", "rec": try stream.skipUntilClose(from: open)
    case "func": try parseFunction()
    case "table": try parseTable()
    case "memory": try parseMemory()
    case "global": try parseGlobal()
    case "tag": try parseTag()
    case "import": try parseImport()
    case "export": try parseExport()
    case "start":
      guard start == nil else { throw stream.error("multiple start sections", at: open) }
      start = try index(in: functions)
    case "elem": try parseElementSegment()
    case "data": try parseDataSegment()
    default: throw stream.error("unknown module field \"\(keyword)\"", at: open)
    }
    try stream.expectRightParen()
  }

  /// `(export "name")*` and `(import "module" "name")?` after a definition's id.
  private func parseInlineExports(kind: UInt8, index: UInt32) throws(TextError) -> (
    String, String
  )? {
    var importNames: (String, String)?
    while true {
      if stream.atList("export") {
        stream.advance()
        stream.advance()
        addExport(try stream.takeName(), kind: kind, index: index)
        try stream.expectRightParen()
      } else if importNames == nil, stream.atList("import") {
        stream.advance()
        stream.advance()
        importNames = (try stream.takeName(), try stream.takeName())
        try stream.expectRightParen()
      } else {
        return importNames
      }
    }
  }

  private func addExport(_ name: String, kind: UInt8, index: UInt32) {
    exportEntries.appendName(Array(name.utf8))
    exportEntries.append(kind)
    exportEntries.appendU32(index)
    exportCount += 1
  }

  private func addImport(_ names: (String, String), descriptor: [UInt8]) {
    imports.appendName(Array(names.0.utf8))
    imports.appendName(Array(names.1.utf8))
    imports.append(contentsOf: descriptor)
    importCount += 1
  }

  private func parseFunction() throws(TextError) {
    _ = try stream.takeId()
    let index = definedFunctions
    definedFunctions += 1
    let importNames = try parseInlineExports(kind: 0x00, index: index)
    let (typeIndex, paramNames) = try parseTypeUse()
    if let importNames {
      var descriptor: [UInt8] = [0x00]
      descriptor.appendU32(typeIndex)
      addImport(importNames, descriptor: descriptor)
      return
    }
    functionTypeIndices.append(typeIndex)
    var context = FunctionContext()
    for (position, name) in paramNames.enumerated() {
      if let name {
        guard context.localNames[name] == nil else { throw stream.error("duplicate local \(name)") }
        context.localNames[name] = UInt32(truncatingIfNeeded: position)
      }
    }
    var localCount = UInt32(truncatingIfNeeded: paramNames.count)
    var groups: [(UInt32, [UInt8])] = []
    while stream.atList("local") {
      stream.advance()
      stream.advance()
      var declared: [[UInt8]] = []
      if stream.atId {
        let token = stream.peek
        let name = try stream.takeId() ?? ""
        guard context.localNames[name] == nil else {
          throw stream.error("duplicate local \(name)", at: token)
        }
        context.localNames[name] = localCount
        declared.append(try parseValueType())
      } else {
        while !stream.atRightParen { declared.append(try parseValueType()) }
      }
      try stream.expectRightParen()
      for type in declared {
        localCount &+= 1
        if let last = groups.last, last.1 == type {
          groups[groups.count - 1].0 += 1
        } else {
          groups.append((1, type))
        }
      }
    }
    var body: [UInt8] = []
    body.appendU32(UInt32(truncatingIfNeeded: groups.count))
    for (count, type) in groups {
      body.appendU32(count)
      body.append(contentsOf: type)
    }
    try parseInstructions(into: &body, context: &context, depth: 0)
    body.append(0x0B)
    codeEntries.append(body)
  }

  private func parseTable() throws(TextError) {
    _ = try stream.takeId()
    let index = definedTables
    definedTables += 1
    let importNames = try parseInlineExports(kind: 0x01, index: index)
    // `reftype (elem ...)`: a table sized to an inline element segment.
    let is64 = stream.atom() == "i64" && !isIndex(stream.atom(at: 1))
    if is64 { stream.advance() }
    if !atIndex, stream.atom() != "i64" {
      let type = try parseReferenceType()
      guard stream.atList("elem") else { throw stream.error("expected (elem ...) or table limits") }
      stream.advance()
      stream.advance()
      var (items, count) = try parseElementList(type: type, allowBareIndices: true)
      try stream.expectRightParen()
      if case .functionIndices(let indices) = items, type != [0x70] {
        // The segment has the table's type (`(ref null $t)`, ...): its items are
        // written as `ref.func` expressions, since index lists always mean funcref.
        items = .expressions(
          type,
          indices.map { index in
            var expression: [UInt8] = [0xD2]
            expression.appendU32(index)
            return expression + [0x0B]
          })
        count = UInt32(truncatingIfNeeded: indices.count)
      }
      var entry: [UInt8] = type + [is64 ? 0x05 : 0x01]
      entry.appendU32(count)
      entry.appendU32(count)
      tableEntries.append(contentsOf: entry)
      tableCount += 1
      writeElementSegment(
        mode: .active(table: index, offset: [is64 ? 0x42 : 0x41, 0x00, 0x0B]), items: items)
      return
    }
    let limits = try parseLimits()
    let type = try parseReferenceType()
    if let importNames {
      addImport(importNames, descriptor: [0x01] + type + limits)
      return
    }
    if stream.peek.kind == .leftParen {
      // An initialiser expression (typed function references).
      tableEntries.append(contentsOf: [0x40, 0x00])
      tableEntries.append(contentsOf: type + limits)
      tableEntries.append(contentsOf: try parseConstantExpression())
    } else {
      tableEntries.append(contentsOf: type + limits)
    }
    tableCount += 1
  }

  private func parseMemory() throws(TextError) {
    _ = try stream.takeId()
    let index = definedMemories
    definedMemories += 1
    let importNames = try parseInlineExports(kind: 0x02, index: index)
    if stream.atom() == "i64", stream.token(at: 1).kind == .leftParen {
      stream.advance()
      try parseInlineData(memory: index, is64: true)
      return
    }
    if stream.atList("data") {
      try parseInlineData(memory: index, is64: false)
      return
    }
    let limits = try parseLimits()
    if let importNames {
      addImport(importNames, descriptor: [0x02] + limits)
      return
    }
    memoryEntries.append(contentsOf: limits)
    memoryCount += 1
  }

  /// `(data "..."*)` in a memory: a memory just large enough, and its segment.
  private func parseInlineData(memory index: UInt32, is64: Bool) throws(TextError) {
    stream.advance()
    stream.advance()
    var bytes: [UInt8] = []
    while stream.atString { bytes.append(contentsOf: try stream.takeString()) }
    try stream.expectRightParen()
    let pages = UInt32(truncatingIfNeeded: (bytes.count + 0xFFFF) / 0x10000)
    memoryEntries.append(is64 ? 0x05 : 0x01)
    memoryEntries.appendU32(pages)
    memoryEntries.appendU32(pages)
    memoryCount += 1
    let offset: [UInt8] = [is64 ? 0x42 : 0x41, 0x00, 0x0B]
    writeDataSegment(memory: index, offset: offset, bytes: bytes)
  }

  /// `(tag $id? (export ...)* (import ...)? typeuse)` (exception handling).
  private func parseTag() throws(TextError) {
    _ = try stream.takeId()
    let index = definedTags
    definedTags += 1
    let importNames = try parseInlineExports(kind: 0x04, index: index)
    let (typeIndex, _) = try parseTypeUse()
    var descriptor: [UInt8] = [0x00]
    descriptor.appendU32(typeIndex)
    if let importNames {
      addImport(importNames, descriptor: [0x04] + descriptor)
      return
    }
    tagEntries.append(contentsOf: descriptor)
    tagCount += 1
  }

  private func parseGlobal() throws(TextError) {
    _ = try stream.takeId()
    let index = definedGlobals
    definedGlobals += 1
    let importNames = try parseInlineExports(kind: 0x03, index: index)
    let type = try parseGlobalType()
    if let importNames {
      addImport(importNames, descriptor: [0x03] + type)
      return
    }
    globalEntries.append(contentsOf: type)
    globalEntries.append(contentsOf: try parseConstantExpression())
    globalCount += 1
  }

  /// Instructions up to the closing `)`, then `end`.
  func parseConstantExpression() throws(TextError) -> [UInt8] {
    var bytes: [UInt8] = []
    var context = FunctionContext()
    try parseInstructions(into: &bytes, context: &context, depth: 0)
    bytes.append(0x0B)
    return bytes
  }

  private func parseImport() throws(TextError) {
    let names = (try stream.takeName(), try stream.takeName())
    let open = stream.peek
    try stream.expectLeftParen()
    let (kind, _) = try stream.takeAtom("an import kind")
    _ = try stream.takeId()
    switch kind {
    case "func":
      definedFunctions += 1
      let (typeIndex, _) = try parseTypeUse()
      var descriptor: [UInt8] = [0x00]
      descriptor.appendU32(typeIndex)
      addImport(names, descriptor: descriptor)
    case "table":
      definedTables += 1
      let limits = try parseLimits()
      addImport(names, descriptor: [0x01] + (try parseReferenceType()) + limits)
    case "memory":
      definedMemories += 1
      addImport(names, descriptor: [0x02] + (try parseLimits()))
    case "global":
      definedGlobals += 1
      addImport(names, descriptor: [0x03] + (try parseGlobalType()))
    case "tag":
      definedTags += 1
      let (typeIndex, _) = try parseTypeUse()
      var descriptor: [UInt8] = [0x04, 0x00]
      descriptor.appendU32(typeIndex)
      addImport(names, descriptor: descriptor)
    default:
      throw stream.error("unknown import kind \"\(kind)\"", at: open)
    }
    try stream.expectRightParen()
  }

  private func parseExport() throws(TextError) {
    let name = try stream.takeName()
    let open = stream.peek
    try stream.expectLeftParen()
    let (kind, _) = try stream.takeAtom("an export kind")
    switch kind {
    case "func": addExport(name, kind: 0x00, index: try index(in: functions))
    case "table": addExport(name, kind: 0x01, index: try index(in: tables))
    case "memory": addExport(name, kind: 0x02, index: try index(in: memories))
    case "global": addExport(name, kind: 0x03, index: try index(in: globals))
    case "tag": addExport(name, kind: 0x04, index: try index(in: tags))
    default: throw stream.error("unknown export kind \"\(kind)\"", at: open)
    }
    try stream.expectRightParen()
  }
}

extension TokenStream {
  /// Moves to the `)` that closes the list opened at `open` (not consumed).
  func skipUntilClose(from open: Token) throws(TextError) {
    while peek.kind != .rightParen {
      guard peek.kind != .endOfInput else { throw error("unclosed \"(\"", at: open) }
      try skipItem()
    }
  }
}
