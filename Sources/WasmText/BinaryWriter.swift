// LEB128 and vector encodings for the binary module the text is turned into.
// https://webassembly.github.io/spec/core/binary/values.html

extension Array where Element == UInt8 {
  mutating func appendU32(_ value: UInt32) { appendU64(UInt64(value)) }

  mutating func appendU64(_ value: UInt64) {
    var value = value
    repeat {
      var byte = UInt8(truncatingIfNeeded: value & 0x7F)
      value >>= 7
      if value != 0 { byte |= 0x80 }
      append(byte)
    } while value != 0
  }

  mutating func appendS64(_ value: Int64) {
    var value = value
    while true {
      let byte = UInt8(truncatingIfNeeded: value & 0x7F)
      value >>= 7
      let done = (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0)
      append(done ? byte : byte | 0x80)
      if done { return }
    }
  }

  mutating func appendName(_ bytes: [UInt8]) {
    appendU32(UInt32(truncatingIfNeeded: bytes.count))
    append(contentsOf: bytes)
  }

  mutating func appendLittleEndian(_ value: UInt64, bytes: Int) {
    for shift in 0..<bytes {
      append(UInt8(truncatingIfNeeded: value >> UInt64(shift * 8)))
    }
  }
}

/// Assembles sections into a module.
struct SectionWriter {
  var bytes: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

  /// Appends a section of `count` entries, unless it has none.
  mutating func vectorSection(_ id: UInt8, count: Int, _ entries: [UInt8]) {
    guard count > 0 else { return }
    var body: [UInt8] = []
    body.appendU32(UInt32(truncatingIfNeeded: count))
    body.append(contentsOf: entries)
    section(id, body)
  }

  mutating func section(_ id: UInt8, _ body: [UInt8]) {
    bytes.append(id)
    bytes.appendU32(UInt32(truncatingIfNeeded: body.count))
    bytes.append(contentsOf: body)
  }
}
