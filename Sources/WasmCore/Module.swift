// The decoded form of a module.
// https://webassembly.github.io/spec/core/syntax/modules.html
//
// Function bodies are kept as byte ranges into `bytes`, not as instruction arrays:
// validation and translation read them in one pass through an `InstructionVisitor`,
// and a runtime may translate each body lazily, on first call.

/// Which proposals the decoder and validator accept. The default, `.wasm3`, is
/// Wasm 3.0 as far as wasmbpf implements it; `.wasm2` is for embedders who want to
/// accept Wasm 2.0 modules only.
public struct Features: OptionSet, Hashable, Sendable {
  public let rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  // Wasm 3.0 proposals: each gates its opcodes and encodings in the decoder and
  // its rules in the validator.
  public static let tailCall = Features(rawValue: 1 << 0)
  public static let multiMemory = Features(rawValue: 1 << 1)
  public static let memory64 = Features(rawValue: 1 << 2)
  public static let exceptions = Features(rawValue: 1 << 3)
  public static let functionReferences = Features(rawValue: 1 << 4)
  /// Garbage collection: structs, arrays, i31, casts and GC's abstract heap types.
  public static let gc = Features(rawValue: 1 << 5)
  public static let extendedConst = Features(rawValue: 1 << 6)
  public static let relaxedSIMD = Features(rawValue: 1 << 7)

  /// Wasm 2.0: MVP, sign extension, non-trapping float-to-int, multi-value, bulk
  /// memory, reference types and 128-bit SIMD (all always on).
  public static let wasm2: Features = []

  /// Wasm 3.0: tail calls, exception handling, memory64, multiple memories,
  /// extended constant expressions, relaxed SIMD, typed function references and
  /// garbage collection.
  public static let wasm3: Features = [
    .tailCall, .multiMemory, .memory64, .exceptions, .functionReferences, .gc, .extendedConst,
    .relaxedSIMD,
  ]

  /// What decoding and validation accept unless told otherwise.
  public static let `default`: Features = .wasm3
}

public enum ImportDescriptor: Hashable, Sendable {
  case function(typeIndex: UInt32)
  case table(TableType)
  case memory(MemoryType)
  case global(GlobalType)
  /// Exception handling: a tag.
  case tag(TagType)
}

public struct Import: Hashable, Sendable {
  public var module: String
  public var name: String
  public var descriptor: ImportDescriptor
  public init(module: String, name: String, descriptor: ImportDescriptor) {
    self.module = module
    self.name = name
    self.descriptor = descriptor
  }
}

public struct Export: Hashable, Sendable {
  public var name: String
  public var kind: ExternalKind
  public var index: UInt32
  public init(name: String, kind: ExternalKind, index: UInt32) {
    self.name = name
    self.kind = kind
    self.index = index
  }
}

/// One instruction of a constant expression.
/// https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions
public enum ConstInstruction: Hashable, Sendable {
  case i32Const(Int32)
  case i64Const(Int64)
  /// Raw IEEE bits, so NaN payloads survive.
  case f32Const(UInt32)
  case f64Const(UInt64)
  case v128Const(V128)
  case refNull(HeapType)
  case refFunc(UInt32)
  case globalGet(UInt32)
  // Extended constant expressions (Wasm 3.0).
  case i32Add
  case i32Sub
  case i32Mul
  case i64Add
  case i64Sub
  case i64Mul
  // GC (Wasm 3.0): allocations and conversions.
  case structNew(UInt32)
  case structNewDefault(UInt32)
  case arrayNew(UInt32)
  case arrayNewDefault(UInt32)
  case arrayNewFixed(UInt32, count: UInt32)
  case refI31
  case anyConvertExtern
  case externConvertAny
}

/// A constant expression (global initialisers, segment offsets, element items).
public struct ConstExpression: Hashable, Sendable {
  public var instructions: [ConstInstruction]
  /// Offset of the expression in the module, for error positions.
  public var offset: Int
  public init(instructions: [ConstInstruction], offset: Int) {
    self.instructions = instructions
    self.offset = offset
  }
}

/// 128 bits, little-endian lanes.
public struct V128: Hashable, Sendable {
  public var low: UInt64
  public var high: UInt64
  public init(low: UInt64, high: UInt64) {
    self.low = low
    self.high = high
  }
}

public struct Global: Hashable, Sendable {
  public var type: GlobalType
  public var initializer: ConstExpression
  public init(type: GlobalType, initializer: ConstExpression) {
    self.type = type
    self.initializer = initializer
  }
}

public struct ElementSegment: Hashable, Sendable {
  public enum Mode: Hashable, Sendable {
    case passive
    case active(table: UInt32, offset: ConstExpression)
    case declarative
  }
  public enum Items: Hashable, Sendable {
    /// The compact form: a vector of function indices.
    case functions([UInt32])
    case expressions([ConstExpression])
  }
  public var type: ReferenceType
  public var mode: Mode
  public var items: Items
  public var count: Int {
    switch items {
    case .functions(let f): return f.count
    case .expressions(let e): return e.count
    }
  }
  public init(type: ReferenceType, mode: Mode, items: Items) {
    self.type = type
    self.mode = mode
    self.items = items
  }
}

public struct DataSegment: Hashable, Sendable {
  public enum Mode: Hashable, Sendable {
    case passive
    case active(memory: UInt32, offset: ConstExpression)
  }
  public var mode: Mode
  /// The segment's bytes, as a range of `Module.bytes`.
  public var range: Range<Int>
  public init(mode: Mode, range: Range<Int>) {
    self.mode = mode
    self.range = range
  }
}

/// Run-length encoded local declarations of a function body.
public struct LocalDeclaration: Hashable, Sendable {
  public var count: UInt32
  public var type: ValueType
  public init(count: UInt32, type: ValueType) {
    self.count = count
    self.type = type
  }
}

public struct FunctionBody: Hashable, Sendable {
  public var locals: [LocalDeclaration]
  /// The instruction sequence (after the local declarations, up to and including
  /// the final `end`), as a range of `Module.bytes`.
  public var code: Range<Int>
  public init(locals: [LocalDeclaration], code: Range<Int>) {
    self.locals = locals
    self.code = code
  }
}

public struct CustomSection: Hashable, Sendable {
  public var name: String
  /// The payload after the name, as a range of `Module.bytes`.
  public var payload: Range<Int>
  public init(name: String, payload: Range<Int>) {
    self.name = name
    self.payload = payload
  }
}

/// The `name` custom section, kept for traps and backtraces. A malformed name
/// section is ignored (the spec makes custom sections non-fatal).
public struct NameSection: Hashable, Sendable {
  public var moduleName: String?
  public var functionNames: [UInt32: String]
  public var localNames: [UInt32: [UInt32: String]]
  public init(
    moduleName: String? = nil, functionNames: [UInt32: String] = [:],
    localNames: [UInt32: [UInt32: String]] = [:]
  ) {
    self.moduleName = moduleName
    self.functionNames = functionNames
    self.localNames = localNames
  }
}

/// A decoded module. Index spaces put imports first, as the spec does.
public struct Module: Sendable {
  /// The module's binary; bodies, data and custom sections are ranges of it.
  public var bytes: [UInt8]
  public var features: Features
  /// The type section, one entry per type index.
  public var types: [SubType] = []
  public var imports: [Import] = []
  /// Type index of each function defined in the module (not imported).
  public var functions: [UInt32] = []
  public var tables: [TableType] = []
  /// The initialiser of each defined table (Wasm 3.0 `(table ... expr)`), nil for a
  /// table filled with null.
  public var tableInitializers: [ConstExpression?] = []
  public var memories: [MemoryType] = []
  /// Tags defined in the module (exception handling).
  public var tags: [TagType] = []
  public var globals: [Global] = []
  public var exports: [Export] = []
  public var start: UInt32?
  public var elements: [ElementSegment] = []
  public var dataCount: UInt32?
  public var codes: [FunctionBody] = []
  public var data: [DataSegment] = []
  public var customSections: [CustomSection] = []
  public var names: NameSection?

  // Counts of imports by kind; index spaces start with them.
  public var importedFunctionCount = 0
  public var importedTableCount = 0
  public var importedMemoryCount = 0
  public var importedGlobalCount = 0
  public var importedTagCount = 0

  /// Where the contents of each section start in `bytes`, indexed by section id
  /// (1 type ... 13 tag); 0 for an absent section. Module-level validation
  /// reports its errors at these offsets.
  public var sectionOffsets = [Int](repeating: 0, count: 14)

  public init(bytes: [UInt8], features: Features = .default) {
    self.bytes = bytes
    self.features = features
  }

  /// The function type at `index` of the type section, or nil when there is none.
  @inlinable
  public func functionType(at index: UInt32) -> FunctionType? {
    guard Int(index) < types.count else { return nil }
    return types[Int(index)].functionType
  }
}
