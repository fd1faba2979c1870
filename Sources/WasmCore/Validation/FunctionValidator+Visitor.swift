// The validation rule of each instruction.
// https://webassembly.github.io/spec/core/valid/instructions.html
// https://webassembly.github.io/spec/core/appendix/algorithm.html#validation-of-opcode-sequences

extension FunctionValidator: InstructionVisitor {
  // MARK: Control

  package mutating func visitUnreachable() throws(WasmError) {
    markUnreachable()
  }

  package mutating func visitNop() throws(WasmError) {}

  package mutating func visitBlock(_ type: BlockType) throws(WasmError) {
    let signature = try resolve(type)
    try popParameters(signature)
    pushFrame(.block, signature)
  }

  package mutating func visitLoop(_ type: BlockType) throws(WasmError) {
    let signature = try resolve(type)
    try popParameters(signature)
    pushFrame(.loop, signature)
  }

  package mutating func visitIf(_ type: BlockType) throws(WasmError) {
    let signature = try resolve(type)
    try pop(.i32)
    try popParameters(signature)
    pushFrame(.if, signature)
  }

  package mutating func visitElse() throws(WasmError) {
    // The reference interpreter's decoder only accepts `else` inside `if`.
    guard frames[frameCount - 1].kind == .if else {
      throw .malformed("END opcode expected", at: instructionOffset)
    }
    let frame = try popFrame()
    pushFrame(.else, frame.signature)
  }

  package mutating func visitEnd() throws(WasmError) {
    let frame = try popFrame()
    // An `if` without `else` passes its parameters through as its results.
    if frame.kind == .if && !ifWithoutElseIsValid(frame.signature) { throw typeMismatch() }
    if frame.kind != .function { pushResults(frame.signature) }
  }

  mutating func ifWithoutElseIsValid(_ signature: BlockSignature) -> Bool {
    guard signature.parameterCount == signature.resultCount else { return false }
    for i in 0..<signature.parameterCount
    where !context.typeTable.isSubtype(
      Self.parameterType(signature, at: i, signatures: signatures),
      of: Self.resultType(signature, at: i, signatures: signatures))
    {
      return false
    }
    return true
  }

  mutating func labelFrame(_ depth: UInt32) throws(WasmError) -> ControlFrame {
    guard UInt64(depth) < UInt64(frameCount) else {
      throw .invalid("unknown label", at: instructionOffset)
    }
    return frames[frameCount - 1 - Int(depth)]
  }

  package mutating func visitBr(_ depth: UInt32) throws(WasmError) {
    let frame = try labelFrame(depth)
    try popLabelTypes(frame)
    markUnreachable()
  }

  package mutating func visitBrIf(_ depth: UInt32) throws(WasmError) {
    let frame = try labelFrame(depth)
    try pop(.i32)
    // The spec pops the label types, then pushes them (the declared types, which
    // replaces `unknown`s from unreachable code).
    try popLabelTypes(frame)
    for i in 0..<frame.labelArity { push(Self.labelType(frame, at: i, signatures: signatures)) }
  }

  package mutating func visitBrTable(_ targets: BrTableTargets) throws(WasmError) {
    try pop(.i32)
    let defaultFrame = try labelFrame(targets.defaultTarget)
    let arity = defaultFrame.labelArity
    for depth in targets {
      let frame = try labelFrame(depth)
      guard frame.labelArity == arity else { throw typeMismatch() }
      for i in 0..<arity {
        try check(depth: arity - 1 - i, Self.labelType(frame, at: i, signatures: signatures))
      }
    }
    try popLabelTypes(defaultFrame)
    markUnreachable()
  }

  package mutating func visitReturn() throws(WasmError) {
    try popLabelTypes(frames[0])
    markUnreachable()
  }

  package mutating func visitCall(_ function: UInt32) throws(WasmError) {
    guard Int(function) < signatures.functionCount else {
      throw .invalid("unknown function \(function)", at: instructionOffset)
    }
    try applyFunctionType(signatures.functionTypes[Int(function)])
  }

  package mutating func visitCallIndirect(typeIndex: UInt32, tableIndex: UInt32) throws(WasmError) {
    try checkCallIndirect(typeIndex: typeIndex, tableIndex: tableIndex)
    try applyFunctionType(typeIndex)
  }

  /// Checks `call_indirect`'s table and type, pops the table index, returns the type.
  mutating func callIndirectType(typeIndex: UInt32, tableIndex: UInt32) throws(WasmError)
    -> FunctionType
  {
    try checkCallIndirect(typeIndex: typeIndex, tableIndex: tableIndex)
    return context.types[Int(typeIndex)]
  }

  /// Checks `call_indirect`'s table and type (a function type), pops the table index.
  mutating func checkCallIndirect(typeIndex: UInt32, tableIndex: UInt32) throws(WasmError) {
    let table = try self.table(tableIndex)
    guard
      table.elementType == .funcRef
        || context.typeTable.isSubtype(table.elementType, of: .funcRef)
    else {
      throw typeMismatch()
    }
    guard Int(typeIndex) < signatures.typeCount, signatures.isFunction[Int(typeIndex)] else {
      throw .invalid("unknown type \(typeIndex)", at: instructionOffset)
    }
    try pop(Self.indexType(table))
  }

  /// The function type at `index` of the type section.
  mutating func functionType(_ index: UInt32) throws(WasmError) -> FunctionType {
    guard Int(index) < signatures.typeCount, context.typeTable.isFunction(index) else {
      throw .invalid("unknown type \(index)", at: instructionOffset)
    }
    return context.types[Int(index)]
  }

  // MARK: Reference

  package mutating func visitRefNull(_ type: HeapType) throws(WasmError) {
    try TypeChecker(table: context.typeTable).check(type, at: instructionOffset)
    push(OperandType(ReferenceType(isNullable: true, heapType: type)))
  }

  package mutating func visitRefIsNull() throws(WasmError) {
    _ = try popReference()
    push(.i32)
  }

  package mutating func visitRefFunc(_ function: UInt32) throws(WasmError) {
    guard Int(function) < context.functionTypeIndices.count else {
      throw .invalid("unknown function \(function)", at: instructionOffset)
    }
    guard context.declaredFunctionReferences.contains(function) else {
      throw .invalid("undeclared function reference", at: instructionOffset)
    }
    push(
      OperandType(
        ConstExpressionChecker.referenceType(
          ofFunction: context.functionTypeIndices[Int(function)], features: context.features)))
  }

  // MARK: Parametric

  package mutating func visitDrop() throws(WasmError) {
    _ = try pop()
  }

  package mutating func visitSelect(_ type: ValueType?) throws(WasmError) {
    try pop(.i32)
    if let type {
      try TypeChecker(table: context.typeTable).check(type, at: instructionOffset)
      let operand = OperandType(type)
      try pop(operand)
      try pop(operand)
      push(operand)
      return
    }
    let first = try pop()
    let second = try pop()
    // Untyped select is for numbers and vectors only (`unknown` may be either).
    guard !first.isReference, !second.isReference else { throw typeMismatch() }
    guard first == second || first.isUnknown || second.isUnknown else { throw typeMismatch() }
    push(first.isUnknown ? second : first)
  }

  // MARK: Variable

  @inline(__always)
  mutating func local(_ index: UInt32) throws(WasmError) -> OperandType {
    if Int(index) < directLocalCount { return localTypes[Int(index)] }
    return try runLocal(index)
  }

  /// A local beyond the direct ones, or "unknown local".
  @inline(never)
  mutating func runLocal(_ index: UInt32) throws(WasmError) -> OperandType {
    guard let type = Self.runLocalType(index, runs: localRuns, count: localCount) else {
      throw .invalid("unknown local \(index)", at: instructionOffset)
    }
    return type
  }

  package mutating func visitLocalGet(_ index: UInt32) throws(WasmError) {
    let type = try local(index)
    if hasNonDefaultableLocals { try checkInitialized(index, type) }
    push(type)
  }

  /// A non-defaultable local must be set before it is read (kept out of line: most
  /// functions have no such local).
  @inline(never)
  mutating func checkInitialized(_ index: UInt32, _ type: OperandType) throws(WasmError) {
    if type.isReference, !type.isNullable,
      index >= UInt32(signatures.runs[Int(typeIndex)].parameters),
      !initializedLocals.contains(index)
    {
      throw .invalid("uninitialized local \(index)", at: instructionOffset)
    }
  }

  package mutating func visitLocalSet(_ index: UInt32) throws(WasmError) {
    let type = try local(index)
    try pop(type)
    initialize(index, type)
  }

  package mutating func visitLocalTee(_ index: UInt32) throws(WasmError) {
    let type = try local(index)
    try pop(type)
    initialize(index, type)
    push(type)
  }

  /// Records the first write of a non-defaultable local on this path.
  @inline(__always)
  mutating func initialize(_ index: UInt32, _ type: OperandType) {
    guard hasNonDefaultableLocals, type.isReference, !type.isNullable else { return }
    if initializedLocals.insert(index).inserted { initializationOrder.append(index) }
  }

  mutating func global(_ index: UInt32) throws(WasmError) -> GlobalType {
    guard Int(index) < context.globals.count else {
      throw .invalid("unknown global \(index)", at: instructionOffset)
    }
    return context.globals[Int(index)]
  }

  package mutating func visitGlobalGet(_ index: UInt32) throws(WasmError) {
    push(OperandType(try global(index).valueType))
  }

  package mutating func visitGlobalSet(_ index: UInt32) throws(WasmError) {
    let global = try global(index)
    guard global.mutability == .variable else {
      // The spec's message changed with Wasm 3.0.
      throw .invalid(
        context.features.isEmpty ? "global is immutable" : "immutable global",
        at: instructionOffset)
    }
    try pop(OperandType(global.valueType))
  }

  // MARK: Table

  mutating func table(_ index: UInt32) throws(WasmError) -> TableType {
    guard Int(index) < context.tables.count else {
      throw .invalid("unknown table \(index)", at: instructionOffset)
    }
    return context.tables[Int(index)]
  }

  /// The index type of a table (i64 for a table64).
  static func indexType(_ table: TableType) -> OperandType {
    table.limits.is64 ? .i64 : .i32
  }

  mutating func elementSegment(_ index: UInt32) throws(WasmError) -> ReferenceType {
    guard Int(index) < context.elementTypes.count else {
      throw .invalid("unknown elem segment \(index)", at: instructionOffset)
    }
    return context.elementTypes[Int(index)]
  }

  package mutating func visitTableGet(_ table: UInt32) throws(WasmError) {
    let table = try self.table(table)
    try pop(Self.indexType(table))
    push(OperandType(.ref(table.elementType)))
  }

  package mutating func visitTableSet(_ table: UInt32) throws(WasmError) {
    let table = try self.table(table)
    try pop(OperandType(.ref(table.elementType)))
    try pop(Self.indexType(table))
  }

  package mutating func visitTableSize(_ table: UInt32) throws(WasmError) {
    let table = try self.table(table)
    push(Self.indexType(table))
  }

  package mutating func visitTableGrow(_ table: UInt32) throws(WasmError) {
    let table = try self.table(table)
    try pop(Self.indexType(table))
    try pop(OperandType(.ref(table.elementType)))
    push(Self.indexType(table))
  }

  package mutating func visitTableFill(_ table: UInt32) throws(WasmError) {
    let table = try self.table(table)
    try pop(Self.indexType(table))
    try pop(OperandType(.ref(table.elementType)))
    try pop(Self.indexType(table))
  }

  package mutating func visitTableCopy(destination: UInt32, source: UInt32) throws(WasmError) {
    let destinationTable = try table(destination)
    let sourceTable = try table(source)
    guard context.typeTable.isSubtype(sourceTable.elementType, of: destinationTable.elementType)
    else { throw typeMismatch() }
    let destinationIndex = Self.indexType(destinationTable)
    let sourceIndex = Self.indexType(sourceTable)
    // With table64, the length is i64 only when both tables are 64-bit.
    try pop(destinationIndex == .i64 && sourceIndex == .i64 ? .i64 : .i32)
    try pop(sourceIndex)
    try pop(destinationIndex)
  }

  package mutating func visitTableInit(element: UInt32, table: UInt32) throws(WasmError) {
    let table = try self.table(table)
    let elementType = try elementSegment(element)
    guard context.typeTable.isSubtype(elementType, of: table.elementType) else {
      throw typeMismatch()
    }
    try pop(.i32)
    try pop(.i32)
    try pop(Self.indexType(table))
  }

  package mutating func visitElemDrop(_ element: UInt32) throws(WasmError) {
    _ = try elementSegment(element)
  }

  // MARK: Memory

  @inline(__always)
  mutating func memory(_ index: UInt32) throws(WasmError) -> MemoryType {
    if index == 0, let memory0 { return memory0 }
    return try otherMemory(index)
  }

  mutating func otherMemory(_ index: UInt32) throws(WasmError) -> MemoryType {
    guard Int(index) < context.memories.count else {
      throw .invalid("unknown memory \(index)", at: instructionOffset)
    }
    return context.memories[Int(index)]
  }

  /// The address type of a memory (i64 for a memory64).
  static func addressType(_ memory: MemoryType) -> OperandType {
    memory.limits.is64 ? .i64 : .i32
  }

  /// Checks the memory and alignment of an access; returns the address type.
  mutating func checkAccess(_ memarg: MemArg, naturalAlignment: UInt32) throws(WasmError)
    -> OperandType
  {
    let memory = try self.memory(memarg.memory)
    guard memarg.alignment <= naturalAlignment else {
      throw .invalid("alignment must not be larger than natural", at: instructionOffset)
    }
    if !memory.limits.is64 && memarg.offset > UInt64(UInt32.max) {
      throw .invalid("offset out of range", at: instructionOffset)
    }
    return Self.addressType(memory)
  }

  package mutating func visitLoad(_ op: LoadOp, _ memarg: MemArg) throws(WasmError) {
    let address = try checkAccess(memarg, naturalAlignment: op.naturalAlignment)
    try pop(address)
    push(op.resultType)
  }

  package mutating func visitStore(_ op: StoreOp, _ memarg: MemArg) throws(WasmError) {
    let address = try checkAccess(memarg, naturalAlignment: op.naturalAlignment)
    try pop(op.valueType)
    try pop(address)
  }

  package mutating func visitMemorySize(_ memory: UInt32) throws(WasmError) {
    push(Self.addressType(try self.memory(memory)))
  }

  package mutating func visitMemoryGrow(_ memory: UInt32) throws(WasmError) {
    let address = Self.addressType(try self.memory(memory))
    try pop(address)
    push(address)
  }

  mutating func checkDataSegment(_ index: UInt32) throws(WasmError) {
    guard let count = context.dataCount, index < count else {
      throw .invalid("unknown data segment \(index)", at: instructionOffset)
    }
  }

  package mutating func visitMemoryInit(data: UInt32, memory: UInt32) throws(WasmError) {
    let address = Self.addressType(try self.memory(memory))
    try checkDataSegment(data)
    try pop(.i32)
    try pop(.i32)
    try pop(address)
  }

  package mutating func visitDataDrop(_ data: UInt32) throws(WasmError) {
    try checkDataSegment(data)
  }

  package mutating func visitMemoryCopy(destination: UInt32, source: UInt32) throws(WasmError) {
    let destinationAddress = Self.addressType(try memory(destination))
    let sourceAddress = Self.addressType(try memory(source))
    // With memory64, the length is i64 only when both memories are 64-bit.
    let length: OperandType = destinationAddress == .i64 && sourceAddress == .i64 ? .i64 : .i32
    try pop(length)
    try pop(sourceAddress)
    try pop(destinationAddress)
  }

  package mutating func visitMemoryFill(_ memory: UInt32) throws(WasmError) {
    let address = Self.addressType(try self.memory(memory))
    try pop(address)
    try pop(.i32)
    try pop(address)
  }

  // MARK: Numeric

  package mutating func visitI32Const(_ value: Int32) throws(WasmError) { push(.i32) }
  package mutating func visitI64Const(_ value: Int64) throws(WasmError) { push(.i64) }
  package mutating func visitF32Const(_ bits: UInt32) throws(WasmError) { push(.f32) }
  package mutating func visitF64Const(_ bits: UInt64) throws(WasmError) { push(.f64) }

  package mutating func visitNumeric(_ op: NumericOp) throws(WasmError) {
    try apply(op.signature)
  }

  // MARK: Vector

  package mutating func visitV128Const(_ value: V128) throws(WasmError) { push(.v128) }

  package mutating func visitSIMD(_ op: SIMDOp) throws(WasmError) {
    try apply(op.signature)
  }

  mutating func checkLane(_ lane: UInt8, below count: UInt8) throws(WasmError) {
    guard lane < count else { throw .invalid("invalid lane index", at: instructionOffset) }
  }

  package mutating func visitLane(_ op: LaneOp, lane: UInt8) throws(WasmError) {
    try checkLane(lane, below: op.laneCount)
    try apply(op.signature)
  }

  package mutating func visitMemoryLane(_ op: MemoryLaneOp, _ memarg: MemArg, lane: UInt8)
    throws(WasmError)
  {
    let address = try checkAccess(memarg, naturalAlignment: op.naturalAlignment)
    try checkLane(lane, below: op.laneCount)
    try pop(.v128)
    try pop(address)
    if !op.isStore { push(.v128) }
  }

  package mutating func visitShuffle(_ lanes: V128) throws(WasmError) {
    // Every lane byte must select one of the 32 input lanes.
    let highBits: UInt64 = 0xE0E0_E0E0_E0E0_E0E0
    guard lanes.low & highBits == 0, lanes.high & highBits == 0 else {
      throw .invalid("invalid lane index", at: instructionOffset)
    }
    try pop(.v128)
    try pop(.v128)
    push(.v128)
  }
}
