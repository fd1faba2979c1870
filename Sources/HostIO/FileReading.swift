// Whole-file reads with the C library, for every host-side reader: the CLI's module
// and policy files, a guest's module, the spec runner's scripts (none of which may
// load Foundation), the registry client's local files and the agent's API-named
// files (with a size limit). WasmCore and WasmInterp do no I/O by design; this is the
// one place that reads a whole file.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file that could not be read: its path, the C library's reason, and whether it
/// was refused for its size.
public struct FileReadError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Why a file was not read.
  public enum Kind: Hashable, Sendable {
    /// Missing, not a regular file, or a failing call.
    case unreadable
    /// Larger than the caller's limit (before or while reading).
    case tooLarge
  }
  /// The path as the caller gave it.
  public var path: String
  /// `strerror`'s text for the failing call, or why the file was refused.
  public var reason: String
  public var kind: Kind

  public init(path: String, reason: String, kind: Kind = .unreadable) {
    self.path = path
    self.reason = reason
    self.kind = kind
  }

  public var description: String { "cannot read \(path): \(reason)" }
}

/// The whole regular file at `path`, at most `limit` bytes (larger, it is refused
/// before anything is read, or as soon as a growing file passes the limit). A
/// directory, device or FIFO is refused, and opening never waits (a FIFO with no
/// writer would block an ordinary `open`), so a mistyped path cannot block the
/// caller. With `followingSymlinks` false, a symbolic link as the last component is
/// refused (for paths already resolved and checked, which a link swapped in after
/// the check must not redirect).
public func readFile(_ path: String, limit: Int = .max, followingSymlinks: Bool = true)
  throws(FileReadError) -> [UInt8]
{
  func failure(_ reason: String? = nil, _ kind: FileReadError.Kind = .unreadable) -> FileReadError {
    FileReadError(path: path, reason: reason ?? errnoText(), kind: kind)
  }
  let limit = max(0, min(limit, Int.max - 1))
  let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followingSymlinks ? 0 : O_NOFOLLOW)
  let descriptor = open(path, flags)
  guard descriptor >= 0 else { throw failure() }
  defer { close(descriptor) }
  var status = stat()
  guard fstat(descriptor, &status) == 0 else { throw failure() }
  guard (status.st_mode & S_IFMT) == S_IFREG else { throw failure("not a regular file") }
  let declared = Int(clamping: max(status.st_size, 0))
  guard declared <= limit else {
    throw failure("\(declared) bytes, more than the limit of \(limit)", .tooLarge)
  }
  // Straight into the result, sized from fstat plus one byte so that the end of the
  // file shows without another allocation (a zeroed 64 KB buffer here was a tenth of
  // an empty command's start-up). The size is only a hint: a file that grows while
  // being read is read on in chunks, up to the limit.
  var readError: Int32 = 0
  var atEnd = false
  var bytes = [UInt8](unsafeUninitializedCapacity: declared + 1) { buffer, count in
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
    guard bytes.count <= limit else {
      throw failure("grew past the limit of \(limit) bytes while read", .tooLarge)
    }
    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    if count < 0 {
      if errno == EINTR { continue }
      throw failure()
    }
    if count == 0 { break }
    bytes.append(contentsOf: chunk[0..<count])
  }
  guard bytes.count <= limit else {
    throw failure("grew past the limit of \(limit) bytes while read", .tooLarge)
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
