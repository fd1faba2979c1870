// Decoding of a function body's instructions into visitor calls.
// https://webassembly.github.io/spec/core/binary/instructions.html
//
// The decoder keeps no instruction list and no control stack: only a count of open
// blocks, so that it knows which `end` is the last one. Nesting therefore costs no
// recursion and no memory here; the visitor (the validator) keeps its own explicit
// control stack. Everything it reads comes from a bounds-checked `ByteReader`.

/// Reads the instructions of one function body and calls a visitor for each.
public struct InstructionDecoder {
  /// The reader, positioned at the next instruction.
  public var reader: ByteReader
  public let features: Features
  /// Whether the module has a data count section (`memory.init` and `data.drop`
  /// require one).
  public let hasDataCount: Bool
  /// Blocks opened and not yet ended, counting the function body itself: the body
  /// is complete when this reaches zero.
  public var openBlocks: Int = 1

  /// A decoder over `reader`, which covers a body's instructions (after the local
  /// declarations, through the final `end`).
  @inlinable
  public init(_ reader: ByteReader, features: Features, hasDataCount: Bool) {
    self.reader = reader
    self.features = features
    self.hasDataCount = hasDataCount
  }

  /// Decodes the whole body: instructions through the final `end`, which must be the
  /// last byte.
  @inlinable
  public mutating func decodeBody<V: InstructionVisitor>(into visitor: inout V) throws(WasmError) {
    while openBlocks > 0 {
      guard !reader.isAtEnd else {
        throw reader.error("unexpected end of section or function")
      }
      try decodeInstruction(into: &visitor)
    }
    guard reader.isAtEnd else { throw reader.error("section size mismatch") }
  }

  /// Decodes one instruction and calls the visitor for it.
  @inlinable
  public mutating func decodeInstruction<V: InstructionVisitor>(
    into visitor: inout V
  ) throws(WasmError) {
    let start = reader.offset
    visitor.instructionOffset = start
    let opcode = try reader.readByte()
    switch opcode {
    case 0x00: try visitor.visitUnreachable()
    case 0x01: try visitor.visitNop()
    case 0x02:
      let type = try readBlockType()
      openBlocks += 1
      try visitor.visitBlock(type)
    case 0x03:
      let type = try readBlockType()
      openBlocks += 1
      try visitor.visitLoop(type)
    case 0x04:
      let type = try readBlockType()
      openBlocks += 1
      try visitor.visitIf(type)
    case 0x05: try visitor.visitElse()
    case 0x0B:
      openBlocks -= 1
      try visitor.visitEnd()
    case 0x0C: try visitor.visitBr(try reader.readU32())
    case 0x0D: try visitor.visitBrIf(try reader.readU32())
    case 0x0E: try visitor.visitBrTable(try readBrTable())
    case 0x0F: try visitor.visitReturn()
    case 0x10: try visitor.visitCall(try reader.readU32())
    case 0x11:
      let typeIndex = try reader.readU32()
      let tableIndex = try reader.readU32()
      try visitor.visitCallIndirect(typeIndex: typeIndex, tableIndex: tableIndex)
    case 0x1A: try visitor.visitDrop()
    case 0x1B: try visitor.visitSelect(nil)
    case 0x1C: try visitor.visitSelect(try readSelectType())
    case 0x20: try visitor.visitLocalGet(try reader.readU32())
    case 0x21: try visitor.visitLocalSet(try reader.readU32())
    case 0x22: try visitor.visitLocalTee(try reader.readU32())
    case 0x23: try visitor.visitGlobalGet(try reader.readU32())
    case 0x24: try visitor.visitGlobalSet(try reader.readU32())
    case 0x25: try visitor.visitTableGet(try reader.readU32())
    case 0x26: try visitor.visitTableSet(try reader.readU32())
    case 0x28...0x35:
      // Every byte in this range is a load.
      let op = LoadOp(rawValue: UInt16(opcode)).unsafelyUnwrapped
      try visitor.visitLoad(op, try readMemArg())
    case 0x36...0x3E:
      let op = StoreOp(rawValue: UInt16(opcode)).unsafelyUnwrapped
      try visitor.visitStore(op, try readMemArg())
    case 0x3F: try visitor.visitMemorySize(try readMemoryIndex())
    case 0x40: try visitor.visitMemoryGrow(try readMemoryIndex())
    case 0x41: try visitor.visitI32Const(try reader.readS32())
    case 0x42: try visitor.visitI64Const(try reader.readS64())
    case 0x43: try visitor.visitF32Const(try reader.readUInt32LE())
    case 0x44: try visitor.visitF64Const(try reader.readUInt64LE())
    case 0x45...0xC4:
      // Every byte in this range is a numeric instruction.
      try visitor.visitNumeric(NumericOp(rawValue: UInt16(opcode)).unsafelyUnwrapped)
    case 0xD0: try visitor.visitRefNull(try readHeapType())
    case 0xD1: try visitor.visitRefIsNull()
    case 0xD2: try visitor.visitRefFunc(try reader.readU32())
    case 0xFC: try decodeMiscInstruction(into: &visitor, start: start)
    case 0xFD: try decodeVectorInstruction(into: &visitor, start: start)
    default: throw .malformed("illegal opcode", at: start)
    }
  }

  /// The 0xFC prefix: saturating truncation, bulk memory and table instructions.
  @inlinable
  mutating func decodeMiscInstruction<V: InstructionVisitor>(
    into visitor: inout V, start: Int
  ) throws(WasmError) {
    let subopcode = try reader.readU32()
    switch subopcode {
    case 0...7:
      let op = NumericOp(rawValue: 0xFC00 | UInt16(truncatingIfNeeded: subopcode)).unsafelyUnwrapped
      try visitor.visitNumeric(op)
    case 8:
      let data = try reader.readU32()
      let memory = try readMemoryIndex()
      guard hasDataCount else { throw .malformed("data count section required", at: start) }
      try visitor.visitMemoryInit(data: data, memory: memory)
    case 9:
      let data = try reader.readU32()
      guard hasDataCount else { throw .malformed("data count section required", at: start) }
      try visitor.visitDataDrop(data)
    case 10:
      let destination = try readMemoryIndex()
      let source = try readMemoryIndex()
      try visitor.visitMemoryCopy(destination: destination, source: source)
    case 11: try visitor.visitMemoryFill(try readMemoryIndex())
    case 12:
      let element = try reader.readU32()
      let table = try reader.readU32()
      try visitor.visitTableInit(element: element, table: table)
    case 13: try visitor.visitElemDrop(try reader.readU32())
    case 14:
      let destination = try reader.readU32()
      let source = try reader.readU32()
      try visitor.visitTableCopy(destination: destination, source: source)
    case 15: try visitor.visitTableGrow(try reader.readU32())
    case 16: try visitor.visitTableSize(try reader.readU32())
    case 17: try visitor.visitTableFill(try reader.readU32())
    default: throw .malformed("illegal opcode", at: start)
    }
  }

  /// The 0xFD prefix: 128-bit SIMD.
  @inlinable
  mutating func decodeVectorInstruction<V: InstructionVisitor>(
    into visitor: inout V, start: Int
  ) throws(WasmError) {
    let subopcode = try reader.readU32()
    guard subopcode <= 0xFF || (subopcode <= 0x113 && features.contains(.relaxedSIMD)) else {
      throw .malformed("illegal opcode", at: start)
    }
    let code = UInt16(truncatingIfNeeded: subopcode)
    switch code {
    case 0x00...0x0A, 0x5C, 0x5D:
      let op = LoadOp(rawValue: 0xFD00 | code).unsafelyUnwrapped
      try visitor.visitLoad(op, try readMemArg())
    case 0x0B:
      try visitor.visitStore(.v128Store, try readMemArg())
    case 0x0C:
      let low = try reader.readUInt64LE()
      let high = try reader.readUInt64LE()
      try visitor.visitV128Const(V128(low: low, high: high))
    case 0x0D:
      let low = try reader.readUInt64LE()
      let high = try reader.readUInt64LE()
      try visitor.visitShuffle(V128(low: low, high: high))
    case 0x15...0x22:
      let op = LaneOp(rawValue: code).unsafelyUnwrapped
      try visitor.visitLane(op, lane: try reader.readByte())
    case 0x54...0x5B:
      let op = MemoryLaneOp(rawValue: code).unsafelyUnwrapped
      let memarg = try readMemArg()
      try visitor.visitMemoryLane(op, memarg, lane: try reader.readByte())
    default:
      // The remaining sub-opcodes are SIMDOp cases or unassigned.
      guard let op = SIMDOp(rawValue: code) else {
        throw .malformed("illegal opcode", at: start)
      }
      try visitor.visitSIMD(op)
    }
  }

  // MARK: Immediates

  @inlinable
  mutating func readBlockType() throws(WasmError) -> BlockType {
    guard let byte = reader.peekByte() else { throw reader.error("unexpected end") }
    if byte == 0x40 {
      _ = try reader.readByte()
      return .empty
    }
    if let type = InstructionDecoder.valueType(byte) {
      _ = try reader.readByte()
      return .value(type)
    }
    let start = reader.offset
    let index = try reader.readS33()
    // A negative s33 that is not a value type code names no type.
    guard index >= 0 else { throw .malformed("malformed block type", at: start) }
    return .typeIndex(UInt32(truncatingIfNeeded: index))
  }

  /// The value type a one-byte code stands for, or nil.
  @inlinable
  static func valueType(_ byte: UInt8) -> ValueType? {
    switch byte {
    case 0x7F: return .i32
    case 0x7E: return .i64
    case 0x7D: return .f32
    case 0x7C: return .f64
    case 0x7B: return .v128
    case 0x70: return .funcRef
    case 0x6F: return .externRef
    default: return nil
    }
  }

  @inlinable
  mutating func readHeapType() throws(WasmError) -> HeapType {
    let start = reader.offset
    switch try reader.readByte() {
    case 0x70: return .function
    case 0x6F: return .extern
    default: throw .malformed("malformed reference type", at: start)
    }
  }

  /// The vector of `select t*`; validation allows exactly one type.
  @inlinable
  mutating func readSelectType() throws(WasmError) -> ValueType {
    let start = reader.offset
    let count = try reader.readU32()
    var first: ValueType? = nil
    // Each type is at least one byte, so the loop is bounded by the input.
    var i: UInt32 = 0
    while i < count {
      let typeStart = reader.offset
      guard let type = InstructionDecoder.valueType(try reader.readByte()) else {
        throw .malformed("malformed value type", at: typeStart)
      }
      if first == nil { first = type }
      i += 1
    }
    guard count == 1, let type = first else { throw .invalid("invalid result arity", at: start) }
    return type
  }

  @inlinable
  mutating func readMemArg() throws(WasmError) -> MemArg {
    let start = reader.offset
    let flags = try reader.readU32()
    var memory: UInt32 = 0
    // Bit 6 announces an explicit memory index (multi-memory); nothing above it
    // is defined.
    // Wasm 2.0 has no alignment of 2^32 or more: those flags are malformed there.
    if flags >= 0x20 && !features.contains(.multiMemory) {
      throw .malformed("malformed memop flags", at: start)
    }
    if flags >= 0x40 {
      guard flags < 0x80, features.contains(.multiMemory) else {
        throw .malformed("malformed memop flags", at: start)
      }
      memory = try reader.readU32()
    }
    let offset: UInt64 =
      features.contains(.memory64) ? try reader.readU64() : UInt64(try reader.readU32())
    return MemArg(offset: offset, alignment: flags & 0x3F, memory: memory)
  }

  /// The memory index of `memory.size/grow/copy/fill/init`: a reserved zero byte in
  /// Wasm 2.0, a u32 index with multi-memory.
  @inlinable
  mutating func readMemoryIndex() throws(WasmError) -> UInt32 {
    if features.contains(.multiMemory) { return try reader.readU32() }
    let start = reader.offset
    guard try reader.readByte() == 0 else { throw .malformed("zero byte expected", at: start) }
    return 0
  }

  /// Checks every label of a `br_table` and returns a view over them.
  @inlinable
  mutating func readBrTable() throws(WasmError) -> BrTableTargets {
    let count = try reader.readU32()
    let first = reader.position
    // Each label is at least one byte, so the loop is bounded by the input.
    var i: UInt32 = 0
    while i < count {
      _ = try reader.readU32()
      i += 1
    }
    let defaultTarget = try reader.readU32()
    return BrTableTargets(
      start: reader.base + first, count: Int(count), defaultTarget: defaultTarget)
  }
}

extension InstructionDecoder {
  /// Decodes the body of defined function `functionIndex` (an index into
  /// `module.codes`) into `visitor`.
  @inlinable
  public static func visitBody<V: InstructionVisitor>(
    of functionIndex: Int, in module: Module, with visitor: inout V
  ) throws(WasmError) {
    guard functionIndex >= 0, functionIndex < module.codes.count else {
      throw .malformed("function and code section have inconsistent lengths", at: 0)
    }
    let code = module.codes[functionIndex].code
    let bytes = module.bytes
    guard code.lowerBound >= 0, code.upperBound <= bytes.count else {
      throw .malformed("unexpected end", at: code.lowerBound)
    }
    // Without data segments every data index is unknown, which validation reports
    // ("unknown data segment"); converters omit the data count section then.
    let hasDataCount = module.dataCount != nil || module.data.isEmpty
    let features = module.features
    do throws(WasmError) {
      try bytes.withUnsafeBufferPointer { (buffer) throws(WasmError) in
        let body = UnsafeBufferPointer(rebasing: buffer[code])
        var decoder = InstructionDecoder(
          ByteReader(body, offset: code.lowerBound), features: features,
          hasDataCount: hasDataCount)
        try decoder.decodeBody(into: &visitor)
      }
    } catch {
      throw missingEndError(error, code: code, bytes: bytes)
    }
  }

  /// The error for a body that ends before its final `end`, worded as the
  /// reference interpreter words it: that decoder reads past the body, so what
  /// it reports depends on the byte after the body.
  @usableFromInline
  static func missingEndError(_ error: WasmError, code: Range<Int>, bytes: [UInt8]) -> WasmError {
    guard error.message == "unexpected end of section or function", error.offset == code.upperBound
    else { return error }
    guard code.upperBound < bytes.count else { return error }
    // An `end` there is taken as the body's, making the section too long.
    if bytes[code.upperBound] == 0x0B {
      return .malformed("section size mismatch", at: code.upperBound)
    }
    return .malformed("END opcode expected", at: code.upperBound)
  }
}
