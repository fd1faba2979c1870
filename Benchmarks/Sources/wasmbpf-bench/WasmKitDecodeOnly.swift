// Instruction decoding on its own (no validation), WasmKit 0.4.2's side. Its
// InstructionVisitor protocol has no-op defaults, so the visitor is empty and the
// driving loop counts.

import WasmParser

/// A WasmKit 0.4.2 visitor whose methods are the protocol's no-op defaults.
struct NoOpWasmKitVisitor: WasmParser.InstructionVisitor {
  typealias VisitorError = WasmParserError
  var binaryOffset = 0
}

/// Parses the module's sections with WasmKit's parser and every instruction of every
/// function body with its `ExpressionParser`; returns the number of instructions.
func decodeAllBodiesWasmKit(_ bytes: [UInt8]) throws -> Int {
  var parser = WasmParser.Parser(bytes: bytes)
  var count = 0
  var visitor = NoOpWasmKitVisitor()
  while let payload = try parser.parseNext() {
    guard case .codeSection(let codes) = payload else { continue }
    for code in codes {
      var expression = ExpressionParser(code: code)
      while let visit = try expression.parse() {
        try visit(visitor: &visitor)
        count += 1
      }
    }
  }
  return count
}
