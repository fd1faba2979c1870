// Translation of memory instructions: loads and stores in their addressing modes
// (MemoryHandlers.swift), memory.size/grow and bulk memory. Memory 0 with i32
// addresses keeps the Wasm 2.0 code (base and size in registers, fused address
// forms); memory64 and other memories get handlers specialised for them.
// https://webassembly.github.io/spec/core/exec/instructions.html#memory-instructions

import WasmCore

extension Translator {
  /// A memory of the instance: its state and whether its addresses are i64.
  func memory(_ index: UInt32) throws(WasmError) -> (state: Int, is64: Bool) {
    guard Int(index) < env.memories.count else {
      throw .invalid("unknown memory", at: instructionOffset)
    }
    let memory = env.memories[Int(index)]
    return (address(memory.state), memory.is64)
  }

  /// The addressing mode of an access, and the operand words it adds (the memory's
  /// state for other memories than memory 0).
  func addressing(_ memarg: MemArg) throws(WasmError) -> (mode: MemoryMode, extra: [Int]) {
    let (state, is64) = try memory(memarg.memory)
    let mode = MemoryMode(memory: Int(memarg.memory), is64: is64)
    return (mode, mode.hasState ? [state] : [])
  }

  /// Whether an access's static offset alone leaves every memory: the address is
  /// clamped to 2^48 in the i64 modes, so the handlers need offsets below it.
  func offsetAlwaysTraps(_ memarg: MemArg) -> Bool {
    memarg.offset >= addressClamp
  }

  /// An access that always traps: its operands are popped, its result pushed.
  mutating func emitOutOfBounds(popping operands: Int, pushing results: Int) {
    for _ in 0..<operands { _ = pop() }
    for _ in 0..<results { _ = pushTemp() }
    emit({ outOfBoundsOp($0, $1, $2, $3, $4) })
  }

  mutating func visitLoad(_ op: LoadOp, _ memarg: MemArg) throws(WasmError) {
    if offsetAlwaysTraps(memarg) {
      if op.resultType == .v128 { try requireWide() }
      return emitOutOfBounds(popping: 1, pushing: 1)
    }
    let (mode, extra) = try addressing(memarg)
    let handler = loadHandler(op, mode)
    let offset = Int(truncatingIfNeeded: memarg.offset)
    if op.resultType == .v128 {
      return try vectorOp(handler, arity: 1, extra: [offset] + extra)
    }
    let address = pop()
    guard mode == .memory32 else {
      let d = pushTemp()
      code.emit(handler, [d, address, offset] + extra, writesResult: true)
      return
    }
    if op == .i32Load, fuseScaledLoad(address: address, offset: offset) { return }
    if let fused = loadAddedHandler(op),
      let (x, k) = takeAddedAddress(producing: address, at: stack.count)
    {
      // `x; i32.const k; i32.add; load` → one handler reading `u32(x + k) + offset`.
      let d = pushTemp()
      emit(
        fused, d, x, k, offset, shape: .load(op, address: x, k: k, offset: offset),
        writesResult: true)
      return
    }
    let d = pushTemp()
    emit(
      handler, d, address, offset, shape: .load(op, address: address, k: 0, offset: offset),
      writesResult: true)
  }

  mutating func visitStore(_ op: StoreOp, _ memarg: MemArg) throws(WasmError) {
    if offsetAlwaysTraps(memarg) {
      if op.valueType == .v128 { try requireWide() }
      return emitOutOfBounds(popping: 2, pushing: 0)
    }
    let (mode, extra) = try addressing(memarg)
    let handler = storeHandler(op, mode)
    if op.valueType == .v128 { try requireWide() }
    let value = pop()
    let address = pop()
    let offset = Int(truncatingIfNeeded: memarg.offset)
    guard mode == .memory32, op.valueType != .v128 else {
      code.emit(handler, [address, value, offset] + extra)
      return
    }
    if let k = producer(of: value, at: stack.count + 1), case .constant(let constant) = k.shape,
      let fused = storeConstantHandler(op)
    {
      // `address; const k; store` → the constant is an operand of the store.
      code.retract(to: k.start)
      emit(fused, address, constant, offset, shape: .store(width: op.width, constant: true))
      return
    }
    // The value emitted nothing after the address's `i32.add` (a `local.get`), so
    // reading it in the fused handler reads what the store would.
    if value != address, let fused = storeAddedHandler(op),
      let (x, k) = takeAddedAddress(producing: address, at: stack.count)
    {
      emit(fused, x, value, k, offset)
      return
    }
    emit(handler, address, value, offset, shape: .store(width: op.width, constant: false))
  }

  mutating func visitMemoryLane(_ op: MemoryLaneOp, _ memarg: MemArg, lane: UInt8) throws(WasmError)
  {
    try requireWide()
    if offsetAlwaysTraps(memarg) {
      return emitOutOfBounds(popping: 2, pushing: op.isStore ? 0 : 1)
    }
    let (mode, extra) = try addressing(memarg)
    let handler = memoryLaneHandler(op, mode)
    let offset = Int(truncatingIfNeeded: memarg.offset)
    if op.isStore {
      let vector = pop()
      let address = pop()
      code.emit(handler, [address, vector, offset, Int(lane)] + extra)
    } else {
      try vectorOp(handler, arity: 2, extra: [offset, Int(lane)] + extra)
    }
  }

  mutating func visitMemorySize(_ memory: UInt32) throws(WasmError) {
    let (state, _) = try self.memory(memory)
    let d = pushTemp()
    if memory == 0 {
      emit({ memorySizeOp($0, $1, $2, $3, $4) }, d)
    } else {
      emit({ memorySizeNOp($0, $1, $2, $3, $4) }, d, state)
    }
  }

  mutating func visitMemoryGrow(_ memory: UInt32) throws(WasmError) {
    let (state, is64) = try self.memory(memory)
    let delta = pop()
    let d = pushTemp()
    switch (memory == 0, is64) {
    case (true, false): emit({ memoryGrowOp($0, $1, $2, $3, $4) }, d, delta)
    case (true, true): emit({ memoryGrow64Op($0, $1, $2, $3, $4) }, d, delta)
    default: emit({ memoryGrowNOp($0, $1, $2, $3, $4) }, d, delta, state, is64 ? 1 : 0)
    }
  }

  mutating func visitMemoryInit(data: UInt32, memory: UInt32) throws(WasmError) {
    guard Int(data) < env.dataSegments.count else {
      throw .invalid("unknown data segment", at: instructionOffset)
    }
    let (state, is64) = try self.memory(memory)
    let segment = address(env.dataSegments[Int(data)])
    let n = pop()
    let s = pop()
    let d = pop()
    if memory == 0 && !is64 {
      emit({ memoryInitOp($0, $1, $2, $3, $4) }, d, s, n, segment)
    } else {
      emit({ memoryInitAnyOp($0, $1, $2, $3, $4) }, d, s, n, segment, state, is64 ? 1 : 0)
    }
  }

  mutating func visitDataDrop(_ data: UInt32) throws(WasmError) {
    guard Int(data) < env.dataSegments.count else {
      throw .invalid("unknown data segment", at: instructionOffset)
    }
    emit({ segmentDropOp($0, $1, $2, $3, $4) }, address(env.dataSegments[Int(data)]))
  }

  mutating func visitMemoryCopy(destination: UInt32, source: UInt32) throws(WasmError) {
    let (destinationState, destination64) = try memory(destination)
    let (sourceState, source64) = try memory(source)
    let n = pop()
    let s = pop()
    let d = pop()
    if destination == 0 && source == 0 && !destination64 {
      emit({ memoryCopyOp($0, $1, $2, $3, $4) }, d, s, n)
    } else {
      let flags = (destination64 ? 1 : 0) | (source64 ? 2 : 0)
      emit(
        { memoryCopyAnyOp($0, $1, $2, $3, $4) }, d, s, n, destinationState, sourceState, flags)
    }
  }

  mutating func visitMemoryFill(_ memory: UInt32) throws(WasmError) {
    let (state, is64) = try self.memory(memory)
    let n = pop()
    let v = pop()
    let d = pop()
    if memory == 0 && !is64 {
      emit({ memoryFillOp($0, $1, $2, $3, $4) }, d, v, n)
    } else {
      emit({ memoryFillAnyOp($0, $1, $2, $3, $4) }, d, v, n, state, is64 ? 1 : 0)
    }
  }
}
