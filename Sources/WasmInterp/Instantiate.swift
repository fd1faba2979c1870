// Instantiation: resolve imports, allocate the module's own functions, tables,
// memories and globals, initialise segments, run the start function.
// https://webassembly.github.io/spec/core/exec/modules.html#instantiation

import WasmCore

extension StoreRuntime {
  /// `typeIDs`: the store ids of the module's types, when the caller registered
  /// them already (the linker does, to match imports).
  func instantiate(
    _ module: Module, imports: [ExternalValue], typeIDs: [Int]? = nil,
    deferredBodyValidation: ValidationContext? = nil
  ) throws(InstantiationError) -> InstanceRuntime {
    let instance = InstanceRuntime(module: module)
    instance.deferredBodyValidation = deferredBodyValidation
    instance.typeIDs = typeIDs ?? types.register(module.types)
    let ids = instance.typeIDs
    // The store owns the instance from now on, even if initialisation traps
    // (its functions may already sit in imported tables).
    instances.append(instance)
    var importIndex = 0
    for importEntry in module.imports {
      let provided = imports[importIndex]
      importIndex += 1
      switch (importEntry.descriptor, provided) {
      case (.function, .function(let f)): instance.functions.append(f)
      case (.table, .table(let t)): instance.tables.append(t)
      case (.memory, .memory(let m)): instance.memories.append(m)
      case (.global, .global(let g)): instance.globals.append(g)
      case (.tag, .tag(let t)): instance.tags.append(t)
      default:
        throw .incompatibleImportType(module: importEntry.module, name: importEntry.name)
      }
    }
    for memoryType in module.memories {
      let maxPages = min(
        Int(clamping: memoryType.limits.max ?? (memoryType.limits.is64 ? 1 << 48 : 65536)),
        configuration.maxMemoryPages)
      let pages = Int(clamping: memoryType.limits.min)
      guard pages <= maxPages, let state = MemoryState.allocate(pages: pages, maxPages: maxPages)
      else {
        throw .resourceLimit("memory of \(pages) pages exceeds the configured maximum")
      }
      instance.memories.append(MemoryInstance(state: state, type: memoryType))
    }
    let memory = instance.memories.first?.state
    for (i, typeIndex) in module.functions.enumerated() {
      let f = addFunction(
        type: module.functionType(at: typeIndex) ?? FunctionType(parameters: [], results: []),
        typeID: Int(typeIndex) < ids.count ? ids[Int(typeIndex)] : nil, host: nil,
        instance: instance, functionIndex: module.importedFunctionCount + i, memory: memory)
      instance.functions.append(f)
    }
    for type in module.tags {
      let index = Int(type.typeIndex)
      instance.tags.append(
        addTag(
          type: module.functionType(at: type.typeIndex)
            ?? FunctionType(parameters: [], results: []),
          typeID: index < ids.count ? ids[index] : 0))
    }
    // Tables after functions: a table's initialiser may be `ref.func`.
    for (i, tableType) in module.tables.enumerated() {
      let maxCount = min(
        Int(clamping: tableType.limits.max ?? UInt64(UInt32.max)), configuration.maxTableElements)
      let count = Int(clamping: tableType.limits.min)
      var initial: UInt64 = 0
      if i < module.tableInitializers.count, let expression = module.tableInitializers[i] {
        initial = try evaluate(expression, in: instance)
      }
      guard count <= maxCount,
        let state = TableState.allocate(count: count, maxCount: maxCount, initial: initial)
      else {
        throw .resourceLimit("table of \(count) elements exceeds the configured maximum")
      }
      let storeType = TableType(
        elementType: TypeRegistry.storeForm(tableType.elementType, ids), limits: tableType.limits)
      instance.tables.append(TableInstance(state: state, type: storeType))
    }
    for global in module.globals {
      let value = try evaluateWide(global.initializer, in: instance)
      let storeType = GlobalType(
        mutability: global.type.mutability,
        valueType: TypeRegistry.storeForm(global.type.valueType, ids))
      instance.globals.append(GlobalInstance(type: storeType, value: value.low, high: value.high))
    }
    for export in module.exports {
      let i = Int(export.index)
      switch export.kind {
      case .function: instance.exports[Name(export.name)] = .function(instance.functions[i])
      case .table: instance.exports[Name(export.name)] = .table(instance.tables[i])
      case .memory: instance.exports[Name(export.name)] = .memory(instance.memories[i])
      case .global: instance.exports[Name(export.name)] = .global(instance.globals[i])
      case .tag: instance.exports[Name(export.name)] = .tag(instance.tags[i])
      }
    }
    // Segments: passive ones keep their contents; active and declarative ones are
    // dropped after (or instead of) initialisation.
    for segment in module.elements {
      var items: [UInt64] = []
      items.reserveCapacity(segment.count)
      switch segment.items {
      case .functions(let indices):
        for index in indices {
          items.append(UInt64(UInt(bitPattern: instance.functions[Int(index)].entry)))
        }
      case .expressions(let expressions):
        for e in expressions { items.append(try evaluate(e, in: instance)) }
      }
      let state = UnsafeMutablePointer<SegmentState>.allocate(capacity: 1)
      let base = UnsafeMutablePointer<UInt64>.allocate(capacity: max(items.count, 1))
      base.initialize(from: items, count: items.count)
      state.initialize(to: SegmentState(base: UnsafeMutableRawPointer(base), count: items.count))
      instance.elementSegments.append(state)
    }
    for segment in module.data {
      let state = UnsafeMutablePointer<SegmentState>.allocate(capacity: 1)
      let count = segment.range.count
      let base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 8)
      module.bytes.withUnsafeBytes { bytes in
        base.copyMemory(
          from: bytes.baseAddress.unsafelyUnwrapped + segment.range.lowerBound, byteCount: count)
      }
      state.initialize(to: SegmentState(base: base, count: count))
      instance.dataSegments.append(state)
    }
    instance.environment = TranslationEnvironment(
      functionEntries: instance.functions.map(\.entry),
      functionTypes: instance.functions.map(\.type),
      typeIDs: ids,
      types: module.types.map { $0.functionType ?? FunctionType(parameters: [], results: []) },
      globals: instance.globals.map(\.cell),
      globalTypes: instance.globals.map(\.type.valueType),
      tables: instance.tables.map(\.state),
      tableIs64: instance.tables.map(\.type.limits.is64),
      memories: instance.memories.map { ($0.state, $0.type.limits.is64) },
      dataSegments: instance.dataSegments,
      elementSegments: instance.elementSegments,
      tags: instance.tags.map(\.state),
      tagTypes: instance.tags.map(\.type),
      composites: module.types.map(\.composite),
      gcLayouts: gcLayouts(module, ids))
    if !configuration.lazyTranslation {
      for f in instance.functions where f.instance === instance {
        if translate(storeIndex: f.entry.pointee.storeIndex) != nil {
          // A body refused by deferred validation says why (and leaves no detail
          // behind for a later trap).
          let detail = takeTrapDetail().map { ": \($0)" } ?? ""
          throw .unsupported("function \(f.functionIndex) cannot be translated\(detail)")
        }
      }
    }
    for (i, segment) in module.elements.enumerated() {
      let state = instance.elementSegments[i]
      switch segment.mode {
      case .passive: continue
      case .declarative: state.pointee.count = 0
      case .active(let tableIndex, let offsetExpression):
        let tableInstance = instance.tables[Int(tableIndex)]
        let start = address(
          try evaluate(offsetExpression, in: instance), is64: tableInstance.type.limits.is64)
        let table = tableInstance.state
        let n = state.pointee.count
        guard start <= UInt64(table.pointee.count), UInt64(n) <= UInt64(table.pointee.count) - start
        else {
          throw .trap(Trap(.outOfBoundsTableAccess))
        }
        if n > 0, let base = state.pointee.base {
          (table.pointee.elements + Int(start)).update(
            from: base.assumingMemoryBound(to: UInt64.self), count: n)
        }
        state.pointee.count = 0
      }
    }
    for (i, segment) in module.data.enumerated() {
      guard case .active(let memoryIndex, let offsetExpression) = segment.mode else { continue }
      let state = instance.dataSegments[i]
      let memoryInstance = instance.memories[Int(memoryIndex)]
      let start = address(
        try evaluate(offsetExpression, in: instance), is64: memoryInstance.type.limits.is64)
      let memory = memoryInstance.state
      let n = state.pointee.count
      guard start <= UInt64(memory.pointee.size), UInt64(n) <= UInt64(memory.pointee.size) - start
      else {
        throw .trap(Trap(.outOfBoundsMemoryAccess))
      }
      let offset = Int(start)
      if n > 0, let base = state.pointee.base {
        (memory.pointee.base + offset).copyMemory(from: base, byteCount: n)
      }
      state.pointee.count = 0
    }
    if let start = module.start {
      do {
        _ = try invoke(instance.functions[Int(start)], [])
      } catch {
        throw .trap(error)
      }
    }
    return instance
  }

  /// An evaluated segment offset as an address: an i32 is the low 32 bits of its
  /// cell, an i64 all 64.
  func address(_ cell: UInt64, is64: Bool) -> UInt64 {
    is64 ? cell : UInt64(UInt32(truncatingIfNeeded: cell))
  }

  /// The GC layout address of each module type (0 for function types).
  func gcLayouts(_ module: Module, _ ids: [Int]) -> [Int] {
    zip(module.types, ids).map { type, id in
      if case .function = type.composite { return 0 }
      return WasmInterp.address(gcLayout(id: id, type.composite))
    }
  }

  /// Allocates a struct or array in a constant expression, its values taken from
  /// the top of `stack`.
  func evaluateAllocation(
    _ instruction: ConstInstruction, _ stack: inout [(low: UInt64, high: UInt64)],
    in instance: InstanceRuntime
  ) throws(InstantiationError) {
    let typeIndex: UInt32
    switch instruction {
    case .structNew(let t), .structNewDefault(let t), .arrayNew(let t), .arrayNewDefault(let t),
      .arrayNewFixed(let t, _):
      typeIndex = t
    default: throw .unsupported("constant expression")
    }
    let t = Int(typeIndex)
    guard t < instance.module.types.count, t < instance.typeIDs.count else {
      throw .unsupported("unknown type")
    }
    let composite = instance.module.types[t].composite
    let layout = gcLayout(id: instance.typeIDs[t], composite)
    func pop() throws(InstantiationError) -> (low: UInt64, high: UInt64) {
      guard let top = stack.popLast() else { throw .unsupported("malformed constant expression") }
      return top
    }
    var values: [(low: UInt64, high: UInt64)] = []
    var count = 0
    switch instruction {
    case .structNew:
      for _ in 0..<layout[GCLayout.fieldCount] { values.append(try pop()) }
      values.reverse()
    case .arrayNew:
      count = Int(UInt32(truncatingIfNeeded: try pop().low))
      let value = try pop()
      values = [(low: UInt64, high: UInt64)](repeating: value, count: count)
    case .arrayNewDefault:
      count = Int(UInt32(truncatingIfNeeded: try pop().low))
    case .arrayNewFixed(_, let n):
      count = Int(n)
      for _ in 0..<count { values.append(try pop()) }
      values.reverse()
    default: break
    }
    let isStruct = layout[GCLayout.kind] == Int(GCHeader.structKind)
    let per = layout[GCLayout.cells]
    guard
      let object = allocateObject(
        kind: isStruct ? GCHeader.structKind : GCHeader.arrayKind, typeID: instance.typeIDs[t],
        count: isStruct ? per : count, cellsPerElement: isStruct ? 0 : per,
        cells: isStruct ? per : count * per, references: layout[GCLayout.references] != 0)
    else { throw .trap(Trap(.allocationTooLarge)) }
    let cells = GCHeader.cells(object)
    for (i, value) in values.enumerated() {
      let offset = isStruct ? layout[GCLayout.fields + 2 * i] : i * per
      let mode = isStruct ? layout[GCLayout.fields + 2 * i + 1] : layout[GCLayout.fields]
      cells[offset] = GCStorage.pack(value.low, mode)
      if mode == GCStorage.v128.rawValue { cells[offset + 1] = value.high }
    }
    stack.append((object, 0))
  }

  /// Evaluates a constant expression.
  func evaluate(_ expression: ConstExpression, in instance: InstanceRuntime)
    throws(InstantiationError) -> UInt64
  {
    try evaluateWide(expression, in: instance).low
  }

  /// Evaluates a constant expression into two cells (the high one for a v128).
  func evaluateWide(
    _ expression: ConstExpression, in instance: InstanceRuntime
  ) throws(InstantiationError) -> (low: UInt64, high: UInt64) {
    var stack: [(low: UInt64, high: UInt64)] = []
    for instruction in expression.instructions {
      switch instruction {
      case .i32Const(let v): stack.append((UInt64(UInt32(bitPattern: v)), 0))
      case .i64Const(let v): stack.append((UInt64(bitPattern: v), 0))
      case .f32Const(let v): stack.append((UInt64(v), 0))
      case .f64Const(let v): stack.append((v, 0))
      case .v128Const(let v): stack.append((v.low, v.high))
      case .refNull: stack.append((0, 0))
      case .refFunc(let i):
        guard Int(i) < instance.functions.count else { throw .unsupported("unknown function") }
        stack.append((UInt64(UInt(bitPattern: instance.functions[Int(i)].entry)), 0))
      case .globalGet(let i):
        guard Int(i) < instance.globals.count else { throw .unsupported("unknown global") }
        let cell = instance.globals[Int(i)].cell
        stack.append((cell[0], cell[1]))
      case .i32Add, .i32Sub, .i32Mul, .i64Add, .i64Sub, .i64Mul:
        // Validation guarantees two operands.
        guard let b = stack.popLast()?.low, let a = stack.popLast()?.low else {
          throw .unsupported("malformed constant expression")
        }
        let value: UInt64
        switch instruction {
        case .i32Add: value = UInt64(UInt32(truncatingIfNeeded: a) &+ UInt32(truncatingIfNeeded: b))
        case .i32Sub: value = UInt64(UInt32(truncatingIfNeeded: a) &- UInt32(truncatingIfNeeded: b))
        case .i32Mul: value = UInt64(UInt32(truncatingIfNeeded: a) &* UInt32(truncatingIfNeeded: b))
        case .i64Add: value = a &+ b
        case .i64Sub: value = a &- b
        default: value = a &* b
        }
        stack.append((value, 0))
      case .refI31:
        guard let top = stack.popLast() else { throw .unsupported("malformed constant expression") }
        stack.append((GCRef.i31(top.low), 0))
      case .anyConvertExtern, .externConvertAny:
        break  // One encoding for both hierarchies.
      case .structNew, .structNewDefault, .arrayNew, .arrayNewDefault, .arrayNewFixed:
        try evaluateAllocation(instruction, &stack, in: instance)
      }
    }
    return stack.last ?? (0, 0)
  }
}

/// Why instantiation failed.
public enum InstantiationError: Error, CustomStringConvertible {
  /// No definition for an import (spec: "unknown import").
  case unknownImport(module: String, name: String)
  /// A definition of the wrong kind or type (spec: "incompatible import type").
  case incompatibleImportType(module: String, name: String)
  /// Segment initialisation or the start function trapped.
  case trap(Trap)
  /// A configured limit was exceeded.
  case resourceLimit(String)
  /// The module uses something this interpreter does not run (SIMD).
  case unsupported(String)
  /// A value the host gave for a new table or global does not have its type, or
  /// belongs to another store.
  case invalidValue(String)

  public var description: String {
    switch self {
    case .unknownImport(let m, let n): return "unknown import: \(m).\(n)"
    case .incompatibleImportType(let m, let n): return "incompatible import type: \(m).\(n)"
    case .trap(let t): return t.description
    case .resourceLimit(let s): return "resource limit: \(s)"
    case .unsupported(let s): return "unsupported: \(s)"
    case .invalidValue(let s): return "invalid value: \(s)"
    }
  }
}
