// The global section: global types with their initialisers.
// https://webassembly.github.io/spec/core/binary/modules.html#global-section

extension SectionDecoder {
  mutating func decodeGlobalSection(into module: inout Module) throws(WasmError) {
    let count = try readCount()
    module.globals.reserveCapacity(reservation(for: count, minimumSize: 4))
    for _ in 0..<count {
      let type = try reader.readGlobalType(features: features)
      let initializer = try readConstExpression()
      module.globals.append(Global(type: type, initializer: initializer))
    }
  }
}
