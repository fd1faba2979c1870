// Lending what a guest was granted to other host modules, so that a guest names a
// host resource by a capability (a preopened directory, a path beneath one, or a
// directory fd it opened) instead of by a host path: the cgroup of a BPF attach, the
// binary of a uprobe. Every path goes through the same contained resolution as the
// guest's own `path_open` (WasiPathResolver, openat2 RESOLVE_BENEATH).

import Glibc

extension WasiContext {
  /// The host fd behind guest fd `guestFD` when it is an open directory, else nil.
  /// The fd stays owned by the WASI table: use it only during the current host call,
  /// never close it.
  public func borrowedDirectoryFD(guestFD: UInt32) -> Int32? {
    guard let descriptor = table[guestFD], descriptor.fileType == .directory else { return nil }
    return descriptor.hostFD
  }

  /// A new host fd (close-on-exec, owned by the caller) for `path` as the guest names
  /// it, opened read-only beneath the preopened directory it falls under, the way the
  /// guest's libc picks one: an absolute path goes to the preopen whose guest name is
  /// its longest leading run of whole components; a relative path to a preopen named
  /// `.` if there is one, else it is taken from `/` (wasi-libc's working directory).
  /// Symbolic links and `..` cannot leave that directory.
  ///
  /// - Throws: `notcapable` when no granted directory holds the path, or the errno of
  ///   the open (`noent`, `notdir`, ...).
  public func openHostDescriptor(guestPath path: String, directory: Bool) throws(WasiErrno)
    -> Int32
  {
    guard let (preopen, rest) = Self.preopen(for: path, among: table.preopens.map(\.descriptor))
    else { throw .notcapable }
    guard let root = preopen.hostFD else { throw .badf }
    let opened = try WasiPathResolver.open(
      beneath: root, Array(rest.utf8), flags: O_RDONLY | (directory ? O_DIRECTORY : 0),
      followLast: true, interrupted: interruptRequested)
    let fd = fcntl(opened.fd, F_DUPFD_CLOEXEC, 0)
    guard fd >= 0 else { throw .current }
    return fd
  }

  /// A duplicate (owned by the caller) of the host fd behind guest fd `guestFD` when it
  /// is an open directory.
  public func duplicateDirectoryDescriptor(guestFD: UInt32) throws(WasiErrno) -> Int32 {
    guard let descriptor = table[guestFD] else { throw .badf }
    guard descriptor.fileType == .directory, let host = descriptor.hostFD else { throw .notdir }
    let fd = fcntl(host, F_DUPFD_CLOEXEC, 0)
    guard fd >= 0 else { throw .current }
    return fd
  }

  /// The preopen that `path` falls under and the rest of the path beneath it ("." for
  /// the preopen itself).
  static func preopen(for path: String, among preopens: [WasiDescriptor]) -> (
    WasiDescriptor, String
  )? {
    func components(_ text: String) -> [Substring] {
      text.split(separator: "/").filter { $0 != "." }
    }
    var absolute = path
    if !path.hasPrefix("/") {
      let dot = preopens.first { descriptor in
        let name = String(decoding: descriptor.preopenName ?? [], as: UTF8.self)
        return components(name).isEmpty && !name.hasPrefix("/")
      }
      if let dot {
        let rest = components(path).joined(separator: "/")
        return (dot, rest.isEmpty ? "." : rest)
      }
      absolute = "/" + path
    }
    let wanted = components(absolute)
    var best: (descriptor: WasiDescriptor, length: Int)?
    for descriptor in preopens {
      let name = String(decoding: descriptor.preopenName ?? [], as: UTF8.self)
      guard name.hasPrefix("/") else { continue }
      let prefix = components(name)
      guard prefix.count <= wanted.count, wanted.starts(with: prefix) else { continue }
      if best == nil || prefix.count > best!.length { best = (descriptor, prefix.count) }
    }
    guard let best else { return nil }
    let rest = wanted.dropFirst(best.length).joined(separator: "/")
    return (best.descriptor, rest.isEmpty ? "." : rest)
  }
}
