// The translator's newer super-instruction peepholes (see docs/performance.md,
// "Round 2"): each recognises a short instruction sequence just emitted, removes
// it from the code and emits one handler doing the same. They share one rule:
// only code emitted after the last label or branch is rewritten (every record
// they read checks adjacency to the end of the code), and a value is absorbed
// only when it sits in its own temporary slot, which nothing else reads.

import WasmCore

extension Translator {
  /// When the instruction just emitted is `i32.add` with an immediate whose result
  /// is the stack entry at `index` (popped or not, still in its own slot), removes
  /// it and returns its operands (x, k) for an address-fused memory access.
  mutating func takeAddedAddress(
    _ previous: (start: Int, op: NumericOp, immediate: Bool)?, producing slot: Int, at index: Int
  ) -> (Int, Int)? {
    guard let p = previous, p.op == .i32Add, p.immediate, p.start + 4 == code.count,
      slot == tempSlot(index), code[p.start + 1] == slot
    else { return nil }
    let x = code[p.start + 2], k = code[p.start + 3]
    code.removeLast(4)
    return (x, k)
  }

  /// The fused back-edge for `compare` when the instruction just before it steps
  /// the value it compares (see LoopStepHandlers.swift): its handler and operands.
  func steppedBackEdge(
    _ step: (start: Int, op: NumericOp, immediate: Bool)?,
    _ compare: (start: Int, op: NumericOp, immediate: Bool)
  ) -> (handler: Handler, dst: Int, x: Int, y: Int, bound: Int)? {
    guard let step, step.start + 4 == compare.start else { return nil }
    let dst = code[step.start + 1]
    let a = code[compare.start + 2], b = code[compare.start + 3]
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
        step: step.op, stepImmediate: step.immediate, compare: compare.op,
        boundImmediate: compare.immediate)
    else { return nil }
    return (handler, dst, code[step.start + 2], code[step.start + 3], bound)
  }

  /// Fuses a binary operator with the load just before it when the loaded value
  /// is one of its operands (`a[i] * b[j]`, `sum + a[i]`): the load's address
  /// operands move into the operator's handler. Returns whether it did.
  mutating func fuseLoadOperand(_ op: NumericOp) -> Bool {
    guard let load = lastLoad, load.end == code.count, stack.count >= 2 else { return false }
    let loaded = code[load.start + 1]
    let first = stack[stack.count - 2], second = stack[stack.count - 1]
    let loadedIsSecond = second == loaded && loaded == tempSlot(stack.count - 1)
    let loadedIsFirst = first == loaded && loaded == tempSlot(stack.count - 2)
    guard loadedIsFirst || loadedIsSecond else { return false }
    let handler: Handler
    switch (load.op, op) {
    case (.f64Load, .f64Mul):
      handler =
        loadedIsSecond ? { f64MulLoad($0, $1, $2, $3, $4) } : { f64LoadMul($0, $1, $2, $3, $4) }
    case (.f64Load, .f64Add):
      handler =
        loadedIsSecond ? { f64AddLoad($0, $1, $2, $3, $4) } : { f64LoadAdd($0, $1, $2, $3, $4) }
    case (.i32Load, .i32Add):
      handler = { i32AddLoad($0, $1, $2, $3, $4) }
    default:
      return false
    }
    let other = loadedIsSecond ? first : second
    forgetPeepholes()
    code.removeLast(load.end - load.start)
    _ = pop()
    _ = pop()
    let d = pushTemp()
    let start = code.count
    emit(handler, d, other, load.address, load.k, load.offset)
    lastResult = (start + 1, code.count)
    return true
  }

  /// Fuses the immediate-operand instruction just emitted with the one before it
  /// when that one was also an immediate form whose result is this one's operand
  /// (`x; const m; i32.and; const k; i32.shl` → `(x & m) << k`). Returns whether
  /// it did.
  mutating func fuseImmediatePair(
    _ previous: (start: Int, op: NumericOp, immediate: Bool)?, _ op: NumericOp
  ) -> Bool {
    guard let p = previous, p.immediate, p.start + 8 == code.count else { return false }
    let start = code.count - 4
    let produced = code[p.start + 1]
    guard produced == code[start + 2], produced == tempSlot(stack.count - 1) else { return false }
    let handler: Handler
    switch (p.op, op) {
    case (.i32And, .i32Shl): handler = { i32AndImmShlImm($0, $1, $2, $3, $4) }
    case (.i32ShrU, .i32And): handler = { i32ShrUImmAndImm($0, $1, $2, $3, $4) }
    case (.i32Mul, .i32Add): handler = { i32MulImmAddImm($0, $1, $2, $3, $4) }
    case (.i32Shl, .i32And): handler = { i32ShlImmAndImm($0, $1, $2, $3, $4) }
    // A comparison fused here is no longer there for `br_if` to fuse with; the
    // count of handlers is the same either way (`and`+`brIfCmp`, `andCmp`+`brIf`).
    case (.i32And, .i32GtU): handler = { i32AndImmGtUImm($0, $1, $2, $3, $4) }
    case (.i32And, .i32LtU): handler = { i32AndImmLtUImm($0, $1, $2, $3, $4) }
    default: return false
    }
    let d = code[start + 1], x = code[p.start + 2], a = code[p.start + 3], b = code[start + 3]
    code.removeLast(8)
    let at = code.count
    emit(handler, d, x, a, b)
    lastResult = (at + 1, code.count)
    lastBinary = nil
    return true
  }
}
