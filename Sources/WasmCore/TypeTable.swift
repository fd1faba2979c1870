// Type equivalence and subtyping (Wasm 3.0).
// https://webassembly.github.io/spec/core/valid/conventions.html#rolling-and-unrolling
// https://webassembly.github.io/spec/core/valid/matching.html
//
// Types are equivalent iso-recursively: two type indices denote the same type when
// their recursion groups have the same shape, position for position, where a
// reference inside a group is compared by its position in the group and a
// reference outside by the (already canonical) type it names. `canonical[i]` is
// therefore the first index of a type equivalent to `i`, computed group by group
// with a dictionary of group shapes: equivalence is one integer compare afterwards.
// The same shapes serve the interpreter's store-wide type ids (`groupShape`), where
// outside references are store ids instead.

/// The type section of a module with its equivalence classes, and the subtyping
/// relation over value, reference, heap and function types.
public struct TypeTable: Sendable {
  public let types: [SubType]
  /// For each type index, the first index of an equivalent type.
  public let canonical: [UInt32]
  /// The function type of each index (empty parameters and results for a
  /// non-function type), for the validator's hot paths.
  public let functionTypes: [FunctionType]

  /// Computes equivalence classes. The types must refer only to types of their own
  /// recursion group or before it (checked by `ModuleValidator`; out-of-range
  /// references are treated as distinct types here, never trusted).
  public init(types: [SubType]) {
    self.types = types
    var canonical = [UInt32](repeating: 0, count: types.count)
    var firstOfShape: [TypeShape: UInt32] = [:]
    var index = 0
    while index < types.count {
      let group = types[index].recursionGroup
      let start = Int(group.lowerBound)
      let end = min(max(Int(group.upperBound), index + 1), types.count)
      guard start == index else {
        // A malformed group description: the type is its own class.
        canonical[index] = UInt32(index)
        index += 1
        continue
      }
      let shape = TypeTable.groupShape(types, group: UInt32(start)..<UInt32(end)) { outside in
        Int(outside) < index ? Int(canonical[Int(outside)]) : -1 - Int(outside)
      }
      let first = firstOfShape[shape] ?? UInt32(start)
      if firstOfShape[shape] == nil { firstOfShape[shape] = first }
      for member in start..<end { canonical[member] = first + UInt32(member - start) }
      index = end
    }
    self.canonical = canonical
    self.functionTypes = types.map { $0.functionType ?? FunctionType(parameters: [], results: []) }
  }

  /// A sequence of integers describing a recursion group up to equivalence: two
  /// groups are equivalent when their shapes are equal. `outside` gives the id of a
  /// type index outside the group (a canonical index, or a store-wide type id).
  public static func groupShape(
    _ types: [SubType], group: Range<UInt32>, outside: (UInt32) -> Int
  ) -> TypeShape {
    var shape: [Int] = [group.count]
    func reference(_ index: UInt32) {
      if group.contains(index) {
        shape.append(-1)
        shape.append(Int(index - group.lowerBound))
      } else {
        shape.append(-2)
        shape.append(outside(index))
      }
    }
    func value(_ type: ValueType) {
      switch type {
      case .i32: shape.append(1)
      case .i64: shape.append(2)
      case .f32: shape.append(3)
      case .f64: shape.append(4)
      case .v128: shape.append(5)
      case .ref(let r):
        shape.append(r.isNullable ? 7 : 6)
        if case .concrete(let index) = r.heapType {
          reference(index)
        } else {
          shape.append(Int(OperandType.heapCode(r.heapType)))
        }
      }
    }
    func field(_ field: FieldType) {
      switch field.storage {
      case .value(let type): value(type)
      case .i8: shape.append(8)
      case .i16: shape.append(9)
      }
      shape.append(field.isMutable ? 1 : 0)
    }
    for index in group where Int(index) < types.count {
      let type = types[Int(index)]
      shape.append(type.isFinal ? 1 : 0)
      shape.append(type.supertypes.count)
      for supertype in type.supertypes { reference(supertype) }
      switch type.composite {
      case .function(let function):
        shape.append(0x60)
        shape.append(function.parameters.count)
        for p in function.parameters { value(p) }
        shape.append(function.results.count)
        for r in function.results { value(r) }
      case .struct(let fields):
        shape.append(0x5F)
        shape.append(fields.count)
        for f in fields { field(f) }
      case .array(let element):
        shape.append(0x5E)
        field(element)
      }
    }
    return TypeShape(words: shape)
  }

  // MARK: Equivalence

  /// Whether type indices `a` and `b` denote equivalent types.
  @inlinable
  public func equivalent(_ a: UInt32, _ b: UInt32) -> Bool {
    a == b
      || (Int(a) < canonical.count && Int(b) < canonical.count
        && canonical[Int(a)] == canonical[Int(b)])
  }

  /// Whether type index `index` is a function type.
  @inlinable
  public func isFunction(_ index: UInt32) -> Bool {
    guard Int(index) < types.count else { return false }
    if case .function = types[Int(index)].composite { return true }
    return false
  }

  /// Whether type index `index` is a struct type.
  @inlinable
  public func isStruct(_ index: UInt32) -> Bool {
    guard Int(index) < types.count else { return false }
    if case .struct = types[Int(index)].composite { return true }
    return false
  }

  /// Whether type index `index` is an array type.
  @inlinable
  public func isArray(_ index: UInt32) -> Bool {
    guard Int(index) < types.count else { return false }
    if case .array = types[Int(index)].composite { return true }
    return false
  }

  /// The fields of struct type `index`, or nil when it is none.
  @inlinable
  public func structFields(_ index: UInt32) -> [FieldType]? {
    guard Int(index) < types.count else { return nil }
    return types[Int(index)].structFields
  }

  /// The element type of array type `index`, or nil when it is none.
  @inlinable
  public func arrayElement(_ index: UInt32) -> FieldType? {
    guard Int(index) < types.count else { return nil }
    return types[Int(index)].arrayElement
  }

  // MARK: Subtyping
  // https://webassembly.github.io/spec/core/valid/matching.html

  /// Whether concrete type `a` is `b` or declares it as a supertype, transitively.
  public func isSubtype(index a: UInt32, of b: UInt32) -> Bool {
    var current = a
    // Supertypes have smaller indices (validated), so the walk ends; the bound
    // keeps it finite even for an unvalidated table.
    var steps = 0
    while steps <= types.count {
      if equivalent(current, b) { return true }
      guard Int(current) < types.count, let next = types[Int(current)].supertypes.first,
        next < current
      else { return false }
      current = next
      steps += 1
    }
    return false
  }

  /// Heap type subtyping: `a <: b`.
  public func isSubtype(_ a: HeapType, of b: HeapType) -> Bool {
    if a == b || a == .bottom { return true }
    switch (a, b) {
    case (.concrete(let i), .concrete(let j)):
      return isSubtype(index: i, of: j)
    case (.concrete(let i), .function):
      return isFunction(i)
    case (.concrete(let i), .any), (.concrete(let i), .eq):
      return Int(i) < types.count && !isFunction(i)
    case (.concrete(let i), .struct): return isStruct(i)
    case (.concrete(let i), .array): return isArray(i)
    case (.noFunction, .function): return true
    case (.noFunction, .concrete(let j)): return isFunction(j)
    case (.noExtern, .extern): return true
    case (.noException, .exception): return true
    case (.eq, .any), (.i31, .any), (.struct, .any), (.array, .any): return true
    case (.i31, .eq), (.struct, .eq), (.array, .eq): return true
    case (.noAny, .any), (.noAny, .eq), (.noAny, .i31), (.noAny, .struct), (.noAny, .array):
      return true
    case (.noAny, .concrete(let j)): return Int(j) < types.count && !isFunction(j)
    default: return false
    }
  }

  /// Reference type subtyping.
  public func isSubtype(_ a: ReferenceType, of b: ReferenceType) -> Bool {
    if a.isNullable && !b.isNullable { return false }
    return isSubtype(a.heapType, of: b.heapType)
  }

  /// Value type subtyping.
  public func isSubtype(_ a: ValueType, of b: ValueType) -> Bool {
    switch (a, b) {
    case (.ref(let x), .ref(let y)): return isSubtype(x, of: y)
    default: return a == b
    }
  }

  /// Operand type subtyping, `unknown` being a subtype of everything.
  @inlinable
  package func isSubtype(_ a: OperandType, of b: OperandType) -> Bool {
    if a == b || a.isUnknown { return true }
    guard a.isReference, b.isReference else { return false }
    if a.isNullable && !b.isNullable { return false }
    return isSubtype(a.heapType, of: b.heapType)
  }

  /// Storage type subtyping: packed types match only themselves.
  public func isSubtype(_ a: StorageType, of b: StorageType) -> Bool {
    switch (a, b) {
    case (.value(let x), .value(let y)): return isSubtype(x, of: y)
    default: return a == b
    }
  }

  /// Field subtyping: an immutable field is covariant, a mutable one invariant.
  public func isSubtype(_ a: FieldType, of b: FieldType) -> Bool {
    guard a.mutability == b.mutability, isSubtype(a.storage, of: b.storage) else { return false }
    return !a.isMutable || isSubtype(b.storage, of: a.storage)
  }

  /// Composite type subtyping: functions as below, structs by width and depth
  /// (a prefix of matching fields), arrays by their element.
  public func isSubtype(_ a: CompositeType, of b: CompositeType) -> Bool {
    switch (a, b) {
    case (.function(let x), .function(let y)): return isSubtype(x, of: y)
    case (.struct(let x), .struct(let y)):
      guard x.count >= y.count else { return false }
      for (f, g) in zip(x, y) where !isSubtype(f, of: g) { return false }
      return true
    case (.array(let x), .array(let y)): return isSubtype(x, of: y)
    default: return false
    }
  }

  /// Function type subtyping: contravariant parameters, covariant results.
  public func isSubtype(_ a: FunctionType, of b: FunctionType) -> Bool {
    guard a.parameters.count == b.parameters.count, a.results.count == b.results.count else {
      return false
    }
    for (x, y) in zip(a.parameters, b.parameters) where !isSubtype(y, of: x) { return false }
    for (x, y) in zip(a.results, b.results) where !isSubtype(x, of: y) { return false }
    return true
  }

  /// The top of the hierarchy a heap type belongs to (`func`, `extern`, `exn` or
  /// `any`); nil for `bottom`.
  public func top(of heap: HeapType) -> HeapType? {
    switch heap {
    case .function, .noFunction: return .function
    case .extern, .noExtern: return .extern
    case .exception, .noException: return .exception
    case .any, .eq, .i31, .struct, .array, .noAny: return .any
    case .concrete(let index): return isFunction(index) ? .function : .any
    case .bottom: return nil
    }
  }
}

/// A recursion group's shape (`TypeTable.groupShape`), as a dictionary key. Hashed by
/// hand: `[Int]` as a key would need Array's conditional Hashable conformance, which
/// the runtime resolves with a scan of every conformance in the process (~0.4 M
/// instructions on the first use, measured with callgrind).
public struct TypeShape: Hashable, Sendable {
  public let words: [Int]

  public init(words: [Int]) { self.words = words }

  public static func == (a: TypeShape, b: TypeShape) -> Bool {
    a.words.count == b.words.count && a.words.elementsEqual(b.words)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(words.count)
    for word in words { hasher.combine(word) }
  }
}
