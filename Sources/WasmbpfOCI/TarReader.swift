// Reads a tar stream (ustar, with PAX `x` headers and GNU long names) one entry at a
// time, to find a file in an image layer. Only what a layer needs is understood:
// regular files, directories, links (reported, not followed) and whiteouts.
// Every header is checksummed and every size bounded: a layer is hostile input.
//
// POSIX pax / ustar: https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html
// Whiteouts: https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts

/// One entry's header.
struct TarEntry {
  enum Kind: Equatable {
    case file, directory, symbolicLink(String), hardLink(String), other
  }
  /// Normalized: no leading `/` or `./`, no trailing `/`.
  var path: String
  var kind: Kind
  var size: Int64
}

struct TarReader<Source: ByteSource> {
  private(set) var source: Source
  private var pendingSkip: Int64 = 0
  /// Zero bytes that round the last entry up to a block. Some writers (umoci among
  /// them) end the stream right after the last file's data, without this padding or
  /// the two zero blocks, so running out here is the end of the archive, as GNU tar
  /// and Go's reader take it.
  private var pendingPadding: Int64 = 0
  private var ended = false
  let what: String

  init(_ source: Source, what: String) {
    self.source = source
    self.what = what
  }

  /// The next entry, or nil at the end of the archive. Its data must be read with
  /// `readData` or is skipped by the next call.
  mutating func next() throws(OCIError) -> TarEntry? {
    guard !ended else { return nil }
    try skip(pendingSkip)
    pendingSkip = 0
    if pendingPadding > 0 {
      let complete = try skipPadding(pendingPadding)
      pendingPadding = 0
      guard complete else {
        ended = true
        return nil
      }
    }
    var longName: String?
    var paxPath: String?
    var paxSize: Int64?
    // Extension headers (PAX, GNU long names) describe the entry after them; bound
    // how many may stack up so a hostile archive cannot loop us.
    for _ in 0..<8 {
      guard let header = try readBlock() else {
        // A stream that stops without the two zero blocks still ends here.
        ended = true
        return nil
      }
      if header.allSatisfy({ $0 == 0 }) {
        ended = true
        return nil
      }
      try verifyChecksum(header)
      let size = try Self.number(header[124..<136], what: what)
      let type = header[156]
      switch type {
      case UInt8(ascii: "x"):
        let data = try readExtension(size)
        let records = try Self.paxRecords(data, what: what)
        paxPath = records["path"] ?? paxPath
        if let text = records["size"] {
          guard let value = Int64(text), value >= 0 else {
            throw OCIError(.malformed, "\(what): bad PAX size '\(text.prefix(32))'")
          }
          paxSize = value
        }
        continue
      case UInt8(ascii: "g"):
        _ = try readExtension(size)
        continue
      case UInt8(ascii: "L"):
        let data = try readExtension(size)
        longName = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
        continue
      default:
        break
      }
      var name = Self.string(header[0..<100])
      let prefix = Self.string(header[345..<500])
      if header[257..<262].elementsEqual(Array("ustar".utf8)) && !prefix.isEmpty {
        name = prefix + "/" + name
      }
      let path = Self.normalize(paxPath ?? longName ?? name)
      let entrySize = paxSize ?? size
      // Keeps every later offset far from overflow; no layer we read is this large.
      guard entrySize <= 1 << 40 else {
        throw OCIError(.tooLarge, "\(what): an entry of \(entrySize) bytes")
      }
      let linkTarget = Self.string(header[157..<257])
      let kind: TarEntry.Kind
      switch type {
      case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): kind = .file
      case UInt8(ascii: "5"): kind = .directory
      case UInt8(ascii: "2"): kind = .symbolicLink(linkTarget)
      case UInt8(ascii: "1"): kind = .hardLink(Self.normalize(linkTarget))
      default: kind = .other
      }
      // Links and directories carry no data, whatever the size field says.
      let dataSize = kind == .file || kind == .other ? entrySize : 0
      pendingSkip = dataSize
      pendingPadding = Self.padded(dataSize) - dataSize
      return TarEntry(path: path, kind: kind, size: dataSize)
    }
    throw OCIError(.malformed, "\(what): too many extension headers in a row")
  }

  /// The data of the entry `next` just returned, up to `limit` bytes.
  mutating func readData(_ entry: TarEntry, limit: Int64) throws(OCIError) -> [UInt8] {
    guard entry.size <= limit else {
      throw OCIError(
        .tooLarge, "\(what): \(entry.path) is \(entry.size) bytes, more than the limit of \(limit)")
    }
    let data = try readExact(Int(entry.size))
    pendingSkip = 0
    return data
  }

  // MARK: Blocks

  private mutating func readBlock() throws(OCIError) -> [UInt8]? {
    var block = [UInt8](repeating: 0, count: 512)
    var filled = 0
    while filled < 512 {
      let count = try block.withMutableBytes { raw throws(OCIError) in
        try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
      }
      if count == 0 {
        if filled == 0 { return nil }
        throw OCIError(.malformed, "\(what): the tar stream ends inside a header")
      }
      filled += count
    }
    return block
  }

  private mutating func readExact(_ count: Int) throws(OCIError) -> [UInt8] {
    var data = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let read = try data.withMutableBytes { raw throws(OCIError) in
        try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
      }
      if read == 0 { throw OCIError(.malformed, "\(what): the tar stream ends inside a file") }
      filled += read
    }
    return data
  }

  private mutating func skip(_ count: Int64) throws(OCIError) {
    var left = count
    var scratch = [UInt8](repeating: 0, count: 1 << 16)
    while left > 0 {
      let want = Int(min(left, Int64(scratch.count)))
      let read = try scratch.withMutableBytes { raw throws(OCIError) in
        try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<want]))
      }
      if read == 0 { throw OCIError(.malformed, "\(what): the tar stream ends inside a file") }
      left -= Int64(read)
    }
  }

  /// Skips padding; false when the stream ended inside it.
  private mutating func skipPadding(_ count: Int64) throws(OCIError) -> Bool {
    var scratch = [UInt8](repeating: 0, count: 512)
    var left = Int(count)
    while left > 0 {
      let read = try scratch.withMutableBytes { raw throws(OCIError) in
        try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<left]))
      }
      if read == 0 { return false }
      left -= read
    }
    return true
  }

  private mutating func readExtension(_ size: Int64) throws(OCIError) -> [UInt8] {
    guard size <= 1 << 20 else {
      throw OCIError(.tooLarge, "\(what): a \(size)-byte extension header")
    }
    let data = try readExact(Int(size))
    try skip(Self.padded(size) - size)
    return data
  }

  private func verifyChecksum(_ header: [UInt8]) throws(OCIError) {
    let stored = try Self.number(header[148..<156], what: what)
    var sum: Int64 = 0
    for (index, byte) in header.enumerated() {
      sum += (148..<156).contains(index) ? 0x20 : Int64(byte)
    }
    guard sum == stored else {
      throw OCIError(.malformed, "\(what): a tar header fails its checksum (corrupt layer)")
    }
  }

  // MARK: Fields

  /// Size rounded up to whole 512-byte blocks (sizes are bounded well below overflow).
  static func padded(_ size: Int64) -> Int64 { (size + 511) / 512 * 512 }

  /// An octal field (NUL/space terminated), or base-256 when the high bit is set.
  static func number(_ field: ArraySlice<UInt8>, what: String) throws(OCIError) -> Int64 {
    if let first = field.first, first & 0x80 != 0 {
      guard field.count >= 9, first == 0x80,
        field.dropFirst().prefix(field.count - 9).allSatisfy({ $0 == 0 })
      else {
        throw OCIError(.malformed, "\(what): a tar number field out of range")
      }
      var value: Int64 = 0
      for byte in field.suffix(8) {
        let (shifted, overflow) = value.multipliedReportingOverflow(by: 256)
        guard !overflow else { throw OCIError(.malformed, "\(what): a tar number overflows") }
        value = shifted | Int64(byte)
      }
      guard value >= 0 else { throw OCIError(.malformed, "\(what): a negative tar number") }
      return value
    }
    var value: Int64 = 0
    var seenDigit = false
    for byte in field {
      if byte == 0 || byte == 0x20 {
        if seenDigit { break } else { continue }
      }
      guard byte >= 0x30 && byte <= 0x37 else {
        throw OCIError(.malformed, "\(what): a tar number field is not octal")
      }
      seenDigit = true
      let (shifted, overflow) = value.multipliedReportingOverflow(by: 8)
      guard !overflow else { throw OCIError(.malformed, "\(what): a tar number overflows") }
      value = shifted + Int64(byte - 0x30)
    }
    return value
  }

  static func string(_ field: ArraySlice<UInt8>) -> String {
    String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
  }

  /// `./a/b/`, `/a/b` → `a/b`.
  static func normalize(_ path: String) -> String {
    let components = path.split(separator: "/").filter { $0 != "." }
    return components.joined(separator: "/")
  }

  /// `LEN key=value\n` records of a PAX header.
  static func paxRecords(_ data: [UInt8], what: String) throws(OCIError) -> [String: String] {
    var records: [String: String] = [:]
    var index = 0
    while index < data.count {
      guard let space = data[index...].firstIndex(of: 0x20),
        let length = Int(String(decoding: data[index..<space], as: UTF8.self)), length > 0,
        length <= data.count - index, data[index + length - 1] == 0x0A
      else {
        throw OCIError(.malformed, "\(what): a malformed PAX record")
      }
      let record = data[(space + 1)..<(index + length - 1)]
      if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
        records[String(decoding: record[record.startIndex..<equals], as: UTF8.self)] =
          String(decoding: record[(equals + 1)...], as: UTF8.self)
      }
      index += length
    }
    return records
  }
}
