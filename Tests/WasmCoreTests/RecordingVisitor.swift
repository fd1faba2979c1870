// A visitor that writes down each call, to check what the decoder reports: the
// immediates of the instructions that have some, the name of every other one
// (through `visit(_:)`, where the visitor's default methods send them).

import WasmCore

struct RecordingVisitor: InstructionVisitor {
  var instructionOffset = 0
  /// One entry per visited instruction: "offset: name immediates".
  var events: [String] = []

  mutating func record(_ text: String) { events.append("\(instructionOffset): \(text)") }

  mutating func visit(_ instruction: Instruction) throws(WasmError) { record(instruction.name) }

  mutating func visitBlock(_ type: BlockType) throws(WasmError) { record("block \(type)") }
  mutating func visitLoop(_ type: BlockType) throws(WasmError) { record("loop \(type)") }
  mutating func visitIf(_ type: BlockType) throws(WasmError) { record("if \(type)") }
  mutating func visitBr(_ depth: UInt32) throws(WasmError) { record("br \(depth)") }
  mutating func visitBrIf(_ depth: UInt32) throws(WasmError) { record("br_if \(depth)") }
  mutating func visitBrTable(_ targets: BrTableTargets) throws(WasmError) {
    record("br_table \(Array(targets)) \(targets.defaultTarget)")
  }
  mutating func visitCall(_ function: UInt32) throws(WasmError) { record("call \(function)") }
  mutating func visitCallIndirect(typeIndex: UInt32, tableIndex: UInt32) throws(WasmError) {
    record("call_indirect \(typeIndex) \(tableIndex)")
  }
  mutating func visitRefNull(_ type: HeapType) throws(WasmError) { record("ref.null \(type)") }
  mutating func visitRefFunc(_ function: UInt32) throws(WasmError) {
    record("ref.func \(function)")
  }
  mutating func visitSelect(_ type: ValueType?) throws(WasmError) {
    record(type.map { "select \($0)" } ?? "select")
  }
  mutating func visitLocalGet(_ index: UInt32) throws(WasmError) { record("local.get \(index)") }
  mutating func visitLocalSet(_ index: UInt32) throws(WasmError) { record("local.set \(index)") }
  mutating func visitLocalTee(_ index: UInt32) throws(WasmError) { record("local.tee \(index)") }
  mutating func visitGlobalGet(_ index: UInt32) throws(WasmError) { record("global.get \(index)") }
  mutating func visitGlobalSet(_ index: UInt32) throws(WasmError) { record("global.set \(index)") }
  mutating func visitTableGet(_ table: UInt32) throws(WasmError) { record("table.get \(table)") }
  mutating func visitTableSet(_ table: UInt32) throws(WasmError) { record("table.set \(table)") }
  mutating func visitTableSize(_ table: UInt32) throws(WasmError) { record("table.size \(table)") }
  mutating func visitTableGrow(_ table: UInt32) throws(WasmError) { record("table.grow \(table)") }
  mutating func visitTableFill(_ table: UInt32) throws(WasmError) { record("table.fill \(table)") }
  mutating func visitTableCopy(destination: UInt32, source: UInt32) throws(WasmError) {
    record("table.copy \(destination) \(source)")
  }
  mutating func visitTableInit(element: UInt32, table: UInt32) throws(WasmError) {
    record("table.init \(element) \(table)")
  }
  mutating func visitElemDrop(_ element: UInt32) throws(WasmError) {
    record("elem.drop \(element)")
  }
  mutating func visitLoad(_ op: LoadOp, _ memarg: MemArg) throws(WasmError) {
    record("\(op) \(memarg.offset) \(memarg.alignment) \(memarg.memory)")
  }
  mutating func visitStore(_ op: StoreOp, _ memarg: MemArg) throws(WasmError) {
    record("\(op) \(memarg.offset) \(memarg.alignment) \(memarg.memory)")
  }
  mutating func visitMemorySize(_ memory: UInt32) throws(WasmError) {
    record("memory.size \(memory)")
  }
  mutating func visitMemoryGrow(_ memory: UInt32) throws(WasmError) {
    record("memory.grow \(memory)")
  }
  mutating func visitMemoryInit(data: UInt32, memory: UInt32) throws(WasmError) {
    record("memory.init \(data) \(memory)")
  }
  mutating func visitDataDrop(_ data: UInt32) throws(WasmError) { record("data.drop \(data)") }
  mutating func visitMemoryCopy(destination: UInt32, source: UInt32) throws(WasmError) {
    record("memory.copy \(destination) \(source)")
  }
  mutating func visitMemoryFill(_ memory: UInt32) throws(WasmError) {
    record("memory.fill \(memory)")
  }
  mutating func visitI32Const(_ value: Int32) throws(WasmError) { record("i32.const \(value)") }
  mutating func visitI64Const(_ value: Int64) throws(WasmError) { record("i64.const \(value)") }
  mutating func visitF32Const(_ bits: UInt32) throws(WasmError) { record("f32.const \(bits)") }
  mutating func visitF64Const(_ bits: UInt64) throws(WasmError) { record("f64.const \(bits)") }
  mutating func visitV128Const(_ value: V128) throws(WasmError) {
    record("v128.const \(value.low) \(value.high)")
  }
  mutating func visitLane(_ op: LaneOp, lane: UInt8) throws(WasmError) { record("\(op) \(lane)") }
  mutating func visitMemoryLane(_ op: MemoryLaneOp, _ memarg: MemArg, lane: UInt8) throws(WasmError)
  {
    record("\(op) \(memarg.offset) \(memarg.alignment) \(lane)")
  }
  mutating func visitShuffle(_ lanes: V128) throws(WasmError) {
    record("i8x16.shuffle \(lanes.low) \(lanes.high)")
  }
}

/// Decodes `body` (instruction bytes through the final end) placed at `offset`.
func decode(
  _ body: [UInt8], offset: Int = 0, features: Features = .wasm2, hasDataCount: Bool = true
) throws(WasmError) -> [String] {
  var visitor = RecordingVisitor()
  try body.withUnsafeBufferPointer { (buffer) throws(WasmError) in
    var decoder = InstructionDecoder(
      ByteReader(buffer, offset: offset), features: features, hasDataCount: hasDataCount)
    try decoder.decodeBody(into: &visitor)
  }
  return visitor.events
}

/// The error decoding `body` throws, or nil.
func decodeError(
  _ body: [UInt8], features: Features = .wasm2, hasDataCount: Bool = true
) -> WasmError? {
  do {
    _ = try decode(body, features: features, hasDataCount: hasDataCount)
    return nil
  } catch {
    return error
  }
}

/// LEB128 of an unsigned value.
func leb(_ value: UInt32) -> [UInt8] {
  var v = value
  var out: [UInt8] = []
  repeat {
    var byte = UInt8(v & 0x7F)
    v >>= 7
    if v != 0 { byte |= 0x80 }
    out.append(byte)
  } while v != 0
  return out
}
