// Host files a guest's configuration names: its module and its policy. Read with the
// C library, so that starting a guest loads no Foundation.

import WasiBpf

#if canImport(Glibc)
  import Glibc
#endif

/// A file that could not be read, with the C library's reason.
public struct GuestFileError: Error, Sendable, Hashable, CustomStringConvertible {
  public var path: String
  public var reason: String
  public var description: String { "cannot read \(path): \(reason)" }
}

/// Whole-file reads with the C library (no Foundation on the start-up path).
public enum GuestFiles {
  /// The whole regular file at `path`.
  public static func read(_ path: String) throws(GuestFileError) -> [UInt8] {
    func failure(_ reason: String? = nil) -> GuestFileError {
      GuestFileError(path: path, reason: reason ?? String(cString: strerror(errno)))
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
        let got = Glibc.read(descriptor, base + count, buffer.count - count)
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
      let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw failure()
      }
      if count == 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    return bytes
  }
}

/// A policy that could not be found or read.
public struct GuestPolicyError: Error, Sendable, CustomStringConvertible {
  public var description: String
}

extension BpfPolicy {
  /// The policy `source` names: a preset (`unrestricted`, `observe`, `deny-all`), else
  /// a policy file (TOML, see docs/bpf-policy.md), labelled by its file name.
  public static func named(_ source: String) throws(GuestPolicyError) -> BpfPolicy {
    if let preset = BpfPolicy.preset(named: source) { return preset }
    let bytes: [UInt8]
    do {
      bytes = try GuestFiles.read(source)
    } catch {
      throw GuestPolicyError(
        description:
          "'\(source)' is neither a preset (unrestricted, observe, deny-all) nor a readable "
          + "file: \(error)")
    }
    let name = source.split(separator: "/").last.map(String.init) ?? source
    do {
      return try BpfPolicy(fileContents: String(decoding: bytes, as: UTF8.self), name: name)
    } catch {
      throw GuestPolicyError(description: "\(source): \(error)")
    }
  }
}
