// Translation of the Wasm 3.0 control instructions: tail calls, typed function
// references (`call_ref`, `ref.as_non_null`, `br_on_null`, `br_on_non_null`) and
// exception handling (`throw`, `throw_ref`, `try_table`).
// https://webassembly.github.io/spec/core/exec/instructions.html#control-instructions

import WasmCore

extension Translator {
  // MARK: Tail calls

  /// Emits a tail call: the arguments, at the callee type's stride, are moved to the
  /// frame's first cells by the handler, which then replaces this function's frame
  /// with the callee's (constant space on the interpreter's stack). `operands` come
  /// before the first argument slot and the argument cell count.
  mutating func emitTailCall(
    _ handler: Handler, call: Handler, _ type: FunctionType, operands: [Int]
  )
    throws(WasmError)
  {
    if stride == 1, type.mentionsV128 { try requireWide() }
    let calleeStride = type.mentionsV128 ? 2 : 1
    if type.results.count > 1 && calleeStride != typeStride {
      // The callee would leave several results at another stride than this
      // function's callers read them: a call and a return instead (not constant
      // space; only for functions whose v128 use differs in this way).
      try emitCall(call, type, operands: operands)
      emitReturn()
      markUnreachable()
      return
    }
    let params = type.parameters.count
    materializeAll(from: stack.count - params)
    for _ in 0..<params { _ = pop() }
    let argStart = tempSlot(stack.count)
    if stride == 2 && calleeStride == 1 { emitPack(at: argStart, count: params) }
    emit(handler)
    code.append(contentsOf: operands)
    code.append(argStart)
    code.append(calleeStride * params)
    if stack.count + params > maxHeight { maxHeight = stack.count + params }
    markUnreachable()
  }

  mutating func visitReturnCall(_ function: UInt32) throws(WasmError) {
    let i = Int(function)
    guard i < env.functionEntries.count else {
      throw .invalid("unknown function", at: instructionOffset)
    }
    try emitTailCall(
      { returnCallOp($0, $1, $2, $3, $4) }, call: { callOp($0, $1, $2, $3, $4) },
      env.functionTypes[i], operands: [address(env.functionEntries[i])])
  }

  mutating func visitReturnCallIndirect(typeIndex: UInt32, tableIndex: UInt32) throws(WasmError) {
    let t = Int(typeIndex), table = Int(tableIndex)
    guard t < env.types.count, table < env.tables.count else {
      throw .invalid("unknown type", at: instructionOffset)
    }
    let index = pop()
    let is64 = tableIs64(tableIndex)
    try emitTailCall(
      is64
        ? { returnCallIndirect64Op($0, $1, $2, $3, $4) }
        : { returnCallIndirectOp($0, $1, $2, $3, $4) },
      call: is64
        ? { callIndirect64Op($0, $1, $2, $3, $4) } : { callIndirectOp($0, $1, $2, $3, $4) },
      env.types[t], operands: [address(env.tables[table]), index, env.typeIDs[t]])
  }

  mutating func visitReturnCallRef(_ typeIndex: UInt32) throws(WasmError) {
    let t = Int(typeIndex)
    guard t < env.types.count else { throw .invalid("unknown type", at: instructionOffset) }
    let reference = pop()
    try emitTailCall(
      { returnCallRefOp($0, $1, $2, $3, $4) }, call: { callRefOp($0, $1, $2, $3, $4) },
      env.types[t], operands: [reference])
  }

  // MARK: Typed function references

  mutating func visitCallRef(_ typeIndex: UInt32) throws(WasmError) {
    let t = Int(typeIndex)
    guard t < env.types.count else { throw .invalid("unknown type", at: instructionOffset) }
    // The reference may sit where the callee's frame starts; the handler reads it
    // before entering.
    let reference = pop()
    try emitCall({ callRefOp($0, $1, $2, $3, $4) }, env.types[t], operands: [reference])
  }

  mutating func visitRefAsNonNull() throws(WasmError) {
    let a = pop()
    let d = pushTemp()
    emit({ refAsNonNullOp($0, $1, $2, $3, $4) }, d, a, writesResult: true)
  }

  /// Puts a reference popped for a branch back on the stack, in the slot it was in.
  mutating func repush(_ slot: Int) {
    if slot != tempSlot(stack.count) { lazyEntries.append(stack.count) }
    stack.append(slot)
  }

  /// Emits "branch to `target` with the top values when `reference` is (not) null":
  /// one fused handler when the values already sit in the label's slots, else a
  /// skip over the moves and the branch.
  mutating func emitReferenceBranch(_ target: Int, reference: Int, whenNull: Bool) {
    let c = controls[target]
    if c.kind != .function, !branchMovesValues(target) {
      let isLoop = c.kind == .loop
      let handler: Handler =
        switch (whenNull, isLoop) {
        case (true, false): { brIfZero64Op($0, $1, $2, $3, $4) }
        case (true, true): { brIfZero64LoopOp($0, $1, $2, $3, $4) }
        case (false, false): { brIfNonZero64Op($0, $1, $2, $3, $4) }
        case (false, true): { brIfNonZero64LoopOp($0, $1, $2, $3, $4) }
        }
      let at = code.count
      emit(handler, reference)
      branchTarget(target, base: at)
      return
    }
    let at = code.count
    emit(
      whenNull
        ? { brIfNonZero64Op($0, $1, $2, $3, $4) } : { brIfZero64Op($0, $1, $2, $3, $4) } as Handler,
      reference, 0)
    let skip = Fixup(word: code.count - 1, base: at)
    if c.kind == .function {
      emitReturn()
    } else {
      moveBranchValues(target)
      emitBranch(to: target)
    }
    patch(skip, to: code.label())
  }

  mutating func visitBrOnNull(_ depth: UInt32) throws(WasmError) {
    let target = try controlIndex(depth)
    // The label takes the values below the reference; the reference stays (non-null)
    // on the fall-through path.
    let reference = pop()
    emitReferenceBranch(target, reference: reference, whenNull: true)
    repush(reference)
  }

  mutating func visitBrOnNonNull(_ depth: UInt32) throws(WasmError) {
    let target = try controlIndex(depth)
    // The label takes the values and the reference; the fall-through path drops it.
    let reference = stack.last ?? 0
    emitReferenceBranch(target, reference: reference, whenNull: false)
    _ = pop()
  }

  // MARK: Exception handling

  /// The address of tag `index`'s state, after making the body wide when its values
  /// include a v128.
  mutating func tag(_ index: UInt32) throws(WasmError) -> (address: Int, type: FunctionType) {
    let i = Int(index)
    guard i < env.tags.count, i < env.tagTypes.count else {
      throw .invalid("unknown tag", at: instructionOffset)
    }
    if stride == 1, env.tagTypes[i].mentionsV128 { try requireWide() }
    return (address(env.tags[i]), env.tagTypes[i])
  }

  mutating func visitThrow(_ index: UInt32) throws(WasmError) {
    let (tag, type) = try tag(index)
    let n = type.parameters.count
    // The values go to the exception from consecutive slots.
    materializeAll(from: stack.count - n)
    for _ in 0..<n { _ = pop() }
    emit({ throwOp($0, $1, $2, $3, $4) }, tag, tempSlot(stack.count), stride)
    markUnreachable()
  }

  mutating func visitThrowRef() throws(WasmError) {
    emit({ throwRefOp($0, $1, $2, $3, $4) }, pop())
    markUnreachable()
  }

  /// A `try_table` costs nothing to enter: its catch clauses become landing pads
  /// (jumped over here), each branching to its label with the values the unwinder
  /// writes above the live stack, and an entry of the handler table, added at the
  /// block's end.
  mutating func visitTryTable(_ type: BlockType, _ catches: TryTableCatches) throws(WasmError) {
    try checkWidth(type)
    materializeAll()
    let skipAt = code.count
    emit({ brOp($0, $1, $2, $3, $4) }, 0)
    let skip = Fixup(word: code.count - 1, base: skipAt)
    let valueBase = stack.count
    var clauses: [Int] = []
    for clause in catches {
      let target = try controlIndex(clause.label)
      var count = clause.kind.passesReference ? 1 : 0
      var tagAddress = 0
      if clause.kind.hasTag {
        let (address, tagType) = try tag(clause.tag)
        tagAddress = address
        count += tagType.parameters.count
      }
      let pad = code.label()
      for _ in 0..<count { _ = pushTemp() }
      if controls[target].kind == .function {
        emitReturn()
      } else {
        moveBranchValues(target)
        emitBranch(to: target)
      }
      for _ in 0..<count { _ = pop() }
      clauses += [tagAddress, Int(clause.kind.rawValue), tempSlot(valueBase), pad]
    }
    patch(skip, to: code.label())
    try enterBlock(.tryTable, type)
    controls[controls.count - 1].catchClauses = clauses
  }

  /// Adds the handler table entry of a `try_table` ending here.
  mutating func addHandlerEntry(_ control: Control) {
    guard !control.catchClauses.isEmpty else { return }
    handlerEntries += [control.start, code.count, control.catchClauses.count / 4]
    handlerEntries += control.catchClauses
    handlerEntryCount += 1
  }
}
