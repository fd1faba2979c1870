// Byte streams for reading image layers: a file (hashed as it is read, so a layer is
// verified by the same pass that unpacks it) and gzip over another stream (zlib's
// inflate, with a bound on how much it may expand).

import ZlibSys

#if canImport(Glibc)
  import Glibc
#endif

/// A stream of bytes read in chunks.
protocol ByteSource {
  /// Reads up to `buffer.count` bytes into `buffer`; 0 at the end.
  mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(OCIError) -> Int
}

/// A file, hashed as it is read.
final class HashingFileSource: ByteSource {
  let path: String
  private let fd: Int32
  private(set) var hasher = DigestHasher()

  init(path: String) throws(OCIError) {
    self.path = path
    fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw OCIError(.storage, "\(path): \(errnoText())") }
  }

  deinit { close(fd) }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(OCIError) -> Int {
    while true {
      let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
      if count < 0 {
        if errno == EINTR { continue }
        throw OCIError(.storage, "\(path): \(errnoText())")
      }
      hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
      return count
    }
  }

  /// Reads the rest of the file (so that the digest covers all of it).
  func drain() throws(OCIError) {
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while try chunk.withMutableBytes({ raw throws(OCIError) in try read(into: raw) }) > 0 {}
  }
}

/// gzip (RFC 1952) over another source, through zlib's inflate. Concatenated members
/// are read as one stream, as gzip(1) does. Refuses to produce more than `limit` bytes.
final class GzipSource<Inner: ByteSource>: ByteSource {
  private var inner: Inner
  private var stream = z_stream()
  private var input = [UInt8](repeating: 0, count: 1 << 16)
  private var inputOffset = 0
  private var inputLength = 0
  private var inputEnded = false
  /// A member just ended: the end of input here is the end of the stream.
  private var betweenMembers = false
  private var finished = false
  private let limit: Int64
  private(set) var produced: Int64 = 0
  private let what: String

  init(_ inner: Inner, limit: Int64, what: String) throws(OCIError) {
    self.inner = inner
    self.limit = limit
    self.what = what
    guard zlibsys_inflate_init_gzip(&stream) == Z_OK else {
      throw OCIError(.storage, "\(what): cannot start zlib's inflate")
    }
  }

  deinit { inflateEnd(&stream) }

  var source: Inner { inner }

  func read(into buffer: UnsafeMutableRawBufferPointer) throws(OCIError) -> Int {
    guard !finished, buffer.count > 0 else { return 0 }
    while true {
      if inputOffset == inputLength && !inputEnded {
        inputLength = try input.withMutableBytes { raw throws(OCIError) in
          try inner.read(into: raw)
        }
        inputOffset = 0
        if inputLength == 0 { inputEnded = true }
      }
      if betweenMembers && inputEnded && inputOffset == inputLength {
        finished = true
        return 0
      }
      let available = inputLength - inputOffset
      let (status, consumed, written) = input.withUnsafeMutableBufferPointer { inputBuffer in
        // zlib keeps these pointers only for the duration of the call.
        stream.next_in = inputBuffer.baseAddress! + inputOffset
        stream.avail_in = UInt32(available)
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = UInt32(clamping: buffer.count)
        let status = inflate(&stream, Z_NO_FLUSH)
        return (
          status, available - Int(stream.avail_in),
          min(buffer.count, Int(UInt32.max)) - Int(stream.avail_out)
        )
      }
      inputOffset += consumed
      if consumed > 0 { betweenMembers = false }
      produced += Int64(written)
      guard produced <= limit else {
        throw OCIError(.tooLarge, "\(what): unpacks to more than \(limit) bytes")
      }
      switch status {
      case Z_STREAM_END:
        // Another member may follow (concatenated gzip); the end of input ends the layer.
        if inputOffset == inputLength && inputEnded {
          finished = true
        } else {
          inflateReset(&stream)
          betweenMembers = true
        }
        if written > 0 || finished { return written }
      case Z_OK, Z_BUF_ERROR:
        if written > 0 { return written }
        if inputEnded && inputOffset == inputLength {
          throw OCIError(.malformed, "\(what): the gzip stream ends early (truncated layer)")
        }
      default:
        let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
        throw OCIError(.malformed, "\(what): not valid gzip data (\(reason))")
      }
    }
  }
}
