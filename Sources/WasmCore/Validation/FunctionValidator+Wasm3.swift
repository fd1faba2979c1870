// Validation rules of the Wasm 3.0 control and reference instructions: tail calls,
// typed function references and exception handling.
// https://webassembly.github.io/spec/core/valid/instructions.html#control-instructions
// https://webassembly.github.io/spec/core/valid/instructions.html#reference-instructions

extension FunctionValidator {
  // MARK: Tail calls

  /// A tail call's callee must return what this function returns (its results
  /// subtypes of the function's), since they become this function's results.
  mutating func checkTailCallResults(_ type: FunctionType) throws(WasmError) {
    let own = functionType.results
    guard type.results.count == own.count else { throw typeMismatch() }
    for (callee, caller) in zip(type.results, own)
    where !context.typeTable.isSubtype(callee, of: caller) {
      throw typeMismatch()
    }
  }

  /// Pops the arguments of `type`, checks its results, ends the reachable code.
  mutating func applyTailCall(_ type: FunctionType) throws(WasmError) {
    var i = type.parameters.count
    while i > 0 {
      i -= 1
      try pop(OperandType(type.parameters[i]))
    }
    try checkTailCallResults(type)
    markUnreachable()
  }

  package mutating func visitReturnCall(_ function: UInt32) throws(WasmError) {
    guard let type = context.functionType(at: function) else {
      throw .invalid("unknown function \(function)", at: instructionOffset)
    }
    try applyTailCall(type)
  }

  package mutating func visitReturnCallIndirect(typeIndex: UInt32, tableIndex: UInt32)
    throws(WasmError)
  {
    let type = try callIndirectType(typeIndex: typeIndex, tableIndex: tableIndex)
    try applyTailCall(type)
  }

  // MARK: Typed function references

  /// Pops the `(ref null $t)` operand of `call_ref $t` and returns `$t`'s type.
  mutating func popFunctionReference(_ typeIndex: UInt32) throws(WasmError) -> FunctionType {
    let type = try functionType(typeIndex)
    try pop(OperandType(ReferenceType(isNullable: true, heapType: .concrete(typeIndex))))
    return type
  }

  package mutating func visitCallRef(_ typeIndex: UInt32) throws(WasmError) {
    try applyFunctionType(try popFunctionReference(typeIndex))
  }

  package mutating func visitReturnCallRef(_ typeIndex: UInt32) throws(WasmError) {
    try applyTailCall(try popFunctionReference(typeIndex))
  }

  /// The non-null type of a popped reference (`(ref bot)` for an unknown one).
  static func nonNullable(_ type: OperandType) -> OperandType {
    type.isUnknown ? .bottomReference : type.nonNullable
  }

  package mutating func visitRefAsNonNull() throws(WasmError) {
    push(Self.nonNullable(try popReference()))
  }

  package mutating func visitBrOnNull(_ depth: UInt32) throws(WasmError) {
    let frame = try labelFrame(depth)
    let reference = try popReference()
    try popLabelTypes(frame)
    for i in 0..<frame.labelArity { push(Self.labelType(frame, at: i, signatures: signatures)) }
    push(Self.nonNullable(reference))
  }

  package mutating func visitBrOnNonNull(_ depth: UInt32) throws(WasmError) {
    let frame = try labelFrame(depth)
    let arity = frame.labelArity
    guard arity >= 1 else { throw typeMismatch() }
    let target = Self.labelType(frame, at: arity - 1, signatures: signatures)
    guard target.isReference || target.isUnknown else { throw typeMismatch() }
    let reference = try popReference()
    guard context.typeTable.isSubtype(Self.nonNullable(reference), of: target) else {
      throw typeMismatch()
    }
    var i = arity - 1
    while i > 0 {
      i -= 1
      try pop(Self.labelType(frame, at: i, signatures: signatures))
    }
    for i in 0..<(arity - 1) { push(Self.labelType(frame, at: i, signatures: signatures)) }
  }

  // MARK: Exception handling

  /// The parameter types of tag `index`.
  mutating func tagParameters(_ index: UInt32) throws(WasmError) -> [ValueType] {
    guard let type = context.tagType(at: index) else {
      throw .invalid("unknown tag \(index)", at: instructionOffset)
    }
    return type.parameters
  }

  package mutating func visitThrow(_ tag: UInt32) throws(WasmError) {
    try popOperands(try tagParameters(tag))
    markUnreachable()
  }

  /// Pops operands of `types` (the last on top); a mismatch is reported with the
  /// types required and those on the stack, as the reference interpreter does.
  mutating func popOperands(_ types: [ValueType]) throws(WasmError) {
    let available = Array(
      UnsafeBufferPointer(start: stack + topHeight, count: stackCount - topHeight).suffix(
        types.count))
    do throws(WasmError) {
      var i = types.count
      while i > 0 {
        i -= 1
        try pop(OperandType(types[i]))
      }
    } catch {
      let required = types.map(\.description).joined(separator: " ")
      let present = available.map(\.description).joined(separator: " ")
      throw .invalid(
        "type mismatch: instruction requires [\(required)] but stack has [\(present)]",
        at: instructionOffset)
    }
  }

  package mutating func visitThrowRef() throws(WasmError) {
    try pop(.exnRef)
    markUnreachable()
  }

  package mutating func visitTryTable(_ type: BlockType, _ catches: TryTableCatches)
    throws(WasmError)
  {
    let signature = try resolve(type)
    // Catch labels are counted from outside the try_table: check them first.
    for clause in catches {
      let frame = try labelFrame(clause.label)
      var values: [ValueType] = clause.kind.hasTag ? try tagParameters(clause.tag) : []
      if clause.kind.passesReference {
        values.append(.ref(ReferenceType(isNullable: false, heapType: .exception)))
      }
      guard values.count == frame.labelArity else { throw typeMismatch() }
      for (i, value) in values.enumerated()
      where !context.typeTable.isSubtype(
        OperandType(value), of: Self.labelType(frame, at: i, signatures: signatures))
      {
        throw typeMismatch()
      }
    }
    try popParameters(signature)
    pushFrame(.tryTable, signature)
  }
}
