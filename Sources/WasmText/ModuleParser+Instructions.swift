// Instructions, plain and folded, with their immediates.
// https://webassembly.github.io/spec/core/text/instructions.html
//
// Nesting (blocks, folded operands) recurses, bounded by `maximumDepth`: deeper
// input gets an error rather than a native stack overflow.

/// What names mean inside one function body.
struct FunctionContext {
  var localNames: [String: UInt32] = [:]
  /// Enclosing labels, innermost last.
  var labels: [String?] = []
}

extension ModuleParser {
  private func checkDepth(_ depth: Int) throws(TextError) {
    guard depth <= ModuleParser.maximumDepth else {
      throw stream.error("instructions nested deeper than \(ModuleParser.maximumDepth) levels")
    }
  }

  /// Instructions until `)`, `end`, `else` or the end of input (none consumed).
  func parseInstructions(into out: inout [UInt8], context: inout FunctionContext, depth: Int)
    throws(TextError)
  {
    while true {
      switch stream.peek.kind {
      case .leftParen:
        try parseFolded(into: &out, context: &context, depth: depth + 1)
      case .atom:
        let keyword = stream.text(stream.peek)
        if keyword == "end" || keyword == "else" { return }
        try parsePlain(into: &out, context: &context, depth: depth)
      case .string:
        throw stream.error("unexpected string \(stream.describe(stream.peek))")
      case .rightParen, .endOfInput:
        return
      }
    }
  }

  /// `end $label?` / `else $label?`: the label, when repeated, must match.
  private func takeClosingLabel(_ label: String?) throws(TextError) {
    let token = stream.peek
    if let closing = try stream.takeId(), closing != label {
      throw stream.error("mismatching label \(closing)", at: token)
    }
  }

  /// One plain instruction; a block reads its body up to `end`.
  func parsePlain(into out: inout [UInt8], context: inout FunctionContext, depth: Int)
    throws(TextError)
  {
    let token = stream.peek
    let keyword = stream.text(token)
    guard let syntax = InstructionNames.table[keyword] else {
      throw stream.error("unknown operator \"\(keyword)\"", at: token)
    }
    stream.advance()
    if case .block(let opcode) = syntax {
      try checkDepth(depth + 1)
      let label = try stream.takeId()
      out.append(contentsOf: opcode)
      out.append(contentsOf: try parseBlockType())
      if opcode == [0x1F] { out.append(contentsOf: try parseCatchClauses(context)) }
      context.labels.append(label)
      try parseInstructions(into: &out, context: &context, depth: depth + 1)
      if opcode == [0x04], stream.take("else") {
        try takeClosingLabel(label)
        out.append(0x05)
        try parseInstructions(into: &out, context: &context, depth: depth + 1)
      }
      guard stream.take("end") else {
        throw stream.error(
          "expected \"end\" closing the \(keyword) at \(token.line):\(token.column)")
      }
      try takeClosingLabel(label)
      context.labels.removeLast()
      out.append(0x0B)
      return
    }
    try parseImmediates(syntax, into: &out, context: &context)
  }

  /// `(instr ...)`: a folded instruction, its operands written before it.
  func parseFolded(into out: inout [UInt8], context: inout FunctionContext, depth: Int)
    throws(TextError)
  {
    try checkDepth(depth)
    let open = stream.peek
    try stream.expectLeftParen()
    let token = stream.peek
    guard token.kind == .atom else { throw stream.error("expected an instruction", at: token) }
    let keyword = stream.text(token)
    guard let syntax = InstructionNames.table[keyword] else {
      throw stream.error("unknown operator \"\(keyword)\"", at: token)
    }
    stream.advance()
    if case .block(let opcode) = syntax {
      let label = try stream.takeId()
      let blockType = try parseBlockType()
      if opcode == [0x04] {
        // Conditions first, then `(then ...)` and `(else ...)?`.
        while stream.peek.kind == .leftParen, !stream.atList("then") {
          try parseFolded(into: &out, context: &context, depth: depth + 1)
        }
        out.append(contentsOf: opcode)
        out.append(contentsOf: blockType)
        context.labels.append(label)
        try stream.expectList("then")
        try parseInstructions(into: &out, context: &context, depth: depth + 1)
        try stream.expectRightParen()
        if stream.atList("else") {
          stream.advance()
          stream.advance()
          out.append(0x05)
          try parseInstructions(into: &out, context: &context, depth: depth + 1)
          try stream.expectRightParen()
        }
      } else {
        out.append(contentsOf: opcode)
        out.append(contentsOf: blockType)
        if opcode == [0x1F] { out.append(contentsOf: try parseCatchClauses(context)) }
        context.labels.append(label)
        try parseInstructions(into: &out, context: &context, depth: depth + 1)
      }
      guard stream.atRightParen else {
        throw stream.error(
          "unexpected token \(stream.describe(stream.peek)) in the \(keyword) opened at \(open.line):\(open.column)"
        )
      }
      stream.advance()
      context.labels.removeLast()
      out.append(0x0B)
      return
    }
    var instruction: [UInt8] = []
    try parseImmediates(syntax, into: &instruction, context: &context)
    while stream.peek.kind == .leftParen {
      try parseFolded(into: &out, context: &context, depth: depth + 1)
    }
    out.append(contentsOf: instruction)
    try stream.expectRightParen()
  }

  /// `(catch tag label)`, `(catch_ref tag label)`, `(catch_all label)`,
  /// `(catch_all_ref label)` of a try_table; labels are those outside it.
  private func parseCatchClauses(_ context: FunctionContext) throws(TextError) -> [UInt8] {
    var clauses: [UInt8] = []
    var count: UInt32 = 0
    while let keyword = stream.listKeyword,
      let kind = ["catch": UInt8(0), "catch_ref": 1, "catch_all": 2, "catch_all_ref": 3][keyword]
    {
      stream.advance()
      stream.advance()
      clauses.append(kind)
      if kind < 2 { clauses.appendU32(try index(in: tags)) }
      clauses.appendU32(try label(context))
      try stream.expectRightParen()
      count += 1
    }
    var bytes: [UInt8] = []
    bytes.appendU32(count)
    return bytes + clauses
  }

  private func label(_ context: FunctionContext) throws(TextError) -> UInt32 {
    let token = stream.peek
    if stream.atId {
      let name = try stream.takeId()
      guard let position = context.labels.lastIndex(where: { $0 == name }) else {
        throw stream.error("unknown label \(name ?? "")", at: token)
      }
      return UInt32(truncatingIfNeeded: context.labels.count - 1 - position)
    }
    return try parseU32("a label")
  }

  private func local(_ context: FunctionContext) throws(TextError) -> UInt32 {
    let token = stream.peek
    if stream.atId {
      let name = try stream.takeId() ?? ""
      guard let index = context.localNames[name] else {
        throw stream.error("unknown local \(name)", at: token)
      }
      return index
    }
    return try parseU32("a local index")
  }

  /// `memory? offset=N? align=N?`; `memoryIndex: false` when no index may come first.
  private func parseMemoryArgument(
    naturalAlignment: UInt32, into out: inout [UInt8], memoryIndex: Bool = true
  ) throws(TextError) {
    var memory: UInt32 = 0
    if memoryIndex, atIndex { memory = try index(in: memories) }
    var offset: UInt64 = 0
    var alignment = naturalAlignment
    if let text = stream.atom(), text.hasPrefix("offset=") {
      let token = stream.peek
      stream.advance()
      guard let value = NumberLiterals.unsigned(String(text.dropFirst(7)), max: UInt64.max)
      else { throw stream.error("malformed memory offset \"\(text)\"", at: token) }
      offset = value
    }
    if let text = stream.atom(), text.hasPrefix("align=") {
      let token = stream.peek
      stream.advance()
      guard let value = NumberLiterals.unsigned(String(text.dropFirst(6)), max: UInt64.max),
        value != 0, value & (value - 1) == 0
      else { throw stream.error("alignment must be a power of two: \"\(text)\"", at: token) }
      alignment = UInt32(truncatingIfNeeded: value.trailingZeroBitCount)
    }
    if memory != 0 {
      out.appendU32(alignment | 0x40)
      out.appendU32(memory)
    } else {
      out.appendU32(alignment)
    }
    out.appendU64(offset)
  }

  private func parseImmediates(
    _ syntax: InstructionSyntax, into out: inout [UInt8], context: inout FunctionContext
  ) throws(TextError) {
    switch syntax {
    case .plain(let opcode):
      out.append(contentsOf: opcode)
    case .block:
      // Handled by the callers.
      break
    case .label(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(try label(context))
    case .brTable(let opcode):
      var labels: [UInt32] = []
      while atIndex { labels.append(try label(context)) }
      guard let last = labels.popLast() else { throw stream.error("br_table needs a label") }
      out.append(contentsOf: opcode)
      out.appendU32(UInt32(truncatingIfNeeded: labels.count))
      for label in labels { out.appendU32(label) }
      out.appendU32(last)
    case .function(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(try index(in: functions))
    case .type(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(try index(in: typeSpace))
    case .tag(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(try index(in: tags))
    case .callIndirect(let opcode):
      var table: UInt32 = 0
      if atIndex { table = try index(in: tables) }
      let (typeIndex, _) = try parseTypeUse(allowNames: false)
      out.append(contentsOf: opcode)
      out.appendU32(typeIndex)
      out.appendU32(table)
    case .select:
      var types: [UInt8] = []
      var count = 0
      var explicit = false
      while stream.atList("result") {
        explicit = true
        let (more, moreCount) = try parseResults()
        types.append(contentsOf: more)
        count += moreCount
      }
      if explicit {
        out.append(0x1C)
        out.appendU32(UInt32(truncatingIfNeeded: count))
        out.append(contentsOf: types)
      } else {
        out.append(0x1B)
      }
    case .local(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(try local(context))
    case .global(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(try index(in: globals))
    case .table(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(atIndex ? try index(in: tables) : 0)
    case .tableCopy(let opcode):
      var destination: UInt32 = 0
      var source: UInt32 = 0
      if atIndex {
        destination = try index(in: tables)
        source = try index(in: tables)
      }
      out.append(contentsOf: opcode)
      out.appendU32(destination)
      out.appendU32(source)
    case .tableInit(let opcode):
      var table: UInt32 = 0
      if atIndex, isIndex(stream.atom(at: 1)) { table = try index(in: tables) }
      let element = try index(in: elements)
      out.append(contentsOf: opcode)
      out.appendU32(element)
      out.appendU32(table)
    case .element(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(try index(in: elements))
    case .memoryAccess(let opcode, let alignment):
      out.append(contentsOf: opcode)
      try parseMemoryArgument(naturalAlignment: alignment, into: &out)
    case .memory(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(atIndex ? try index(in: memories) : 0)
    case .memoryCopy(let opcode):
      var destination: UInt32 = 0
      var source: UInt32 = 0
      if atIndex {
        destination = try index(in: memories)
        source = try index(in: memories)
      }
      out.append(contentsOf: opcode)
      out.appendU32(destination)
      out.appendU32(source)
    case .memoryInit(let opcode):
      usesDataIndices = true
      var memory: UInt32 = 0
      if atIndex, isIndex(stream.atom(at: 1)) { memory = try index(in: memories) }
      let data = try index(in: datas)
      out.append(contentsOf: opcode)
      out.appendU32(data)
      out.appendU32(memory)
    case .data(let opcode):
      usesDataIndices = true
      out.append(contentsOf: opcode)
      out.appendU32(try index(in: datas))
    case .i32Const(let opcode):
      out.append(contentsOf: opcode)
      out.appendS64(Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: try integer(width: 32)))))
    case .i64Const(let opcode):
      out.append(contentsOf: opcode)
      out.appendS64(Int64(bitPattern: try integer(width: 64)))
    case .f32Const(let opcode):
      out.append(contentsOf: opcode)
      out.appendLittleEndian(UInt64(try float32()), bytes: 4)
    case .f64Const(let opcode):
      out.append(contentsOf: opcode)
      out.appendLittleEndian(try float64(), bytes: 8)
    case .v128Const(let opcode):
      out.append(contentsOf: opcode)
      let vector = try parseV128Lanes()
      out.appendLittleEndian(vector.low, bytes: 8)
      out.appendLittleEndian(vector.high, bytes: 8)
    case .refNull(let opcode):
      out.append(contentsOf: opcode)
      out.append(contentsOf: try parseHeapType())
    case .lane(let opcode, _):
      out.append(contentsOf: opcode)
      out.append(try laneIndex())
    case .memoryLane(let opcode, let alignment, _):
      out.append(contentsOf: opcode)
      // `memory? memarg lane`: an index followed by a memarg or another number
      // is the memory.
      let next = stream.atom(at: 1) ?? ""
      let memoryFirst =
        stream.atId
        || (atIndex
          && (next.first?.isNumber == true || next.hasPrefix("offset=") || next.hasPrefix("align=")))
      try parseMemoryArgument(naturalAlignment: alignment, into: &out, memoryIndex: memoryFirst)
      out.append(try laneIndex())
    case .shuffle(let opcode):
      out.append(contentsOf: opcode)
      for _ in 0..<16 { out.append(try laneIndex()) }
    case .gcType(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(try index(in: typeSpace))
    case .gcField(let opcode):
      out.append(contentsOf: opcode)
      let type = try index(in: typeSpace)
      out.appendU32(type)
      out.appendU32(try fieldIndex(of: type))
    case .gcFixed(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(try index(in: typeSpace))
      out.appendU32(try parseU32("an element count"))
    case .gcData(let opcode):
      usesDataIndices = true
      out.append(contentsOf: opcode)
      out.appendU32(try index(in: typeSpace))
      out.appendU32(try index(in: datas))
    case .gcElement(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(try index(in: typeSpace))
      out.appendU32(try index(in: elements))
    case .gcCopy(let opcode):
      out.append(contentsOf: opcode)
      out.appendU32(try index(in: typeSpace))
      out.appendU32(try index(in: typeSpace))
    case .gcReferenceType(let sub):
      let (nullable, heap) = splitReference(try parseReferenceType())
      out.append(contentsOf: InstructionNames.prefixed(0xFB, nullable ? sub + 1 : sub))
      out.append(contentsOf: heap)
    case .gcBranchOnCast(let opcode):
      let target = try label(context)
      let (nullable1, heap1) = splitReference(try parseReferenceType())
      let (nullable2, heap2) = splitReference(try parseReferenceType())
      out.append(contentsOf: opcode)
      out.append((nullable1 ? 1 : 0) | (nullable2 ? 2 : 0))
      out.appendU32(target)
      out.append(contentsOf: heap1 + heap2)
    }
  }

  /// A reference type's encoding as nullability and heap type.
  private func splitReference(_ type: [UInt8]) -> (Bool, [UInt8]) {
    guard let first = type.first else { return (true, type) }
    switch first {
    case 0x63: return (true, Array(type.dropFirst()))
    case 0x64: return (false, Array(type.dropFirst()))
    default: return (true, type)
    }
  }

  /// A field of struct type `type`: a number or one of its field names.
  private func fieldIndex(of type: UInt32) throws(TextError) -> UInt32 {
    let token = stream.peek
    if stream.atId {
      let name = try stream.takeId() ?? ""
      guard let index = fieldNames[type]?[name] else {
        throw stream.error("unknown field \(name)", at: token)
      }
      return index
    }
    return try parseU32("a field index")
  }

  private func laneIndex() throws(TextError) -> UInt8 {
    let (text, token) = try stream.takeAtom("a lane index")
    guard let value = NumberLiterals.unsigned(text, max: 255) else {
      throw stream.error("malformed lane index \"\(text)\"", at: token)
    }
    return UInt8(truncatingIfNeeded: value)
  }

  func integer(width: Int) throws(TextError) -> UInt64 {
    let (text, token) = try stream.takeAtom("an i\(width) constant")
    guard let bits = NumberLiterals.bits(text, width: width) else {
      if NumberLiterals.integer(text) != nil || text.first?.isNumber == true {
        throw stream.error("constant out of range: \"\(text)\" for i\(width)", at: token)
      }
      throw stream.error("unexpected token \"\(text)\", expected an i\(width) constant", at: token)
    }
    return bits
  }

  func float32() throws(TextError) -> UInt32 {
    let (text, token) = try stream.takeAtom("an f32 constant")
    guard let bits = NumberLiterals.f32(text) else {
      throw stream.error("constant out of range or malformed: \"\(text)\" for f32", at: token)
    }
    return bits
  }

  func float64() throws(TextError) -> UInt64 {
    let (text, token) = try stream.takeAtom("an f64 constant")
    guard let bits = NumberLiterals.f64(text) else {
      throw stream.error("constant out of range or malformed: \"\(text)\" for f64", at: token)
    }
    return bits
  }

  /// `shape lane*` of a v128.const.
  func parseV128Lanes() throws(TextError) -> (low: UInt64, high: UInt64) {
    let (shape, token) = try stream.takeAtom("a v128 shape")
    let count: Int
    let width: Int
    switch shape {
    case "i8x16": (count, width) = (16, 8)
    case "i16x8": (count, width) = (8, 16)
    case "i32x4", "f32x4": (count, width) = (4, 32)
    case "i64x2", "f64x2": (count, width) = (2, 64)
    default: throw stream.error("unknown v128 shape \"\(shape)\"", at: token)
    }
    var low: UInt64 = 0
    var high: UInt64 = 0
    for lane in 0..<count {
      let bits: UInt64
      switch shape {
      case "f32x4": bits = UInt64(try float32())
      case "f64x2": bits = try float64()
      default: bits = try integer(width: width)
      }
      let offset = lane * width
      if offset < 64 { low |= bits << UInt64(offset) } else { high |= bits << UInt64(offset - 64) }
    }
    return (low, high)
  }
}
