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
  ) -> (start: Int, handler: Handler, dst: Int, x: Int, y: Int, bound: Int)? {
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
    return (step.start, handler, dst, code[step.start + 2], code[step.start + 3], bound)
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
    case (.i32Load, .i32Add):
      handler = SharedHandlers.i32AddLoad
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
    case (.i32Mul, .i32Add): handler = { i32MulImmAddImm($0, $1, $2, $3, $4) }
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
    emit(handler, d, x, m, k, writesResult: true)
    return true
  }
}
