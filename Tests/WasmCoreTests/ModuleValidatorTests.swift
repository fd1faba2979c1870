// Tests of module-level validation (`ModuleValidator`).

import Testing
import WasmCore

extension ModuleBuilding {
  /// An import from module "env".
  func importEntry(_ field: String, _ descriptor: [UInt8]) -> [UInt8] {
    name("env") + name(field) + descriptor
  }
}

@Suite struct ModuleValidatorTests: ModuleBuilding {
  @Test func contextOfAValidModule() throws {
    let bytes = module(
      twoTypes,
      section(
        2,
        vector([
          importEntry("f", [0x00, 0x01]),
          importEntry("g", [0x03, 0x7F, 0x00]),
        ])),
      section(3, vector([[0x00], [0x01], [0x00], [0x00]])),
      section(4, vector([[0x70, 0x00, 0x01], [0x6F, 0x00, 0x00]])),
      section(5, vector([[0x01, 0x01, 0x02]])),
      section(
        6,
        vector([
          [0x7F, 0x00, 0x23, 0x00, 0x0B],  // global.get of the imported global
          [0x70, 0x00, 0xD2, 0x03, 0x0B],  // ref.func 3
        ])),
      section(7, vector([name("run") + [0x00, 0x01], name("g") + [0x03, 0x02]])),
      section(8, [0x01]),
      section(
        9,
        vector([
          [0x00, 0x23, 0x00, 0x0B] + vector([[0x02]]),
          [0x05, 0x6F] + vector([[0xD0, 0x6F, 0x0B]]),
        ])),
      section(10, vector(Array(repeating: body([0x0B]), count: 4))),
      section(11, vector([[0x00, 0x41, 0x00, 0x0B] + vector([[0x01]])])))
    let context = try ModuleValidator.validate(try decodeModule(bytes))
    #expect(context.functionTypeIndices == [1, 0, 1, 0, 0])
    #expect(context.functionType(at: 0) == FunctionType(parameters: [.i32], results: [.i32]))
    #expect(context.functionType(at: 5) == nil)
    #expect(context.tables.map(\.elementType) == [.funcRef, .externRef])
    #expect(context.memories == [MemoryType(limits: Limits(min: 1, max: 2))])
    #expect(context.globals.map(\.valueType) == [.i32, .i32, .funcRef])
    #expect(context.elementTypes == [.funcRef, .externRef])
    #expect(context.dataCount == nil)
    // C.refs: the exported function 1, element item 2, global initialiser 3; not 0 or 4.
    #expect(context.declaredFunctionReferences == [1, 2, 3])
  }

  @Test func unknownTypes() {
    #expect(
      moduleValidationError(
        module(twoTypes, section(3, vector([[0x02]])), section(10, vector([body([0x0B])]))))
        == .invalid("unknown type 2", at: 21))
    #expect(
      moduleValidationError(module(section(2, vector([importEntry("f", [0x00, 0x00])]))))?.message
        == "unknown type 0")
  }

  @Test func limits() {
    func memoryError(_ limits: [UInt8]) -> WasmError? {
      moduleValidationError(module(section(5, vector([limits]))))
    }
    #expect(memoryError([0x00] + leb(65536)) == nil)
    #expect(
      memoryError([0x00] + leb(65537))?.message == "memory size must be at most 65536 pages (4GiB)")
    #expect(
      memoryError([0x01, 0x00] + leb(65537))?.message
        == "memory size must be at most 65536 pages (4GiB)")
    #expect(
      memoryError([0x01, 0x02, 0x01])?.message == "size minimum must not be greater than maximum")
    let table = moduleValidationError(module(section(4, vector([[0x70, 0x01, 0x02, 0x01]]))))
    #expect(table?.message == "size minimum must not be greater than maximum")
    let importedMemory = moduleValidationError(
      module(section(2, vector([importEntry("m", [0x02, 0x00] + leb(70000))]))))
    #expect(importedMemory?.message == "memory size must be at most 65536 pages (4GiB)")
  }

  @Test func oneMemoryButManyTables() {
    let importedMemory = section(2, vector([importEntry("m", [0x02, 0x00, 0x00])]))
    #expect(
      moduleValidationError(module(importedMemory, section(5, vector([[0x00, 0x00]]))))?.message
        == "multiple memories")
    #expect(
      moduleValidationError(module(section(5, vector([[0x00, 0x00], [0x00, 0x00]]))))?.message
        == "multiple memories")
    #expect(
      moduleValidationError(module(section(4, vector([[0x70, 0x00, 0x00], [0x70, 0x00, 0x00]]))))
        == nil)
  }

  @Test func globalInitialisers() {
    let imports = section(
      2,
      vector([
        importEntry("c", [0x03, 0x7F, 0x00]),
        importEntry("v", [0x03, 0x7F, 0x01]),
      ]))
    func globalError(_ type: UInt8, _ expression: [UInt8]) -> WasmError? {
      moduleValidationError(module(imports, section(6, vector([[type, 0x00] + expression]))))
    }
    #expect(globalError(0x7F, [0x23, 0x00, 0x0B]) == nil)
    #expect(globalError(0x7E, [0x23, 0x00, 0x0B])?.message == "type mismatch")
    #expect(globalError(0x7F, [0x42, 0x00, 0x0B])?.message == "type mismatch")
    #expect(globalError(0x7F, [0x0B])?.message == "type mismatch")
    #expect(globalError(0x7F, [0x41, 0x00, 0x41, 0x00, 0x0B])?.message == "type mismatch")
    #expect(globalError(0x70, [0xD0, 0x6F, 0x0B])?.message == "type mismatch")
    #expect(globalError(0x7F, [0x23, 0x01, 0x0B])?.message == "constant expression required")
    #expect(globalError(0x7F, [0x23, 0x05, 0x0B])?.message == "unknown global 5")
    #expect(globalError(0x70, [0xD2, 0x00, 0x0B])?.message == "unknown function 0")
    // Wasm 2.0: only imported globals are visible, not earlier module globals.
    let twoGlobals = section(
      6, vector([[0x7F, 0x00, 0x41, 0x00, 0x0B], [0x7F, 0x00, 0x23, 0x00, 0x0B]]))
    #expect(moduleValidationError(module(twoGlobals))?.message == "unknown global 0")
  }

  @Test func exports() {
    func exportError(_ entries: [[UInt8]]) -> WasmError? {
      moduleValidationError(
        module(
          twoTypes, section(3, vector([[0x00]])), section(4, vector([[0x70, 0x00, 0x00]])),
          section(5, vector([[0x00, 0x00]])), section(6, vector([[0x7F, 0x00, 0x41, 0x00, 0x0B]])),
          section(7, vector(entries)), section(10, vector([body([0x0B])]))))
    }
    let valid = [
      name("f") + [0x00, 0x00], name("t") + [0x01, 0x00], name("m") + [0x02, 0x00],
      name("g") + [0x03, 0x00],
    ]
    #expect(exportError(valid) == nil)
    #expect(
      exportError([name("a") + [0x00, 0x00], name("a") + [0x03, 0x00]])?.message
        == "duplicate export name")
    // Names are compared as code points: canonically equivalent strings differ.
    #expect(exportError([name("\u{E9}") + [0x00, 0x00], name("e\u{301}") + [0x00, 0x00]]) == nil)
    #expect(exportError([name("f") + [0x00, 0x01]])?.message == "unknown function 1")
    #expect(exportError([name("t") + [0x01, 0x01]])?.message == "unknown table 1")
    #expect(exportError([name("m") + [0x02, 0x01]])?.message == "unknown memory 1")
    #expect(exportError([name("g") + [0x03, 0x01]])?.message == "unknown global 1")
  }

  @Test func startFunction() {
    func startError(_ function: UInt8) -> WasmError? {
      moduleValidationError(
        module(
          twoTypes, section(3, vector([[0x00], [0x01]])), section(8, [function]),
          section(10, vector([body([0x0B]), body([0x20, 0x00, 0x0B])]))))
    }
    #expect(startError(0) == nil)
    #expect(startError(1)?.message == "start function")
    #expect(startError(2)?.message == "unknown function 2")
  }

  @Test func elementSegments() {
    func elementError(_ segment: [UInt8]) -> WasmError? {
      moduleValidationError(
        module(
          twoTypes, section(3, vector([[0x00]])),
          section(4, vector([[0x70, 0x00, 0x00], [0x6F, 0x00, 0x00]])),
          section(9, vector([segment])), section(10, vector([body([0x0B])]))))
    }
    let offset: [UInt8] = [0x41, 0x00, 0x0B]
    #expect(elementError([0x00] + offset + vector([[0x00]])) == nil)
    #expect(
      elementError([0x02, 0x02] + offset + [0x00] + vector([]))?.message == "unknown table 2")
    #expect(elementError([0x02, 0x01] + offset + [0x00] + vector([]))?.message == "type mismatch")
    #expect(elementError([0x06, 0x01] + offset + [0x6F] + vector([[0xD0, 0x6F, 0x0B]])) == nil)
    #expect(elementError([0x00, 0x42, 0x00, 0x0B] + vector([]))?.message == "type mismatch")
    #expect(elementError([0x00] + offset + vector([[0x01]]))?.message == "unknown function 1")
    #expect(
      elementError([0x05, 0x70] + vector([[0xD2, 0x04, 0x0B]]))?.message == "unknown function 4")
    #expect(elementError([0x05, 0x70] + vector([[0xD0, 0x6F, 0x0B]]))?.message == "type mismatch")
    #expect(elementError([0x00, 0x23, 0x00, 0x0B] + vector([]))?.message == "unknown global 0")
  }

  @Test func dataSegments() {
    func dataError(memories: Int, _ segment: [UInt8]) -> WasmError? {
      let memory = memories > 0 ? section(5, vector([[0x00, 0x01]])) : []
      return moduleValidationError(module(memory, section(11, vector([segment]))))
    }
    #expect(dataError(memories: 1, [0x00, 0x41, 0x00, 0x0B, 0x00]) == nil)
    #expect(dataError(memories: 0, [0x00, 0x41, 0x00, 0x0B, 0x00])?.message == "unknown memory 0")
    #expect(
      dataError(memories: 1, [0x02, 0x01, 0x41, 0x00, 0x0B, 0x00])?.message == "unknown memory 1")
    #expect(dataError(memories: 1, [0x00, 0x42, 0x00, 0x0B, 0x00])?.message == "type mismatch")
    #expect(dataError(memories: 0, [0x01, 0x00]) == nil)
  }
}
