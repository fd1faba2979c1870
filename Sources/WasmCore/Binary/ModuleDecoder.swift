// The binary module: preamble, section framing and section order.
// https://webassembly.github.io/spec/core/binary/modules.html#binary-module
//
// Sections are read from one reader over the whole module and their size is
// checked afterwards ("section size mismatch"), as the reference interpreter does:
// a section that claims too few bytes then fails with the same message as there,
// instead of an "unexpected end" at an artificial boundary. Every read stays inside
// the module's bytes either way.

/// Decodes the binary format into a `Module`. Function bodies are located and their
/// local declarations read; their instructions are left to `FunctionValidator`.
package enum ModuleDecoder {
  /// Decodes `bytes` as a binary module, accepting the proposals in `features`.
  package static func decode(_ bytes: [UInt8], features: Features) throws(WasmError) -> Module {
    var module = Module(bytes: bytes, features: features)
    try bytes.withUnsafeBufferPointer { (buffer) throws(WasmError) in
      var decoder = SectionDecoder(reader: ByteReader(buffer), features: features)
      try decoder.decodeModule(into: &module)
    }
    return module
  }
}

/// Non-custom section ids.
/// https://webassembly.github.io/spec/core/binary/modules.html#sections
enum SectionID: UInt8 {
  case custom = 0
  case type = 1
  case `import` = 2
  case function = 3
  case table = 4
  case memory = 5
  case global = 6
  case export = 7
  case start = 8
  case element = 9
  case code = 10
  case data = 11
  case dataCount = 12
  /// Exception handling (Wasm 3.0).
  case tag = 13

  /// Position in the order the spec prescribes (the data count section comes before
  /// the code section; the tag section sits between memory and global).
  var order: Int {
    switch self {
    case .custom: return 0
    case .type: return 1
    case .import: return 2
    case .function: return 3
    case .table: return 4
    case .memory: return 5
    case .tag: return 6
    case .global: return 7
    case .export: return 8
    case .start: return 9
    case .element: return 10
    case .dataCount: return 11
    case .code: return 12
    case .data: return 13
    }
  }
}

/// The state of one decoding pass. Each section's decoder is an extension in its own file.
struct SectionDecoder {
  var reader: ByteReader
  let features: Features
  /// Number of bodies announced by the function section, if present.
  var functionCount: Int?
  /// Where the function section started, for the count mismatch error.
  var functionSectionOffset = 0

  init(reader: ByteReader, features: Features) {
    self.reader = reader
    self.features = features
  }

  static let magic: UInt32 = 0x6D73_6100  // "\0asm"
  static let version: UInt32 = 1

  mutating func decodeModule(into module: inout Module) throws(WasmError) {
    // The preamble.
    // https://webassembly.github.io/spec/core/binary/modules.html#binary-magic
    guard reader.remaining >= 4 else { throw reader.error("unexpected end") }
    guard try reader.readUInt32LE() == SectionDecoder.magic else {
      throw .malformed("magic header not detected", at: 0)
    }
    guard reader.remaining >= 4 else { throw reader.error("unexpected end") }
    guard try reader.readUInt32LE() == SectionDecoder.version else {
      throw .malformed("unknown binary version", at: 4)
    }

    var lastOrder = 0
    var codeCount: Int?
    var codeSectionOffset = 0
    var dataSectionCount: Int?
    var dataSectionOffset = 0
    while !reader.isAtEnd {
      let sectionStart = reader.offset
      let idByte = try reader.readByte()
      guard let id = SectionID(rawValue: idByte), id != .tag || features.contains(.exceptions)
      else {
        throw .malformed("malformed section id", at: sectionStart)
      }
      let sizeOffset = reader.offset
      let size = Int(try reader.readU32())
      guard size <= reader.remaining else {
        throw .malformed("length out of bounds", at: sizeOffset)
      }
      let contentStart = reader.offset
      let sectionEnd = contentStart + size

      if id == .custom {
        try decodeCustomSection(size: size, into: &module)
        continue
      }
      // Each non-custom section at most once, in order. The reference interpreter
      // reports any violation as content it did not expect after the sections it read.
      guard id.order > lastOrder else {
        throw .malformed("unexpected content after last section", at: sectionStart)
      }
      lastOrder = id.order
      module.sectionOffsets[Int(id.rawValue)] = contentStart

      do throws(WasmError) {
        switch id {
        case .custom:
          // Custom sections are handled above.
          throw WasmError.malformed("malformed section id", at: sectionStart)
        case .tag: try decodeTagSection(into: &module)
        case .type: try decodeTypeSection(into: &module)
        case .import: try decodeImportSection(into: &module)
        case .function: try decodeFunctionSection(into: &module)
        case .table: try decodeTableSection(into: &module)
        case .memory: try decodeMemorySection(into: &module)
        case .global: try decodeGlobalSection(into: &module)
        case .export: try decodeExportSection(into: &module)
        case .start: try decodeStartSection(into: &module)
        case .element: try decodeElementSection(into: &module)
        case .dataCount: try decodeDataCountSection(into: &module)
        case .code:
          codeSectionOffset = contentStart
          try decodeCodeSection(into: &module)
          codeCount = module.codes.count
        case .data:
          dataSectionOffset = contentStart
          try decodeDataSection(into: &module)
          dataSectionCount = module.data.count
        }
      } catch {
        throw SectionDecoder.sectionError(error)
      }
      guard reader.offset == sectionEnd else {
        throw .malformed("section size mismatch", at: contentStart)
      }
    }

    // Counts are compared once all sections are read, so that a misplaced section is
    // reported as such rather than as a count mismatch. An absent section has length 0.
    if (functionCount ?? 0) != (codeCount ?? 0) {
      throw .malformed(
        "function and code section have inconsistent lengths",
        at: codeCount == nil ? functionSectionOffset : codeSectionOffset)
    }
    if let expected = module.dataCount, Int(expected) != (dataSectionCount ?? 0) {
      throw .malformed(
        "data count and data section have inconsistent lengths", at: dataSectionOffset)
    }
  }

  /// Running out of bytes inside a section is reported with the reference
  /// interpreter's longer message.
  static func sectionError(_ error: WasmError) -> WasmError {
    guard error.kind == .malformed, error.message == "unexpected end" else { return error }
    return .malformed("unexpected end of section or function", at: error.offset)
  }

  // MARK: Shared helpers

  /// Reads a vector length. Each element takes at least one byte, so a length beyond
  /// the bytes left in the module is rejected before anything is allocated (with the
  /// message of running out of bytes, which is what decoding the elements would find).
  mutating func readCount() throws(WasmError) -> Int {
    let start = reader.offset
    let count = Int(try reader.readU32())
    guard count <= reader.remaining else { throw .malformed("unexpected end", at: start) }
    return count
  }

  /// How many elements of at least `minimumSize` bytes can still follow: an upper
  /// bound for `reserveCapacity` that input cannot inflate.
  func reservation(for count: Int, minimumSize: Int) -> Int {
    Swift.min(count, reader.remaining / minimumSize)
  }

  /// A name (import, export): the length is checked against the module first.
  mutating func readName() throws(WasmError) -> String {
    let start = reader.offset
    let length = Int(try reader.readU32())
    guard length <= reader.remaining else { throw .malformed("length out of bounds", at: start) }
    let bytesStart = reader.offset
    let bytes = try reader.readBytes(length)
    guard let name = ByteReader.decodeUTF8(bytes) else {
      throw .malformed("malformed UTF-8 encoding", at: bytesStart)
    }
    return name
  }

  /// A u32 index.
  @inline(__always)
  mutating func readIndex() throws(WasmError) -> UInt32 {
    try reader.readU32()
  }
}
