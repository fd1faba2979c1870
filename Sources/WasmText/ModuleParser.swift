// Text modules to binary modules: resolves identifiers and abbreviations, and
// writes the sections WasmCore decodes. Validation is WasmCore's alone: this
// parser rejects only what the text grammar rejects.
// https://webassembly.github.io/spec/core/text/modules.html

/// A function type as value-type encodings.
struct FunctionType: Hashable {
  var paramCount: Int
  /// The parameters' encodings, back to back (they are prefix-free).
  var params: [UInt8]
  var resultCount: Int
  var results: [UInt8]
}

/// The index spaces a module's identifiers name.
struct IndexSpace {
  var kind: String
  var count: UInt32 = 0
  var names: [String: UInt32] = [:]

  init(_ kind: String) { self.kind = kind }

  /// Adds an entry, with its name if it has one.
  mutating func add(_ name: String?, stream: TokenStream, at token: Token) throws(TextError) {
    if let name {
      guard names[name] == nil else {
        throw stream.error("duplicate \(kind) \(name)", at: token)
      }
      names[name] = count
    }
    count &+= 1
  }
}

final class ModuleParser {
  let stream: TokenStream
  /// Nesting bound for blocks and folded instructions: deeper input is refused
  /// with an error instead of exhausting the native stack.
  static let maximumDepth = 300

  /// Per type index: its function type, when it is one.
  var functionTypes: [FunctionType?] = []
  /// Per type index: whether an inline type use may match it (a plain function
  /// type, outside a recursion group of several types).
  var matchable: [Bool] = []
  /// The type section's entries (a recursion group is one entry).
  var typeEntries: [[UInt8]] = []
  /// Struct field names, per type index.
  var fieldNames: [UInt32: [String: UInt32]] = [:]
  /// Where pass 1 found `type` and `rec` fields, parsed once every type is named.
  private var typeFieldStarts: [Int] = []
  var typeSpace = IndexSpace("type")
  var functions = IndexSpace("func")
  var tables = IndexSpace("table")
  var memories = IndexSpace("memory")
  var globals = IndexSpace("global")
  var elements = IndexSpace("elem")
  var datas = IndexSpace("data")
  var tags = IndexSpace("tag")

  var importCount = 0
  var imports: [UInt8] = []
  var functionTypeIndices: [UInt32] = []
  var tableCount = 0
  var tableEntries: [UInt8] = []
  var memoryCount = 0
  var memoryEntries: [UInt8] = []
  var tagCount = 0
  var tagEntries: [UInt8] = []
  var globalCount = 0
  var globalEntries: [UInt8] = []
  var exportCount = 0
  var exportEntries: [UInt8] = []
  var start: UInt32?
  var elementCount = 0
  var elementEntries: [UInt8] = []
  var codeEntries: [[UInt8]] = []
  var dataCount = 0
  var dataEntries: [UInt8] = []
  /// Pass 2's running indices of functions, tables, memories and globals.
  var definedFunctions: UInt32 = 0
  var definedTables: UInt32 = 0
  var definedMemories: UInt32 = 0
  var definedGlobals: UInt32 = 0
  var definedTags: UInt32 = 0
  /// memory.init or data.drop seen: the data count section is needed.
  var usesDataIndices = false

  init(stream: TokenStream) {
    self.stream = stream
  }

  /// Parses module fields from the cursor up to (not including) a `)` or the end
  /// of input, and returns the binary module.
  func parseFields() throws(TextError) -> [UInt8] {
    let first = stream.index
    try collectNames()
    stream.index = first
    while stream.peek.kind == .leftParen {
      try parseField()
    }
    guard stream.peek.kind == .rightParen || stream.peek.kind == .endOfInput else {
      throw stream.error(
        "unexpected token \(stream.describe(stream.peek)), expected a module field")
    }
    return assemble()
  }

  /// Pass 1: every identifier and every explicit type, so that fields may refer
  /// to later ones.
  private func collectNames() throws(TextError) {
    var firstDefinition: String?
    while stream.peek.kind == .leftParen {
      let fieldStart = stream.index
      let fieldToken = stream.token(at: 1)
      guard let keyword = stream.atom(at: 1) else {
        throw stream.error("expected a module field", at: fieldToken)
      }
      stream.advance()
      stream.advance()
      switch keyword {
      case "type":
        try typeSpace.add(try stream.takeId(), stream: stream, at: fieldToken)
        typeFieldStarts.append(fieldStart)
      case "rec":
        while stream.atList("type") {
          let typeToken = stream.peek
          stream.advance()
          stream.advance()
          try typeSpace.add(try stream.takeId(), stream: stream, at: typeToken)
          try stream.skipUntilClose(from: typeToken)
          stream.advance()
        }
        typeFieldStarts.append(fieldStart)
      case "func", "table", "memory", "global", "tag":
        let name = try stream.takeId()
        let space = spaceFor(keyword)
        var isImport = false
        while stream.peek.kind == .leftParen {
          if stream.atList("export") {
            try stream.skipItem()
          } else if stream.atList("import") {
            isImport = true
            break
          } else {
            break
          }
        }
        if isImport {
          if let firstDefinition {
            throw stream.error("import after \(firstDefinition)", at: fieldToken)
          }
        } else if firstDefinition == nil {
          firstDefinition = keyword == "func" ? "function" : keyword
        }
        try addName(name, to: space, at: fieldToken)
        // Inline segments create an anonymous element or data segment.
        if !isImport, keyword == "table" || keyword == "memory" {
          while stream.peek.kind != .rightParen, stream.peek.kind != .endOfInput {
            if stream.atList("elem") { elements.count &+= 1 }
            if stream.atList("data") { datas.count &+= 1 }
            try stream.skipItem()
          }
        }
      case "import":
        if let firstDefinition {
          throw stream.error("import after \(firstDefinition)", at: fieldToken)
        }
        _ = try stream.takeName()
        _ = try stream.takeName()
        guard let kind = stream.listKeyword,
          ["func", "table", "memory", "global", "tag"].contains(kind)
        else { throw stream.error("expected an import description") }
        stream.advance()
        stream.advance()
        try addName(try stream.takeId(), to: spaceFor(kind), at: fieldToken)
      case "elem":
        try elements.add(try stream.takeId(), stream: stream, at: fieldToken)
      case "data":
        try datas.add(try stream.takeId(), stream: stream, at: fieldToken)
      case "export", "start":
        break
      default:
        throw stream.error("unsupported or unknown module field \"\(keyword)\"", at: fieldToken)
      }
      stream.index = fieldStart
      try stream.skipItem()
    }
    let end = stream.index
    for start in typeFieldStarts {
      stream.index = start
      try parseTypeField()
    }
    stream.index = end
  }

  private enum Space { case function, table, memory, global, tag }

  private func spaceFor(_ keyword: String) -> Space {
    switch keyword {
    case "func": return .function
    case "table": return .table
    case "memory": return .memory
    case "tag": return .tag
    default: return .global
    }
  }

  private func addName(_ name: String?, to space: Space, at token: Token) throws(TextError) {
    switch space {
    case .function: try functions.add(name, stream: stream, at: token)
    case .table: try tables.add(name, stream: stream, at: token)
    case .memory: try memories.add(name, stream: stream, at: token)
    case .global: try globals.add(name, stream: stream, at: token)
    case .tag: try tags.add(name, stream: stream, at: token)
    }
  }

  /// The section bytes, in the binary format's order.
  private func assemble() -> [UInt8] {
    var writer = SectionWriter()
    writer.vectorSection(1, count: typeEntries.count, Array(typeEntries.joined()))
    writer.vectorSection(2, count: importCount, imports)
    var functionEntries: [UInt8] = []
    for index in functionTypeIndices { functionEntries.appendU32(index) }
    writer.vectorSection(3, count: functionTypeIndices.count, functionEntries)
    writer.vectorSection(4, count: tableCount, tableEntries)
    writer.vectorSection(5, count: memoryCount, memoryEntries)
    writer.vectorSection(13, count: tagCount, tagEntries)
    writer.vectorSection(6, count: globalCount, globalEntries)
    writer.vectorSection(7, count: exportCount, exportEntries)
    if let start {
      var body: [UInt8] = []
      body.appendU32(start)
      writer.section(8, body)
    }
    writer.vectorSection(9, count: elementCount, elementEntries)
    if usesDataIndices {
      var body: [UInt8] = []
      body.appendU32(UInt32(truncatingIfNeeded: dataCount))
      writer.section(12, body)
    }
    var code: [UInt8] = []
    for entry in codeEntries {
      code.appendU32(UInt32(truncatingIfNeeded: entry.count))
      code.append(contentsOf: entry)
    }
    writer.vectorSection(10, count: codeEntries.count, code)
    writer.vectorSection(11, count: dataCount, dataEntries)
    return writer.bytes
  }
}
