// Typing of constant expressions.
// https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions
//
// Constness itself was enforced while decoding (only constant instructions fit in a
// `ConstExpression`); what is left is the operands they name and the type they leave.

struct ConstExpressionChecker {
  /// Every global known so far (imported first).
  let globals: [GlobalType]
  /// How many leading `globals` a constant expression may read.
  let visibleGlobalCount: Int
  let functionCount: Int

  /// Checks that `expression` leaves exactly one value of type `expected`, and records
  /// the functions it references (C.refs).
  func check(
    _ expression: ConstExpression, produces expected: ValueType, references: inout Set<UInt32>
  ) throws(WasmError) {
    // No Wasm 2.0 constant instruction pops operands, so the stack is described by
    // its height and top. Extended constant expressions (3.0) will need a real stack.
    var height = 0
    var top: ValueType = .i32
    for instruction in expression.instructions {
      switch instruction {
      case .i32Const: top = .i32
      case .i64Const: top = .i64
      case .f32Const: top = .f32
      case .f64Const: top = .f64
      case .v128Const: top = .v128
      case .refNull(let heapType): top = .ref(ReferenceType(heapType: heapType))
      case .refFunc(let index):
        guard Int(index) < functionCount else {
          throw .invalid("unknown function \(index)", at: expression.offset)
        }
        references.insert(index)
        top = .funcRef
      case .globalGet(let index):
        guard Int(index) < visibleGlobalCount else {
          throw .invalid("unknown global \(index)", at: expression.offset)
        }
        let global = globals[Int(index)]
        guard global.mutability == .constant else {
          throw .invalid("constant expression required", at: expression.offset)
        }
        top = global.valueType
      }
      height += 1
    }
    guard height == 1, top == expected else {
      throw .invalid("type mismatch", at: expression.offset)
    }
  }
}
