// The export section.
// https://webassembly.github.io/spec/core/binary/modules.html#export-section

extension SectionDecoder {
  mutating func decodeExportSection(into module: inout Module) throws(WasmError) {
    let count = try readCount()
    module.exports.reserveCapacity(reservation(for: count, minimumSize: 3))
    for _ in 0..<count {
      let name = try readName()
      let kindOffset = reader.offset
      // A single byte; exception handling (Wasm 3.0) adds tags (0x04).
      guard let kind = ExternalKind(rawValue: try reader.readByte()),
        kind != .tag || features.contains(.exceptions)
      else {
        throw .malformed("malformed export kind", at: kindOffset)
      }
      let index = try readIndex()
      module.exports.append(Export(name: name, kind: kind, index: index))
    }
  }
}
