// Types of the WebAssembly core specification.
// https://webassembly.github.io/spec/core/syntax/types.html
//
// These are plain value types so that decoding, validation and translation can pass
// them around without ARC traffic. Cases that Wasm 3.0 adds (typed function
// references, GC heap types, memory64, shared memories) have room here: new
// `HeapType` cases and the `Limits.is64` / `shared` flags.

/// A heap type: what a reference points to.
public enum HeapType: Hashable, Sendable {
  case function
  case extern
  // Wasm 3.0 (typed function references / GC) adds `.concrete(typeIndex)` and the
  // abstract GC types here.
}

/// A reference type: a nullable or non-null reference to a heap type.
public struct ReferenceType: Hashable, Sendable {
  public var isNullable: Bool
  public var heapType: HeapType

  public init(isNullable: Bool = true, heapType: HeapType) {
    self.isNullable = isNullable
    self.heapType = heapType
  }

  public static let funcRef = ReferenceType(heapType: .function)
  public static let externRef = ReferenceType(heapType: .extern)
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

  public var isReference: Bool {
    if case .ref = self { return true }
    return false
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

/// Size limits of a memory (in 64 KiB pages) or a table (in elements).
public struct Limits: Hashable, Sendable {
  public var min: UInt64
  public var max: UInt64?
  /// Wasm 3.0 memory64 / table64: the index type is i64.
  public var is64: Bool
  /// Threads proposal: a shared memory.
  public var isShared: Bool

  public init(min: UInt64, max: UInt64? = nil, is64: Bool = false, isShared: Bool = false) {
    self.min = min
    self.max = max
    self.is64 = is64
    self.isShared = isShared
  }
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

/// The kind of an import or export.
public enum ExternalKind: UInt8, Hashable, Sendable {
  case function = 0
  case table = 1
  case memory = 2
  case global = 3
  // Wasm 3.0 exception handling: case tag = 4
}

/// The type of a structured control instruction.
public enum BlockType: Hashable, Sendable {
  case empty
  case value(ValueType)
  /// An index into the type section (multi-value).
  case typeIndex(UInt32)
}
