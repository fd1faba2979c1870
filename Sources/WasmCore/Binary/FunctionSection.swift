// The function section (type index of each defined function) and the start section.
// https://webassembly.github.io/spec/core/binary/modules.html#function-section
// https://webassembly.github.io/spec/core/binary/modules.html#start-section

extension SectionDecoder {
  mutating func decodeFunctionSection(into module: inout Module) throws(WasmError) {
    functionSectionOffset = reader.offset
    let count = try readCount()
    module.functions.reserveCapacity(count)  // 4 bytes per element, bounded by the input
    for _ in 0..<count {
      module.functions.append(try readIndex())
    }
    functionCount = count
  }

  mutating func decodeStartSection(into module: inout Module) throws(WasmError) {
    module.start = try readIndex()
  }
}
