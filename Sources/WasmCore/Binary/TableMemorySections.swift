// The table and memory sections.
// https://webassembly.github.io/spec/core/binary/modules.html#table-section
// https://webassembly.github.io/spec/core/binary/modules.html#memory-section
//
// Wasm 3.0's table initialiser form (0x40 0x00 tabletype expr) belongs here behind
// `.functionReferences`.

extension SectionDecoder {
  mutating func decodeTableSection(into module: inout Module) throws(WasmError) {
    let count = try readCount()
    module.tables.reserveCapacity(reservation(for: count, minimumSize: 3))
    for _ in 0..<count {
      module.tables.append(try reader.readTableType(features: features))
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
