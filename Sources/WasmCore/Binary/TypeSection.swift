// The type section: recursion groups of (sub)types.
// https://webassembly.github.io/spec/core/binary/modules.html#type-section
// https://webassembly.github.io/spec/core/binary/types.html#recursive-types
//
// A plain function type (0x60) is a recursion group of one final type. Explicit
// groups (0x4E), `sub` (0x50) and `sub final` (0x4F) are read with typed references
// (`Features.functionReferences` or `.gc`); struct (0x5F) and array (0x5E) types
// come with GC.

extension SectionDecoder {
  mutating func decodeTypeSection(into module: inout Module) throws(WasmError) {
    let count = try readCount()
    module.types.reserveCapacity(reservation(for: count, minimumSize: 3))
    for _ in 0..<count {
      let start = reader.offset
      if reader.peekByte() == 0x4E, ByteReader.acceptsTypedReferences(features) {
        _ = try reader.readByte()
        let members = try readCount()
        let first = UInt32(module.types.count)
        // The group's indices must stay within u32 (a count is bounded by the bytes).
        let (end, overflow) = first.addingReportingOverflow(UInt32(members))
        guard !overflow else { throw .malformed("too many types", at: start) }
        for _ in 0..<members {
          module.types.append(try readSubType(group: first..<end))
        }
      } else {
        let index = UInt32(module.types.count)
        guard index < UInt32.max else { throw .malformed("too many types", at: start) }
        module.types.append(try readSubType(group: index..<(index + 1)))
      }
    }
  }

  /// `sub final? typeidx* comptype`, or a bare composite type (final, no supertype).
  private mutating func readSubType(group: Range<UInt32>) throws(WasmError) -> SubType {
    var isFinal = true
    var supertypes: [UInt32] = []
    if let byte = reader.peekByte(), byte == 0x50 || byte == 0x4F,
      ByteReader.acceptsTypedReferences(features)
    {
      _ = try reader.readByte()
      isFinal = byte == 0x4F
      let count = try readCount()
      supertypes.reserveCapacity(count)
      for _ in 0..<count { supertypes.append(try readIndex()) }
    }
    return SubType(
      try readCompositeType(), supertypes: supertypes, isFinal: isFinal, recursionGroup: group)
  }

  private mutating func readCompositeType() throws(WasmError) -> CompositeType {
    let start = reader.offset
    let form = try reader.readByte()
    switch form {
    case 0x60:
      let parameters = try readResultType()
      let results = try readResultType()
      return .function(FunctionType(parameters: parameters, results: results))
    case 0x5F where features.contains(.gc):
      let count = try readCount()
      var fields: [FieldType] = []
      fields.reserveCapacity(count)  // `readCount` bounded it by the bytes left
      for _ in 0..<count { fields.append(try readFieldType()) }
      return .struct(fields)
    case 0x5E where features.contains(.gc):
      return .array(try readFieldType())
    default:
      // The form is a one-byte signed LEB128 number (-0x20).
      if form & 0x80 != 0 { throw .malformed("integer representation too long", at: start) }
      throw .malformed(
        features.contains(.gc) ? "malformed type" : "malformed function type", at: start)
    }
  }

  /// A field type: a storage type (a value type, or packed `i8` 0x78 / `i16` 0x77),
  /// then its mutability.
  private mutating func readFieldType() throws(WasmError) -> FieldType {
    let storage: StorageType
    switch reader.peekByte() {
    case 0x78:
      _ = try reader.readByte()
      storage = .i8
    case 0x77:
      _ = try reader.readByte()
      storage = .i16
    default:
      storage = .value(try reader.readValueType(features: features))
    }
    let start = reader.offset
    switch try reader.readByte() {
    case 0x00: return FieldType(storage, mutability: .constant)
    case 0x01: return FieldType(storage, mutability: .variable)
    default: throw .malformed("malformed mutability", at: start)
    }
  }

  /// A vector of value types.
  private mutating func readResultType() throws(WasmError) -> [ValueType] {
    let count = try readCount()
    if count == 0 { return [] }
    var types: [ValueType] = []
    types.reserveCapacity(count)  // `readCount` bounded it by the bytes left
    for _ in 0..<count {
      types.append(try reader.readValueType(features: features))
    }
    return types
  }
}
