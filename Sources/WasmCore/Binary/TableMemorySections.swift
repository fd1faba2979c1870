// The table, memory and tag sections.
// https://webassembly.github.io/spec/core/binary/modules.html#table-section
// https://webassembly.github.io/spec/core/binary/modules.html#memory-section
// https://webassembly.github.io/spec/core/binary/modules.html#tag-section

extension SectionDecoder {
  mutating func decodeTableSection(into module: inout Module) throws(WasmError) {
    let count = try readCount()
    module.tables.reserveCapacity(reservation(for: count, minimumSize: 3))
    for _ in 0..<count {
      // Wasm 3.0: `0x40 0x00 tabletype expr` gives the table an initialiser.
      if reader.peekByte() == 0x40, ByteReader.acceptsTypedReferences(features) {
        _ = try reader.readByte()
        let start = reader.offset
        guard try reader.readByte() == 0x00 else { throw .malformed("malformed table", at: start) }
        module.tables.append(try reader.readTableType(features: features))
        module.tableInitializers.append(try readConstExpression())
      } else {
        module.tables.append(try reader.readTableType(features: features))
        module.tableInitializers.append(nil)
      }
    }
  }

  mutating func decodeTagSection(into module: inout Module) throws(WasmError) {
    let count = try readCount()
    module.tags.reserveCapacity(reservation(for: count, minimumSize: 2))
    for _ in 0..<count {
      module.tags.append(try reader.readTagType())
    }
  }

  mutating func decodeMemorySection(into module: inout Module) throws(WasmError) {
    let count = try readCount()
    module.memories.reserveCapacity(reservation(for: count, minimumSize: 2))
    for _ in 0..<count {
      module.memories.append(try reader.readMemoryType(features: features))
    }
  }
}
