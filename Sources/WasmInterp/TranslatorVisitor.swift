// The translator's instruction visitor: one method per instruction (see
// Translator.swift for the code form). In unreachable code nothing is emitted;
// only the block structure is followed.

import WasmCore

extension Translator {
  // MARK: Control

  mutating func visitUnreachable() throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    emit({ unreachableOp($0, $1, $2, $3, $4) })
    markUnreachable()
  }

  mutating func visitNop() throws(WasmError) {}

  mutating func enterBlock(_ kind: ControlKind, _ type: BlockType) throws(WasmError) {
    try checkWidth(type)
    let (params, results) = blockArity(type)
    let dead = !reachable
    if !dead { materializeAll() }
    forgetPeepholes()
    let height = max(stack.count - params, 0)
    var c = Control(
      kind: kind, height: height, paramCount: params, resultCount: results, start: code.count)
    c.unreachable = dead
    controls.append(c)
  }

  mutating func visitBlock(_ type: BlockType) throws(WasmError) { try enterBlock(.block, type) }
  mutating func visitLoop(_ type: BlockType) throws(WasmError) {
    // A back-edge to here may carry writes translated later.
    anyKnownZero = false
    try enterBlock(.loop, type)
  }

  mutating func visitIf(_ type: BlockType) throws(WasmError) {
    guard reachable else {
      try enterBlock(.ifThen, type)
      return
    }
    let compare = lastCompare
    let condition = pop()
    let start = code.count
    if let compare, compare.start + 4 == code.count, condition == tempSlot(stack.count),
      let (handler, _) = fusedBranch(compare.op, negated: true, immediate: compare.immediate)
    {
      // `cmp; if` → branch to else when the comparison is false.
      let a = code[compare.start + 2], b = code[compare.start + 3]
      code.removeLast(4)
      forgetPeepholes()
      materializeAll()
      let at = code.count
      emit(handler, a, b, 0)
      try enterBlock(.ifThen, type)
      controls[controls.count - 1].elseFixup = Fixup(word: code.count - 1, base: at)
      _ = start
      return
    }
    if let eqz = lastEqz, eqz.start + 3 == code.count, condition == tempSlot(stack.count) {
      // `eqz; if` → branch to else when the operand is not zero.
      let a = code[eqz.start + 2]
      code.removeLast(3)
      forgetPeepholes()
      materializeAll()
      let at = code.count
      if eqz.is64 {
        emit({ brIfNonZero64Op($0, $1, $2, $3, $4) }, a, 0)
      } else {
        emit({ brIfOp($0, $1, $2, $3, $4) }, a, 0)
      }
      try enterBlock(.ifThen, type)
      controls[controls.count - 1].elseFixup = Fixup(word: code.count - 1, base: at)
      return
    }
    forgetPeepholes()
    materializeAll()
    let at = code.count
    emit({ brIfNotOp($0, $1, $2, $3, $4) }, condition, 0)
    try enterBlock(.ifThen, type)
    controls[controls.count - 1].elseFixup = Fixup(word: code.count - 1, base: at)
  }

  mutating func visitElse() throws(WasmError) {
    let index = controls.count - 1
    let c = controls[index]
    forgetPeepholes()
    if !c.unreachable {
      materializeAll(from: c.height)
      emitBranch(to: index)
    }
    if let f = controls[index].elseFixup { patched(f, to: code.count, in: &code) }
    controls[index].elseFixup = nil
    controls[index].kind = .ifElse
    controls[index].unreachable = false
    // The else arm starts with the block's parameters, still in their slots.
    while stack.count > c.height { _ = pop() }
    for _ in 0..<c.paramCount { _ = pushTemp() }
    // An unreachable `if` (inside dead code) stays dead.
    if index > 0, controls[index - 1].unreachable { controls[index].unreachable = true }
  }

  mutating func visitEnd() throws(WasmError) {
    let index = controls.count - 1
    let c = controls[index]
    let producer = lastResult
    forgetPeepholes()
    if c.kind == .function {
      if !c.unreachable { emitReturn(producer: producer) }
      controls.removeLast()
      return
    }
    if !c.unreachable { materializeAll(from: c.height) }
    let target = code.count
    for f in c.fixups { patched(f, to: target, in: &code) }
    if let f = c.elseFixup { patched(f, to: target, in: &code) }
    controls.removeLast()
    while stack.count > c.height { _ = pop() }
    for _ in 0..<c.resultCount { _ = pushTemp() }
  }

  mutating func visitBr(_ depth: UInt32) throws(WasmError) {
    guard reachable else { return }
    let target = try controlIndex(depth)
    forgetPeepholes()
    if controls[target].kind == .function {
      emitReturn()
    } else {
      moveBranchValues(target)
      emitBranch(to: target)
    }
    markUnreachable()
  }

  mutating func visitBrIf(_ depth: UInt32) throws(WasmError) {
    guard reachable else { return }
    let target = try controlIndex(depth)
    let compare = lastCompare
    let step = lastStep
    let eqz = lastEqz
    let condition = pop()
    forgetPeepholes()
    let c = controls[target]
    let n = c.labelArity
    var needsMove = c.kind == .function
    guard stack.count >= n else { throw .invalid("type mismatch", at: instructionOffset) }
    for k in 0..<n where stack[stack.count - n + k] != tempSlot(c.height + k) { needsMove = true }
    if !needsMove {
      let isLoop = c.kind == .loop
      if isLoop, let compare, compare.start + 4 == code.count, condition == tempSlot(stack.count),
        let fused = steppedBackEdge(step, compare)
      {
        // `x + y → i; cmp(i, b); br_if loop` → one handler: step, compare, branch.
        code.removeLast(8)
        let at = code.count
        emit(fused.handler, fused.dst, fused.x, fused.y, fused.bound)
        branchTarget(target, base: at)
        return
      }
      if let compare, compare.start + 4 == code.count, condition == tempSlot(stack.count),
        let (plain, loop) = fusedBranch(
          compare.op, negated: false, immediate: compare.immediate)
      {
        let a = code[compare.start + 2], b = code[compare.start + 3]
        code.removeLast(4)
        let at = code.count
        emit(isLoop ? loop : plain, a, b)
        branchTarget(target, base: at)
        return
      }
      if let eqz, eqz.start + 3 == code.count, condition == tempSlot(stack.count) {
        // `eqz; br_if` → branch when the operand is zero.
        let a = code[eqz.start + 2]
        code.removeLast(3)
        let at = code.count
        let handler: Handler =
          switch (eqz.is64, isLoop) {
          case (false, false): { brIfNotOp($0, $1, $2, $3, $4) }
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
    emit({ brIfNotOp($0, $1, $2, $3, $4) }, condition, 0)
    let skip = Fixup(word: code.count - 1, base: at)
    if c.kind == .function {
      emitReturn()
    } else {
      moveBranchValues(target)
      emitBranch(to: target)
    }
    patched(skip, to: code.count, in: &code)
  }

  mutating func visitBrTable(_ targets: BrTableTargets) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let index = pop()
    var depths: [UInt32] = []
    depths.reserveCapacity(targets.count + 1)
    for t in targets { depths.append(t) }
    depths.append(targets.defaultTarget)
    let at = code.count
    emit({ brTableOp($0, $1, $2, $3, $4) }, index, targets.count)
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
    let at = code.count
    if controls[target].kind == .loop {
      emit({ brLoopOp($0, $1, $2, $3, $4) })
    } else {
      emit({ brOp($0, $1, $2, $3, $4) })
    }
    branchTarget(target, base: at)
  }

  /// Emits a return of the top `resultCount` values. Leaves the operand stack as
  /// it is: after a `br_if` the fall-through path still uses it.
  mutating func emitReturn(producer: (word: Int, end: Int)? = nil) {
    let n = resultCount
    guard stack.count >= n else { return }
    if n == 1, let producer, producer.end == code.count, let value = stack.last,
      value == tempSlot(stack.count - 1), code[producer.word] == value
    {
      // The instruction that computed the result writes it to the result slot
      // (cell 0, also in a wide body: a v128 result fills cells 0 and 1).
      code[producer.word] = 0
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
      emit({ copyOp($0, $1, $2, $3, $4) }, tempSlot(first + k), stack[first + k])
    }
    emit({ returnOp($0, $1, $2, $3, $4) }, tempSlot(first), n)
  }

  mutating func visitReturn() throws(WasmError) {
    guard reachable else { return }
    let producer = lastResult
    forgetPeepholes()
    emitReturn(producer: producer)
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
    guard reachable else { return }
    forgetPeepholes()
    let i = Int(function)
    guard i < env.functionEntries.count else {
      throw .invalid("unknown function", at: instructionOffset)
    }
    try emitCall(
      { callOp($0, $1, $2, $3, $4) }, env.functionTypes[i],
      operands: [Int(bitPattern: UInt(bitPattern: env.functionEntries[i]))])
  }

  mutating func visitCallIndirect(typeIndex: UInt32, tableIndex: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let t = Int(typeIndex), table = Int(tableIndex)
    guard t < env.types.count, table < env.tables.count else {
      throw .invalid("unknown type", at: instructionOffset)
    }
    let index = pop()
    // The index may sit in the slot the callee's frame will overlay; the handler
    // reads it before entering.
    try emitCall(
      { callIndirectOp($0, $1, $2, $3, $4) }, env.types[t],
      operands: [address(env.tables[table]), index, env.typeIDs[t]])
  }

  // MARK: References, parametric, variables

  mutating func pushConstant(_ value: Int) {
    // A binary operator before the constant may pair with the one after it
    // (`fuseImmediatePair`); every use of `lastBinary` checks adjacency.
    let previousBinary = lastBinary
    forgetPeepholes()
    lastBinary = previousBinary
    let d = pushTemp()
    let start = code.count
    emit({ constOp($0, $1, $2, $3, $4) }, d, value)
    lastResult = (code.count - 2, code.count)
    lastConst = (start, value)
  }

  mutating func visitRefNull(_ type: HeapType) throws(WasmError) {
    guard reachable else { return }
    pushConstant(0)
  }

  mutating func visitRefIsNull() throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    unaryOp({ refIsNullOp($0, $1, $2, $3, $4) })
  }

  mutating func visitRefFunc(_ function: UInt32) throws(WasmError) {
    guard reachable else { return }
    let i = Int(function)
    guard i < env.functionEntries.count else {
      throw .invalid("unknown function", at: instructionOffset)
    }
    pushConstant(address(env.functionEntries[i]))
  }

  mutating func visitDrop() throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    _ = pop()
  }

  mutating func visitSelect(_ type: ValueType?) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    if stride == 1, type == .v128 { try requireWide() }
    let condition = pop()
    let b = pop()
    let a = pop()
    let d = pushTemp()
    emit(
      stride == 2 ? { select2Op($0, $1, $2, $3, $4) } : { selectOp($0, $1, $2, $3, $4) } as Handler,
      d, a, b, condition)
    lastResult = (code.count - 4, code.count)
  }

  mutating func visitLocalGet(_ index: UInt32) throws(WasmError) {
    guard reachable else { return }
    // `local.get` emits nothing (unless it copies): pending pairs stay adjacent.
    let previousCopy = lastCopy, previousBinary = lastBinary, previousLoad = lastLoad
    forgetPeepholes()
    (lastCopy, lastBinary, lastLoad) = (previousCopy, previousBinary, previousLoad)
    guard Int(index) < localCount else { throw .invalid("unknown local", at: instructionOffset) }
    let local = stride * Int(index)
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
    guard reachable else { return }
    guard Int(index) < localCount else { throw .invalid("unknown local", at: instructionOffset) }
    let local = stride * Int(index)
    let producer = lastResult
    let previousCopy = lastCopy, previousBinary = lastBinary
    if anyKnownZero, knownZero[Int(index)], let k = lastConst, k.value == 0,
      k.start + 3 == code.count, let top = stack.last, top == tempSlot(stack.count - 1),
      code[k.start + 1] == top
    {
      // The local is still zero: the constant and the store are both dropped.
      code.removeLast(3)
      forgetPeepholes()
      _ = pop()
      return
    }
    if anyKnownZero { knownZero[Int(index)] = false }
    forgetPeepholes()
    let value = pop()
    let wasTemp = value == tempSlot(stack.count)
    materializeReferences(to: local)
    if wasTemp, let producer, producer.end == code.count, code[producer.word] == value {
      // Retarget the producing instruction's result straight into the local.
      code[producer.word] = local
      // A loop counter's step stays known (`i += k; local.tee i; i != n; br_if`).
      // Pairs that would read the result as a temporary check that it is one.
      if let b = previousBinary, b.start + 4 == code.count, b.start + 1 == producer.word {
        lastBinary = b
      }
    } else if value != local {
      if stride == 1, let previousCopy, previousCopy + 3 == code.count {
        // Two moves in a row become one handler (no label can sit between them:
        // block boundaries forget `lastCopy`).
        let d1 = code[previousCopy + 1], s1 = code[previousCopy + 2]
        code.removeLast(3)
        emit({ copyPairOp($0, $1, $2, $3, $4) }, d1, s1, local, value)
      } else {
        emitCopy(local, value)
        if stride == 1 { lastCopy = code.count - 3 }
      }
    }
  }

  mutating func visitLocalTee(_ index: UInt32) throws(WasmError) {
    guard reachable else { return }
    try visitLocalSet(index)
    try visitLocalGet(index)
  }

  mutating func visitGlobalGet(_ index: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    guard Int(index) < env.globals.count else {
      throw .invalid("unknown global", at: instructionOffset)
    }
    try checkGlobalWidth(index)
    let d = pushTemp()
    emit(
      stride == 2
        ? { globalGet2Op($0, $1, $2, $3, $4) } : { globalGetOp($0, $1, $2, $3, $4) } as Handler,
      d, address(env.globals[Int(index)]))
    lastResult = (code.count - 2, code.count)
  }

  mutating func visitGlobalSet(_ index: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
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

  func element(_ index: UInt32) throws(WasmError) -> Int {
    guard Int(index) < env.elementSegments.count else {
      throw .invalid("unknown elem segment", at: instructionOffset)
    }
    return address(env.elementSegments[Int(index)])
  }

  mutating func visitTableGet(_ table: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let t = try self.table(table)
    let i = pop()
    let d = pushTemp()
    emit({ tableGetOp($0, $1, $2, $3, $4) }, d, i, t)
  }

  mutating func visitTableSet(_ table: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let t = try self.table(table)
    let v = pop()
    let i = pop()
    emit({ tableSetOp($0, $1, $2, $3, $4) }, i, v, t)
  }

  mutating func visitTableSize(_ table: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let t = try self.table(table)
    let d = pushTemp()
    emit({ tableSizeOp($0, $1, $2, $3, $4) }, d, t)
  }

  mutating func visitTableGrow(_ table: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let t = try self.table(table)
    let delta = pop()
    let initial = pop()
    let d = pushTemp()
    emit({ tableGrowOp($0, $1, $2, $3, $4) }, d, initial, delta, t)
  }

  mutating func visitTableFill(_ table: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let t = try self.table(table)
    let n = pop()
    let v = pop()
    let i = pop()
    emit({ tableFillOp($0, $1, $2, $3, $4) }, i, v, n, t)
  }

  mutating func visitTableCopy(destination: UInt32, source: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let dt = try table(destination), st = try table(source)
    let n = pop()
    let s = pop()
    let d = pop()
    emit({ tableCopyOp($0, $1, $2, $3, $4) }, d, s, n, dt, st)
  }

  mutating func visitTableInit(element: UInt32, table: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let t = try self.table(table), e = try self.element(element)
    let n = pop()
    let s = pop()
    let d = pop()
    emit({ tableInitOp($0, $1, $2, $3, $4) }, d, s, n, t, e)
  }

  mutating func visitElemDrop(_ element: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    emit({ segmentDropOp($0, $1, $2, $3, $4) }, try self.element(element))
  }

  // MARK: Memory

  mutating func visitLoad(_ op: LoadOp, _ memarg: MemArg) throws(WasmError) {
    guard reachable else { return }
    let previous = lastBinary
    forgetPeepholes()
    if let handler = v128LoadHandler(op) { return try emitV128Load(handler, memarg) }
    guard let handler = loadHandler(op) else {
      emit({ unsupportedOp($0, $1, $2, $3, $4) })
      return
    }
    let address = pop()
    let offset = Int(truncatingIfNeeded: memarg.offset)
    if let fused = loadAddedHandler(op),
      let (x, k) = takeAddedAddress(previous, producing: address, at: stack.count)
    {
      // `x; i32.const k; i32.add; load` → one handler reading `u32(x + k) + offset`.
      let d = pushTemp()
      let start = code.count
      emit(fused, d, x, k, offset)
      lastResult = (start + 1, code.count)
      lastLoad = (start, code.count, op, x, k, offset)
      return
    }
    let d = pushTemp()
    let start = code.count
    emit(handler, d, address, offset)
    lastResult = (start + 1, code.count)
    lastLoad = (start, code.count, op, address, 0, offset)
  }

  mutating func visitStore(_ op: StoreOp, _ memarg: MemArg) throws(WasmError) {
    guard reachable else { return }
    let previous = lastBinary
    let constant = lastConst
    forgetPeepholes()
    if op == .v128Store { return try emitV128Store(memarg) }
    guard let handler = storeHandler(op) else {
      emit({ unsupportedOp($0, $1, $2, $3, $4) })
      return
    }
    let value = pop()
    let address = pop()
    let offset = Int(truncatingIfNeeded: memarg.offset)
    if let k = constant, k.start + 3 == code.count, value == tempSlot(stack.count + 1),
      code[k.start + 1] == value, let fused = storeConstantHandler(op)
    {
      // `address; const k; store` → the constant is an operand of the store.
      code.removeLast(3)
      emit(fused, address, k.value, offset)
      return
    }
    // The value emitted nothing after the address's `i32.add` (a `local.get`), so
    // reading it in the fused handler reads what the store would.
    if value != address, let fused = storeAddedHandler(op),
      let (x, k) = takeAddedAddress(previous, producing: address, at: stack.count)
    {
      emit(fused, x, value, k, offset)
      return
    }
    emit(handler, address, value, offset)
  }

  mutating func visitMemorySize(_ memory: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let d = pushTemp()
    emit({ memorySizeOp($0, $1, $2, $3, $4) }, d)
  }

  mutating func visitMemoryGrow(_ memory: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let delta = pop()
    let d = pushTemp()
    emit({ memoryGrowOp($0, $1, $2, $3, $4) }, d, delta)
  }

  mutating func visitMemoryInit(data: UInt32, memory: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    guard Int(data) < env.dataSegments.count else {
      throw .invalid("unknown data segment", at: instructionOffset)
    }
    let n = pop()
    let s = pop()
    let d = pop()
    emit({ memoryInitOp($0, $1, $2, $3, $4) }, d, s, n, address(env.dataSegments[Int(data)]))
  }

  mutating func visitDataDrop(_ data: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    guard Int(data) < env.dataSegments.count else {
      throw .invalid("unknown data segment", at: instructionOffset)
    }
    emit({ segmentDropOp($0, $1, $2, $3, $4) }, address(env.dataSegments[Int(data)]))
  }

  mutating func visitMemoryCopy(destination: UInt32, source: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let n = pop()
    let s = pop()
    let d = pop()
    emit({ memoryCopyOp($0, $1, $2, $3, $4) }, d, s, n)
  }

  mutating func visitMemoryFill(_ memory: UInt32) throws(WasmError) {
    guard reachable else { return }
    forgetPeepholes()
    let n = pop()
    let v = pop()
    let d = pop()
    emit({ memoryFillOp($0, $1, $2, $3, $4) }, d, v, n)
  }

  // MARK: Numeric

  mutating func visitI32Const(_ value: Int32) throws(WasmError) {
    guard reachable else { return }
    pushConstant(Int(value))
  }

  mutating func visitI64Const(_ value: Int64) throws(WasmError) {
    guard reachable else { return }
    pushConstant(Int(value))
  }

  mutating func visitF32Const(_ bits: UInt32) throws(WasmError) {
    guard reachable else { return }
    pushConstant(Int(bits))
  }

  mutating func visitF64Const(_ bits: UInt64) throws(WasmError) {
    guard reachable else { return }
    pushConstant(Int(bitPattern: UInt(bits)))
  }

  mutating func visitNumeric(_ op: NumericOp) throws(WasmError) {
    guard reachable else { return }
    let (handler, immediate) = numericHandlers(op)
    let arity = Int(op.signature.operandCount)
    if arity == 2 {
      if fuseLoadOperand(op) { return }
      let previousBinary = lastBinary
      lastLoad = nil
      lastCompare = nil
      lastResult = nil
      lastEqz = nil
      if immediate == nil { lastConst = nil }
      if lastConst == nil, fusePair(op) {
        lastBinary = nil
        return
      }
      lastBinary = nil
      let usedImmediate = binaryOp(handler, immediate: immediate)
      lastConst = nil
      if usedImmediate, fuseImmediatePair(previousBinary, op) {
        lastCompare = nil
        return
      }
      lastBinary = (code.count - 4, op, usedImmediate)
      if fusedBranch(op, negated: false) != nil {
        lastCompare = (code.count - 4, op, usedImmediate)
        lastStep = previousBinary
      }
    } else {
      forgetPeepholes()
      unaryOp(handler)
      if op == .i32Eqz || op == .i64Eqz { lastEqz = (code.count - 3, op == .i64Eqz) }
    }
  }

  // MARK: Vector: see SIMDTranslation.swift
}

@inline(__always)
func address<T>(_ p: UnsafeMutablePointer<T>) -> Int { Int(bitPattern: UInt(bitPattern: p)) }
