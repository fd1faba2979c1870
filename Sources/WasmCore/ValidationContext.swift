// What validating a function body needs to know about the rest of the module.
// https://webassembly.github.io/spec/core/valid/conventions.html#contexts
//
// Built once per module by module-level validation; function-body validators (and
// the interpreter's translator, which validates as it translates) read it.

package struct ValidationContext: Sendable {
  package var features: Features
  /// The type section, with type equivalence and subtyping.
  package var typeTable: TypeTable
  /// Type index of every function in the function index space (imports first).
  package var functionTypeIndices: [UInt32]
  package var tables: [TableType]
  package var memories: [MemoryType]
  package var globals: [GlobalType]
  /// Every tag in the tag index space (imports first).
  package var tags: [TagType]
  /// Reference type of each element segment.
  package var elementTypes: [ReferenceType]
  /// Number of data segments, when the module has a data count section.
  package var dataCount: UInt32?
  /// Functions that `ref.func` may name in a function body (C.refs): those referenced
  /// outside function bodies (exports, element segments, global initialisers).
  package var declaredFunctionReferences: Set<UInt32>
  /// The function types and the type of every function as the validator's codes
  /// (built here from `typeTable` and `functionTypeIndices`).
  package let signatures: SignatureTable

  package init(
    features: Features, typeTable: TypeTable, functionTypeIndices: [UInt32],
    tables: [TableType], memories: [MemoryType], globals: [GlobalType], tags: [TagType] = [],
    elementTypes: [ReferenceType], dataCount: UInt32?,
    declaredFunctionReferences: Set<UInt32>
  ) {
    self.features = features
    self.typeTable = typeTable
    self.functionTypeIndices = functionTypeIndices
    self.tables = tables
    self.memories = memories
    self.globals = globals
    self.tags = tags
    self.elementTypes = elementTypes
    self.dataCount = dataCount
    self.declaredFunctionReferences = declaredFunctionReferences
    self.signatures = SignatureTable(
      typeTable: typeTable, functionTypeIndices: functionTypeIndices, globals: globals)
  }

  /// The function type of every type index (empty for other composite types).
  @inlinable
  package var types: [FunctionType] { typeTable.functionTypes }

  /// The type of function `index`, or nil when the index is out of range.
  @inlinable
  package func functionType(at index: UInt32) -> FunctionType? {
    guard Int(index) < functionTypeIndices.count else { return nil }
    let typeIndex = Int(functionTypeIndices[Int(index)])
    guard typeIndex < typeTable.functionTypes.count else { return nil }
    return typeTable.functionTypes[typeIndex]
  }

  /// The function type of tag `index`, or nil when the index is out of range.
  @inlinable
  package func tagType(at index: UInt32) -> FunctionType? {
    guard Int(index) < tags.count else { return nil }
    let typeIndex = Int(tags[Int(index)].typeIndex)
    guard typeIndex < typeTable.functionTypes.count else { return nil }
    return typeTable.functionTypes[typeIndex]
  }
}
