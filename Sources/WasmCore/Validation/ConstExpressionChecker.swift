// Typing of constant expressions.
// https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions
//
// Constness itself was enforced while decoding (only constant instructions fit in a
// `ConstExpression`); what is left is the operands they name and the types they
// pop and leave: with extended constant expressions (Wasm 3.0) `i32.add` and
// friends pop two operands, so the checker keeps a small stack.

struct ConstExpressionChecker {
  /// Every global known so far (imported first).
  var globals: [GlobalType]
  /// How many leading `globals` a constant expression may read.
  var visibleGlobalCount: Int
  /// The type index of every function (imports first).
  let functionTypeIndices: [UInt32]
  let types: TypeChecker
  let features: Features

  init(
    globals: [GlobalType], visibleGlobalCount: Int, functionTypeIndices: [UInt32],
    types: TypeChecker,
    features: Features
  ) {
    self.globals = globals
    self.visibleGlobalCount = visibleGlobalCount
    self.functionTypeIndices = functionTypeIndices
    self.types = types
    self.features = features
  }

  /// Checks that `expression` leaves exactly one value of a subtype of `expected`, and
  /// records the functions it references (C.refs).
  func check(
    _ expression: ConstExpression, produces expected: ValueType, references: inout Set<UInt32>
  ) throws(WasmError) {
    let offset = expression.offset
    var stack: [ValueType] = []
    let table = types.table
    func pop(_ type: ValueType) throws(WasmError) {
      guard let top = stack.popLast(), table.isSubtype(top, of: type) else {
        throw .invalid("type mismatch", at: offset)
      }
    }
    func structFields(_ index: UInt32) throws(WasmError) -> [FieldType] {
      guard let fields = table.structFields(index) else {
        throw .invalid("unknown type \(index)", at: offset)
      }
      return fields
    }
    func arrayElement(_ index: UInt32) throws(WasmError) -> ValueType {
      guard let element = table.arrayElement(index) else {
        throw .invalid("unknown type \(index)", at: offset)
      }
      return element.storage.unpacked
    }
    func reference(_ index: UInt32) -> ValueType {
      .ref(ReferenceType(isNullable: false, heapType: .concrete(index)))
    }
    /// Pops a reference of the hierarchy of `top`; returns whether it may be null.
    func popConvertible(_ top: HeapType) throws(WasmError) -> Bool {
      guard case .ref(let reference)? = stack.popLast(),
        table.isSubtype(reference, of: ReferenceType(isNullable: true, heapType: top))
      else { throw .invalid("type mismatch", at: offset) }
      return reference.isNullable
    }
    for instruction in expression.instructions {
      switch instruction {
      case .i32Const: stack.append(.i32)
      case .i64Const: stack.append(.i64)
      case .f32Const: stack.append(.f32)
      case .f64Const: stack.append(.f64)
      case .v128Const: stack.append(.v128)
      case .refNull(let heapType):
        try types.check(heapType, at: offset)
        stack.append(.ref(ReferenceType(heapType: heapType)))
      case .refFunc(let index):
        guard Int(index) < functionTypeIndices.count else {
          throw .invalid("unknown function \(index)", at: offset)
        }
        references.insert(index)
        stack.append(
          ConstExpressionChecker.referenceType(
            ofFunction: functionTypeIndices[Int(index)], features: features))
      case .globalGet(let index):
        guard Int(index) < visibleGlobalCount else {
          throw .invalid("unknown global \(index)", at: offset)
        }
        let global = globals[Int(index)]
        guard global.mutability == .constant else {
          throw .invalid("constant expression required", at: offset)
        }
        stack.append(global.valueType)
      case .i32Add, .i32Sub, .i32Mul:
        try pop(.i32)
        try pop(.i32)
        stack.append(.i32)
      case .i64Add, .i64Sub, .i64Mul:
        try pop(.i64)
        try pop(.i64)
        stack.append(.i64)
      case .structNew(let index):
        let fields = try structFields(index)
        for field in fields.reversed() { try pop(field.storage.unpacked) }
        stack.append(reference(index))
      case .structNewDefault(let index):
        guard try structFields(index).allSatisfy({ $0.storage.unpacked.isDefaultable }) else {
          throw .invalid("type mismatch", at: offset)
        }
        stack.append(reference(index))
      case .arrayNew(let index):
        let element = try arrayElement(index)
        try pop(.i32)
        try pop(element)
        stack.append(reference(index))
      case .arrayNewDefault(let index):
        guard try arrayElement(index).isDefaultable else {
          throw .invalid("type mismatch", at: offset)
        }
        try pop(.i32)
        stack.append(reference(index))
      case .arrayNewFixed(let index, let count):
        let element = try arrayElement(index)
        // Each operand is an instruction of the expression: a count beyond them
        // fails at the first pop that finds nothing.
        var i: UInt32 = 0
        while i < count {
          try pop(element)
          i += 1
        }
        stack.append(reference(index))
      case .refI31:
        try pop(.i32)
        stack.append(.ref(ReferenceType(isNullable: false, heapType: .i31)))
      case .anyConvertExtern:
        let nullable = try popConvertible(.extern)
        stack.append(.ref(ReferenceType(isNullable: nullable, heapType: .any)))
      case .externConvertAny:
        let nullable = try popConvertible(.any)
        stack.append(.ref(ReferenceType(isNullable: nullable, heapType: .extern)))
      }
    }
    guard stack.count == 1, types.table.isSubtype(stack[0], of: expected) else {
      throw .invalid("type mismatch", at: offset)
    }
  }

  /// The type of `ref.func` of a function of type `typeIndex`: Wasm 3.0 types it
  /// precisely, a non-null reference to that type; Wasm 2.0 as `funcref`.
  static func referenceType(ofFunction typeIndex: UInt32, features: Features) -> ValueType {
    guard !features.isDisjoint(with: [.functionReferences, .gc]) else { return .funcRef }
    return .ref(ReferenceType(isNullable: false, heapType: .concrete(typeIndex)))
  }
}
