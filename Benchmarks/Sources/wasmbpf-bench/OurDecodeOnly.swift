// Instruction decoding on its own (no validation), our side: a visitor that only
// counts. (WasmKit's side is in WasmKitDecodeOnly.swift: the two modules' type
// names clash, so each side has its own file.)

import WasmCore

/// Counts the instructions WasmCore's decoder reports, doing nothing else: every
/// visitor method's default hands the instruction to `visit(_:)`.
struct CountingVisitor: WasmCore.InstructionVisitor {
  var instructionOffset = 0
  var count = 0

  mutating func visit(_ instruction: WasmCore.Instruction) throws(WasmError) { count &+= 1 }
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
