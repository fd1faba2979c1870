// Types of the WebAssembly core specification (Wasm 3.0).
// https://webassembly.github.io/spec/core/syntax/types.html
//
// These are plain value types so that decoding, validation and translation can pass
// them around without ARC traffic. Reference types carry a heap type that is either
// abstract (func, extern, exn, the GC hierarchy and their bottoms) or a concrete
// type index of the module; subtyping between them is `TypeTable`'s job.

/// A heap type: what a reference points to.
/// https://webassembly.github.io/spec/core/syntax/types.html#heap-types
public enum HeapType: Hashable, Sendable {
  /// `func`: any function.
  case function
  /// `nofunc`: the bottom of the function hierarchy (only null).
  case noFunction
  /// `extern`: a host reference.
  case extern
  /// `noextern`: the bottom of the external hierarchy.
  case noExtern
  /// `exn`: an exception (exception handling).
  case exception
  /// `noexn`: the bottom of the exception hierarchy.
  case noException
  /// GC's abstract types: `any`, `eq`, `i31`, `struct`, `array`.
  case any
  case eq
  case i31
  case `struct`
  case array
  /// `none`: the bottom of GC's `any` hierarchy (named so that it cannot be
  /// confused with `Optional.none`).
  case noAny
  /// A type defined in the module's type section, by index.
  case concrete(UInt32)
  /// The bottom of every hierarchy: a reference popped from unreachable code
  /// (validation only; no value has it).
  case bottom

  /// The type index of a concrete heap type.
  @inlinable
  public var typeIndex: UInt32? {
    if case .concrete(let index) = self { return index }
    return nil
  }

  /// Whether this abstract type belongs to GC (decoded only with `Features.gc`).
  public var isGC: Bool {
    switch self {
    case .any, .eq, .i31, .struct, .array, .noAny: return true
    default: return false
    }
  }
}

/// A reference type: a nullable or non-null reference to a heap type.
public struct ReferenceType: Hashable, Sendable {
  public var isNullable: Bool
  public var heapType: HeapType

  public init(isNullable: Bool = true, heapType: HeapType) {
    self.isNullable = isNullable
    self.heapType = heapType
  }

  /// `funcref` = `(ref null func)`.
  public static let funcRef = ReferenceType(heapType: .function)
  /// `externref` = `(ref null extern)`.
  public static let externRef = ReferenceType(heapType: .extern)
  /// `exnref` = `(ref null exn)`.
  public static let exnRef = ReferenceType(heapType: .exception)
}

/// A value type.
public enum ValueType: Hashable, Sendable {
  case i32
  case i64
  case f32
  case f64
  case v128
  case ref(ReferenceType)

  public static let funcRef = ValueType.ref(.funcRef)
  public static let externRef = ValueType.ref(.externRef)
  public static let exnRef = ValueType.ref(.exnRef)

  public var isReference: Bool {
    if case .ref = self { return true }
    return false
  }

  /// Whether a local of this type has a default value (numbers, vectors and
  /// nullable references do; non-null references must be set before use).
  public var isDefaultable: Bool {
    if case .ref(let r) = self { return r.isNullable }
    return true
  }
}

/// A function type: parameter and result types.
public struct FunctionType: Hashable, Sendable {
  public var parameters: [ValueType]
  public var results: [ValueType]

  public init(parameters: [ValueType], results: [ValueType]) {
    self.parameters = parameters
    self.results = results
  }
}

/// What a struct field or array element stores: a value type, or a packed integer
/// (GC's `i8` and `i16`, read back as i32 with `_s`/`_u`).
/// https://webassembly.github.io/spec/core/syntax/types.html#aggregate-types
public enum StorageType: Hashable, Sendable {
  case value(ValueType)
  case i8
  case i16

  /// The type a read pushes (`i32` for a packed type).
  @inlinable
  public var unpacked: ValueType {
    switch self {
    case .value(let type): return type
    case .i8, .i16: return .i32
    }
  }

  /// Whether the type is packed (`i8` or `i16`).
  @inlinable
  public var isPacked: Bool {
    if case .value = self { return false }
    return true
  }

  /// Bytes one value takes in an object.
  @inlinable
  public var byteSize: Int {
    switch self {
    case .i8: return 1
    case .i16: return 2
    case .value(.i32), .value(.f32): return 4
    case .value(.v128): return 16
    case .value: return 8
    }
  }
}

/// A struct field or the element of an array: its storage type and mutability.
public struct FieldType: Hashable, Sendable {
  public var storage: StorageType
  public var mutability: Mutability

  public init(_ storage: StorageType, mutability: Mutability = .constant) {
    self.storage = storage
    self.mutability = mutability
  }

  public var isMutable: Bool { mutability == .variable }
}

/// The structure of a defined type: a function, a struct or an array. Switches over
/// it are exhaustive.
/// https://webassembly.github.io/spec/core/syntax/types.html#composite-types
public enum CompositeType: Hashable, Sendable {
  case function(FunctionType)
  /// A struct (GC): its fields, in order.
  case `struct`([FieldType])
  /// An array (GC): its element type.
  case array(FieldType)
}

/// One entry of the type section: a composite type with its declared supertype
/// (GC's `sub`), finality, and the recursion group it was defined in.
/// https://webassembly.github.io/spec/core/syntax/types.html#recursive-types
public struct SubType: Hashable, Sendable {
  public var composite: CompositeType
  /// Declared supertypes (at most one in Wasm 3.0), as type indices.
  public var supertypes: [UInt32]
  /// A final type has no subtypes. Types written without `sub` are final.
  public var isFinal: Bool
  /// Type indices of the recursion group holding this type (one type when written
  /// without `rec`). A type may refer to every type of its group and before it.
  public var recursionGroup: Range<UInt32>

  public init(
    _ composite: CompositeType, supertypes: [UInt32] = [], isFinal: Bool = true,
    recursionGroup: Range<UInt32>
  ) {
    self.composite = composite
    self.supertypes = supertypes
    self.isFinal = isFinal
    self.recursionGroup = recursionGroup
  }

  /// The function type, when the composite type is one.
  @inlinable
  public var functionType: FunctionType? {
    if case .function(let type) = composite { return type }
    return nil
  }

  /// The fields, when the composite type is a struct.
  @inlinable
  public var structFields: [FieldType]? {
    if case .struct(let fields) = composite { return fields }
    return nil
  }

  /// The element type, when the composite type is an array.
  @inlinable
  public var arrayElement: FieldType? {
    if case .array(let element) = composite { return element }
    return nil
  }
}

/// Size limits of a memory (in 64 KiB pages) or a table (in elements).
public struct Limits: Hashable, Sendable {
  public var min: UInt64
  public var max: UInt64?
  /// Wasm 3.0 memory64 / table64: the address type is i64.
  public var is64: Bool
  /// Threads proposal: a shared memory.
  public var isShared: Bool

  public init(min: UInt64, max: UInt64? = nil, is64: Bool = false, isShared: Bool = false) {
    self.min = min
    self.max = max
    self.is64 = is64
    self.isShared = isShared
  }

  /// The type of addresses into a memory or table with these limits.
  public var addressType: ValueType { is64 ? .i64 : .i32 }
}

public struct MemoryType: Hashable, Sendable {
  public var limits: Limits
  public init(limits: Limits) { self.limits = limits }
}

public struct TableType: Hashable, Sendable {
  public var elementType: ReferenceType
  public var limits: Limits
  public init(elementType: ReferenceType, limits: Limits) {
    self.elementType = elementType
    self.limits = limits
  }
}

public enum Mutability: Hashable, Sendable {
  case constant
  case variable
}

public struct GlobalType: Hashable, Sendable {
  public var mutability: Mutability
  public var valueType: ValueType
  public init(mutability: Mutability, valueType: ValueType) {
    self.mutability = mutability
    self.valueType = valueType
  }
}

/// The type of an exception tag: the index of a function type whose parameters
/// are the exception's values (and whose results are empty).
public struct TagType: Hashable, Sendable {
  public var typeIndex: UInt32
  public init(typeIndex: UInt32) { self.typeIndex = typeIndex }
}

/// The kind of an import or export.
public enum ExternalKind: UInt8, Hashable, Sendable {
  case function = 0
  case table = 1
  case memory = 2
  case global = 3
  /// Exception handling (Wasm 3.0).
  case tag = 4
}

/// The type of a structured control instruction.
public enum BlockType: Hashable, Sendable {
  case empty
  case value(ValueType)
  /// An index into the type section (multi-value).
  case typeIndex(UInt32)
}
