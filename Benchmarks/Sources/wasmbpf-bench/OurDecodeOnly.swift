// Instruction decoding on its own (no validation), our side: a visitor that only
// counts. It lists every method of WasmCore's InstructionVisitor, which has no
// defaults on purpose. (WasmKit's side is in WasmKitDecodeOnly.swift: the two
// modules' type names clash, so each side has its own file.)

import WasmCore

/// Counts the instructions WasmCore's decoder reports, doing nothing else.
struct CountingVisitor: WasmCore.InstructionVisitor {
  var instructionOffset = 0
  var count = 0

  mutating func visitUnreachable() throws(WasmError) { count &+= 1 }
  mutating func visitNop() throws(WasmError) { count &+= 1 }
  mutating func visitBlock(_ type: BlockType) throws(WasmError) { count &+= 1 }
  mutating func visitLoop(_ type: BlockType) throws(WasmError) { count &+= 1 }
  mutating func visitIf(_ type: BlockType) throws(WasmError) { count &+= 1 }
  mutating func visitElse() throws(WasmError) { count &+= 1 }
  mutating func visitEnd() throws(WasmError) { count &+= 1 }
  mutating func visitBr(_ depth: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitBrIf(_ depth: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitBrTable(_ targets: BrTableTargets) throws(WasmError) { count &+= 1 }
  mutating func visitReturn() throws(WasmError) { count &+= 1 }
  mutating func visitCall(_ function: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitCallIndirect(typeIndex: UInt32, tableIndex: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitRefNull(_ type: HeapType) throws(WasmError) { count &+= 1 }
  mutating func visitRefIsNull() throws(WasmError) { count &+= 1 }
  mutating func visitRefFunc(_ function: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitDrop() throws(WasmError) { count &+= 1 }
  mutating func visitSelect(_ type: ValueType?) throws(WasmError) { count &+= 1 }
  mutating func visitLocalGet(_ index: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitLocalSet(_ index: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitLocalTee(_ index: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitGlobalGet(_ index: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitGlobalSet(_ index: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitTableGet(_ table: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitTableSet(_ table: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitTableSize(_ table: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitTableGrow(_ table: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitTableFill(_ table: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitTableCopy(destination: UInt32, source: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitTableInit(element: UInt32, table: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitElemDrop(_ element: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitLoad(_ op: LoadOp, _ memarg: MemArg) throws(WasmError) { count &+= 1 }
  mutating func visitStore(_ op: StoreOp, _ memarg: MemArg) throws(WasmError) { count &+= 1 }
  mutating func visitMemorySize(_ memory: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitMemoryGrow(_ memory: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitMemoryInit(data: UInt32, memory: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitDataDrop(_ data: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitMemoryCopy(destination: UInt32, source: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitMemoryFill(_ memory: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitI32Const(_ value: Int32) throws(WasmError) { count &+= 1 }
  mutating func visitI64Const(_ value: Int64) throws(WasmError) { count &+= 1 }
  mutating func visitF32Const(_ bits: UInt32) throws(WasmError) { count &+= 1 }
  mutating func visitF64Const(_ bits: UInt64) throws(WasmError) { count &+= 1 }
  mutating func visitNumeric(_ op: NumericOp) throws(WasmError) { count &+= 1 }
  mutating func visitV128Const(_ value: V128) throws(WasmError) { count &+= 1 }
  mutating func visitSIMD(_ op: SIMDOp) throws(WasmError) { count &+= 1 }
  mutating func visitLane(_ op: LaneOp, lane: UInt8) throws(WasmError) { count &+= 1 }
  mutating func visitMemoryLane(_ op: MemoryLaneOp, _ memarg: MemArg, lane: UInt8) throws(WasmError) { count &+= 1 }
  mutating func visitShuffle(_ lanes: V128) throws(WasmError) { count &+= 1 }
}

/// Decodes every instruction of every function body with our decoder; returns the
/// number of instructions.
func decodeAllBodiesOurs(_ bytes: [UInt8]) throws -> Int {
  let module = try WasmCore.decodeModule(bytes)
  var visitor = CountingVisitor()
  for index in module.codes.indices {
    try InstructionDecoder.visitBody(of: index, in: module, with: &visitor)
  }
  return visitor.count
}
