// Encodings of types: value, reference, limits, table, memory and global types.
// https://webassembly.github.io/spec/core/binary/types.html
//
// These read from a `ByteReader` so that the instruction decoder (select with types,
// ref.null, block types) can share them. Wasm 3.0 widens several encodings (typed
// references 0x63/0x64, limits flags for shared memories and memory64); those are
// only accepted behind their `Features` flags and are not decoded yet.

extension ByteReader {
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
    case 0x70: return .funcRef
    case 0x6F: return .externRef
    default:
      // Type codes are one-byte signed LEB128 numbers.
      if byte & 0x80 != 0 { throw .malformed("integer representation too long", at: start) }
      throw .malformed("malformed value type", at: start)
    }
  }

  /// A reference type (`reftype`), as used by tables, element segments and `ref.null`.
  @inlinable
  package mutating func readReferenceType(features: Features) throws(WasmError) -> ReferenceType {
    let start = offset
    let byte = try readByte()
    switch byte {
    case 0x70: return .funcRef
    case 0x6F: return .externRef
    default:
      if byte & 0x80 != 0 { throw .malformed("integer representation too long", at: start) }
      throw .malformed("malformed reference type", at: start)
    }
  }

  /// Limits (`limits`). In Wasm 2.0 the flag is a one-bit LEB128 number: 0 (no
  /// maximum) or 1; a continuation bit is "integer representation too long" and any
  /// other value "integer too large", as the reference interpreter reports.
  /// Threads (shared, 0x02) and memory64 (0x04) add flag bits in Wasm 3.0.
  package mutating func readLimits(features: Features, isMemory: Bool) throws(WasmError) -> Limits {
    let start = offset
    let flags = try readByte()
    var allowedFlags: UInt8 = 0x01
    if isMemory && features.contains(.memory64) { allowedFlags |= 0x04 }
    if flags & 0x80 != 0 { throw .malformed("integer representation too long", at: start) }
    if flags & ~allowedFlags != 0 { throw .malformed("integer too large", at: start) }
    let is64 = flags & 0x04 != 0
    let min = is64 ? try readU64() : UInt64(try readU32())
    var max: UInt64?
    if flags & 0x01 != 0 {
      max = is64 ? try readU64() : UInt64(try readU32())
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
}
