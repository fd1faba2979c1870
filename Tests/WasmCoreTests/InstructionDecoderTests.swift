import Testing
import WasmCore

@Suite struct InstructionDecoderTests {
  @Test func structuredControlAndOffsets() throws {
    let body: [UInt8] = [
      0x02, 0x40,  // block
      0x03, 0x7F,  // loop (result i32)
      0x41, 0x01,  // i32.const 1
      0x04, 0x00,  // if (type 0)
      0x05,  // else
      0x0B,  // end (if)
      0x0C, 0x01,  // br 1
      0x0B,  // end (loop)
      0x0B,  // end (block)
      0x0B,  // end (function)
    ]
    let events = try decode(body, offset: 100)
    #expect(
      events == [
        "100: block empty", "102: loop value(i32)", "104: i32.const 1",
        "106: if typeIndex(0)", "108: else", "109: end", "110: br 1", "112: end", "113: end",
        "114: end",
      ])
  }

  @Test func brTableTargetsAreReadLazily() throws {
    // br_table with targets 0, 300 (two-byte LEB), 2 and default 1.
    let body: [UInt8] = [0x0E, 0x03, 0x00, 0xAC, 0x02, 0x02, 0x01, 0x0B]
    #expect(try decode(body) == ["0: br_table [0, 300, 2] 1", "7: end"])
  }

  @Test func brTableWithBadLabelEncodingIsMalformed() {
    let body: [UInt8] = [0x0E, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00, 0x0B]
    #expect(decodeError(body)?.message == "integer representation too long")
  }

  @Test func everyNumericOpDecodes() throws {
    for op in NumericOp.allCases {
      let encoding: [UInt8] =
        op.rawValue < 0x100
        ? [UInt8(op.rawValue)] : [0xFC] + leb(UInt32(op.rawValue & 0xFF))
      let events = try decode(encoding + [0x0B])
      #expect(events == ["0: \(op.name)", "\(encoding.count): end"])
    }
  }

  @Test func everySIMDOpDecodes() throws {
    for op in SIMDOp.allCases where !op.isRelaxed {
      let encoding: [UInt8] = [0xFD] + leb(UInt32(op.rawValue))
      #expect(try decode(encoding + [0x0B]) == ["0: \(op.name)", "\(encoding.count): end"])
    }
    // A sub-opcode in a long LEB128 form still names the same instruction.
    #expect(try decode([0xFD, 0xCE, 0x81, 0x00, 0x0B]) == ["0: i64x2.add", "4: end"])
  }

  @Test func relaxedSIMDOpsDecodeOnlyWithTheFeature() throws {
    let relaxed = SIMDOp.allCases.filter(\.isRelaxed)
    #expect(relaxed.count == 20)
    for op in relaxed {
      let encoding: [UInt8] = [0xFD] + leb(UInt32(op.rawValue))
      #expect(decodeError(encoding + [0x0B])?.message.hasPrefix("illegal opcode fd") == true)
      #expect(
        try decode(encoding + [0x0B], features: .relaxedSIMD) == [
          "0: \(op.name)", "\(encoding.count): end",
        ])
    }
    // Past the relaxed range stays illegal even with the feature.
    #expect(
      decodeError([0xFD] + leb(0x114) + [0x0B], features: .relaxedSIMD)?.message
        == "illegal opcode fd 94 02")
  }

  @Test func unassignedOpcodesAreIllegal() {
    // The message names the opcode, as the reference interpreter's does.
    for opcode: UInt8 in [0x06, 0x12, 0x1D, 0x27, 0xC5, 0xD3, 0xFF] {
      let error = decodeError([opcode, 0x0B])
      let hex = String(opcode, radix: 16)
      #expect(error == .malformed("illegal opcode " + (opcode < 16 ? "0" : "") + hex, at: 0))
    }
    #expect(
      decodeError([0x41, 0x00, 0xFC, 0x12, 0x0B]) == .malformed("illegal opcode fc 12", at: 2))
    // Gaps of the SIMD space and sub-opcodes past it.
    for subopcode: UInt32 in [0x9A, 0xA2, 0xAF, 0xBB, 0xEE, 0x100, 0x1_0000] {
      #expect(
        decodeError([0xFD] + leb(subopcode) + [0x0B])?.message.hasPrefix("illegal opcode fd")
          == true)
    }
  }

  @Test func memoryAccessImmediates() throws {
    let body: [UInt8] = [
      0x28, 0x02, 0x10,  // i32.load align=4 offset=16
      0xFD, 0x0B, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F,  // v128.store offset=2^32-1
      0xFD, 0x56, 0x01, 0x00, 0x03,  // v128.load32_lane align=2 lane 3
      0x0B,
    ]
    #expect(
      try decode(body) == [
        "0: i32Load 16 2 0", "3: v128Store 4294967295 4 0", "11: v128Load32Lane 0 1 3", "16: end",
      ])
  }

  @Test func memopFlags() {
    // Alignment exponents of 32 and more, and the multi-memory bit, are malformed in 2.0.
    for flags: UInt8 in [0x20, 0x3F, 0x40, 0x41] {
      #expect(decodeError([0x28, flags, 0x00, 0x0B])?.message == "malformed memop flags")
    }
  }

  @Test func multiMemoryReadsAMemoryIndex() throws {
    let body: [UInt8] = [0x28, 0x42, 0x03, 0x08, 0x3F, 0x02, 0x0B]
    #expect(
      try decode(body, features: .multiMemory) == [
        "0: i32Load 8 2 3", "4: memory.size 2", "6: end",
      ])
  }

  @Test func reservedBytesMustBeZero() {
    #expect(decodeError([0x3F, 0x01, 0x0B]) == .malformed("zero byte expected", at: 1))
    // A long encoding of zero is not the zero byte.
    #expect(decodeError([0x40, 0x80, 0x00, 0x0B])?.message == "zero byte expected")
    #expect(decodeError([0xFC, 0x0A, 0x00, 0x01, 0x0B])?.message == "zero byte expected")
  }

  @Test func bulkMemoryAndTables() throws {
    let body: [UInt8] = [
      0xFC, 0x08, 0x05, 0x00,  // memory.init 5
      0xFC, 0x09, 0x02,  // data.drop 2
      0xFC, 0x0C, 0x01, 0x02,  // table.init 1 2
      0xFC, 0x0E, 0x03, 0x04,  // table.copy 3 4
      0xFC, 0x10, 0x07,  // table.size 7
      0x0B,
    ]
    #expect(
      try decode(body) == [
        "0: memory.init 5 0", "4: data.drop 2", "7: table.init 1 2", "11: table.copy 3 4",
        "15: table.size 7", "18: end",
      ])
    #expect(
      decodeError([0xFC, 0x09, 0x00, 0x0B], hasDataCount: false)
        == .malformed("data count section required", at: 0))
  }

  @Test func constants() throws {
    let body: [UInt8] =
      [0x41, 0x7F, 0x42, 0x80, 0x7F, 0x43, 0x00, 0x00, 0xC0, 0x7F]
      + [0xFD, 0x0C] + Array(1...16) + [0x0B]
    #expect(
      try decode(body) == [
        "0: i32.const -1", "2: i64.const -128", "5: f32.const 2143289344",
        "10: v128.const 578437695752307201 1157159078456920585", "28: end",
      ])
  }

  @Test func typedSelectAndReferences() throws {
    let body: [UInt8] = [0x1C, 0x01, 0x70, 0xD0, 0x6F, 0xD2, 0x03, 0x0B]
    #expect(
      try decode(body) == [
        "0: select funcref",
        "3: ref.null extern", "5: ref.func 3", "7: end",
      ])
    #expect(decodeError([0x1C, 0x02, 0x7F, 0x7F, 0x0B])?.message == "invalid result arity")
    #expect(decodeError([0x1C, 0x00, 0x0B])?.message == "invalid result arity")
    #expect(decodeError([0xD0, 0x7F, 0x0B]) == .malformed("malformed reference type", at: 1))
  }

  @Test func bodyMustEndExactlyAtItsFinalEnd() {
    #expect(decodeError([0x02, 0x40, 0x0B])?.message == "unexpected end of section or function")
    #expect(decodeError([0x0B, 0x01])?.message == "section size mismatch")
    #expect(decodeError([0x41])?.message == "unexpected end")
  }

  @Test func negativeBlockTypeIsMalformed() {
    #expect(decodeError([0x02, 0x50, 0x0B, 0x0B])?.message == "malformed block type")
  }
}
