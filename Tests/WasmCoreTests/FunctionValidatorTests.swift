import Testing
import WasmCore

/// A module with one function of type `[parameters] -> [results]` whose body is
/// `body`, and the context module validation would build for it.
struct TestFunction {
  var parameters: [ValueType] = []
  var results: [ValueType] = []
  var locals: [LocalDeclaration] = []
  /// Types after the function's own (type 0).
  var extraTypes: [FunctionType] = []
  var globals: [GlobalType] = []
  var memories: [MemoryType] = []
  var tables: [TableType] = []
  var elementTypes: [ReferenceType] = []
  var dataCount: UInt32? = nil
  var declaredReferences: Set<UInt32> = []

  /// The function's type, then `extraTypes`, each a recursion group of its own.
  var subTypes: [SubType] {
    ([FunctionType(parameters: parameters, results: results)] + extraTypes).enumerated().map {
      SubType(.function($0.element), recursionGroup: UInt32($0.offset)..<UInt32($0.offset + 1))
    }
  }

  var module: Module {
    var module = Module(bytes: [])
    module.types = subTypes
    module.functions = [0]
    module.dataCount = dataCount
    return module
  }

  var context: ValidationContext {
    ValidationContext(
      features: .wasm2,
      typeTable: TypeTable(types: subTypes),
      functionTypeIndices: [0], tables: tables, memories: memories, globals: globals,
      elementTypes: elementTypes, dataCount: dataCount,
      declaredFunctionReferences: declaredReferences)
  }

  /// Validates `body` (instructions through the final end).
  func validate(_ body: [UInt8]) throws(WasmError) {
    var module = self.module
    module.bytes = body
    module.codes = [FunctionBody(locals: locals, code: 0..<body.count)]
    try FunctionValidator.validate(functionIndex: 0, in: module, context: context)
  }

  /// The error validating `body` throws, or nil when it is valid.
  func error(_ body: [UInt8]) -> WasmError? {
    do {
      try validate(body)
      return nil
    } catch {
      return error
    }
  }

  func message(_ body: [UInt8]) -> String? { error(body)?.message }
}

@Suite struct FunctionValidatorTests {
  let i32ToI32 = TestFunction(parameters: [.i32], results: [.i32])

  @Test func straightLineCode() {
    // local.get 0; i32.const 1; i32.add; end
    #expect(i32ToI32.message([0x20, 0x00, 0x41, 0x01, 0x6A, 0x0B]) == nil)
    // Leaves two values where one is expected.
    #expect(i32ToI32.message([0x20, 0x00, 0x41, 0x01, 0x0B]) == "type mismatch")
    // Leaves nothing.
    #expect(i32ToI32.message([0x0B]) == "type mismatch")
    // i64.add on i32 operands.
    #expect(
      i32ToI32.error([0x20, 0x00, 0x20, 0x00, 0x7C, 0x0B]) == .invalid("type mismatch", at: 4))
  }

  @Test func unreachableCodeIsPolymorphic() {
    // unreachable; i32.add; end  — operands come from the bottom type.
    #expect(i32ToI32.message([0x00, 0x6A, 0x0B]) == nil)
    // unreachable; select; end — untyped select of unknowns yields an unknown.
    #expect(i32ToI32.message([0x00, 0x1B, 0x0B]) == nil)
    // unreachable; i64.const 0; i32.add — a known wrong type still fails.
    #expect(i32ToI32.message([0x00, 0x42, 0x00, 0x6A, 0x0B]) == "type mismatch")
    // unreachable; br_if 0 pushes the label's declared type: i32, not unknown.
    #expect(i32ToI32.message([0x00, 0x0D, 0x00, 0x0B]) == nil)
    #expect(i32ToI32.message([0x00, 0x0D, 0x00, 0x7A, 0x0B]) == "type mismatch")
  }

  @Test func blocksWithParametersAndResults() {
    var function = TestFunction(results: [.i64])
    // type 1: [i32 i32] -> [i64]
    function.extraTypes = [FunctionType(parameters: [.i32, .i32], results: [.i64])]
    // i32.const 1; i32.const 2; block (type 1) i32.add; i64.extend_i32_u; end; end
    #expect(function.message([0x41, 0x01, 0x41, 0x02, 0x02, 0x01, 0x6A, 0xAD, 0x0B, 0x0B]) == nil)
    // The block's parameters must be on the stack.
    #expect(function.message([0x41, 0x01, 0x02, 0x01, 0x6A, 0xAD, 0x0B, 0x0B]) == "type mismatch")
    // A block cannot reach below its own height.
    #expect(
      function.message([0x42, 0x01, 0x02, 0x40, 0x1A, 0x0B, 0x0B]) == "type mismatch")
    #expect(function.message([0x02, 0x05, 0x0B, 0x0B])?.hasPrefix("unknown type") == true)
  }

  @Test func ifWithoutElseMustPassItsParametersThrough() {
    let function = TestFunction(results: [.i32])
    // i32.const 0; if (result i32) i32.const 1 end; end
    #expect(function.message([0x41, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x0B, 0x0B]) == "type mismatch")
    // ... with an else branch it is valid.
    #expect(
      function.message([0x41, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0B, 0x0B]) == nil)
    // else outside an if.
    #expect(function.message([0x02, 0x40, 0x05, 0x0B, 0x0B]) == "END opcode expected")
  }

  @Test func branches() {
    let function = TestFunction(results: [.i32])
    // block (result i32) i32.const 1 br 0 end end
    #expect(function.message([0x02, 0x7F, 0x41, 0x01, 0x0C, 0x00, 0x0B, 0x0B]) == nil)
    #expect(function.message([0x0C, 0x01, 0x0B]) == "unknown label")
    // A loop's label takes its parameters (none here), not its results.
    #expect(function.message([0x03, 0x7F, 0x41, 0x01, 0x0C, 0x00, 0x0B, 0x0B]) == nil)
    // br_table whose labels disagree in arity: block (result i32) { block { br_table 0 1 } }.
    let body: [UInt8] = [
      0x02, 0x7F, 0x02, 0x40, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x41, 0x00,
      0x0B, 0x0B,
    ]
    #expect(function.message(body) == "type mismatch")
    // return checks the function's results.
    #expect(function.message([0x42, 0x00, 0x0F, 0x0B]) == "type mismatch")
    #expect(function.message([0x41, 0x00, 0x0F, 0x0B]) == nil)
  }

  @Test func localsAndGlobals() {
    var function = TestFunction(parameters: [.f32])
    function.locals = [LocalDeclaration(count: 2, type: .i64)]
    function.globals = [
      GlobalType(mutability: .constant, valueType: .i32),
      GlobalType(mutability: .variable, valueType: .f64),
    ]
    #expect(function.message([0x20, 0x02, 0x21, 0x01, 0x0B]) == nil)
    #expect(function.message([0x20, 0x00, 0x21, 0x01, 0x0B]) == "type mismatch")
    #expect(function.message([0x20, 0x03, 0x1A, 0x0B]) == "unknown local 3")
    #expect(function.message([0x23, 0x00, 0x1A, 0x0B]) == nil)
    #expect(function.message([0x41, 0x00, 0x24, 0x00, 0x0B]) == "global is immutable")
    #expect(function.message([0x44] + [UInt8](repeating: 0, count: 8) + [0x24, 0x01, 0x0B]) == nil)
    #expect(function.message([0x23, 0x02, 0x1A, 0x0B]) == "unknown global 2")
  }

  @Test func manyLocalsCostNoMemory() throws {
    var function = TestFunction()
    // Close to the format's limit of 2^32 - 1 locals.
    function.locals = [
      LocalDeclaration(count: 5000, type: .i32), LocalDeclaration(count: 4_000_000_000, type: .f64),
      LocalDeclaration(count: 7, type: .externRef),
    ]
    let validator = try FunctionValidator(
      typeIndex: 0, locals: function.locals, context: function.context)
    #expect(validator.localCount == 4_000_005_007)
    #expect(validator.localType(4999) == .i32)
    #expect(validator.localType(5000) == .f64)
    #expect(validator.localType(4_000_004_999) == .f64)
    #expect(validator.localType(4_000_005_000) == .externRef)
    #expect(validator.localType(4_000_005_007) == nil)
    // local.get 4000005006 (externref); drop
    #expect(function.message([0x20] + leb(4_000_005_006) + [0x1A, 0x0B]) == nil)
    function.locals.append(LocalDeclaration(count: 300_000_000, type: .i32))
    #expect(function.message([0x0B]) == "too many locals")
  }

  @Test func memoryInstructions() {
    var function = TestFunction()
    #expect(function.message([0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B]) == "unknown memory 0")
    function.memories = [MemoryType(limits: Limits(min: 1))]
    #expect(function.message([0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B]) == nil)
    #expect(
      function.message([0x41, 0x00, 0x28, 0x03, 0x00, 0x1A, 0x0B])
        == "alignment must not be larger than natural")
    // i64.store of an i32 value.
    #expect(function.message([0x41, 0x00, 0x41, 0x00, 0x37, 0x03, 0x00, 0x0B]) == "type mismatch")
    // memory.init without data segments.
    let memoryInit: [UInt8] = [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B]
    #expect(function.message(memoryInit) == "unknown data segment 0")
    function.dataCount = 1
    #expect(function.message(memoryInit) == nil)
  }

  @Test func referencesAndTables() {
    var function = TestFunction()
    function.tables = [TableType(elementType: .externRef, limits: Limits(min: 0))]
    function.elementTypes = [.funcRef]
    // ref.func needs a declared reference.
    #expect(function.message([0xD2, 0x00, 0x1A, 0x0B]) == "undeclared function reference")
    function.declaredReferences = [0]
    #expect(function.message([0xD2, 0x00, 0x1A, 0x0B]) == nil)
    #expect(function.message([0xD2, 0x01, 0x1A, 0x0B]) == "unknown function 1")
    // call_indirect through an externref table.
    #expect(function.message([0x41, 0x00, 0x11, 0x00, 0x00, 0x0B]) == "type mismatch")
    #expect(function.message([0x41, 0x00, 0x11, 0x00, 0x01, 0x0B]) == "unknown table 1")
    // table.init of a funcref segment into an externref table.
    #expect(
      function.message([0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0C, 0x00, 0x00, 0x0B])
        == "type mismatch")
    #expect(function.message([0xFC, 0x0D, 0x01, 0x0B]) == "unknown elem segment 1")
    // Untyped select does not take references; typed select does.
    #expect(
      function.message([0xD0, 0x6F, 0xD0, 0x6F, 0x41, 0x00, 0x1B, 0x1A, 0x0B]) == "type mismatch")
    #expect(
      function.message([0xD0, 0x6F, 0xD0, 0x6F, 0x41, 0x00, 0x1C, 0x01, 0x6F, 0x1A, 0x0B]) == nil)
    #expect(function.message([0x41, 0x00, 0xD1, 0x1A, 0x0B]) == "type mismatch")
  }

  @Test func vectorInstructions() {
    var function = TestFunction(results: [.i32])
    let zero = [0xFD, 0x0C] + [UInt8](repeating: 0, count: 16)
    // i8x16.extract_lane_u 15 is in range, 16 is not.
    #expect(function.message(zero + [0xFD, 0x16, 0x0F, 0x0B]) == nil)
    #expect(function.message(zero + [0xFD, 0x16, 0x10, 0x0B]) == "invalid lane index")
    // f64x2.extract_lane gives an f64.
    #expect(function.message(zero + [0xFD, 0x21, 0x01, 0x0B]) == "type mismatch")
    // shuffle lanes select among 32.
    let shuffle31 = zero + zero + [0xFD, 0x0D] + [UInt8](repeating: 31, count: 16)
    #expect(function.message(shuffle31 + [0xFD, 0x53, 0x0B]) == nil)
    var shuffle32 = shuffle31
    shuffle32[shuffle32.count - 1] = 32
    #expect(function.message(shuffle32 + [0xFD, 0x53, 0x0B]) == "invalid lane index")
    // i8x16.shl takes a v128 and an i32.
    #expect(function.message(zero + [0x41, 0x01, 0xFD, 0x6B, 0xFD, 0x53, 0x0B]) == nil)
    #expect(function.message(zero + zero + [0xFD, 0x6B, 0xFD, 0x53, 0x0B]) == "type mismatch")
    // v128.load8_lane: memory, alignment, lane.
    function.memories = [MemoryType(limits: Limits(min: 1))]
    let loadLane = [0x41, 0x00] + zero + [0xFD, 0x54, 0x00, 0x00]
    #expect(function.message(loadLane + [0x0F, 0xFD, 0x53, 0x0B]) == nil)
    #expect(function.message(loadLane + [0x10, 0xFD, 0x53, 0x0B]) == "invalid lane index")
  }

  @Test func missingFinalEndIsWordedAsTheReferenceDecoderWordsIt() {
    let function = TestFunction()
    func message(after: [UInt8]) -> String? {
      var module = function.module
      let body: [UInt8] = [0x41, 0x01, 0x1A]  // i32.const 1; drop; (no end)
      module.bytes = body + after
      module.codes = [FunctionBody(locals: [], code: 0..<body.count)]
      do {
        try FunctionValidator.validate(functionIndex: 0, in: module, context: function.context)
        return nil
      } catch {
        return error.message
      }
    }
    #expect(message(after: []) == "unexpected end of section or function")
    #expect(message(after: [0x0B]) == "section size mismatch")
    #expect(message(after: [0x05, 0x00]) == "END opcode expected")
  }

  @Test func stateExposedToTranslators() throws {
    var function = TestFunction(parameters: [.i32], results: [.i64])
    function.extraTypes = [FunctionType(parameters: [.i32], results: [.i64, .f32])]
    var validator = try FunctionValidator(
      typeIndex: 0, locals: [LocalDeclaration(count: 1, type: .v128)], context: function.context)
    #expect(validator.localType(0) == .i32)
    #expect(validator.localType(1) == .v128)
    #expect(validator.controlFrames.map(\.kind) == [.function])
    try validator.visitLocalGet(0)
    try validator.visitBlock(.typeIndex(1))
    #expect(validator.operands == [.i32])
    let frame = validator.currentFrame
    #expect(frame.kind == .block && frame.height == 0 && frame.labelArity == 2)
    #expect(validator.resultType(frame.signature, at: 1) == .f32)
    try validator.visitUnreachable()
    #expect(validator.isUnreachable && validator.operands.isEmpty)
    try validator.visitEnd()
    #expect(validator.operands == [.i64, .f32] && !validator.isUnreachable)
    try validator.visitDrop()
    try validator.visitEnd()
    #expect(validator.controlFrames.isEmpty)
  }
}
