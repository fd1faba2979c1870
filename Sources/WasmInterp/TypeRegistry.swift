// Store-wide type ids: what `call_indirect` compares and what linking matches.
// https://webassembly.github.io/spec/core/valid/conventions.html#rolling-and-unrolling
//
// Types are equivalent iso-recursively (see WasmCore's TypeTable): a module's
// recursion groups are registered in order, each described by its shape with
// references outside the group replaced by their store ids, so equivalent types of
// different modules get the same id and a type check is one integer compare.
// Reference types that cross modules (imported globals and tables, host values) are
// compared in "store form": concrete type indices replaced by store ids.

import WasmCore

struct TypeRegistry {
  /// Group shape → the id of its first type.
  private var groups: [TypeShape: Int] = [:]
  /// Function type of each id (in the index space of the module that first defined
  /// it; only its shape matters), and the id of its declared supertype (0: none).
  /// Id 0 is no type.
  private(set) var functionTypes: [FunctionType] = [FunctionType(parameters: [], results: [])]
  private(set) var supertypes: [Int] = [0]
  /// Function type of each id in store form (a struct or array id: no parameters,
  /// no results): what values from the host are checked against.
  private(set) var storeFunctionTypes: [FunctionType] = [FunctionType(parameters: [], results: [])]
  /// What each id defines (function, struct or array).
  private(set) var kinds: [Kind] = [.function]
  /// The fields of each struct id, the element of each array id (one field), none
  /// for a function id, in store form: what the host's typed accessors decode.
  private(set) var fieldTypes: [[FieldType]] = [[]]

  enum Kind { case function, structure, array }

  /// What type `id` defines (a function for an unknown id).
  func kind(of id: Int) -> Kind { id > 0 && id < kinds.count ? kinds[id] : .function }

  /// The store id of every type of a module's type section.
  mutating func register(_ types: [SubType]) -> [Int] {
    var ids = [Int](repeating: 0, count: types.count)
    var index = 0
    while index < types.count {
      let group = types[index].recursionGroup
      let end = min(max(Int(group.upperBound), index + 1), types.count)
      let range = UInt32(index)..<UInt32(end)
      let shape = TypeTable.groupShape(types, group: range) { outside in
        Int(outside) < index ? ids[Int(outside)] : -1
      }
      if let first = groups[shape] {
        for member in index..<end { ids[member] = first + (member - index) }
      } else {
        let first = functionTypes.count
        groups[shape] = first
        for member in index..<end {
          ids[member] = first + (member - index)
          let type = types[member].functionType ?? FunctionType(parameters: [], results: [])
          functionTypes.append(type)
          storeFunctionTypes.append(type)
          supertypes.append(0)
          fieldTypes.append([])
          switch types[member].composite {
          case .function: kinds.append(.function)
          case .struct: kinds.append(.structure)
          case .array: kinds.append(.array)
          }
        }
        for member in index..<end {
          // In store form, now that every id of the group is known.
          switch types[member].composite {
          case .function(let type):
            storeFunctionTypes[first + (member - index)] = FunctionType(
              parameters: type.parameters.map { Self.storeForm($0, ids) },
              results: type.results.map { Self.storeForm($0, ids) })
          case .struct(let fields):
            fieldTypes[first + (member - index)] = fields.map { Self.storeForm($0, ids) }
          case .array(let element):
            fieldTypes[first + (member - index)] = [Self.storeForm(element, ids)]
          }
          if let supertype = types[member].supertypes.first, Int(supertype) < types.count {
            supertypes[first + (member - index)] =
              Int(supertype) < index ? ids[Int(supertype)] : first + (Int(supertype) - index)
          }
        }
      }
      index = end
    }
    return ids
  }

  /// The id of a host function's type (a final type of its own group). Concrete
  /// references in it have no module to resolve against and match nothing.
  mutating func id(of type: FunctionType) -> Int {
    let single = SubType(.function(type), recursionGroup: 0..<1)
    let shape = TypeTable.groupShape([single], group: 0..<1) { _ in -1 }
    if let id = groups[shape] { return id }
    let id = functionTypes.count
    groups[shape] = id
    functionTypes.append(type)
    // No module to resolve a concrete reference against: id 0, which nothing has.
    storeFunctionTypes.append(
      FunctionType(
        parameters: type.parameters.map { Self.storeForm($0, []) },
        results: type.results.map { Self.storeForm($0, []) }))
    supertypes.append(0)
    kinds.append(.function)
    fieldTypes.append([])
    return id
  }

  /// The store-form function type of `id` (no parameters or results for an unknown id).
  func storeFunctionType(_ id: Int) -> FunctionType {
    id > 0 && id < storeFunctionTypes.count
      ? storeFunctionTypes[id] : FunctionType(parameters: [], results: [])
  }

  /// Whether id `a` is id `b` or declares it as a supertype, transitively.
  func isSubtype(_ a: Int, of b: Int) -> Bool {
    var current = a
    // Supertypes are registered before their subtypes: ids decrease.
    while current > 0 {
      if current == b { return true }
      let next = current < supertypes.count ? supertypes[current] : 0
      guard next < current else { return false }
      current = next
    }
    return false
  }

  // MARK: Store form

  /// `type` with its concrete type indices replaced by store ids (`ids`, the ids of
  /// the module's types).
  static func storeForm(_ type: ValueType, _ ids: [Int]) -> ValueType {
    guard case .ref(let reference) = type else { return type }
    return .ref(storeForm(reference, ids))
  }

  static func storeForm(_ type: ReferenceType, _ ids: [Int]) -> ReferenceType {
    guard case .concrete(let index) = type.heapType else { return type }
    let id = Int(index) < ids.count ? ids[Int(index)] : 0
    return ReferenceType(
      isNullable: type.isNullable, heapType: .concrete(UInt32(truncatingIfNeeded: id)))
  }

  static func storeForm(_ field: FieldType, _ ids: [Int]) -> FieldType {
    guard case .value(let type) = field.storage else { return field }
    return FieldType(.value(storeForm(type, ids)), mutability: field.mutability)
  }

  /// Subtyping of value types in store form.
  func isSubtype(_ a: ValueType, of b: ValueType) -> Bool {
    switch (a, b) {
    case (.ref(let x), .ref(let y)): return isSubtype(x, of: y)
    default: return a == b
    }
  }

  func isSubtype(_ a: ReferenceType, of b: ReferenceType) -> Bool {
    if a.isNullable && !b.isNullable { return false }
    switch (a.heapType, b.heapType) {
    case (.concrete(let x), .concrete(let y)): return isSubtype(Int(x), of: Int(y))
    case (.concrete(let x), .function): return kind(of: Int(x)) == .function
    case (.noFunction, .concrete(let y)): return kind(of: Int(y)) == .function
    case (.concrete(let x), .any), (.concrete(let x), .eq): return kind(of: Int(x)) != .function
    case (.concrete(let x), .struct): return kind(of: Int(x)) == .structure
    case (.concrete(let x), .array): return kind(of: Int(x)) == .array
    case (.noAny, .concrete(let y)): return kind(of: Int(y)) != .function
    default:
      // Abstract types: the module-independent rules of WasmCore's TypeTable.
      return TypeTable(types: []).isSubtype(a.heapType, of: b.heapType)
    }
  }
}
