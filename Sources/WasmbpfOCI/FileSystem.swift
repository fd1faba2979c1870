// The few file operations the cache and layout folders need, over POSIX calls so
// that every failure carries its errno text and every read is bounded.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

import HostIO

/// `strerror(errno)`.
func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// The whole of the file at `path`, refused when larger than `limit` bytes.
func readFileBounded(_ path: String, limit: Int64) throws(OCIError) -> [UInt8] {
  do {
    return try readFile(path, limit: Int(clamping: limit))
  } catch {
    throw OCIError(error.kind == .tooLarge ? .tooLarge : .storage, "\(path): \(error.reason)")
  }
}

/// Writes all of `bytes` to `fd`.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(OCIError) {
  var offset = 0
  while offset < bytes.count {
    let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
    if written < 0 {
      if errno == EINTR { continue }
      throw OCIError(.storage, "\(path): \(errnoText())")
    }
    offset += written
  }
}

/// Writes `bytes` to a new file beside `path`, flushes it and renames it over `path`,
/// so a reader sees the old file or the new one, never half of one.
func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws(OCIError) {
  let temporary = path + ".tmp-\(getpid())"
  let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
  guard fd >= 0 else { throw OCIError(.storage, "\(temporary): \(errnoText())") }
  do throws(OCIError) {
    try bytes.withBytes { raw throws(OCIError) in try writeAll(fd, raw, path: temporary) }
    guard fsync(fd) == 0 else { throw OCIError(.storage, "\(temporary): \(errnoText())") }
  } catch {
    close(fd)
    unlink(temporary)
    throw error
  }
  close(fd)
  guard rename(temporary, path) == 0 else {
    let text = errnoText()
    unlink(temporary)
    throw OCIError(.storage, "\(path): \(text)")
  }
}

/// Creates `path` and its missing parents.
func makeDirectories(_ path: String) throws(OCIError) {
  var current = path.hasPrefix("/") ? "" : "."
  for component in path.split(separator: "/") {
    current += "/" + component
    if mkdir(current, 0o755) != 0 && errno != EEXIST {
      throw OCIError(.storage, "cannot create \(current): \(errnoText())")
    }
  }
  guard isDirectory(path) else { throw OCIError(.storage, "\(path) is not a folder") }
}

func isDirectory(_ path: String) -> Bool {
  var info = stat()
  return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
}

func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }

/// The size of a regular file, or nil.
func fileSize(_ path: String) -> Int64? {
  var info = stat()
  guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
  return Int64(info.st_size)
}

/// Names in a folder (without `.` and `..`); empty when it does not exist.
func directoryEntries(_ path: String) -> [String] {
  guard let directory = opendir(path) else { return [] }
  defer { closedir(directory) }
  var names: [String] = []
  while let entry = readdir(directory) {
    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
      String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
    if name != "." && name != ".." { names.append(name) }
  }
  return names.sorted()
}

/// Removes a file or a folder tree; missing is fine.
func removeTree(_ path: String) {
  var info = stat()
  guard lstat(path, &info) == 0 else { return }
  if (info.st_mode & S_IFMT) == S_IFDIR {
    for name in directoryEntries(path) { removeTree(path + "/" + name) }
    rmdir(path)
  } else {
    unlink(path)
  }
}

/// A new private folder `prefix` + random suffix.
func makeTemporaryDirectory(prefix: String) throws(OCIError) -> String {
  var template = Array((prefix + "XXXXXX").utf8CString)
  let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
  guard made != nil else {
    throw OCIError(.storage, "cannot create \(prefix)XXXXXX: \(errnoText())")
  }
  return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// An exclusive `flock` on `path` (created if needed), released by `unlock()`: the
/// cache's index.json is updated by concurrent pulls.
struct FileLock {
  let fd: Int32

  init(path: String) throws(OCIError) {
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw OCIError(.storage, "\(path): \(errnoText())") }
    while flock(fd, LOCK_EX) != 0 {
      if errno == EINTR { continue }
      let text = errnoText()
      close(fd)
      throw OCIError(.storage, "cannot lock \(path): \(text)")
    }
  }

  func unlock() { close(fd) }
}

/// The absolute path of `program` in the `:`-separated `searchPath` (default $PATH).
func findExecutable(_ program: String, searchPath: String?) -> String? {
  let path = searchPath ?? getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
  for folder in path.split(separator: ":") where !folder.isEmpty {
    let candidate = "\(folder)/\(program)"
    if access(candidate, X_OK) == 0 { return candidate }
  }
  return nil
}

// The standard library's `withUnsafe...Bytes` rethrow untyped errors; these keep a
// typed `OCIError` through the closure.
extension Array where Element == UInt8 {
  func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(OCIError) -> R) throws(OCIError) -> R {
    var result: Result<R, OCIError>?
    withUnsafeBytes { raw in
      result = Result { () throws(OCIError) -> R in try body(raw) }
    }
    return try result!.get()
  }

  mutating func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws(OCIError) -> R)
    throws(OCIError) -> R
  {
    var result: Result<R, OCIError>?
    withUnsafeMutableBytes { raw in
      result = Result { () throws(OCIError) -> R in try body(raw) }
    }
    return try result!.get()
  }
}
