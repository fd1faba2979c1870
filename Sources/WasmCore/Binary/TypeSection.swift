// The type section: a vector of function types.
// https://webassembly.github.io/spec/core/binary/modules.html#type-section
// https://webassembly.github.io/spec/core/binary/types.html#function-types

extension SectionDecoder {
  mutating func decodeTypeSection(into module: inout Module) throws(WasmError) {
    let count = try readCount()
    module.types.reserveCapacity(reservation(for: count, minimumSize: 3))
    for _ in 0..<count {
      let start = reader.offset
      let form = try reader.readByte()
      // Wasm 3.0 (GC) adds recursive groups (0x4E) and subtypes (0x50, 0x4F) here,
      // gated by `.gc`; only plain function types (0x60) exist in 2.0.
      guard form == 0x60 else {
        // The form is a one-byte signed LEB128 number (-0x20).
        if form & 0x80 != 0 { throw .malformed("integer representation too long", at: start) }
        throw .malformed("malformed function type", at: start)
      }
      let parameters = try readResultType()
      let results = try readResultType()
      module.types.append(FunctionType(parameters: parameters, results: results))
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
