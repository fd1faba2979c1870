// Tests of the binary decoder (`ModuleDecoder`), section by section.

import Testing
import WasmCore

@Suite struct PreambleAndSectionTests: ModuleBuilding {
  @Test func emptyModuleDecodes() throws {
    let module = try decodeModule(header)
    #expect(module.types.isEmpty && module.codes.isEmpty && module.start == nil)
  }

  @Test func preambleErrors() {
    #expect(decodeError([]) == .malformed("unexpected end", at: 0))
    #expect(decodeError([0x00, 0x61, 0x73]) == .malformed("unexpected end", at: 0))
    #expect(
      decodeError([0x00, 0x61, 0x73, 0x6E, 1, 0, 0, 0])?.message == "magic header not detected")
    #expect(decodeError([0x00, 0x61, 0x73, 0x6D, 1, 0]) == .malformed("unexpected end", at: 4))
    #expect(
      decodeError([0x00, 0x61, 0x73, 0x6D, 2, 0, 0, 0])
        == .malformed("unknown binary version", at: 4))
  }

  @Test func sectionIdsAndSizes() {
    #expect(decodeError(header + [0x0D, 0x00]) == .malformed("malformed section id", at: 8))
    #expect(decodeError(header + [0x80, 0x00])?.message == "malformed section id")
    // A section claiming more bytes than the module has.
    #expect(decodeError(header + [0x01, 0x05, 0x00]) == .malformed("length out of bounds", at: 9))
    // A type section with a byte left over.
    #expect(
      decodeError(module(section(1, [0x00, 0x00]))) == .malformed("section size mismatch", at: 10))
    // Content cut short by the end of the module.
    #expect(
      decodeError(module(section(4, [0x01])))?.message == "unexpected end of section or function")
  }

  @Test func sectionOrder() {
    let start = section(8, [0x00])
    let types = section(1, vector([]))
    let imports = section(2, vector([]))
    #expect(decodeError(module(types, types))?.message == "unexpected content after last section")
    #expect(decodeError(module(imports, types))?.message == "unexpected content after last section")
    #expect(
      decodeError(module(start, section(7, vector([]))))?.message
        == "unexpected content after last section")
    // The data count section sits between element and code sections.
    #expect(
      decodeError(module(section(12, [0x00]), section(10, vector([])), section(11, vector([]))))
        == nil)
    #expect(
      decodeError(module(section(10, vector([])), section(12, [0x00])))?.message
        == "unexpected content after last section")
  }

  @Test func customSectionsAnywhere() throws {
    let custom = section(0, name("hello") + [1, 2, 3])
    let bytes = module(custom, twoTypes, custom, section(3, vector([])), custom)
    let decoded = try decodeModule(bytes)
    #expect(decoded.customSections.count == 3)
    let first = decoded.customSections[0]
    #expect(first.name == "hello")
    #expect(Array(bytes[first.payload]) == [1, 2, 3])
  }

  @Test func customSectionErrors() {
    // The name must be UTF-8 and fit in the section.
    #expect(
      decodeError(module(section(0, [0x02, 0xC0, 0x80])))?.message == "malformed UTF-8 encoding")
    #expect(decodeError(module(section(0, [0x05, 0x61])))?.message == "unexpected end")
    #expect(decodeError(module(section(0, [])))?.message == "unexpected end")
  }
}

@Suite struct TypeAndImportSectionTests: ModuleBuilding {
  @Test func functionTypes() throws {
    let types = section(
      1, vector([[0x60, 0x00, 0x00], [0x60, 0x03, 0x7F, 0x7B, 0x6F, 0x02, 0x7C, 0x70]]))
    let decoded = try decodeModule(module(types))
    #expect(
      decoded.types.map(\.functionType) == [
        FunctionType(parameters: [], results: []),
        FunctionType(parameters: [.i32, .v128, .externRef], results: [.f64, .funcRef]),
      ])
  }

  @Test func malformedTypes() {
    #expect(
      decodeError(module(section(1, vector([[0x61, 0x00, 0x00]]))))?.message
        == "malformed function type")
    #expect(
      decodeError(module(section(1, vector([[0xE0, 0x7F, 0x00, 0x00]]))))?.message
        == "integer representation too long")
    #expect(
      decodeError(module(section(1, vector([[0x60, 0x01, 0x40, 0x00]]))))?.message
        == "malformed value type")
  }

  @Test func hugeCountsFailWithoutAllocating() {
    // 2^32 - 1 types announced in a handful of bytes.
    #expect(
      decodeError(module(section(1, leb(0xFFFF_FFFF))))?.message
        == "unexpected end of section or function")
    #expect(
      decodeError(module(section(1, [0x01, 0x60] + leb(0xFFFF_FFFF))))?.message
        == "unexpected end of section or function")
  }

  @Test func importsOfEachKind() throws {
    let imports = section(
      2,
      vector([
        name("env") + name("f") + [0x00, 0x01],
        name("env") + name("t") + [0x01, 0x70, 0x01, 0x01, 0x02],
        name("env") + name("m") + [0x02, 0x00, 0x03],
        name("env") + name("g") + [0x03, 0x7E, 0x01],
      ]))
    let decoded = try decodeModule(module(twoTypes, imports))
    #expect(
      decoded.imports.map(\.descriptor) == [
        .function(typeIndex: 1),
        .table(TableType(elementType: .funcRef, limits: Limits(min: 1, max: 2))),
        .memory(MemoryType(limits: Limits(min: 3))),
        .global(GlobalType(mutability: .variable, valueType: .i64)),
      ])
    #expect(decoded.imports.map(\.name) == ["f", "t", "m", "g"])
    #expect(decoded.importedFunctionCount == 1 && decoded.importedTableCount == 1)
    #expect(decoded.importedMemoryCount == 1 && decoded.importedGlobalCount == 1)
  }

  @Test func malformedImports() {
    let entry = name("a") + name("b")
    #expect(
      decodeError(module(section(2, vector([entry + [0x04, 0x00]]))))?.message
        == "malformed import kind")
    #expect(
      decodeError(module(section(2, vector([entry + [0x03, 0x7F, 0x02]]))))?.message
        == "malformed mutability")
    #expect(
      decodeError(module(section(2, vector([[0x02, 0xFF, 0xFE] + name("b") + [0x00, 0x00]]))))?
        .message == "malformed UTF-8 encoding")
    // A name longer than the rest of the module.
    #expect(decodeError(module(section(2, [0x01, 0x10, 0x61])))?.message == "length out of bounds")
  }
}

@Suite struct TableMemoryGlobalTests: ModuleBuilding {
  @Test func limitsFlags() throws {
    let decoded = try decodeModule(
      module(section(5, vector([[0x00, 0x01], [0x01, 0x00, 0x80, 0x02]]))))
    #expect(
      decoded.memories == [
        MemoryType(limits: Limits(min: 1)), MemoryType(limits: Limits(min: 0, max: 256)),
      ])
    #expect(
      decodeError(module(section(5, vector([[0x02, 0x00]]))))?.message == "integer too large")
    #expect(
      decodeError(module(section(4, vector([[0x70, 0x08, 0x00]]))))?.message == "integer too large")
    #expect(
      decodeError(module(section(5, vector([[0x81, 0x00, 0x00]]))))?.message
        == "integer representation too long")
    #expect(
      decodeError(module(section(4, vector([[0x7F, 0x00, 0x00]]))))?.message
        == "malformed reference type")
  }

  @Test func constantExpressions() throws {
    let globals = section(
      6,
      vector([
        [0x7F, 0x00, 0x41] + sleb(-5) + [0x0B],
        [0x7E, 0x01, 0x42] + sleb(Int64.min) + [0x0B],
        [0x7D, 0x00, 0x43, 0x00, 0x00, 0xC0, 0x7F, 0x0B],
        [0x7C, 0x00, 0x44, 1, 2, 3, 4, 5, 6, 7, 8, 0x0B],
        [0x7B, 0x00, 0xFD, 0x0C] + Array(UInt8(1)...16) + [0x0B],
        [0x6F, 0x00, 0xD0, 0x6F, 0x0B],
        [0x70, 0x00, 0xD2, 0x00, 0x0B],
        [0x7F, 0x00, 0x23, 0x02, 0x0B],
      ]))
    let decoded = try decodeModule(module(globals))
    #expect(
      decoded.globals.map(\.initializer.instructions) == [
        [.i32Const(-5)], [.i64Const(Int64.min)], [.f32Const(0x7FC0_0000)],
        [.f64Const(0x0807_0605_0403_0201)],
        [.v128Const(V128(low: 0x0807_0605_0403_0201, high: 0x100F_0E0D_0C0B_0A09))],
        [.refNull(.extern)], [.refFunc(0)], [.globalGet(2)],
      ])
    #expect(decoded.globals[1].type == GlobalType(mutability: .variable, valueType: .i64))
    #expect(decoded.globals[0].initializer.offset == 13)
  }

  @Test func constantExpressionErrors() {
    func globalError(_ expression: [UInt8]) -> WasmError? {
      decodeError(module(section(6, vector([[0x7F, 0x00] + expression]))))
    }
    // Known instructions that are not constant.
    #expect(globalError([0x41, 0x00, 0x41, 0x00, 0x6A, 0x0B])?.kind == .invalid)
    #expect(globalError([0x01, 0x0B]) == .invalid("constant expression required", at: 13))
    #expect(globalError([0x20, 0x00, 0x0B])?.message == "constant expression required")
    #expect(globalError([0xFC, 0x00, 0x0B])?.message == "constant expression required")
    #expect(globalError([0xFD, 0x0E, 0x0B])?.message == "constant expression required")
    // Unknown opcodes.
    #expect(globalError([0x06, 0x0B]) == .malformed("illegal opcode 06", at: 13))
    #expect(globalError([0xF3, 0x0B])?.message == "illegal opcode f3")
    #expect(globalError([0xFC, 0x20, 0x0B])?.message == "illegal opcode fc 20")
    // No `end`.
    #expect(globalError([0x41, 0x00])?.message == "unexpected end of section or function")
    #expect(
      decodeError(module(section(6, vector([[0x7F, 0x02, 0x41, 0x00, 0x0B]]))))?.message
        == "malformed mutability")
  }
}

@Suite struct ExportStartElementTests: ModuleBuilding {
  @Test func exportsAndStart() throws {
    let exports = section(7, vector([name("f") + [0x00, 0x00], name("mem") + [0x02, 0x00]]))
    let decoded = try decodeModule(
      module(
        twoTypes, section(3, vector([[0x00]])), exports,
        section(8, [0x00]), section(10, vector([body([0x0B])]))))
    #expect(
      decoded.exports == [
        Export(name: "f", kind: .function, index: 0), Export(name: "mem", kind: .memory, index: 0),
      ])
    #expect(decoded.start == 0)
    #expect(
      decodeError(module(section(7, vector([name("x") + [0x04, 0x00]]))))?.message
        == "malformed export kind")
  }

  @Test func allEightElementEncodings() throws {
    let offset: [UInt8] = [0x41, 0x07, 0x0B]
    let refFunc: [UInt8] = [0xD2, 0x01, 0x0B]
    let elements = section(
      9,
      vector([
        [0x00] + offset + vector([[0x01], [0x02]]),
        [0x01, 0x00] + vector([[0x03]]),
        [0x02, 0x01] + offset + [0x00] + vector([[0x04]]),
        [0x03, 0x00] + vector([[0x05]]),
        [0x04] + offset + vector([refFunc]),
        [0x05, 0x6F] + vector([[0xD0, 0x6F, 0x0B]]),
        [0x06, 0x02] + offset + [0x70] + vector([refFunc, [0xD0, 0x70, 0x0B]]),
        [0x07, 0x70] + vector([refFunc]),
      ]))
    let decoded = try decodeModule(module(elements))
    let e = decoded.elements
    #expect(e.count == 8)
    func isActive(_ segment: ElementSegment, table: UInt32) -> Bool {
      if case .active(let t, let expression) = segment.mode {
        return t == table && expression.instructions == [.i32Const(7)]
      }
      return false
    }
    #expect(isActive(e[0], table: 0) && e[0].items == .functions([1, 2]) && e[0].type == .funcRef)
    #expect(e[1].mode == .passive && e[1].items == .functions([3]))
    #expect(isActive(e[2], table: 1) && e[2].items == .functions([4]))
    #expect(e[3].mode == .declarative && e[3].items == .functions([5]))
    #expect(isActive(e[4], table: 0) && e[4].type == .funcRef && e[4].count == 1)
    #expect(e[5].mode == .passive && e[5].type == .externRef)
    #expect(isActive(e[6], table: 2) && e[6].count == 2)
    #expect(e[7].mode == .declarative)
    if case .expressions(let items) = e[6].items {
      #expect(items.map(\.instructions) == [[.refFunc(1)], [.refNull(.function)]])
    } else {
      Issue.record("segment 6 should hold expressions")
    }
  }

  @Test func malformedElements() {
    #expect(
      decodeError(module(section(9, vector([[0x08]]))))?.message
        == "malformed elements segment kind")
    #expect(
      decodeError(module(section(9, vector([[0x01, 0x01, 0x00]]))))?.message
        == "malformed elements segment kind")
    #expect(
      decodeError(module(section(9, vector([[0x05, 0x7F, 0x00]]))))?.message
        == "malformed reference type")
  }
}

@Suite struct CodeAndDataTests: ModuleBuilding {
  @Test func bodiesAreRangesEndingWithEnd() throws {
    let bytes = module(
      twoTypes, section(3, vector([[0x00], [0x01]])),
      section(
        10,
        vector([
          body([0x0B]),
          body(locals: [[0x02, 0x7F], [0x01, 0x7C]], [0x20, 0x00, 0x0B]),
        ])))
    let decoded = try decodeModule(bytes)
    #expect(decoded.functions == [0, 1])
    #expect(
      decoded.codes[1].locals == [
        LocalDeclaration(count: 2, type: .i32), LocalDeclaration(count: 1, type: .f64),
      ])
    #expect(Array(bytes[decoded.codes[0].code]) == [0x0B])
    #expect(Array(bytes[decoded.codes[1].code]) == [0x20, 0x00, 0x0B])
    #expect(decoded.codes[1].code.upperBound == bytes.count)
  }

  @Test func functionAndCodeCountsAgree() {
    let inconsistent = "function and code section have inconsistent lengths"
    #expect(decodeError(module(twoTypes, section(3, vector([[0x00]]))))?.message == inconsistent)
    #expect(
      decodeError(module(twoTypes, section(10, vector([body([0x0B])]))))?.message == inconsistent)
    #expect(
      decodeError(
        module(twoTypes, section(3, vector([[0x00], [0x00]])), section(10, vector([body([0x0B])]))))?
        .message == inconsistent)
  }

  @Test func tooManyLocals() {
    func localsError(_ locals: [[UInt8]]) -> WasmError? {
      decodeError(
        module(
          twoTypes, section(3, vector([[0x00]])),
          section(10, vector([body(locals: locals, [0x0B])]))))
    }
    // More than 2^32 - 1 in total is malformed.
    #expect(localsError([leb(0xFFFF_FFFF) + [0x7F], [0x01, 0x7E]])?.kind == .malformed)
    #expect(localsError([leb(0xFFFF_FFFF) + [0x7F], [0x01, 0x7E]])?.message == "too many locals")
    // Fewer, but past this implementation's limit.
    #expect(localsError([leb(0x10_0000) + [0x7F]])?.kind == .implementationLimit)
    #expect(localsError([leb(50_000) + [0x7F]]) == nil)
    #expect(localsError([leb(0x80) + [0x40]])?.message == "malformed value type")
  }

  @Test func bodyWithoutFinalEnd() {
    func codeError(_ code: [UInt8]) -> WasmError? {
      decodeError(module(twoTypes, section(3, vector([[0x00]])), section(10, vector([body(code)]))))
    }
    #expect(codeError([0x01])?.message == "unexpected end of section or function")
    #expect(codeError([])?.message == "unexpected end of section or function")
    // A body size that exceeds the section is caught by the body size check.
    let truncated = module(
      twoTypes, section(3, vector([[0x00]])), section(10, [0x01, 0x05, 0x00, 0x0B]))
    #expect(decodeError(truncated)?.message == "length out of bounds")
  }

  /// A body that announces fewer bytes than its instructions take is reported as the
  /// reference interpreter reports it, by what follows the body.
  @Test func bodyShorterThanItsInstructions() {
    func shortBodyError(_ code: [UInt8], claimed: Int, after: [UInt8]) -> WasmError? {
      let entry = leb(UInt64(claimed + 1)) + [0x00] + code
      let contents = [0x01] + entry
      // The code section's size covers the claimed body only; `after` follows it.
      let codeSection = [0x0A] + leb(UInt64(3 + claimed)) + contents
      return decodeError(module(twoTypes, section(3, vector([[0x00]]))) + codeSection + after)
    }
    // An `end` right after the body: the body is longer than announced.
    #expect(
      shortBodyError([0x41, 0x01, 0x1A, 0x0B], claimed: 3, after: [])?.message
        == "section size mismatch")
    // Another instruction where `end` should be.
    #expect(
      shortBodyError([0x41, 0x01, 0x1A, 0x05], claimed: 3, after: [])?.message
        == "END opcode expected")
    // An immediate whose LEB128 encoding goes on past the body, and too long.
    let longImmediate: [UInt8] = [0x41, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B]
    #expect(
      shortBodyError(longImmediate, claimed: 3, after: [])?.message
        == "integer representation too long")
  }

  @Test func dataSegments() throws {
    let bytes = module(
      section(5, vector([[0x00, 0x01]])),
      section(12, [0x03]),
      section(
        11,
        vector([
          [0x00, 0x41, 0x08, 0x0B] + vector([[0xAA], [0xBB]]),
          [0x01] + vector([[0xCC]]),
          [0x02, 0x00, 0x41, 0x10, 0x0B] + vector([]),
        ])))
    let decoded = try decodeModule(bytes)
    #expect(decoded.dataCount == 3)
    #expect(decoded.data.count == 3)
    #expect(Array(bytes[decoded.data[0].range]) == [0xAA, 0xBB])
    #expect(decoded.data[1].mode == .passive && Array(bytes[decoded.data[1].range]) == [0xCC])
    #expect(decoded.data[2].range.isEmpty)
    if case .active(let memory, let offset) = decoded.data[2].mode {
      #expect(memory == 0 && offset.instructions == [.i32Const(16)])
    } else {
      Issue.record("segment 2 should be active")
    }
  }

  @Test func dataErrors() {
    let inconsistent = "data count and data section have inconsistent lengths"
    #expect(decodeError(module(section(12, [0x01])))?.message == inconsistent)
    #expect(
      decodeError(module(section(12, [0x02]), section(11, vector([[0x01, 0x00]]))))?.message
        == inconsistent)
    #expect(
      decodeError(module(section(11, vector([[0x03, 0x00]]))))?.message
        == "malformed data segment kind")
    #expect(
      decodeError(module(section(11, vector([[0x01, 0x05, 0x00]]))))?.message
        == "unexpected end of section or function")
  }
}

@Suite struct NameSectionTests: ModuleBuilding {
  @Test func namesAreDecoded() throws {
    let names =
      name("name")
      + section(0, name("mod"))
      + section(1, vector([[0x00] + name("main"), [0x02] + name("helper")]))
      + section(2, vector([[0x00] + vector([[0x00] + name("x"), [0x01] + name("y")])]))
    let decoded = try decodeModule(module(section(0, names)))
    #expect(decoded.names?.moduleName == "mod")
    #expect(decoded.names?.functionNames == [0: "main", 2: "helper"])
    #expect(decoded.names?.localNames == [0: [0: "x", 1: "y"]])
  }

  @Test func brokenNameSectionIsIgnored() throws {
    // The function names claim more entries than there are; the module name survives.
    let names = name("name") + section(0, name("mod")) + section(1, [0x05, 0x00, 0x01])
    let decoded = try decodeModule(module(section(0, names)))
    #expect(decoded.names?.moduleName == "mod")
    #expect(decoded.names?.functionNames == [:])
    let garbage = try decodeModule(
      module(section(0, name("name") + [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])))
    #expect(garbage.customSections.count == 1)
  }
}
