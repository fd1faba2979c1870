// Encodings of types: value, reference and heap types, limits, table, memory,
// global and tag types.
// https://webassembly.github.io/spec/core/binary/types.html
//
// These read from a `ByteReader` so that the instruction decoder (select with types,
// ref.null, block types, casts) can share them. Each Wasm 3.0 encoding is accepted
// only behind its `Features` flag: typed references (0x63/0x64) with
// `.functionReferences`, `exnref` with `.exceptions`, GC's abstract heap types with
// `.gc`, 64-bit limits with `.memory64`.

extension ByteReader {
  /// The heap type a one-byte abstract code stands for, when `features` accept it.
  @inlinable
  static func abstractHeapType(_ byte: UInt8, features: Features) -> HeapType? {
    switch byte {
    case 0x70: return .function
    case 0x6F: return .extern
    case 0x69: return features.contains(.exceptions) ? .exception : nil
    case 0x74: return features.contains(.exceptions) ? .noException : nil
    case 0x73: return features.contains(.gc) ? .noFunction : nil
    case 0x72: return features.contains(.gc) ? .noExtern : nil
    case 0x71: return features.contains(.gc) ? .noAny : nil
    case 0x6E: return features.contains(.gc) ? .any : nil
    case 0x6D: return features.contains(.gc) ? .eq : nil
    case 0x6C: return features.contains(.gc) ? .i31 : nil
    case 0x6B: return features.contains(.gc) ? .struct : nil
    case 0x6A: return features.contains(.gc) ? .array : nil
    default: return nil
    }
  }

  /// Whether typed references (`ref ht`, `ref null ht`) may be written.
  @inlinable
  static func acceptsTypedReferences(_ features: Features) -> Bool {
    !features.isDisjoint(with: [.functionReferences, .gc])
  }

  /// A heap type (`heaptype`): an abstract type code, or a type index as a
  /// non-negative s33.
  @inlinable
  package mutating func readHeapType(features: Features) throws(WasmError) -> HeapType {
    let start = offset
    guard let byte = peekByte() else { throw error("unexpected end") }
    if let heap = ByteReader.abstractHeapType(byte, features: features) {
      _ = try readByte()
      return heap
    }
    // A one-byte negative s33 that is no known abstract type.
    if byte & 0xC0 == 0x40 { throw .malformed("malformed heap type", at: start) }
    guard ByteReader.acceptsTypedReferences(features) else {
      throw .malformed("malformed heap type", at: start)
    }
    let index = try readS33()
    guard index >= 0, index <= Int64(UInt32.max) else {
      throw .malformed("malformed heap type", at: start)
    }
    return .concrete(UInt32(index))
  }

  /// The reference type a one-byte shorthand stands for (`funcref`, ...), if any.
  @inlinable
  static func referenceShorthand(_ byte: UInt8, features: Features) -> ReferenceType? {
    guard byte != 0x63, byte != 0x64, let heap = abstractHeapType(byte, features: features) else {
      return nil
    }
    return ReferenceType(isNullable: true, heapType: heap)
  }

  /// A reference type after its first byte: a shorthand, or `0x63 ht` / `0x64 ht`.
  @inlinable
  mutating func readReferenceType(
    first byte: UInt8, at start: Int, features: Features, message: String
  ) throws(WasmError) -> ReferenceType {
    if let shorthand = ByteReader.referenceShorthand(byte, features: features) {
      return shorthand
    }
    if (byte == 0x63 || byte == 0x64) && ByteReader.acceptsTypedReferences(features) {
      return ReferenceType(isNullable: byte == 0x63, heapType: try readHeapType(features: features))
    }
    // Type codes are one-byte signed LEB128 numbers.
    if byte & 0x80 != 0 { throw .malformed("integer representation too long", at: start) }
    throw .malformed(message, at: start)
  }

  /// A value type (`valtype`).
  @inlinable
  package mutating func readValueType(features: Features) throws(WasmError) -> ValueType {
    let start = offset
    let byte = try readByte()
    switch byte {
    case 0x7F: return .i32
    case 0x7E: return .i64
    case 0x7D: return .f32
    case 0x7C: return .f64
    case 0x7B: return .v128
    default:
      return .ref(
        try readReferenceType(
          first: byte, at: start, features: features, message: "malformed value type"))
    }
  }

  /// A reference type (`reftype`), as used by tables, element segments and `ref.null`.
  @inlinable
  package mutating func readReferenceType(features: Features) throws(WasmError) -> ReferenceType {
    let start = offset
    let byte = try readByte()
    return try readReferenceType(
      first: byte, at: start, features: features, message: "malformed reference type")
  }

  /// Limits (`limits`). In Wasm 2.0 the flag is a one-bit LEB128 number: 0 (no
  /// maximum) or 1; a continuation bit is "integer representation too long" and any
  /// other value "integer too large", as the reference interpreter reports. With
  /// memory64 (Wasm 3.0) flag 0x04 selects 64-bit addresses (memories and tables),
  /// and any other flag byte is "malformed limits flags".
  package mutating func readLimits(features: Features, isMemory: Bool) throws(WasmError) -> Limits {
    let start = offset
    let flags = try readByte()
    if features.contains(.memory64) {
      guard flags & ~0x05 == 0 else { throw .malformed("malformed limits flags", at: start) }
    } else {
      if flags & 0x80 != 0 { throw .malformed("integer representation too long", at: start) }
      if flags & ~0x01 != 0 { throw .malformed("integer too large", at: start) }
    }
    let is64 = flags & 0x04 != 0
    // Wasm 3.0 reads every limit as a u64; validation checks the range.
    let wide = is64 || features.contains(.memory64)
    let min = wide ? try readU64() : UInt64(try readU32())
    var max: UInt64?
    if flags & 0x01 != 0 {
      max = wide ? try readU64() : UInt64(try readU32())
    }
    return Limits(min: min, max: max, is64: is64, isShared: false)
  }

  /// A table type: element reference type, then limits.
  package mutating func readTableType(features: Features) throws(WasmError) -> TableType {
    let elementType = try readReferenceType(features: features)
    let limits = try readLimits(features: features, isMemory: false)
    return TableType(elementType: elementType, limits: limits)
  }

  package mutating func readMemoryType(features: Features) throws(WasmError) -> MemoryType {
    MemoryType(limits: try readLimits(features: features, isMemory: true))
  }

  /// A global type: value type, then mutability (0x00 const, 0x01 var).
  package mutating func readGlobalType(features: Features) throws(WasmError) -> GlobalType {
    let valueType = try readValueType(features: features)
    let start = offset
    let mutability: Mutability
    switch try readByte() {
    case 0x00: mutability = .constant
    case 0x01: mutability = .variable
    default: throw .malformed("malformed mutability", at: start)
    }
    return GlobalType(mutability: mutability, valueType: valueType)
  }

  /// A tag type: the attribute 0x00 (exception), then a function type index.
  package mutating func readTagType() throws(WasmError) -> TagType {
    let start = offset
    guard try readByte() == 0x00 else { throw .malformed("malformed tag attribute", at: start) }
    return TagType(typeIndex: try readU32())
  }
}
