// The WASI core: one guest's descriptor table, arguments, environment and the
// behaviour of every wasi_snapshot_preview1 function, independent of any
// interpreter. The import glue (WasiImports.swift) decodes raw arguments and calls
// the methods here; tests can call them directly over a host buffer as memory.
import Glibc
import WasiSys

/// The guest asked to end: `proc_exit(code)` (or a fatal `proc_raise`). Thrown
/// through the guest's frames; the embedder reads `code`.
public struct WasiExit: Error, Sendable, Equatable {
  public let code: UInt32
  public init(code: UInt32) { self.code = code }
}

/// A configuration the host could not set up.
public struct WasiSetupError: Error, Sendable, CustomStringConvertible {
  public let path: String
  public let errno: WasiErrno
  public var description: String { "cannot open \(path): \(errno)" }
}

/// The state of one WASI instance.
public final class WasiContext {
  public let configuration: WasiConfiguration
  var table = WasiDescriptorTable()
  let arguments: [[UInt8]]
  let environment: [[UInt8]]
  /// What the guest wrote to stdout / stderr when they are `.buffer` streams.
  public let stdoutBuffer = WasiOutputBuffer()
  public let stderrBuffer = WasiOutputBuffer()
  /// Asked when a signal interrupts a blocking host call (EINTR): `poll_oneoff`'s
  /// wait, a read or write of a pipe, terminal or socket, an accept, the open of a
  /// FIFO. True ends the call with `intr` instead of retrying it, so that an embedder
  /// stopping the guest (the CLI on SIGINT or its timeout) is not held up by a guest
  /// blocked in the kernel. The embedder must also get a signal (without
  /// `SA_RESTART`) to the guest's thread, and keep doing so until the guest has ended:
  /// one that lands just before the call blocks is otherwise missed.
  public var interruptRequested: () -> Bool = { false }
  /// Like `interruptRequested`, for writes (`fd_write`, `fd_pwrite`, `sock_send`)
  /// blocked on a full pipe or socket; nil asks `interruptRequested`. An embedder
  /// that stops a guest gracefully (its waits end, it finishes and flushes its output)
  /// answers false here until it forces the stop, so the final output is not lost.
  public var writeInterruptRequested: (() -> Bool)?

  public init(configuration: WasiConfiguration) throws(WasiSetupError) {
    self.configuration = configuration
    arguments = configuration.arguments.map { Array($0.utf8) + [0] }
    environment = configuration.environment.map { Array("\($0.key)=\($0.value)".utf8) + [0] }
    try openStream(configuration.stdin, hostFD: 0, output: nil)
    try openStream(configuration.stdout, hostFD: 1, output: stdoutBuffer)
    try openStream(configuration.stderr, hostFD: 2, output: stderrBuffer)
    for (index, preopen) in configuration.preopens.enumerated() {
      let fd = open(preopen.hostPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      guard fd >= 0 else { throw WasiSetupError(path: preopen.hostPath, errno: .current) }
      var base = WasiRights.directory
      var inheriting = WasiRights.directory.union(.regularFile)
      if preopen.isReadOnly {
        base.subtract(.writing)
        inheriting.subtract(.writing)
      }
      let descriptor = WasiDescriptor(
        backing: .host(HostFileDescriptor(fd)), fileType: .directory, rightsBase: base,
        rightsInheriting: inheriting, preopenName: Array(preopen.guestPath.utf8),
        sandboxRoot: index, isReadOnly: preopen.isReadOnly)
      do { _ = try table.insert(descriptor) } catch {
        throw WasiSetupError(path: preopen.hostPath, errno: error)
      }
    }
  }

  private func openStream(_ stream: WasiStream, hostFD: Int32, output: WasiOutputBuffer?)
    throws(WasiSetupError)
  {
    let isInput = output == nil
    let descriptor: WasiDescriptor
    switch stream {
    case .inherit, .file:
      let fd: Int32
      var path = "standard stream \(hostFD)"
      if case .file(let filePath) = stream {
        path = filePath
        fd =
          isInput
          ? open(filePath, O_RDONLY | O_CLOEXEC)
          : open(filePath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
      } else {
        fd = fcntl(hostFD, F_DUPFD_CLOEXEC, 3)
        // The host process itself has this stream closed: so does the guest.
        if fd < 0 && errno == EBADF {
          return try openStream(.closed, hostFD: hostFD, output: output)
        }
      }
      guard fd >= 0 else { throw WasiSetupError(path: path, errno: .current) }
      let owner = HostFileDescriptor(fd)
      let type = Self.fileType(ofHostFD: fd)
      var rights = type == .regularFile ? WasiRights.regularFile : WasiRights.stream
      rights.subtract(isInput ? [.fdWrite] : [.fdRead])
      // wasi-libc's isatty() is "a character device without seek/tell rights"; that is
      // how a guest finds out its output is a terminal (and line-buffers it).
      if isatty(fd) == 1 { rights.subtract([.fdSeek, .fdTell]) }
      descriptor = WasiDescriptor(
        backing: .host(owner), fileType: type, rightsBase: rights, rightsInheriting: [])
    case .buffer(let input):
      let rights = WasiRights.stream.subtracting(isInput ? [.fdWrite] : [.fdRead])
      descriptor = WasiDescriptor(
        backing: output.map { .output($0) } ?? .input(WasiInputBuffer(input)),
        fileType: .unknown, rightsBase: rights, rightsInheriting: [])
    case .sink(let sink):
      output?.sink = sink
      let rights = WasiRights.stream.subtracting(isInput ? [.fdWrite] : [.fdRead])
      descriptor = WasiDescriptor(
        backing: output.map { .output($0) } ?? .input(WasiInputBuffer([])),
        fileType: .unknown, rightsBase: rights, rightsInheriting: [])
    case .closed:
      descriptor = WasiDescriptor(
        backing: .closed, fileType: .unknown, rightsBase: WasiRights.stream,
        rightsInheriting: [])
    }
    do { _ = try table.insert(descriptor) } catch {
      throw WasiSetupError(path: "standard stream \(hostFD)", errno: error)
    }
  }

  /// Adds an already-open host socket (ownership passes to the instance); returns its
  /// guest fd. The guest uses it with `sock_accept`/`sock_recv`/`sock_send`.
  public func addSocket(hostFD: Int32) throws(WasiErrno) -> UInt32 {
    let owner = HostFileDescriptor(hostFD)
    return try table.insert(
      WasiDescriptor(
        backing: .host(owner), fileType: Self.fileType(ofHostFD: hostFD),
        rightsBase: WasiRights.stream, rightsInheriting: WasiRights.stream))
  }

  /// Closes every descriptor (also done when the context goes away).
  public func closeAll() { table.removeAll() }

  static func fileType(mode: mode_t) -> WasiFileType {
    switch mode & S_IFMT {
    case S_IFREG: .regularFile
    case S_IFDIR: .directory
    case S_IFLNK: .symbolicLink
    case S_IFCHR: .characterDevice
    case S_IFBLK: .blockDevice
    case S_IFSOCK: .socketStream
    default: .unknown
    }
  }

  static func fileType(ofHostFD fd: Int32) -> WasiFileType {
    var info = stat()
    guard fstat(fd, &info) == 0 else { return .unknown }
    let type = fileType(mode: info.st_mode)
    if type == .socketStream {
      var socketType: Int32 = 0
      var length = socklen_t(MemoryLayout<Int32>.size)
      if getsockopt(fd, SOL_SOCKET, SO_TYPE, &socketType, &length) == 0,
        socketType == Int32(SOCK_DGRAM.rawValue)
      {
        return .socketDgram
      }
    }
    return type
  }
}

// MARK: - Arguments, environment, clocks, random, process

extension WasiContext {
  /// Writes a list of NUL-terminated strings: pointers into `pointers`, bytes into `buffer`.
  private func writeStrings(
    _ strings: [[UInt8]], _ memory: WasiMemory, pointers: UInt32, buffer: UInt32
  )
    throws(WasiErrno)
  {
    var offset = UInt64(buffer)
    for (index, string) in strings.enumerated() {
      guard offset <= UInt64(UInt32.max) else { throw .fault }
      try memory.store(UInt32(offset), pointers &+ UInt32(index * 4))
      try memory.write(string, at: UInt32(offset))
      offset += UInt64(string.count)
    }
  }

  private func writeSizes(_ strings: [[UInt8]], _ memory: WasiMemory, count: UInt32, size: UInt32)
    throws(WasiErrno)
  {
    let total = strings.reduce(0) { $0 + $1.count }
    guard strings.count <= Int(UInt32.max), total <= Int(UInt32.max) else { throw .overflow }
    try memory.store(UInt32(strings.count), count)
    try memory.store(UInt32(total), size)
  }

  func argsGet(_ memory: WasiMemory, argv: UInt32, buffer: UInt32) throws(WasiErrno) {
    _ = try memory.range(argv, UInt64(arguments.count) * 4)
    try writeStrings(arguments, memory, pointers: argv, buffer: buffer)
  }

  func argsSizesGet(_ memory: WasiMemory, count: UInt32, size: UInt32) throws(WasiErrno) {
    try writeSizes(arguments, memory, count: count, size: size)
  }

  func environGet(_ memory: WasiMemory, environ: UInt32, buffer: UInt32) throws(WasiErrno) {
    _ = try memory.range(environ, UInt64(environment.count) * 4)
    try writeStrings(environment, memory, pointers: environ, buffer: buffer)
  }

  func environSizesGet(_ memory: WasiMemory, count: UInt32, size: UInt32) throws(WasiErrno) {
    try writeSizes(environment, memory, count: count, size: size)
  }

  static func hostClock(_ id: UInt32) throws(WasiErrno) -> clockid_t {
    switch WasiClockID(rawValue: id) {
    case .realtime: CLOCK_REALTIME
    case .monotonic: CLOCK_MONOTONIC
    case .processCputime: CLOCK_PROCESS_CPUTIME_ID
    case .threadCputime: CLOCK_THREAD_CPUTIME_ID
    case nil: throw .inval
    }
  }

  func clockResGet(_ memory: WasiMemory, id: UInt32, result: UInt32) throws(WasiErrno) {
    let clock = try Self.hostClock(id)
    var resolution = timespec()
    guard clock_getres(clock, &resolution) == 0 else { throw .current }
    try memory.store(Self.nanoseconds(resolution), result)
  }

  /// The current time of `id` in nanoseconds (the injected clock when configured).
  func now(_ id: UInt32) throws(WasiErrno) -> UInt64 {
    let clock = try Self.hostClock(id)
    if let injected = configuration.clock { return injected(id) }
    var time = timespec()
    guard clock_gettime(clock, &time) == 0 else { throw .current }
    return Self.nanoseconds(time)
  }

  func clockTimeGet(_ memory: WasiMemory, id: UInt32, precision: UInt64, result: UInt32)
    throws(WasiErrno)
  {
    try memory.store(try now(id), result)
  }

  static func nanoseconds(_ time: timespec) -> UInt64 {
    UInt64(max(0, time.tv_sec)) &* 1_000_000_000 &+ UInt64(max(0, time.tv_nsec))
  }

  func randomGet(_ memory: WasiMemory, buffer: UInt32, length: UInt32) throws(WasiErrno) {
    let region = try memory.range(buffer, UInt64(length))
    if let injected = configuration.random {
      injected(region)
      return
    }
    var filled = 0
    while filled < region.count, let base = region.baseAddress {
      let got = getrandom(base + filled, region.count - filled, 0)
      if got < 0 {
        let code = errno
        if code == EINTR && !interruptRequested() { continue }
        throw WasiErrno(hostErrno: code)
      }
      filled += got
    }
  }

  /// `proc_raise`: a signal ends the instance the way it would end a process (exit
  /// status 128 + signal) unless its default action is to ignore it or stop; the host
  /// process itself never receives it.
  func procRaise(signal: UInt8) throws {
    // WASI numbers signals like Linux but without STKFLT: 1 hup ... 15 term, 16 chld,
    // 17 cont, 18 stop, 19 tstp, 20 ttin, 21 ttou, 22 urg, ..., 27 winch, ..., 30 sys.
    guard (1...30).contains(signal) else { throw WasiErrno.inval }
    switch signal {
    case 16, 17, 22, 27:  // CHLD, CONT, URG, WINCH: ignored by default
      return
    case 18, 19, 20, 21:  // STOP, TSTP, TTIN, TTOU: an instance cannot be stopped
      throw WasiErrno.notsup
    default:
      let linuxNumber = UInt32(signal < 16 ? signal : signal + 1)
      throw WasiExit(code: 128 + linuxNumber)
    }
  }

  func schedYield() throws(WasiErrno) {
    _ = sched_yield()
  }
}
