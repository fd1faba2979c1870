// The data section (three encodings) and the data count section.
// https://webassembly.github.io/spec/core/binary/modules.html#data-section
// https://webassembly.github.io/spec/core/binary/modules.html#data-count-section
//
// A segment's bytes are not copied: `DataSegment.range` points into the module.

extension SectionDecoder {
  mutating func decodeDataCountSection(into module: inout Module) throws(WasmError) {
    module.dataCount = try reader.readU32()
  }

  mutating func decodeDataSection(into module: inout Module) throws(WasmError) {
    let countOffset = reader.offset
    let count = try readCount()
    if let expected = module.dataCount, Int(expected) != count {
      throw .malformed("data count and data section have inconsistent lengths", at: countOffset)
    }
    module.data.reserveCapacity(reservation(for: count, minimumSize: 2))
    for _ in 0..<count {
      let flagsOffset = reader.offset
      let mode: DataSegment.Mode
      // Multi-memory (Wasm 3.0) uses the same encodings; it only lifts the validator's
      // limit on memory indices.
      switch try reader.readU32() {
      case 0: mode = .active(memory: 0, offset: try readConstExpression())
      case 1: mode = .passive
      case 2:
        let memory = try readIndex()
        mode = .active(memory: memory, offset: try readConstExpression())
      default:
        throw .malformed("malformed data segment kind", at: flagsOffset)
      }
      let length = Int(try reader.readU32())
      let start = reader.offset
      try reader.skip(length)
      module.data.append(DataSegment(mode: mode, range: start..<(start + length)))
    }
  }
}
