// Resolution of guest paths beneath a directory descriptor. Every path a guest names
// goes through openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, so the kernel
// itself refuses absolute paths, `..` above the directory, and symbolic links (and
// chains of them, and links swapped in while the call runs) that lead outside it.
// Operations on the last component (unlink, rename, mkdir, ...) use the *at call on a
// parent directory opened this way, with a last component that holds no '/' and is
// never `..`. See docs/wasi.md.
import Glibc
import WasiSys

/// A guest path split into a parent directory (held open, contained) and a last
/// component that is a plain name.
struct WasiResolvedParent {
  let parent: HostFileDescriptor
  /// NUL-terminated, no '/', never "" or "..".
  let name: [CChar]
  /// The guest path ended with '/': the target must be a directory.
  let requiresDirectory: Bool
}

extension WasiResolvedParent {
  /// "name/" never names an existing non-directory (POSIX); a missing name passes,
  /// for the calls that create it.
  func checkTrailingSlash() throws(WasiErrno) {
    guard requiresDirectory else { return }
    var info = stat()
    guard fstatat(parent.fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return }
    if info.st_mode & S_IFMT != S_IFDIR { throw .notdir }
  }
}

extension WasiResolvedParent {
  /// For the calls that create a name (link, symlink) where "name/" is never made:
  /// as on Linux, an existing name is `exist` (whatever it is, a dangling symbolic
  /// link included) and a missing one `noent`, instead of creating "name".
  func refuseTrailingSlashForNewName() throws(WasiErrno) {
    guard requiresDirectory else { return }
    var info = stat()
    if fstatat(parent.fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 { throw .exist }
    throw errno == ENOENT ? .noent : WasiErrno(hostErrno: errno)
  }
}

enum WasiPathResolver {
  /// Longest path a guest may pass (Linux's PATH_MAX).
  static let maximumLength = 4096

  /// Checks a guest path: not empty, no NUL, not longer than PATH_MAX.
  static func validate(_ path: [UInt8]) throws(WasiErrno) {
    guard !path.isEmpty else { throw .noent }
    guard path.count < maximumLength else { throw .nametoolong }
    guard !path.contains(0) else { throw .ilseq }
  }

  static func cString(_ bytes: [UInt8]) -> [CChar] {
    bytes.map { CChar(bitPattern: $0) } + [0]
  }

  /// Opens `path` beneath `directory` (an fd of the host), following a symbolic link
  /// in the last component only when `followLast`. An open interrupted by a signal
  /// (a FIFO waiting for its other end) is retried unless `interrupted()`: then it
  /// is `intr`.
  static func open(
    beneath directory: Int32, _ path: [UInt8], flags: Int32, mode: mode_t = 0,
    followLast: Bool, interrupted: () -> Bool
  ) throws(WasiErrno) -> HostFileDescriptor {
    try validate(path)
    let hostPath = cString(path)
    // openat2 refuses O_PATH with any flag but O_DIRECTORY/O_NOFOLLOW/O_CLOEXEC.
    var hostFlags = flags | O_CLOEXEC | (flags & wasi_o_path != 0 ? 0 : O_NOCTTY)
    if !followLast { hostFlags |= O_NOFOLLOW }
    let hostMode = UInt64(hostFlags & O_CREAT != 0 ? mode : 0)
    var attempts = 0
    while true {
      let fd = wasi_openat2(
        directory, hostPath, UInt64(UInt32(bitPattern: hostFlags)), hostMode,
        wasi_resolve_contained)
      if fd >= 0 { return HostFileDescriptor(fd) }
      let code = errno
      switch code {
      case EINTR where !interrupted(): continue
      // The kernel refuses resolutions that a concurrent rename could have made
      // unsafe with EAGAIN; a retry resolves afresh.
      case EAGAIN where attempts < 16: attempts += 1
      // Leaving the directory (absolute path, `..` above it, a symlink out of it).
      case EXDEV: throw .notcapable
      default: throw WasiErrno(hostErrno: code)
      }
    }
  }

  /// The parent of `path`'s last component, opened beneath `directory`.
  static func parent(beneath directory: Int32, _ path: [UInt8], interrupted: () -> Bool)
    throws(WasiErrno) -> WasiResolvedParent
  {
    try validate(path)
    guard path.first != UInt8(ascii: "/") else { throw .notcapable }
    var trimmed = path[...]
    while trimmed.last == UInt8(ascii: "/") { trimmed = trimmed.dropLast() }
    let requiresDirectory = trimmed.count != path.count
    let last: ArraySlice<UInt8>
    let parentPath: [UInt8]
    if let slash = trimmed.lastIndex(of: UInt8(ascii: "/")) {
      last = trimmed[(slash + 1)...]
      parentPath = Array(trimmed[..<slash])
    } else {
      last = trimmed
      parentPath = [UInt8(ascii: ".")]
    }
    if last.elementsEqual([UInt8(ascii: ".")]) || last.elementsEqual(Array("..".utf8)) {
      // The last component names a directory reached through `.`/`..`: open that
      // directory itself (contained) and operate on its "." entry, so an `..` never
      // reaches an *at call.
      let target = try open(
        beneath: directory, Array(trimmed), flags: wasi_o_path | O_DIRECTORY, followLast: true,
        interrupted: interrupted)
      return WasiResolvedParent(
        parent: target, name: cString([UInt8(ascii: ".")]), requiresDirectory: true)
    }
    let parent = try open(
      beneath: directory, parentPath.isEmpty ? [UInt8(ascii: ".")] : parentPath,
      flags: wasi_o_path | O_DIRECTORY, followLast: true, interrupted: interrupted)
    return WasiResolvedParent(
      parent: parent, name: cString(Array(last)), requiresDirectory: requiresDirectory)
  }
}
