// Custom sections, and the `name` section among them.
// https://webassembly.github.io/spec/core/binary/modules.html#custom-section
// https://webassembly.github.io/spec/core/appendix/custom.html#name-section
//
// A custom section's name must be well-formed UTF-8 and fit in the section; its
// contents are otherwise opaque. The name section is decoded leniently: the spec
// makes custom sections non-fatal, so a broken subsection is dropped, not reported.

extension SectionDecoder {
  mutating func decodeCustomSection(size: Int, into module: inout Module) throws(WasmError) {
    var section = try reader.subReader(length: size)
    let lengthOffset = section.offset
    let nameLength = Int(try section.readU32())
    guard nameLength <= section.remaining else {
      throw .malformed("unexpected end", at: lengthOffset)
    }
    let nameStart = section.offset
    let nameBytes = try section.readBytes(nameLength)
    guard let name = ByteReader.decodeUTF8(nameBytes) else {
      throw .malformed("malformed UTF-8 encoding", at: nameStart)
    }
    let payload = section.offset..<section.endOffset
    module.customSections.append(CustomSection(name: name, payload: payload))
    if name == "name", module.names == nil {
      module.names = NameSectionDecoder.decode(section)
    }
  }
}

/// Reads the `name` custom section, keeping what decodes and dropping the rest.
enum NameSectionDecoder {
  static func decode(_ payload: ByteReader) -> NameSection {
    var reader = payload
    var names = NameSection()
    // Subsections: id byte, size, contents; ids 0 (module), 1 (functions), 2 (locals).
    while !reader.isAtEnd {
      guard let id = try? reader.readByte(),
        let size = try? reader.readU32(),
        var subsection = try? reader.subReader(length: Int(size))
      else { break }
      switch id {
      case 0:
        if let name = try? subsection.readName(), subsection.isAtEnd {
          names.moduleName = name
        }
      case 1:
        if let map = try? readNameMap(&subsection), subsection.isAtEnd {
          names.functionNames = map
        }
      case 2:
        if let map = try? readIndirectNameMap(&subsection), subsection.isAtEnd {
          names.localNames = map
        }
      default:
        break  // Extended name subsections (labels, types, ...) are not kept.
      }
    }
    return names
  }

  /// vec(index name). The count is not trusted for allocation: entries are appended
  /// as they decode.
  private static func readNameMap(_ reader: inout ByteReader) throws(WasmError) -> [UInt32: String]
  {
    let count = try reader.readU32()
    var map: [UInt32: String] = [:]
    for _ in 0..<count {
      let index = try reader.readU32()
      map[index] = try reader.readName()
    }
    return map
  }

  private static func readIndirectNameMap(
    _ reader: inout ByteReader
  ) throws(WasmError) -> [UInt32: [UInt32: String]] {
    let count = try reader.readU32()
    var map: [UInt32: [UInt32: String]] = [:]
    for _ in 0..<count {
      let index = try reader.readU32()
      map[index] = try readNameMap(&reader)
    }
    return map
  }
}
