// Module-level validation: everything but the instructions of function bodies.
// https://webassembly.github.io/spec/core/valid/modules.html
//
// Builds the `ValidationContext` (the spec's C) that the function validator and the
// interpreter's translator read. Messages are the spec testsuite's, followed by the
// index when one is involved ("unknown global 3").

/// Validates the module-level rules and builds the context for function bodies.
package enum ModuleValidator {
  /// Checks types, imports, limits, globals, exports, the start function and the
  /// element and data segments of `module`, and returns its validation context.
  package static func validate(_ module: Module) throws(WasmError) -> ValidationContext {
    let features = module.features
    let offsets = module.sectionOffsets
    let importOffset = offsets[2]
    let functionOffset = offsets[3]
    let tableOffset = offsets[4]
    let memoryOffset = offsets[5]
    let exportOffset = offsets[7]
    let startOffset = offsets[8]
    let tagOffset = offsets[13]

    let typeTable = TypeTable(types: module.types)
    try checkTypeSection(typeTable, at: offsets[1])
    let types = TypeChecker(table: typeTable)

    // The index spaces, imports first.
    var functionTypeIndices: [UInt32] = []
    functionTypeIndices.reserveCapacity(module.importedFunctionCount + module.functions.count)
    var tables: [TableType] = []
    var memories: [MemoryType] = []
    var globals: [GlobalType] = []
    var tags: [TagType] = []
    globals.reserveCapacity(module.importedGlobalCount + module.globals.count)

    for entry in module.imports {
      switch entry.descriptor {
      case .function(let typeIndex):
        try types.checkFunctionType(typeIndex, at: importOffset)
        functionTypeIndices.append(typeIndex)
      case .table(let type):
        try types.check(.ref(type.elementType), at: importOffset)
        try checkTableType(type, features: features, at: importOffset)
        tables.append(type)
      case .memory(let type):
        try checkMemoryType(type, features: features, at: importOffset)
        memories.append(type)
      case .global(let type):
        try types.check(type.valueType, at: importOffset)
        globals.append(type)
      case .tag(let type):
        try types.checkTagType(type, at: importOffset)
        tags.append(type)
      }
    }
    for typeIndex in module.functions {
      try types.checkFunctionType(typeIndex, at: functionOffset)
      functionTypeIndices.append(typeIndex)
    }
    for type in module.memories {
      try checkMemoryType(type, features: features, at: memoryOffset)
      memories.append(type)
    }
    if memories.count > 1 && !features.contains(.multiMemory) {
      throw .invalid("multiple memories", at: memoryOffset)
    }
    for type in module.tags {
      try types.checkTagType(type, at: tagOffset)
      tags.append(type)
    }

    // A constant expression sees the imported globals, and with Wasm 3.0 also the
    // globals defined before it (extended constant expressions / GC).
    var references = Set<UInt32>()
    let importedGlobals = globals.count
    var constants = ConstExpressionChecker(
      globals: globals, visibleGlobalCount: importedGlobals,
      functionTypeIndices: functionTypeIndices, types: types, features: features)
    let seesDefinedGlobals = !features.isDisjoint(with: [.extendedConst, .functionReferences, .gc])
    for (i, type) in module.tables.enumerated() {
      try types.check(.ref(type.elementType), at: tableOffset)
      try checkTableType(type, features: features, at: tableOffset)
      if i < module.tableInitializers.count, let initializer = module.tableInitializers[i] {
        try constants.check(
          initializer, produces: .ref(type.elementType), references: &references)
      } else if !type.elementType.isNullable {
        throw .invalid("type mismatch", at: tableOffset)
      }
      tables.append(type)
    }
    for global in module.globals {
      try types.check(global.type.valueType, at: global.initializer.offset)
      try constants.check(
        global.initializer, produces: global.type.valueType, references: &references)
      globals.append(global.type)
      constants.globals.append(global.type)
      if seesDefinedGlobals { constants.visibleGlobalCount = globals.count }
    }

    var elementTypes: [ReferenceType] = []
    elementTypes.reserveCapacity(module.elements.count)
    for segment in module.elements {
      try types.check(.ref(segment.type), at: offsets[9])
      try validateElementSegment(
        segment, tables: tables, constants: constants, references: &references,
        sectionOffset: offsets[9])
      elementTypes.append(segment.type)
    }

    for segment in module.data {
      guard case .active(let memory, let offset) = segment.mode else { continue }
      guard Int(memory) < memories.count else {
        throw .invalid("unknown memory \(memory)", at: offset.offset)
      }
      try constants.check(
        offset, produces: memories[Int(memory)].limits.addressType, references: &references)
    }

    if let start = module.start {
      guard Int(start) < functionTypeIndices.count else {
        throw .invalid("unknown function \(start)", at: startOffset)
      }
      let type = typeTable.functionTypes[Int(functionTypeIndices[Int(start)])]
      guard type.parameters.isEmpty, type.results.isEmpty else {
        throw .invalid("start function", at: startOffset)
      }
    }

    var exportNames = Set<ExportName>()
    exportNames.reserveCapacity(module.exports.count)
    for export in module.exports {
      guard exportNames.insert(ExportName(export.name)).inserted else {
        throw .invalid("duplicate export name", at: exportOffset)
      }
      let index = Int(export.index)
      switch export.kind {
      case .function:
        guard index < functionTypeIndices.count else {
          throw .invalid("unknown function \(export.index)", at: exportOffset)
        }
        references.insert(export.index)
      case .table:
        guard index < tables.count else {
          throw .invalid("unknown table \(export.index)", at: exportOffset)
        }
      case .memory:
        guard index < memories.count else {
          throw .invalid("unknown memory \(export.index)", at: exportOffset)
        }
      case .global:
        guard index < globals.count else {
          throw .invalid("unknown global \(export.index)", at: exportOffset)
        }
      case .tag:
        guard index < tags.count else {
          throw .invalid("unknown tag \(export.index)", at: exportOffset)
        }
      }
    }

    return ValidationContext(
      features: features, typeTable: typeTable, functionTypeIndices: functionTypeIndices,
      tables: tables, memories: memories, globals: globals, tags: tags,
      elementTypes: elementTypes, dataCount: module.dataCount,
      declaredFunctionReferences: references)
  }

  /// Every type refers only to types of its recursion group or before it, and a
  /// declared supertype is an earlier, non-final type that it matches (GC).
  static func checkTypeSection(_ table: TypeTable, at offset: Int) throws(WasmError) {
    for (i, type) in table.types.enumerated() {
      let checker = TypeChecker(table: table, limit: type.recursionGroup.upperBound)
      switch type.composite {
      case .function(let function):
        for value in function.parameters { try checker.check(value, at: offset) }
        for value in function.results { try checker.check(value, at: offset) }
      case .struct(let fields):
        for field in fields { try checker.check(field.storage.unpacked, at: offset) }
      case .array(let element):
        try checker.check(element.storage.unpacked, at: offset)
      }
      for supertype in type.supertypes {
        guard supertype < UInt32(i) else { throw .invalid("unknown type \(supertype)", at: offset) }
        let parent = table.types[Int(supertype)]
        guard !parent.isFinal else {
          throw .invalid("sub type \(i) does not match super type \(supertype)", at: offset)
        }
        guard table.isSubtype(type.composite, of: parent.composite) else {
          throw .invalid("sub type \(i) does not match super type \(supertype)", at: offset)
        }
      }
    }
  }

  private static func validateElementSegment(
    _ segment: ElementSegment, tables: [TableType], constants: ConstExpressionChecker,
    references: inout Set<UInt32>, sectionOffset: Int
  ) throws(WasmError) {
    if case .active(let table, let offset) = segment.mode {
      guard Int(table) < tables.count else {
        throw .invalid("unknown table \(table)", at: offset.offset)
      }
      if !constants.types.table.isSubtype(segment.type, of: tables[Int(table)].elementType) {
        throw .invalid("type mismatch", at: offset.offset)
      }
      try constants.check(
        offset, produces: tables[Int(table)].limits.addressType, references: &references)
    }
    switch segment.items {
    case .functions(let indices):
      for index in indices {
        guard Int(index) < constants.functionTypeIndices.count else {
          throw .invalid("unknown function \(index)", at: sectionOffset)
        }
        references.insert(index)
      }
    case .expressions(let expressions):
      for expression in expressions {
        try constants.check(expression, produces: .ref(segment.type), references: &references)
      }
    }
  }

  // MARK: Limits
  // https://webassembly.github.io/spec/core/valid/types.html#limits

  static func checkTableType(
    _ type: TableType, features: Features, at offset: Int
  ) throws(WasmError) {
    // Table sizes are u32 in Wasm 2.0, so only the order of min and max can be wrong.
    try checkLimits(
      type.limits, range: type.limits.is64 ? UInt64.max : UInt64(UInt32.max),
      rangeMessage: "table size must be at most 2^32-1", at: offset)
  }

  static func checkMemoryType(
    _ type: MemoryType, features: Features, at offset: Int
  ) throws(WasmError) {
    if type.limits.is64 {
      try checkLimits(
        type.limits, range: 1 << 48,
        rangeMessage: "memory size must be at most 2^48 pages", at: offset)
    } else {
      try checkLimits(
        type.limits, range: 1 << 16,
        rangeMessage: "memory size must be at most 65536 pages (4GiB)", at: offset)
    }
  }

  private static func checkLimits(
    _ limits: Limits, range: UInt64, rangeMessage: String, at offset: Int
  ) throws(WasmError) {
    guard limits.min <= range else { throw .invalid(rangeMessage, at: offset) }
    if let max = limits.max {
      guard max <= range else { throw .invalid(rangeMessage, at: offset) }
      guard limits.min <= max else {
        throw .invalid("size minimum must not be greater than maximum", at: offset)
      }
    }
  }
}

/// An export name compared by its UTF-8 bytes: the spec's names are distinct when
/// their code points differ, while `String` equality identifies canonically
/// equivalent strings ("é" and "e\u{301}").
struct ExportName: Hashable {
  let text: String
  init(_ text: String) { self.text = text }
  static func == (lhs: ExportName, rhs: ExportName) -> Bool {
    lhs.text.utf8.elementsEqual(rhs.text.utf8)
  }
  func hash(into hasher: inout Hasher) {
    hasher.combine(text.utf8.count)
    for byte in text.utf8 { hasher.combine(byte) }
  }
}
