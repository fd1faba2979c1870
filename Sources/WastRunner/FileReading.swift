// Whole-file reads with the C library, so the runner (and the CLI) need not load
// Foundation.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file that could not be read, with the C library's reason.
public struct FileReadError: Error, Equatable, Sendable, CustomStringConvertible {
  public var path: String
  public var reason: String

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "cannot read \(path): \(reason)" }
}

/// Reads a whole file into memory.
public func readFile(_ path: String) throws(FileReadError) -> [UInt8] {
  let descriptor = open(path, O_RDONLY | O_CLOEXEC)
  guard descriptor >= 0 else { throw FileReadError(path: path, reason: currentErrorText()) }
  defer { close(descriptor) }
  var status = stat()
  guard fstat(descriptor, &status) == 0 else {
    throw FileReadError(path: path, reason: currentErrorText())
  }
  guard (status.st_mode & S_IFMT) == S_IFREG else {
    throw FileReadError(path: path, reason: "not a regular file")
  }
  // Straight into the result, sized from fstat plus one byte so that the end of the
  // file shows without another allocation (a zeroed 64 KB buffer here was a tenth of
  // an empty command's start-up). The size is only a hint: a file that grows while
  // being read is read on in chunks.
  var failure: Int32 = 0
  var atEnd = false
  let size = min(Int(clamping: max(status.st_size, 0)), Int.max - 1)
  var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
    count = 0
    guard let base = buffer.baseAddress else { return }
    while count < buffer.count {
      let got = read(descriptor, base + count, buffer.count - count)
      if got < 0 {
        if errno == EINTR { continue }
        failure = errno
        return
      }
      if got == 0 {
        atEnd = true
        return
      }
      count += got
    }
  }
  if failure != 0 {
    errno = failure
    throw FileReadError(path: path, reason: currentErrorText())
  }
  if atEnd { return bytes }
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    if count < 0 {
      if errno == EINTR { continue }
      throw FileReadError(path: path, reason: currentErrorText())
    }
    if count == 0 { break }
    bytes.append(contentsOf: chunk[0..<count])
  }
  return bytes
}

func currentErrorText() -> String {
  guard let text = strerror(errno) else { return "error \(errno)" }
  return String(cString: text)
}

/// The directory part of a path ("." when it has none).
func directoryName(_ path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return "." }
  if slash == path.startIndex { return "/" }
  return String(path[..<slash])
}
