// The import section.
// https://webassembly.github.io/spec/core/binary/modules.html#import-section

extension SectionDecoder {
  mutating func decodeImportSection(into module: inout Module) throws(WasmError) {
    let count = try readCount()
    module.imports.reserveCapacity(reservation(for: count, minimumSize: 4))
    for _ in 0..<count {
      let moduleName = try readName()
      let name = try readName()
      let kindOffset = reader.offset
      let descriptor: ImportDescriptor
      // The kind is a single byte; exception handling (Wasm 3.0) adds tags (0x04).
      switch try reader.readByte() {
      case 0x04 where features.contains(.exceptions):
        descriptor = .tag(try reader.readTagType())
        module.importedTagCount += 1
      case 0x00:
        descriptor = .function(typeIndex: try readIndex())
        module.importedFunctionCount += 1
      case 0x01:
        descriptor = .table(try reader.readTableType(features: features))
        module.importedTableCount += 1
      case 0x02:
        descriptor = .memory(try reader.readMemoryType(features: features))
        module.importedMemoryCount += 1
      case 0x03:
        descriptor = .global(try reader.readGlobalType(features: features))
        module.importedGlobalCount += 1
      default:
        throw .malformed("malformed import kind", at: kindOffset)
      }
      module.imports.append(Import(module: moduleName, name: name, descriptor: descriptor))
    }
  }
}
