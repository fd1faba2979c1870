// Validity of types written in a module: every type index they mention exists.
// https://webassembly.github.io/spec/core/valid/types.html

/// Checks the types a module writes against its type section.
struct TypeChecker {
  let table: TypeTable
  /// Type indices from here on are unknown (the end of the type section, or of the
  /// recursion group being defined).
  let limit: UInt32

  init(table: TypeTable, limit: UInt32? = nil) {
    self.table = table
    self.limit = limit ?? UInt32(truncatingIfNeeded: table.types.count)
  }

  func check(_ heap: HeapType, at offset: Int) throws(WasmError) {
    if case .concrete(let index) = heap, index >= limit || Int(index) >= table.types.count {
      throw .invalid("unknown type \(index)", at: offset)
    }
  }

  func check(_ type: ValueType, at offset: Int) throws(WasmError) {
    if case .ref(let reference) = type { try check(reference.heapType, at: offset) }
  }

  /// `index` names a function type.
  func checkFunctionType(_ index: UInt32, at offset: Int) throws(WasmError) {
    guard Int(index) < table.types.count, table.isFunction(index) else {
      throw .invalid("unknown type \(index)", at: offset)
    }
  }

  /// A tag's type is a function type without results.
  func checkTagType(_ type: TagType, at offset: Int) throws(WasmError) {
    try checkFunctionType(type.typeIndex, at: offset)
    guard table.functionTypes[Int(type.typeIndex)].results.isEmpty else {
      throw .invalid("non-empty tag result type", at: offset)
    }
  }
}
