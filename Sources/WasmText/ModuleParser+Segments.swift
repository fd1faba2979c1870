// Element and data segments, with their active/passive/declarative forms and
// the legacy abbreviations (a bare table or memory index, a bare function list).
// https://webassembly.github.io/spec/core/text/modules.html#element-segments
// https://webassembly.github.io/spec/core/text/modules.html#data-segments

enum ElementItems {
  case functionIndices([UInt32])
  /// A reference type and constant expressions.
  case expressions([UInt8], [[UInt8]])
}

enum SegmentMode {
  case passive
  case declarative
  /// A table or memory index and an offset expression (with its `end`).
  case active(table: UInt32, offset: [UInt8])
}

extension ModuleParser {
  /// `(offset instr*)` or a single folded instruction, as an expression.
  private func parseOffset() throws(TextError) -> [UInt8] {
    if stream.atList("offset") {
      stream.advance()
      stream.advance()
      let expression = try parseConstantExpression()
      try stream.expectRightParen()
      return expression
    }
    var bytes: [UInt8] = []
    var context = FunctionContext()
    try parseFolded(into: &bytes, context: &context, depth: 0)
    bytes.append(0x0B)
    return bytes
  }

  /// Whether an offset (explicit or a folded instruction) starts at the cursor.
  private var atOffset: Bool {
    guard let keyword = stream.listKeyword else { return false }
    return keyword == "offset" || InstructionNames.table[keyword] != nil
  }

  func parseElementSegment() throws(TextError) {
    _ = try stream.takeId()
    var mode = SegmentMode.passive
    if stream.take("declare") {
      mode = .declarative
    } else {
      var table: UInt32 = 0
      var hasTable = false
      if stream.atList("table") {
        stream.advance()
        stream.advance()
        table = try index(in: tables)
        try stream.expectRightParen()
        hasTable = true
      } else if atIndex {
        table = try index(in: tables)
        hasTable = true
      }
      if atOffset {
        mode = .active(table: table, offset: try parseOffset())
      } else if hasTable {
        throw stream.error("expected an offset expression")
      }
    }
    var allowBare = false
    if case .active = mode { allowBare = true }
    let (items, _) = try parseElementList(type: nil, allowBareIndices: allowBare)
    writeElementSegment(mode: mode, items: items)
  }

  /// `func x*`, `reftype expr*`, or (legacy, active) `x*`.
  func parseElementList(type: [UInt8]?, allowBareIndices: Bool) throws(TextError) -> (
    ElementItems, UInt32
  ) {
    if stream.take("func") || (allowBareIndices && (atIndex || stream.atRightParen)) {
      var indices: [UInt32] = []
      while atIndex { indices.append(try index(in: functions)) }
      return (.functionIndices(indices), UInt32(truncatingIfNeeded: indices.count))
    }
    let elementType: [UInt8]
    if let type, !atReferenceType {
      elementType = type
    } else {
      elementType = try parseReferenceType()
    }
    if let type, type != elementType {
      throw stream.error("element type does not match the table's")
    }
    var expressions: [[UInt8]] = []
    while stream.peek.kind == .leftParen {
      if stream.atList("item") {
        stream.advance()
        stream.advance()
        expressions.append(try parseConstantExpression())
        try stream.expectRightParen()
      } else {
        var bytes: [UInt8] = []
        var context = FunctionContext()
        try parseFolded(into: &bytes, context: &context, depth: 0)
        bytes.append(0x0B)
        expressions.append(bytes)
      }
    }
    // A funcref list of ref.func only is written as indices, the most compact form.
    return (.expressions(elementType, expressions), UInt32(truncatingIfNeeded: expressions.count))
  }

  func writeElementSegment(mode: SegmentMode, items: ElementItems) {
    var entry: [UInt8] = []
    switch items {
    case .functionIndices(let indices):
      switch mode {
      case .active(let table, let offset) where table == 0:
        entry.append(0x00)
        entry.append(contentsOf: offset)
      case .active(let table, let offset):
        entry.append(0x02)
        entry.appendU32(table)
        entry.append(contentsOf: offset)
        entry.append(0x00)
      case .passive: entry.append(contentsOf: [0x01, 0x00])
      case .declarative: entry.append(contentsOf: [0x03, 0x00])
      }
      entry.appendU32(UInt32(truncatingIfNeeded: indices.count))
      for index in indices { entry.appendU32(index) }
    case .expressions(let type, let expressions):
      switch mode {
      case .active(let table, let offset):
        entry.append(0x06)
        entry.appendU32(table)
        entry.append(contentsOf: offset)
      case .passive: entry.append(0x05)
      case .declarative: entry.append(0x07)
      }
      entry.append(contentsOf: type)
      entry.appendU32(UInt32(truncatingIfNeeded: expressions.count))
      for expression in expressions { entry.append(contentsOf: expression) }
    }
    elementEntries.append(contentsOf: entry)
    elementCount += 1
  }

  func parseDataSegment() throws(TextError) {
    _ = try stream.takeId()
    var memory: UInt32 = 0
    var hasMemory = false
    if stream.atList("memory") {
      stream.advance()
      stream.advance()
      memory = try index(in: memories)
      try stream.expectRightParen()
      hasMemory = true
    } else if atIndex {
      memory = try index(in: memories)
      hasMemory = true
    }
    var offset: [UInt8]?
    if atOffset {
      offset = try parseOffset()
    } else if hasMemory {
      throw stream.error("expected an offset expression")
    }
    var bytes: [UInt8] = []
    while stream.atString { bytes.append(contentsOf: try stream.takeString()) }
    if let offset {
      writeDataSegment(memory: memory, offset: offset, bytes: bytes)
    } else {
      dataEntries.append(0x01)
      dataEntries.appendU32(UInt32(truncatingIfNeeded: bytes.count))
      dataEntries.append(contentsOf: bytes)
      dataCount += 1
    }
  }

  func writeDataSegment(memory: UInt32, offset: [UInt8], bytes: [UInt8]) {
    if memory == 0 {
      dataEntries.append(0x00)
    } else {
      dataEntries.append(0x02)
      dataEntries.appendU32(memory)
    }
    dataEntries.append(contentsOf: offset)
    dataEntries.appendU32(UInt32(truncatingIfNeeded: bytes.count))
    dataEntries.append(contentsOf: bytes)
    dataCount += 1
  }
}
