// Host modules open what a guest names (a BPF attach target) through the guest's
// preopens, as the guest's libc would pick them, and never outside them.

import Glibc
import Testing
import WasiPreview1

/// Where host fd `fd` points (readlink of /proc/self/fd/N).
private func target(of fd: Int32) -> String {
  var buffer = [CChar](repeating: 0, count: 4096)
  let length = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
  guard length > 0 else { return "" }
  return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

@Suite struct HostDescriptorTests {
  /// root/a/b/file, and root/out -> /etc (a symlink leaving the tree).
  func tree() throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory()
    try directory.mkdir("a")
    try directory.mkdir("a/b")
    try writeFile(directory.sub("a/b/file"), "x")
    guard symlink("/etc", directory.sub("out")) == 0 else {
      throw HostError(description: "symlink")
    }
    return directory
  }

  func opened(_ context: WasiContext, _ path: String, directory: Bool = false) throws(WasiErrno)
    -> String
  {
    let fd = try context.openHostDescriptor(guestPath: path, directory: directory)
    defer { close(fd) }
    #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0, "close-on-exec")
    return target(of: fd)
  }

  @Test func pathsGoToTheLongestMatchingPreopen() throws {
    let root = try tree()
    defer { root.remove() }
    let context = try WasiContext(
      configuration: WasiConfiguration(preopens: [
        WasiPreopen(hostPath: root.path, guestPath: "/sys/fs/cgroup/", isReadOnly: true),
        WasiPreopen(hostPath: root.sub("a"), guestPath: "/sys/fs/cgroup/a"),
        WasiPreopen(hostPath: root.sub("a/b"), guestPath: "."),
      ]))
    defer { context.closeAll() }
    #expect(try opened(context, "/sys/fs/cgroup/", directory: true) == root.path)
    #expect(try opened(context, "/sys/fs/cgroup", directory: true) == root.path)
    #expect(try opened(context, "/sys/fs/cgroup/a/b/file") == root.sub("a/b/file"))
    #expect(try opened(context, "/sys//fs/./cgroup/a/b", directory: true) == root.sub("a/b"))
    // Relative paths: the preopen named ".".
    #expect(try opened(context, "./file") == root.sub("a/b/file"))
    #expect(try opened(context, "file") == root.sub("a/b/file"))
  }

  @Test func nothingOutsideThePreopensIsReached() throws {
    let root = try tree()
    defer { root.remove() }
    let context = try WasiContext(
      configuration: WasiConfiguration(preopens: [
        WasiPreopen(hostPath: root.path, guestPath: "/cgroup")
      ]))
    defer { context.closeAll() }
    let refused: [(String, WasiErrno)] = [
      ("/etc/passwd", .notcapable),  // no preopen holds it
      ("/cgroupX", .notcapable),  // a prefix, not a whole component
      ("/cgroup/../../etc/passwd", .notcapable),  // `..` above the preopen
      ("/cgroup/out/passwd", .notcapable),  // a symlink out of it
      ("/cgroup/missing", .noent),
      ("relative", .notcapable),  // from "/", which is not granted
    ]
    for (path, errno) in refused {
      #expect(throws: errno, "\(path)") { _ = try opened(context, path) }
    }
    #expect(throws: WasiErrno.notdir) {
      _ = try opened(context, "/cgroup/a/b/file", directory: true)
    }
    #expect(WasiErrno.notcapable.hostErrno == EACCES)
    #expect(WasiErrno.noent.hostErrno == ENOENT)
  }

  @Test func aRootPreopenTakesRelativePathsWithoutADotPreopen() throws {
    let root = try tree()
    defer { root.remove() }
    let context = try WasiContext(
      configuration: WasiConfiguration(preopens: [WasiPreopen(hostPath: root.path, guestPath: "/")])
    )
    defer { context.closeAll() }
    #expect(try opened(context, "a/b/file") == root.sub("a/b/file"))
    #expect(try opened(context, "/a/b/file") == root.sub("a/b/file"))
  }

  @Test func aDirectoryFdTheGuestHoldsIsDuplicated() throws {
    let root = try tree()
    defer { root.remove() }
    let context = try WasiContext(
      configuration: WasiConfiguration(preopens: [WasiPreopen(hostPath: root.path)]))
    defer { context.closeAll() }
    let fd = try context.duplicateDirectoryDescriptor(guestFD: 3)
    #expect(target(of: fd) == root.path)
    close(fd)
    #expect(throws: WasiErrno.badf) { _ = try context.duplicateDirectoryDescriptor(guestFD: 9) }
    #expect(throws: WasiErrno.notdir) { _ = try context.duplicateDirectoryDescriptor(guestFD: 1) }
  }
}
