// A bounds-checked cursor over the bytes of a module.
// https://webassembly.github.io/spec/core/binary/values.html
//
// Every read checks the remaining length first, so hostile input ends in a
// `WasmError` ("unexpected end", "integer too large", ...) and never in an
// out-of-bounds access. The reader does not own its bytes: the caller keeps them
// alive (decoding runs inside `withUnsafeBufferPointer`).

@usableFromInline package struct ByteReader {
  @usableFromInline let base: UnsafePointer<UInt8>
  /// Absolute offset of `base[0]` in the module, for error positions.
  @usableFromInline let baseOffset: Int
  @usableFromInline var position: Int
  @usableFromInline var end: Int

  /// A reader over `buffer`, whose first byte sits at `offset` in the module.
  @usableFromInline package init(_ buffer: UnsafeBufferPointer<UInt8>, offset: Int = 0) {
    // An empty buffer may have a nil base; point at a static byte instead.
    self.base = buffer.baseAddress ?? UnsafePointer(ByteReader.emptyByte)
    self.baseOffset = offset
    self.position = 0
    self.end = buffer.count
  }

  nonisolated(unsafe) private static let emptyByte: UnsafeMutablePointer<UInt8> = {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    p.initialize(to: 0)
    return p
  }()

  /// Absolute offset of the next byte in the module.
  @inlinable package var offset: Int { baseOffset + position }
  /// Absolute offset just past the last readable byte.
  @inlinable package var endOffset: Int { baseOffset + end }
  @inlinable package var remaining: Int { end - position }
  @inlinable package var isAtEnd: Bool { position >= end }

  @inlinable
  package func error(_ message: String) -> WasmError {
    .malformed(message, at: offset)
  }

  @inlinable
  package func peekByte() -> UInt8? {
    position < end ? base[position] : nil
  }

  @inlinable
  package mutating func readByte() throws(WasmError) -> UInt8 {
    guard position < end else { throw error("unexpected end") }
    let b = base[position]
    position &+= 1
    return b
  }

  /// Reads `count` raw bytes (checked against what remains before anything is copied).
  @inlinable
  package mutating func readBytes(_ count: Int) throws(WasmError) -> UnsafeBufferPointer<UInt8> {
    guard count >= 0, count <= remaining else { throw error("unexpected end") }
    let result = UnsafeBufferPointer(start: base + position, count: count)
    position &+= count
    return result
  }

  /// Skips `count` bytes.
  @inlinable
  package mutating func skip(_ count: Int) throws(WasmError) {
    guard count >= 0, count <= remaining else { throw error("unexpected end") }
    position &+= count
  }

  /// A reader over the next `length` bytes; this reader moves past them.
  /// Throws `shortMessage` when fewer than `length` bytes remain.
  @inlinable
  package mutating func subReader(
    length: Int, shortMessage: String = "unexpected end"
  ) throws(WasmError) -> ByteReader {
    guard length >= 0, length <= remaining else { throw error(shortMessage) }
    var sub = self
    sub.end = position + length
    position += length
    return sub
  }

  // MARK: LEB128
  // The spec allows at most ceil(N/7) bytes; in the last byte the bits beyond N must
  // be zero (unsigned) or a sign extension of bit N-1 (signed). Too many bytes is
  // "integer representation too long"; bad unused bits is "integer too large".

  // Always inlined: the one-byte case is most immediates, and the instruction
  // decoder's dispatch grew past the size where the compiler inlines it by itself.
  @inlinable @inline(__always)
  package mutating func readU32() throws(WasmError) -> UInt32 {
    // Fast path: a single byte.
    if position < end, base[position] & 0x80 == 0 {
      let b = base[position]
      position &+= 1
      return UInt32(b)
    }
    return UInt32(truncatingIfNeeded: try readUnsigned(bits: 32))
  }

  @inlinable
  package mutating func readU64() throws(WasmError) -> UInt64 {
    // Fast path: a single byte (memarg offsets, limits).
    if position < end, base[position] & 0x80 == 0 {
      let b = base[position]
      position &+= 1
      return UInt64(b)
    }
    return try readUnsigned(bits: 64)
  }

  /// The payload and length of a LEB128 of one to five bytes at the position,
  /// read with one 8-byte load; nil when it is longer or fewer than 8 bytes remain
  /// (the byte-by-byte readers then decide, with their errors). Linkers write
  /// relocated immediates (call targets, addresses of data) as 5-byte LEB128s, so
  /// large modules are full of them. The range of the last byte is the caller's to
  /// check.
  @inlinable @inline(__always)
  func peekWideLEB() -> (UInt64, Int)? {
    guard end &- position >= 8 else { return nil }
    let word = UInt64(
      littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
    // The first byte without the continuation bit ends the number.
    let terminators = ~word & 0x8080_8080_8080_8080
    let length = (terminators.trailingZeroBitCount &+ 1) >> 3
    guard length <= 5 else { return nil }
    // Keep the payload bits of the number's bytes, then close the gaps between them.
    let x = word & (0x7F7F_7F7F_7F & ((1 << UInt64(length &* 8)) &- 1))
    let value =
      (x & 0x7F) | (x >> 1 & 0x3F80) | (x >> 2 & 0x1F_C000) | (x >> 3 & 0xFE0_0000)
      | (x >> 4 & 0x7_F000_0000)
    return (value, length)
  }

  @inlinable
  package mutating func readS32() throws(WasmError) -> Int32 {
    Int32(truncatingIfNeeded: try readSigned(bits: 32))
  }

  /// A signed 33-bit integer (block types).
  @inlinable
  package mutating func readS33() throws(WasmError) -> Int64 {
    try readSigned(bits: 33)
  }

  @inlinable
  package mutating func readS64() throws(WasmError) -> Int64 {
    try readSigned(bits: 64)
  }

  @usableFromInline
  mutating func readUnsigned(bits: Int) throws(WasmError) -> UInt64 {
    var result: UInt64 = 0
    var shift = 0
    while true {
      guard position < end else { throw error("unexpected end") }
      let byte = base[position]
      position &+= 1
      let payload = UInt64(byte & 0x7F)
      let remainingBits = bits - shift
      if remainingBits <= 7 {
        // Last permitted byte.
        if byte & 0x80 != 0 { throw .malformed("integer representation too long", at: offset - 1) }
        if remainingBits < 7 && payload >> UInt64(remainingBits) != 0 {
          throw .malformed("integer too large", at: offset - 1)
        }
        return result | (payload << UInt64(shift))
      }
      result |= payload << UInt64(shift)
      if byte & 0x80 == 0 { return result }
      shift += 7
    }
  }

  @usableFromInline
  mutating func readSigned(bits: Int) throws(WasmError) -> Int64 {
    var result: Int64 = 0
    var shift = 0
    while true {
      guard position < end else { throw error("unexpected end") }
      let byte = base[position]
      position &+= 1
      let payload = Int64(byte & 0x7F)
      let remainingBits = bits - shift
      if remainingBits <= 7 {
        if byte & 0x80 != 0 { throw .malformed("integer representation too long", at: offset - 1) }
        // Bits from (remainingBits - 1) to 6 must all equal the sign bit.
        if remainingBits < 7 {
          let signAndUnused = payload >> Int64(remainingBits - 1)
          let allOnes = Int64(0x7F) >> Int64(remainingBits - 1)
          if signAndUnused != 0 && signAndUnused != allOnes {
            throw .malformed("integer too large", at: offset - 1)
          }
        }
        result |= payload << Int64(shift)
        let total = shift + 7
        if total < 64 {
          // Sign-extend from the top of the bits read.
          result = (result << Int64(64 - total)) >> Int64(64 - total)
        }
        return result
      }
      result |= payload << Int64(shift)
      shift += 7
      if byte & 0x80 == 0 {
        if shift < 64 && byte & 0x40 != 0 { result |= -1 << Int64(shift) }
        return result
      }
    }
  }

  // MARK: Fixed-width

  @inlinable
  package mutating func readUInt32LE() throws(WasmError) -> UInt32 {
    guard remaining >= 4 else { throw error("unexpected end") }
    var v: UInt32 = 0
    for i in 0..<4 { v |= UInt32(base[position &+ i]) << UInt32(8 * i) }
    position &+= 4
    return v
  }

  @inlinable
  package mutating func readUInt64LE() throws(WasmError) -> UInt64 {
    guard remaining >= 8 else { throw error("unexpected end") }
    var v: UInt64 = 0
    for i in 0..<8 { v |= UInt64(base[position &+ i]) << UInt64(8 * i) }
    position &+= 8
    return v
  }

  // MARK: Names

  /// A length-prefixed UTF-8 name ("malformed UTF-8 encoding" when it is not UTF-8).
  package mutating func readName() throws(WasmError) -> String {
    let length = Int(try readU32())
    let start = offset
    let bytes = try readBytes(length)
    guard let name = ByteReader.decodeUTF8(bytes) else {
      throw .malformed("malformed UTF-8 encoding", at: start)
    }
    return name
  }

  /// Strict UTF-8 decoding: no overlongs, no surrogates, nothing above U+10FFFF.
  static func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    var i = 0
    let n = bytes.count
    while i < n {
      let b0 = bytes[i]
      if b0 < 0x80 { i += 1; continue }
      let length: Int
      let minimum: UInt32
      var scalar: UInt32
      switch b0 {
      case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(b0 & 0x1F)
      case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(b0 & 0x0F)
      case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(b0 & 0x07)
      default: return nil
      }
      guard i + length <= n else { return nil }
      for k in 1..<length {
        let b = bytes[i + k]
        guard b & 0xC0 == 0x80 else { return nil }
        scalar = scalar << 6 | UInt32(b & 0x3F)
      }
      guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
        return nil
      }
      i += length
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
