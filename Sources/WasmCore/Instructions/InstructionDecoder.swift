// Decoding of a function body's instructions into visitor calls: the body loop
// and the readers of immediates. Which opcode goes to which visitor method is
// generated from the instruction table (InstructionDecoder+Opcodes.swift).
// https://webassembly.github.io/spec/core/binary/instructions.html
//
// The decoder keeps no instruction list and no control stack: only a count of open
// blocks, so that it knows which `end` is the last one. Nesting therefore costs no
// recursion and no memory here; the visitor (the validator) keeps its own explicit
// control stack. Everything it reads comes from a bounds-checked `ByteReader`.

/// Reads the instructions of one function body and calls a visitor for each.
public struct InstructionDecoder {
  /// The reader, positioned at the next instruction.
  @usableFromInline package var reader: ByteReader
  @usableFromInline package let features: Features
  /// Whether the module has a data count section (`memory.init` and `data.drop`
  /// require one).
  @usableFromInline package let hasDataCount: Bool
  /// Blocks opened and not yet ended, counting the function body itself: the body
  /// is complete when this reaches zero.
  @usableFromInline package var openBlocks: Int = 1

  /// A decoder over `reader`, which covers a body's instructions (after the local
  /// declarations, through the final `end`).
  @inlinable
  package init(_ reader: ByteReader, features: Features, hasDataCount: Bool) {
    self.reader = reader
    self.features = features
    self.hasDataCount = hasDataCount
  }

  /// Decodes the whole body: instructions through the final `end`, which must be the
  /// last byte.
  @inlinable
  package mutating func decodeBody<V: InstructionVisitor>(into visitor: inout V) throws(WasmError) {
    while openBlocks > 0 {
      guard !reader.isAtEnd else {
        throw reader.error("unexpected end of section or function")
      }
      try decodeInstruction(into: &visitor)
    }
    guard reader.isAtEnd else { throw reader.error("section size mismatch") }
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
    // Wasm 3.0 reference types (`exnref`, `(ref null? ht)`, GC shorthands).
    if byte & 0xC0 == 0x40, !features.isDisjoint(with: [.functionReferences, .gc, .exceptions]) {
      return .value(try reader.readValueType(features: features))
    }
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

  /// The heap type of `ref.null`: in Wasm 2.0 only `func` or `extern`.
  @inlinable
  mutating func readHeapType() throws(WasmError) -> HeapType {
    let start = reader.offset
    if !features.isDisjoint(with: [.functionReferences, .gc, .exceptions]) {
      return try reader.readHeapType(features: features)
    }
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
      let type = try reader.readValueType(features: features)
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

  /// The 16 bytes of a `v128.const` or an `i8x16.shuffle`, as two little-endian halves.
  @inlinable
  mutating func readV128() throws(WasmError) -> V128 {
    let low = try reader.readUInt64LE()
    let high = try reader.readUInt64LE()
    return V128(low: low, high: high)
  }

  /// Checks every clause of a `try_table` and returns a view over them.
  @inlinable
  mutating func readCatches() throws(WasmError) -> TryTableCatches {
    let count = try reader.readU32()
    let first = reader.position
    // Each clause is at least two bytes, so the loop is bounded by the input.
    var i: UInt32 = 0
    while i < count {
      let start = reader.offset
      guard let kind = CatchClause.Kind(rawValue: try reader.readByte()) else {
        throw .malformed("malformed catch clause", at: start)
      }
      if kind.hasTag { _ = try reader.readU32() }
      _ = try reader.readU32()
      i += 1
    }
    return TryTableCatches(start: reader.base + first, count: Int(count))
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
  /// "illegal opcode" with the opcode's bytes in hex, as the reference interpreter
  /// words it ("illegal opcode ff", "illegal opcode fc 12").
  @usableFromInline
  func illegalOpcode(_ bytes: [UInt8], at offset: Int) -> WasmError {
    let digits = bytes.map { byte -> String in
      let text = String(byte, radix: 16)
      return byte < 16 ? "0" + text : text
    }
    return .malformed("illegal opcode " + digits.joined(separator: " "), at: offset)
  }

  /// The LEB128 bytes of a sub-opcode, for messages.
  @usableFromInline
  func leb128(_ value: UInt32) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    repeat {
      let byte = UInt8(value & 0x7F)
      value >>= 7
      bytes.append(value == 0 ? byte : byte | 0x80)
    } while value != 0
    return bytes
  }

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
