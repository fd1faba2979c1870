// Translation of v128 (128-bit SIMD) instructions, and the "wide" slot layout they
// need. https://webassembly.github.io/spec/core/exec/instructions.html#vector-instructions
//
// Slots are 64-bit cells. A v128 value needs two adjacent cells, so a body that
// touches v128 values at all is translated "wide": every slot (local or operand
// stack entry) is two cells, slot index s is cell 2s, and scalars use the low
// cell. Bodies without v128 keep one cell a slot, so scalar code pays nothing.
// Translation starts narrow and restarts wide when it meets a v128 value (SIMD
// opcode, v128 local/param/result, global, block type, typed select, call type).
//
// Calling convention: values sit at the stride of the *function type* (2 cells
// if the type mentions v128, else 1). A wide body of a narrow type spreads its
// parameters on entry (`unpack`) and packs its results on return; a wide caller
// of a narrow callee packs the arguments before the call and spreads the results
// after it. So callers never need to know how a callee's body was translated.

import WasmCore

extension FunctionType {
  /// Whether a parameter or result is a v128 (calls then use two cells a value).
  var mentionsV128: Bool {
    parameters.contains(.v128) || results.contains(.v128)
  }
}

extension Translator {
  /// Stops a narrow translation: the runtime retries the body wide.
  func requireWideError() -> WasmError {
    WasmError(.implementationLimit, "body needs wide slots", at: instructionOffset)
  }

  mutating func requireWide() throws(WasmError) {
    guard stride == 1 else { return }
    needsWide = true
    throw requireWideError()
  }

  /// Whether the translator is narrow and the block type carries a v128.
  mutating func checkWidth(_ type: BlockType) throws(WasmError) {
    guard stride == 1 else { return }
    switch type {
    case .empty: return
    case .value(let t): if t == .v128 { try requireWide() }
    case .typeIndex(let i):
      if Int(i) < env.types.count, env.types[Int(i)].mentionsV128 { try requireWide() }
    }
  }

  mutating func checkGlobalWidth(_ index: UInt32) throws(WasmError) {
    if stride == 1, Int(index) < env.globalTypes.count, env.globalTypes[Int(index)] == .v128 {
      try requireWide()
    }
  }

  /// A move of one value: two cells in a wide body.
  mutating func emitCopy(_ dst: Int, _ src: Int, shape: CodeBuffer.Shape = .other) {
    if stride == 2 {
      emit({ copy2Op($0, $1, $2, $3, $4) }, dst, src, shape: shape)
    } else if !fuseStepCopy(dst, src) {
      emit(SharedHandlers.copy, dst, src, shape: shape)
    }
  }

  /// A wide body of a narrow type spreads its parameters to two cells each.
  mutating func emitPrologue() {
    if stride == 2, typeStride == 1, paramCount > 1 { emitUnpack(at: 0, count: paramCount) }
  }

  mutating func emitPack(at base: Int, count: Int) {
    if count > 1 { emit({ packOp($0, $1, $2, $3, $4) }, base, count) }
  }

  mutating func emitUnpack(at base: Int, count: Int) {
    if count > 1 { emit({ unpackOp($0, $1, $2, $3, $4) }, base, count) }
  }

  /// `return` from a wide body: results go to the frame's first cells at the
  /// type's stride.
  mutating func emitWideReturn() {
    let n = resultCount
    let first = stack.count - n
    if n == 1 {
      if typeStride == 1 {
        emit({ return1Op($0, $1, $2, $3, $4) }, stack[first])
      } else {
        emit({ return2Op($0, $1, $2, $3, $4) }, stack[first])
      }
      return
    }
    for k in 0..<n where stack[first + k] != tempSlot(first + k) {
      emitCopy(tempSlot(first + k), stack[first + k])
    }
    if typeStride == 2 {
      emit({ returnOp($0, $1, $2, $3, $4) }, tempSlot(first), 2 * n)
    } else {
      emit({ returnPackedOp($0, $1, $2, $3, $4) }, tempSlot(first), n)
    }
  }

  // MARK: Shapes of v128 instructions

  /// Pops `arity` operands, pushes one result: `[dst, operands..., extra...]`.
  mutating func vectorOp(_ handler: Handler, arity: Int, extra: [Int] = []) throws(WasmError) {
    try requireWide()
    var operands = [Int](repeating: 0, count: 1 + arity)
    for k in Swift.stride(from: arity, to: 0, by: -1) { operands[k] = pop() }
    operands[0] = pushTemp()
    code.emit(handler, operands + extra, writesResult: true)
  }

  mutating func visitV128Const(_ value: V128) throws(WasmError) {
    try vectorOp(
      { v128ConstOp($0, $1, $2, $3, $4) }, arity: 0,
      extra: [Int(truncatingIfNeeded: value.low), Int(truncatingIfNeeded: value.high)])
  }

  mutating func visitSIMD(_ op: SIMDOp) throws(WasmError) {
    if stride == 2, let shift = simdShiftImmediateHandler(op), let top = stack.last,
      let k = producer(of: top, at: stack.count - 1), case .constant(let amount) = k.shape
    {
      // `v; i32.const k; shift` → `shiftImm v, k`: one dispatch less.
      code.retract(to: k.start)
      _ = pop()
      try vectorOp(shift, arity: 1, extra: [amount])
      return
    }
    let arity = Int(op.signature.operandCount)
    try vectorOp(simdHandler(op), arity: arity)
  }

  mutating func visitLane(_ op: LaneOp, lane: UInt8) throws(WasmError) {
    try vectorOp(laneHandler(op), arity: op.isReplace ? 2 : 1, extra: [Int(lane)])
  }

  mutating func visitShuffle(_ lanes: V128) throws(WasmError) {
    try vectorOp(
      { i8x16ShuffleOp($0, $1, $2, $3, $4) }, arity: 2,
      extra: [Int(truncatingIfNeeded: lanes.low), Int(truncatingIfNeeded: lanes.high)])
  }
}
