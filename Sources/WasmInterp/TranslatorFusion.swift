// The translator's newer super-instruction peepholes (see docs/performance.md,
// "Round 2"): each recognises a short instruction sequence just emitted, removes
// it from the code and emits one handler doing the same. What they may know about
// the code just emitted, and why it cannot be stale, is in CodeBuffer.swift.

import WasmCore

extension Translator {
  /// When the instruction just emitted is `i32.add` with an immediate whose result
  /// is the stack entry at `height` (popped or not, still in its own slot), removes
  /// it and returns its operands (x, k) for an address-fused memory access.
  mutating func takeAddedAddress(producing slot: Int, at height: Int) -> (Int, Int)? {
    guard let add = producer(of: slot, at: height),
      case .binary(.i32Add, immediate: true) = add.shape
    else { return nil }
    let x = code[add.start + 2], k = code[add.start + 3]
    code.retract(to: add.start)
    return (x, k)
  }

  /// The fused back-edge for `compare` when `step`, the instruction just before it,
  /// steps the value it compares (see LoopStepHandlers.swift): its handler and
  /// operands, and where the pair starts.
  func steppedBackEdge(
    _ step: CodeBuffer.Record?,
    _ compare: (record: CodeBuffer.Record, op: NumericOp, immediate: Bool)
  ) -> (
    start: Int, handler: Handler, dst: Int, x: Int, y: Int, bound: Int, step: NumericOp,
    stepImmediate: Bool
  )? {
    guard let step, case .binary(let stepOp, let stepImmediate) = step.shape,
      step.start + 4 == compare.record.start
    else { return nil }
    let dst = code[step.start + 1]
    let a = code[compare.record.start + 2], b = code[compare.record.start + 3]
    let bound: Int
    if a == dst {
      bound = b
    } else if b == dst, !compare.immediate, compare.op == .i32Ne || compare.op == .i64Ne {
      bound = a  // `n != i` is `i != n`
    } else {
      return nil
    }
    // The bound must not be the stepped slot itself (it would read the new value
    // either way, but keep the shapes simple).
    guard compare.immediate || bound != dst,
      let handler = stepThenBranchLoopHandler(
        step: stepOp, stepImmediate: stepImmediate, compare: compare.op,
        boundImmediate: compare.immediate)
    else { return nil }
    return (
      step.start, handler, dst, code[step.start + 2], code[step.start + 3], bound, stepOp,
      stepImmediate
    )
  }

  /// A loop whose whole body is one store-step record (`p[offset] = v; p += s`,
  /// StoreStepHandlers.swift) and then its back-edge, starting at `backEdge`, which
  /// steps `counter` (`counter = x + counterStep`) and tests it: one fill-loop record
  /// (FillLoopHandlers.swift) replacing both, which keeps the pointer and the counter
  /// in registers. Only when the pointer and the counter are two slots that each
  /// step themselves and that nothing else in the body reads: the value, the steps
  /// and the bound are then the same in every iteration. Returns whether it did.
  mutating func fuseFillLoop(
    _ target: Int, backEdge: Int, handler: Handler?, counter: Int, x: Int, counterStep: Int,
    stepImmediate: Bool, bound: Int, boundImmediate: Bool
  ) -> Bool {
    let start = controls[target].start
    guard controls[target].kind == .loop, let handler, x == counter,
      start >= 0, backEdge == start + 7, backEdge <= code.count,
      let store = StoreStepHandlers.shape(of: code[start])
    else { return false }
    let address = code[start + 1], value = code[start + 2], offset = code[start + 3]
    let pointer = code[start + 4], a = code[start + 5], pointerStep = code[start + 6]
    let written = [pointer, counter]
    guard address == pointer, a == pointer, pointer != counter,
      store.constant || !written.contains(value),
      store.immediate || !written.contains(pointerStep),
      stepImmediate || !written.contains(counterStep),
      boundImmediate || !written.contains(bound)
    else { return false }
    var flags = store.width.trailingZeroBitCount  // log2 of 1, 2, 4 or 8
    if store.constant { flags |= FillLoop.constantValue }
    if store.immediate { flags |= FillLoop.pointerStepImmediate }
    if stepImmediate { flags |= FillLoop.counterStepImmediate }
    if boundImmediate { flags |= FillLoop.boundImmediate }
    code.retract(to: start)
    code.emit(handler, [flags, pointer, value, offset, pointerStep, counter, counterStep, bound])
    return true
  }

  /// Fuses a binary operator with the load just before it when the loaded value
  /// is one of its operands (`a[i] * b[j]`, `sum + a[i]`): the load's address
  /// operands move into the operator's handler. Returns whether it did.
  mutating func fuseLoadOperand(_ op: NumericOp) -> Bool {
    guard stack.count >= 2, let load = code.last,
      case .load(let loadOp, let address, let k, let offset) = load.shape
    else { return false }
    let first = stack[stack.count - 2], second = stack[stack.count - 1]
    let loadedIsSecond = producer(of: second, at: stack.count - 1) != nil
    let loadedIsFirst = producer(of: first, at: stack.count - 2) != nil
    guard loadedIsFirst || loadedIsSecond else { return false }
    let handler: Handler
    switch (loadOp, op) {
    case (.f64Load, .f64Mul):
      handler =
        loadedIsSecond ? SharedHandlers.f64MulLoad : { f64LoadMul($0, $1, $2, $3, $4) }
    case (.f64Load, .f64Add):
      handler =
        loadedIsSecond ? { f64AddLoad($0, $1, $2, $3, $4) } : { f64LoadAdd($0, $1, $2, $3, $4) }
    case (.f32Load, .f32Mul):
      handler = loadedIsSecond ? LoadOperandHandlers.f32MulLoad : LoadOperandHandlers.f32LoadMul
    case (.f32Load, .f32Add):
      handler = loadedIsSecond ? LoadOperandHandlers.f32AddLoad : LoadOperandHandlers.f32LoadAdd
    case (.i32Load, .i32Add):
      handler = SharedHandlers.i32AddLoad
    case (.i32Load, .i32Mul):
      handler = LoadFusedHandlers.i32MulLoad
    case (.i32Load16S, .i32Mul):
      handler = LoadFusedHandlers.i32MulLoad16S
    default:
      return false
    }
    let other = loadedIsSecond ? first : second
    code.retract(to: load.start)
    _ = pop()
    _ = pop()
    let d = pushTemp()
    emit(handler, d, other, address, k, offset, writesResult: true)
    return true
  }

  /// Fuses `op` with an immediate about to be emitted, with the instruction just
  /// before it when that one was also an immediate form whose result is `op`'s
  /// first operand (`x; const m; i32.and; const k; i32.shl` → `(x & m) << k`).
  /// The constant is already taken off the stack. Returns whether it did.
  mutating func fuseImmediatePair(_ op: NumericOp, immediate k: Int) -> Bool {
    guard let first = stack.last, let previous = producer(of: first, at: stack.count - 1),
      case .binary(let previousOp, immediate: true) = previous.shape
    else { return false }
    let handler: Handler
    switch (previousOp, op) {
    case (.i32And, .i32Shl): handler = SharedHandlers.i32AndImmShlImm
    case (.i32ShrU, .i32And): handler = SharedHandlers.i32ShrUImmAndImm
    case (.i32Mul, .i32Add): handler = SharedHandlers.i32MulImmAddImm
    case (.i32Shl, .i32And): handler = { i32ShlImmAndImm($0, $1, $2, $3, $4) }
    // A comparison fused here is no longer there for `br_if` to fuse with; the
    // count of handlers is the same either way (`and`+`brIfCmp`, `andCmp`+`brIf`).
    case (.i32And, .i32GtU): handler = { i32AndImmGtUImm($0, $1, $2, $3, $4) }
    case (.i32And, .i32LtU): handler = { i32AndImmLtUImm($0, $1, $2, $3, $4) }
    default: return false
    }
    let x = code[previous.start + 2], m = code[previous.start + 3]
    code.retract(to: previous.start)
    _ = pop()
    let d = pushTemp()
    let shape: CodeBuffer.Shape = (previousOp, op) == (.i32And, .i32Shl) ? .maskShift : .other
    emit(handler, d, x, m, k, shape: shape, writesResult: true)
    return true
  }

  /// Fuses `select` with the constant just emitted for its first or second operand
  /// (the other operand and the condition emitted nothing: locals, or values computed
  /// before the constant). One-cell values only: the caller checks the stride.
  /// Returns whether it did.
  mutating func fuseConstantSelect() -> Bool {
    guard stack.count >= 3 else { return false }
    let height = stack.count
    let a = stack[height - 3], b = stack[height - 2], condition = stack[height - 1]
    let handler: Handler
    let operands: (Int, Int)
    let constantFirst: Bool
    if let k = producer(of: a, at: height - 3), case .constant(let value) = k.shape {
      code.retract(to: k.start)
      handler = SelectHandlers.constFirst
      operands = (value, b)
      constantFirst = true
    } else if let k = producer(of: b, at: height - 2), case .constant(let value) = k.shape {
      code.retract(to: k.start)
      handler = SelectHandlers.constSecond
      operands = (a, value)
      constantFirst = false
    } else {
      return false
    }
    _ = pop()
    _ = pop()
    _ = pop()
    let d = pushTemp()
    emit(
      handler, d, operands.0, operands.1, condition,
      shape: .constantSelect(first: constantFirst), writesResult: true)
    return true
  }

  /// Fuses `i32.add` with the `select` with a constant operand just before it when the
  /// selected value is one of the addition's operands (a branchless count, strscan's
  /// `words += letter & !in_word` as clang writes it: `in_word ? 0 : letter` then
  /// the add). Returns whether it did.
  mutating func fuseSelectAdd(_ op: NumericOp) -> Bool {
    guard op == .i32Add, stack.count >= 2, let select = code.last,
      case .constantSelect(let constantFirst) = select.shape
    else { return false }
    let first = stack[stack.count - 2], second = stack[stack.count - 1]
    let selectedIsSecond = producer(of: second, at: stack.count - 1) != nil
    guard selectedIsSecond || producer(of: first, at: stack.count - 2) != nil else {
      return false
    }
    let other = selectedIsSecond ? first : second
    let a = code[select.start + 2], b = code[select.start + 3]
    let condition = code[select.start + 4]
    code.retract(to: select.start)
    _ = pop()
    _ = pop()
    let d = pushTemp()
    let handler =
      constantFirst
      ? SelectAddHandlers.i32AddSelectConstFirst
      : SelectAddHandlers.i32AddSelectConstSecond
    emit(handler, d, a, b, condition, other, writesResult: true)
    return true
  }

  /// The load just emitted when it wrote `index` (popped: the `br_table`'s index) and
  /// has a fused `load; br_table` handler: where it starts, that handler, and the
  /// load's destination and address operands. The load may have written a local
  /// (`local.tee`): the fused handler still writes it.
  /// A load at a scaled index (`i32LoadScaled`: a bytecode machine's
  /// `switch (code[pc])` on a global array) gives its [x, s, k, offset] instead.
  func loadedIndex(_ index: Int) -> (start: Int, handler: Handler, operands: [Int])? {
    guard let load = code.last, let word = load.resultWord, code[word] == index else {
      return nil
    }
    switch load.shape {
    case .load(let op, let address, let k, let offset):
      guard let handler = loadBrTableHandler(op) else { return nil }
      return (load.start, handler, [index, address, k, offset])
    case .scaledLoad:
      let operands = (1...5).map { code[load.start + $0] }
      return (load.start, LoadFusedHandlers.i32LoadScaledBrTable, operands)
    default:
      return nil
    }
  }

  /// Fuses `i32.load` with the index computation of its address when that is
  /// `x << s` or `(x & m) << s`, plus a constant or not (C's `table[i]` on a global
  /// array, `crc_table[(crc ^ b) & 0xff]`). `address` is the load's address operand,
  /// already popped. Returns whether it did.
  mutating func fuseScaledLoad(address: Int, offset: Int) -> Bool {
    let height = stack.count
    var index = address, k = 0
    var shift = code.last
    if let add = producer(of: address, at: height),
      case .binary(.i32Add, immediate: true) = add.shape
    {
      index = code[add.start + 2]
      k = code[add.start + 3]
      shift = code.beforeLast
    }
    // The shifted index is the temporary the add (or the load) consumed, written by
    // the instruction just before: nothing else can read it.
    guard index == tempSlot(height), let shift, let word = shift.resultWord, code[word] == index
    else { return false }
    switch shift.shape {
    case .binary(.i32Shl, immediate: true):
      let x = code[shift.start + 2], s = code[shift.start + 3]
      code.retract(to: shift.start)
      let d = pushTemp()
      emit(
        LoadFusedHandlers.i32LoadScaled, d, x, s, k, offset, shape: .scaledLoad, writesResult: true)
    case .maskShift:
      let x = code[shift.start + 2], m = code[shift.start + 3], s = code[shift.start + 4]
      code.retract(to: shift.start)
      let d = pushTemp()
      emit(LoadFusedHandlers.i32LoadMaskedScaled, d, x, m, s, k, offset, writesResult: true)
    default:
      return false
    }
    return true
  }

  /// `x += k` (i32), a narrow move, then `br` to a loop (a loop's last steps as clang
  /// writes them: `b++; in_word = letter; continue`): replaces the step and the move
  /// with one handler doing both, then the back-edge. Returns whether it did; the
  /// caller emits the branch otherwise.
  mutating func fuseStepMoveBackEdge(to target: Int) -> Bool {
    guard controls[target].kind == .loop, let last = code.last else { return false }
    let dst: Int, x: Int, k: Int, to: Int, from: Int
    if case .stepCopy = last.shape {
      // Round 6: the step and the move are already one handler (`fuseStepCopy`).
      (dst, x, k) = (code[last.start + 1], code[last.start + 2], code[last.start + 3])
      (to, from) = (code[last.start + 4], code[last.start + 5])
      code.retract(to: last.start)
    } else {
      guard case .copy = last.shape, let step = code.beforeLast,
        case .binary(.i32Add, immediate: true) = step.shape
      else { return false }
      (to, from) = (code[last.start + 1], code[last.start + 2])
      (dst, x, k) = (code[step.start + 1], code[step.start + 2], code[step.start + 3])
      code.retract(to: step.start)
    }
    let at = code.count
    let head = controls[target].start
    if code.count >= head + 3, code[head] == word(SharedHandlers.constant) {
      // Round 6: the loop starts with a constant (`[handler, dst, value]`, complete
      // as the body goes on past it): the back-edge writes it too and branches past it.
      emit(
        MoveBranchHandlers.i32AddImmCopyConstBranchLoop, dst, x, k, to, from, code[head + 1],
        code[head + 2])
      code.append(head + 3 - at)
      return true
    }
    emit(MoveBranchHandlers.i32AddImmCopyBranchLoop, dst, x, k, to, from)
    branchTarget(target, base: at)
    return true
  }

  /// An `i32.add` whose result `local.set`/`local.tee` just redirected into a local,
  /// fused with the instruction before it when that is a scalar store (`p[0] = v;
  /// p += k`, or the next element's address computed into a local:
  /// StoreStepHandlers.swift) or another `i32.add` (several induction variables
  /// stepped in a row: AddPairHandlers.swift). Only once the add writes a local: an
  /// add into a temporary may still become an address of the fused loads and
  /// stores. A step `x += k` kept on the stack by `local.tee` is left alone: the
  /// value is about to be tested, and the stepped back-edge or `i32AddImmBrIf` take
  /// the step with the test (as many handlers as a pair and a plain test).
  mutating func fuseAddIntoLocal(teed: Bool) {
    guard let add = code.last, case .binary(.i32Add, let immediate) = add.shape,
      let before = code.beforeLast,
      !(teed && immediate && code[add.start + 1] == code[add.start + 2])
    else { return }
    let handler: Handler
    switch before.shape {
    case .store(let width, let constant):
      guard
        let fused = StoreStepHandlers.handler(
          width: width, constant: constant, immediate: immediate)
      else { return }
      handler = fused
    case .binary(.i32Add, let firstImmediate):
      handler = AddPairHandlers.handler(
        firstImmediate: firstImmediate, secondImmediate: immediate)
    default:
      return
    }
    let operands = (1...3).map { code[before.start + $0] } + (1...3).map { code[add.start + $0] }
    code.retract(to: before.start)
    code.emit(handler, operands)
  }

  // MARK: Round 6 (`shape2`): a step then a move; a branch on a value just computed

  /// `x += k` (i32) just emitted, then a narrow move `to = from` (qsort's
  /// `p += 4; local.tee q; local.set p`, or a call's argument copied into place
  /// after a step): one handler doing both, in that order. The step keeps no
  /// record a peephole may take its result from (the move is last). Returns whether
  /// it did; the caller emits the move otherwise.
  mutating func fuseStepCopy(_ to: Int, _ from: Int) -> Bool {
    guard stride == 1, let step = code.last, case .binary(.i32Add, immediate: true) = step.shape
    else { return false }
    let dst = code[step.start + 1], x = code[step.start + 2], k = code[step.start + 3]
    code.retract(to: step.start)
    emit(MoveBranchHandlers.i32AddImmCopy, dst, x, k, to, from, shape: .stepCopy)
    return true
  }

  /// `br_if` (needing no moves) on `condition` when the instruction just emitted
  /// computed it: `x += k` (`n--; if (n) continue`, libc's byte loops), or an
  /// unsigned i32 load (`p = p->next; if (p)`), or `eqz` of such a load
  /// (`if (!p) break`). Emits the fused handler and its target; returns whether it did.
  mutating func fuseValueBranch(condition: Int, to target: Int) -> Bool {
    guard let last = code.last else { return false }
    let isLoop = controls[target].kind == .loop
    let start: Int, handler: Handler, operands: [Int]
    switch last.shape {
    case .binary(.i32Add, immediate: true) where code[last.start + 1] == condition:
      if isLoop,
        fuseFillLoop(
          target, backEdge: last.start, handler: FillLoopHandlers.i32CountDown,
          counter: condition, x: code[last.start + 2], counterStep: code[last.start + 3],
          stepImmediate: true, bound: 0, boundImmediate: true)
      {
        return true
      }
      start = last.start
      handler = isLoop ? ValueBranchHandlers.i32AddImmBrIfLoop : ValueBranchHandlers.i32AddImmBrIf
      operands = (1...3).map { code[last.start + $0] }
    case .load(let op, let address, let k, let offset):
      guard let word = last.resultWord, code[word] == condition,
        let fused = loadBrIfHandler(op, zero: false, loop: isLoop)
      else { return false }
      (start, handler, operands) = (last.start, fused, [condition, address, k, offset])
    case .binary(.i32And, immediate: true) where code[last.start + 1] == condition:
      // Round 7 (`pair`): a flag test, `x & m; br_if` (BitTestBranchHandlers.swift).
      start = last.start
      handler = BitTestBranchHandlers.handler(zero: false, loop: isLoop)
      operands = (1...3).map { code[last.start + $0] }
    case .eqz(is64: false):
      // The `eqz` result must be the popped condition's own temporary (no
      // `local.tee` of it): the fused handler does not write it.
      let operand = code[last.start + 2]
      guard producer(of: condition, at: stack.count) != nil, let before = code.beforeLast
      else { return false }
      if case .binary(.i32And, immediate: true) = before.shape, code[before.start + 1] == operand {
        // Round 7 (`pair`): `x & m; eqz; br_if` (BitTestBranchHandlers.swift).
        start = before.start
        handler = BitTestBranchHandlers.handler(zero: true, loop: isLoop)
        operands = (1...3).map { code[before.start + $0] }
        break
      }
      guard let load = code.beforeLast,
        case .load(let op, let address, let k, let offset) = load.shape,
        let loaded = load.resultWord, code[loaded] == operand,
        let fused = loadBrIfHandler(op, zero: true, loop: isLoop)
      else { return false }
      (start, handler, operands) = (load.start, fused, [operand, address, k, offset])
    default:
      return false
    }
    code.retract(to: start)
    let at = code.count
    code.emit(handler, operands)
    branchTarget(target, base: at)
    return true
  }
}
