// Whole-file reads with the C library, for every host-side reader that must not load
// Foundation: the CLI's module and policy files, a guest's module, the spec runner's
// scripts. WasmCore and WasmInterp do no I/O by design; this is the one place that
// reads a file for them.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file that could not be read: its path and the C library's reason.
public struct FileReadError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The path as the caller gave it.
  public var path: String
  /// `strerror`'s text for the failing call, or why the file was refused.
  public var reason: String

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "cannot read \(path): \(reason)" }
}

/// The whole regular file at `path` (a directory, device or FIFO is refused, so a
/// mistyped path cannot block the caller).
public func readFile(_ path: String) throws(FileReadError) -> [UInt8] {
  func failure(_ reason: String? = nil) -> FileReadError {
    FileReadError(path: path, reason: reason ?? errnoText())
  }
  let descriptor = open(path, O_RDONLY | O_CLOEXEC)
  guard descriptor >= 0 else { throw failure() }
  defer { close(descriptor) }
  var status = stat()
  guard fstat(descriptor, &status) == 0 else { throw failure() }
  guard (status.st_mode & S_IFMT) == S_IFREG else { throw failure("not a regular file") }
  // Straight into the result, sized from fstat plus one byte so that the end of the
  // file shows without another allocation (a zeroed 64 KB buffer here was a tenth of
  // an empty command's start-up). The size is only a hint: a file that grows while
  // being read is read on in chunks.
  var readError: Int32 = 0
  var atEnd = false
  let size = min(Int(clamping: max(status.st_size, 0)), Int.max - 1)
  var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
    count = 0
    guard let base = buffer.baseAddress else { return }
    while count < buffer.count {
      let got = read(descriptor, base + count, buffer.count - count)
      if got < 0 {
        if errno == EINTR { continue }
        readError = errno
        return
      }
      if got == 0 {
        atEnd = true
        return
      }
      count += got
    }
  }
  if readError != 0 {
    errno = readError
    throw failure()
  }
  if atEnd { return bytes }
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    if count < 0 {
      if errno == EINTR { continue }
      throw failure()
    }
    if count == 0 { break }
    bytes.append(contentsOf: chunk[0..<count])
  }
  return bytes
}

/// `strerror`'s text for the current `errno` (the number itself should the C library
/// have no text for it).
func errnoText() -> String {
  let code = errno
  guard let text = strerror(code) else { return "error \(code)" }
  return String(cString: text)
}
