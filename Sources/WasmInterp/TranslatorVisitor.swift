// The translator's instruction visitor: one method per instruction (see
// Translator.swift for the code form). Only reachable code comes here: dead code
// is read by `DeadCode` (Translator.swift), which emits nothing.

import WasmCore

extension Translator {
  // MARK: Control

  mutating func visitUnreachable() throws(WasmError) {
    emit({ unreachableOp($0, $1, $2, $3, $4) })
    markUnreachable()
  }

  mutating func visitNop() throws(WasmError) {}

  mutating func enterBlock(_ kind: ControlKind, _ type: BlockType) throws(WasmError) {
    try checkWidth(type)
    let (params, results) = blockArity(type)
    materializeAll()
    let height = max(stack.count - params, 0)
    // Only a loop's start is a branch target; every block start is a label anyway,
    // so that no peephole reaches into a block.
    let start = code.label()
    controls.append(
      Control(kind: kind, height: height, paramCount: params, resultCount: results, start: start))
  }

  mutating func visitBlock(_ type: BlockType) throws(WasmError) { try enterBlock(.block, type) }
  mutating func visitLoop(_ type: BlockType) throws(WasmError) {
    // A back-edge to here may carry writes translated later.
    anyKnownZero = false
    try enterBlock(.loop, type)
  }

  mutating func visitIf(_ type: BlockType) throws(WasmError) {
    let condition = pop()
    let at: Int
    if let compare = comparison(producing: condition, at: stack.count),
      let (handler, _) = fusedBranch(compare.op, negated: true, immediate: compare.immediate)
    {
      // `cmp; if` → branch to else when the comparison is false.
      let a = code[compare.record.start + 2], b = code[compare.record.start + 3]
      code.retract(to: compare.record.start)
      materializeAll()
      at = code.count
      emit(handler, a, b, 0)
    } else if let eqz = producer(of: condition, at: stack.count), case .eqz(let is64) = eqz.shape {
      // `eqz; if` → branch to else when the operand is not zero.
      let a = code[eqz.start + 2]
      code.retract(to: eqz.start)
      materializeAll()
      at = code.count
      if is64 {
        emit({ brIfNonZero64Op($0, $1, $2, $3, $4) }, a, 0)
      } else {
        emit({ brIfOp($0, $1, $2, $3, $4) }, a, 0)
      }
    } else {
      materializeAll()
      at = code.count
      emit(SharedHandlers.branchIfZero, condition, 0)
    }
    // The branch's last word is its offset, patched at `else` (or `end`).
    let elseFixup = Fixup(word: code.count - 1, base: at)
    try enterBlock(.ifThen, type)
    controls[controls.count - 1].elseFixup = elseFixup
  }

  mutating func visitElse() throws(WasmError) {
    let index = controls.count - 1
    let c = controls[index]
    if !c.unreachable {
      materializeAll(from: c.height)
      emitBranch(to: index)
    }
    let here = code.label()
    if let f = controls[index].elseFixup { patch(f, to: here) }
    controls[index].elseFixup = nil
    controls[index].kind = .ifElse
    controls[index].unreachable = false
    // The else arm starts with the block's parameters, still in their slots.
    while stack.count > c.height { _ = pop() }
    for _ in 0..<c.paramCount { _ = pushTemp() }
  }

  mutating func visitEnd() throws(WasmError) {
    let index = controls.count - 1
    let c = controls[index]
    if c.kind == .function {
      if !c.unreachable { emitReturn(absorbingProducer: true) }
      controls.removeLast()
      return
    }
    if !c.unreachable { materializeAll(from: c.height) }
    if c.kind == .tryTable { addHandlerEntry(c) }
    let target = code.label()
    for f in c.fixups { patch(f, to: target) }
    if let f = c.elseFixup { patch(f, to: target) }
    controls.removeLast()
    while stack.count > c.height { _ = pop() }
    for _ in 0..<c.resultCount { _ = pushTemp() }
  }

  mutating func visitBr(_ depth: UInt32) throws(WasmError) {
    let target = try controlIndex(depth)
    if controls[target].kind == .function {
      emitReturn()
    } else {
      moveBranchValues(target)
      emitBranch(to: target)
    }
    markUnreachable()
  }

  mutating func visitBrIf(_ depth: UInt32) throws(WasmError) {
    let target = try controlIndex(depth)
    let condition = pop()
    let c = controls[target]
    let n = c.labelArity
    var needsMove = c.kind == .function
    guard stack.count >= n else { throw .invalid("type mismatch", at: instructionOffset) }
    for k in 0..<n where stack[stack.count - n + k] != tempSlot(c.height + k) { needsMove = true }
    if !needsMove {
      if fuseValueBranch(condition: condition, to: target) { return }
      let isLoop = c.kind == .loop
      let compare = comparison(producing: condition, at: stack.count)
      if isLoop, let compare, let fused = steppedBackEdge(code.beforeLast, compare) {
        if fuseFillLoop(
          target, backEdge: fused.start,
          handler: FillLoopHandlers.handler(step: fused.step, compare: compare.op),
          counter: fused.dst, x: fused.x, counterStep: fused.y,
          stepImmediate: fused.stepImmediate, bound: fused.bound,
          boundImmediate: compare.immediate)
        {
          return
        }
        // `x + y → i; cmp(i, b); br_if loop` → one handler: step, compare, branch.
        code.retract(to: fused.start)
        let at = code.count
        emit(fused.handler, fused.dst, fused.x, fused.y, fused.bound)
        branchTarget(target, base: at)
        return
      }
      if let compare,
        let (plain, loop) = fusedBranch(compare.op, negated: false, immediate: compare.immediate)
      {
        let a = code[compare.record.start + 2], b = code[compare.record.start + 3]
        code.retract(to: compare.record.start)
        let at = code.count
        emit(isLoop ? loop : plain, a, b)
        branchTarget(target, base: at)
        return
      }
      if let eqz = producer(of: condition, at: stack.count), case .eqz(let is64) = eqz.shape {
        // `eqz; br_if` → branch when the operand is zero.
        let a = code[eqz.start + 2]
        code.retract(to: eqz.start)
        let at = code.count
        let handler: Handler =
          switch (is64, isLoop) {
          case (false, false): SharedHandlers.branchIfZero
          case (false, true): { brIfZeroLoopOp($0, $1, $2, $3, $4) }
          case (true, false): { brIfZero64Op($0, $1, $2, $3, $4) }
          case (true, true): { brIfZero64LoopOp($0, $1, $2, $3, $4) }
          }
        emit(handler, a)
        branchTarget(target, base: at)
        return
      }
      let at = code.count
      emit(
        isLoop ? { brIfLoopOp($0, $1, $2, $3, $4) } : { brIfOp($0, $1, $2, $3, $4) } as Handler,
        condition)
      branchTarget(target, base: at)
      return
    }
    // Values must move: skip over the moves and the branch when the condition
    // is false.
    let at = code.count
    emit(SharedHandlers.branchIfZero, condition, 0)
    let skip = Fixup(word: code.count - 1, base: at)
    if c.kind == .function {
      emitReturn()
    } else {
      moveBranchValues(target)
      emitBranch(to: target)
    }
    patch(skip, to: code.label())
  }

  mutating func visitBrTable(_ targets: BrTableTargets) throws(WasmError) {
    let index = pop()
    var depths: [UInt32] = []
    depths.reserveCapacity(targets.count + 1)
    for t in targets { depths.append(t) }
    depths.append(targets.defaultTarget)
    let at: Int
    if let (start, handler, operands) = loadedIndex(index) {
      // `load; br_table` (C's `switch (*p)`): one handler loads the index into the
      // load's own result slot and branches.
      code.retract(to: start)
      at = code.count
      code.emit(handler, operands + [targets.count])
    } else {
      at = code.count
      emit({ brTableOp($0, $1, $2, $3, $4) }, index, targets.count)
    }
    let table = code.count
    code.append(contentsOf: repeatElement(0, count: depths.count))
    // A forward label that needs no value moves is the entry's target itself (a
    // fixup patched at the block's end): one dispatch instead of two. Others get
    // one stub per distinct label: value moves, then the branch (a back-edge
    // checks the budget there).
    var stubs: [Int: Int] = [:]
    for (i, depth) in depths.enumerated() {
      let target = try controlIndex(depth)
      let kind = controls[target].kind
      if kind != .loop, kind != .function, !branchMovesValues(target) {
        controls[target].fixups.append(Fixup(word: table + i, base: at))
        continue
      }
      if let stub = stubs[target] {
        code[table + i] = stub - at
        continue
      }
      let stub = code.count
      stubs[target] = stub
      code[table + i] = stub - at
      if controls[target].kind == .function {
        emitReturn()
      } else {
        moveBranchValues(target)
        emitBranch(to: target)
      }
    }
    markUnreachable()
  }

  /// Whether a branch to control `target` has values to move into its label slots.
  func branchMovesValues(_ target: Int) -> Bool {
    let c = controls[target]
    let n = c.labelArity
    guard stack.count >= n else { return true }
    for k in 0..<n where stack[stack.count - n + k] != tempSlot(c.height + k) { return true }
    return false
  }

  /// Emits an unconditional branch to control `target` (a back-edge checks the
  /// budget). One closure per handler, so every site shares the same code.
  mutating func emitBranch(to target: Int) {
    if fuseStepMoveBackEdge(to: target) { return }
    if let move = code.last, case .copy = move.shape {
      // `local.set` then `br` (a loop-carried value moved at the end of the body, as
      // strscan's `in_word = letter`): one handler moves and branches.
      let d = code[move.start + 1], s = code[move.start + 2]
      code.retract(to: move.start)
      let at = code.count
      let isLoop = controls[target].kind == .loop
      emit(isLoop ? MoveBranchHandlers.copyBranchLoop : MoveBranchHandlers.copyBranch, d, s)
      branchTarget(target, base: at)
      return
    }
    let at = code.count
    if controls[target].kind == .loop {
      emit(SharedHandlers.branchLoop)
    } else {
      emit(SharedHandlers.branch)
    }
    branchTarget(target, base: at)
  }

  /// Emits a return of the top `resultCount` values. Leaves the operand stack as
  /// it is: after a `br_if` the fall-through path still uses it.
  /// `absorbingProducer`: the instruction just emitted may write the result
  /// straight into the result slot.
  mutating func emitReturn(absorbingProducer: Bool = false) {
    let n = resultCount
    guard stack.count >= n else { return }
    if absorbingProducer, n == 1, let value = stack.last,
      let producer = producer(of: value, at: stack.count - 1), let word = producer.resultWord
    {
      // The instruction that computed the result writes it to the result slot
      // (cell 0, also in a wide body: a v128 result fills cells 0 and 1).
      code[word] = 0
      emit({ return0Op($0, $1, $2, $3, $4) })
      return
    }
    if stride == 2 {
      emitWideReturn()
      return
    }
    if n == 1 {
      emit({ return1Op($0, $1, $2, $3, $4) }, stack[stack.count - 1])
      return
    }
    let first = stack.count - n
    for k in 0..<n where stack[first + k] != tempSlot(first + k) {
      emit(SharedHandlers.copy, tempSlot(first + k), stack[first + k])
    }
    emit({ returnOp($0, $1, $2, $3, $4) }, tempSlot(first), n)
  }

  mutating func visitReturn() throws(WasmError) {
    emitReturn(absorbingProducer: true)
    markUnreachable()
  }

  mutating func emitCall(_ handler: Handler, _ type: FunctionType, operands: [Int])
    throws(WasmError)
  {
    if stride == 1, type.mentionsV128 { try requireWide() }
    let params = type.parameters.count
    let first = stack.count - params
    materializeAll(from: first)
    for _ in 0..<params { _ = pop() }
    let argStart = tempSlot(stack.count)
    let narrowCallee = stride == 2 && !type.mentionsV128
    if narrowCallee { emitPack(at: argStart, count: params) }
    emit(handler)
    code.append(contentsOf: operands)
    code.append(argStart)
    for _ in 0..<type.results.count { _ = pushTemp() }
    if narrowCallee { emitUnpack(at: argStart, count: type.results.count) }
    // The callee's frame overlays the slots from argStart; make sure the caller's
    // frame covers at least the arguments and results.
    if stack.count + params > maxHeight { maxHeight = stack.count + params }
  }

  mutating func visitCall(_ function: UInt32) throws(WasmError) {
    let i = Int(function)
    guard i < env.functionEntries.count else {
      throw .invalid("unknown function", at: instructionOffset)
    }
    try emitCall(
      { callOp($0, $1, $2, $3, $4) }, env.functionTypes[i],
      operands: [Int(bitPattern: UInt(bitPattern: env.functionEntries[i]))])
  }

  mutating func visitCallIndirect(typeIndex: UInt32, tableIndex: UInt32) throws(WasmError) {
    let t = Int(typeIndex), table = Int(tableIndex)
    guard t < env.types.count, table < env.tables.count else {
      throw .invalid("unknown type", at: instructionOffset)
    }
    let index = pop()
    // The index may sit in the slot the callee's frame will overlay; the handler
    // reads it before entering.
    try emitCall(
      tableIs64(tableIndex)
        ? { callIndirect64Op($0, $1, $2, $3, $4) } : { callIndirectOp($0, $1, $2, $3, $4) },
      env.types[t], operands: [address(env.tables[table]), index, env.typeIDs[t]])
  }

  // MARK: References, parametric, variables

  mutating func pushConstant(_ value: Int) {
    let d = pushTemp()
    emit(SharedHandlers.constant, d, value, shape: .constant(value), writesResult: true)
  }

  mutating func visitRefNull(_ type: HeapType) throws(WasmError) {
    pushConstant(0)
  }

  mutating func visitRefIsNull() throws(WasmError) {
    unaryOp({ refIsNullOp($0, $1, $2, $3, $4) })
  }

  mutating func visitRefFunc(_ function: UInt32) throws(WasmError) {
    let i = Int(function)
    guard i < env.functionEntries.count else {
      throw .invalid("unknown function", at: instructionOffset)
    }
    pushConstant(address(env.functionEntries[i]))
  }

  mutating func visitDrop() throws(WasmError) {
    _ = pop()
  }

  mutating func visitSelect(_ type: ValueType?) throws(WasmError) {
    if stride == 1, type == .v128 { try requireWide() }
    if stride == 1, fuseConstantSelect() { return }
    let condition = pop()
    let b = pop()
    let a = pop()
    let d = pushTemp()
    emit(
      stride == 2 ? { select2Op($0, $1, $2, $3, $4) } : { selectOp($0, $1, $2, $3, $4) } as Handler,
      d, a, b, condition, writesResult: true)
  }

  mutating func visitLocalGet(_ index: UInt32) throws(WasmError) {
    guard Int(index) < localCount else { throw .invalid("unknown local", at: instructionOffset) }
    let local = stride * Int(index)
    // Emits nothing (unless too many entries are lazy): the instructions before
    // it stay the last ones emitted, for the peepholes that pair them with what
    // comes after.
    if lazyEntries.count < Translator.maxLazyEntries {
      lazyEntries.append(stack.count)
      stack.append(local)
      if stack.count > maxHeight { maxHeight = stack.count }
    } else {
      let d = pushTemp()
      emitCopy(d, local)
    }
  }

  mutating func visitLocalSet(_ index: UInt32) throws(WasmError) {
    try setLocal(index, teed: false)
  }

  /// `local.set`, or the set of `local.tee` (`teed`: its value stays on the stack).
  mutating func setLocal(_ index: UInt32, teed: Bool) throws(WasmError) {
    guard Int(index) < localCount else { throw .invalid("unknown local", at: instructionOffset) }
    let local = stride * Int(index)
    if anyKnownZero, knownZero[Int(index)], let top = stack.last,
      let k = producer(of: top, at: stack.count - 1), case .constant(0) = k.shape
    {
      // The local is still zero: the constant and the store are both dropped.
      code.retract(to: k.start)
      _ = pop()
      return
    }
    if anyKnownZero { knownZero[Int(index)] = false }
    let value = pop()
    materializeReferences(to: local)
    if let producer = producer(of: value, at: stack.count), let word = producer.resultWord {
      // Retarget the producing instruction's result straight into the local. Its
      // record stays: a loop counter's step is still the step
      // (`i += k; local.tee i; i != n; br_if`), and no peephole takes a value from
      // it any more, as its result is no temporary now.
      code[word] = local
      fuseAddIntoLocal(teed: teed)
    } else if value != local {
      if stride == 1, let previous = code.last, case .copy = previous.shape {
        // Two moves in a row become one handler (no label can sit between them).
        let d1 = code[previous.start + 1], s1 = code[previous.start + 2]
        code.retract(to: previous.start)
        emit(SharedHandlers.copyPair, d1, s1, local, value)
      } else {
        emitCopy(local, value, shape: stride == 1 ? .copy : .other)
      }
    }
  }

  mutating func visitLocalTee(_ index: UInt32) throws(WasmError) {
    try setLocal(index, teed: true)
    try visitLocalGet(index)
  }

  mutating func visitGlobalGet(_ index: UInt32) throws(WasmError) {
    guard Int(index) < env.globals.count else {
      throw .invalid("unknown global", at: instructionOffset)
    }
    try checkGlobalWidth(index)
    let d = pushTemp()
    emit(
      stride == 2
        ? { globalGet2Op($0, $1, $2, $3, $4) } : { globalGetOp($0, $1, $2, $3, $4) } as Handler,
      d, address(env.globals[Int(index)]), writesResult: true)
  }

  mutating func visitGlobalSet(_ index: UInt32) throws(WasmError) {
    guard Int(index) < env.globals.count else {
      throw .invalid("unknown global", at: instructionOffset)
    }
    try checkGlobalWidth(index)
    let v = pop()
    emit(
      stride == 2
        ? { globalSet2Op($0, $1, $2, $3, $4) } : { globalSetOp($0, $1, $2, $3, $4) } as Handler,
      v, address(env.globals[Int(index)]))
  }

  // MARK: Tables

  func table(_ index: UInt32) throws(WasmError) -> Int {
    guard Int(index) < env.tables.count else {
      throw .invalid("unknown table", at: instructionOffset)
    }
    return address(env.tables[Int(index)])
  }

  /// Whether table `index` has i64 indices (table64).
  func tableIs64(_ index: UInt32) -> Bool {
    Int(index) < env.tableIs64.count && env.tableIs64[Int(index)]
  }

  func element(_ index: UInt32) throws(WasmError) -> Int {
    guard Int(index) < env.elementSegments.count else {
      throw .invalid("unknown elem segment", at: instructionOffset)
    }
    return address(env.elementSegments[Int(index)])
  }

  mutating func visitTableGet(_ table: UInt32) throws(WasmError) {
    let t = try self.table(table)
    let i = pop()
    let d = pushTemp()
    emit(
      tableIs64(table)
        ? { tableGet64Op($0, $1, $2, $3, $4) } : { tableGetOp($0, $1, $2, $3, $4) } as Handler,
      d, i, t)
  }

  mutating func visitTableSet(_ table: UInt32) throws(WasmError) {
    let t = try self.table(table)
    let v = pop()
    let i = pop()
    emit(
      tableIs64(table)
        ? { tableSet64Op($0, $1, $2, $3, $4) } : { tableSetOp($0, $1, $2, $3, $4) } as Handler,
      i, v, t)
  }

  mutating func visitTableSize(_ table: UInt32) throws(WasmError) {
    let t = try self.table(table)
    let d = pushTemp()
    emit({ tableSizeOp($0, $1, $2, $3, $4) }, d, t)
  }

  mutating func visitTableGrow(_ table: UInt32) throws(WasmError) {
    let t = try self.table(table)
    let delta = pop()
    let initial = pop()
    let d = pushTemp()
    emit(
      tableIs64(table)
        ? { tableGrow64Op($0, $1, $2, $3, $4) } : { tableGrowOp($0, $1, $2, $3, $4) } as Handler,
      d, initial, delta, t)
  }

  mutating func visitTableFill(_ table: UInt32) throws(WasmError) {
    let t = try self.table(table)
    let n = pop()
    let v = pop()
    let i = pop()
    emit(
      tableIs64(table)
        ? { tableFill64Op($0, $1, $2, $3, $4) } : { tableFillOp($0, $1, $2, $3, $4) } as Handler,
      i, v, n, t)
  }

  mutating func visitTableCopy(destination: UInt32, source: UInt32) throws(WasmError) {
    let dt = try table(destination), st = try table(source)
    let n = pop()
    let s = pop()
    let d = pop()
    let flags = (tableIs64(destination) ? 1 : 0) | (tableIs64(source) ? 2 : 0)
    if flags == 0 {
      emit({ tableCopyOp($0, $1, $2, $3, $4) }, d, s, n, dt, st)
    } else {
      emit({ tableCopyAnyOp($0, $1, $2, $3, $4) }, d, s, n, dt, st, flags)
    }
  }

  mutating func visitTableInit(element: UInt32, table: UInt32) throws(WasmError) {
    let t = try self.table(table), e = try self.element(element)
    let n = pop()
    let s = pop()
    let d = pop()
    emit(
      tableIs64(table)
        ? { tableInit64Op($0, $1, $2, $3, $4) } : { tableInitOp($0, $1, $2, $3, $4) } as Handler,
      d, s, n, t, e)
  }

  mutating func visitElemDrop(_ element: UInt32) throws(WasmError) {
    emit({ segmentDropOp($0, $1, $2, $3, $4) }, try self.element(element))
  }

  // MARK: Numeric

  mutating func visitI32Const(_ value: Int32) throws(WasmError) {
    pushConstant(Int(value))
  }

  mutating func visitI64Const(_ value: Int64) throws(WasmError) {
    pushConstant(Int(value))
  }

  mutating func visitF32Const(_ bits: UInt32) throws(WasmError) {
    pushConstant(Int(bits))
  }

  mutating func visitF64Const(_ bits: UInt64) throws(WasmError) {
    pushConstant(Int(bitPattern: UInt(bits)))
  }

  mutating func visitNumeric(_ op: NumericOp) throws(WasmError) {
    let (handler, immediate) = numericHandlers(op)
    guard op.signature.operandCount == 2 else {
      let isEqz = op == .i32Eqz || op == .i64Eqz
      unaryOp(handler, shape: isEqz ? .eqz(is64: op == .i64Eqz) : .other)
      return
    }
    if fuseLoadOperand(op) || fuseSelectAdd(op) { return }
    binaryOp(op, handler, immediate: immediate)
  }

  // MARK: Vector: see SIMDTranslation.swift
}

@inline(__always)
func address<T>(_ p: UnsafeMutablePointer<T>) -> Int { Int(bitPattern: UInt(bitPattern: p)) }
