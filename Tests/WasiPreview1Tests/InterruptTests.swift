// A WASI call blocked in the kernel and woken by a signal (EINTR): while the embedder
// asks the guest to stop (`interruptRequested`), the call ends with `intr`; otherwise
// it waits on. A helper thread plays the CLI's watcher: it signals the test's thread
// every 20 ms (SIGURG, a no-op handler without SA_RESTART), and, as a way out if the
// call ignores the interrupt, makes the call complete after 10 s (the test then
// fails instead of hanging).
import Glibc
import Synchronization
import Testing
import WasiPreview1

/// Does nothing: its only effect is to make a blocking system call return EINTR.
private let ignoreSignal: @convention(c) (Int32) -> Void = { _ in }

private func installWakeUpHandler() {
  var action = sigaction()
  action.__sigaction_handler.sa_handler = ignoreSignal
  sigemptyset(&action.sa_mask)
  action.sa_flags = 0  // no SA_RESTART
  sigaction(SIGURG, &action, nil)
  var signals = sigset_t()
  sigemptyset(&signals)
  sigaddset(&signals, SIGURG)
  pthread_sigmask(SIG_UNBLOCK, &signals, nil)
}

/// Signals `target` every 20 ms after a first delay; once `escapeWhen(kicks)` holds
/// (by default after 500 kicks, 10 s) it runs `escape` once, which should make the
/// blocked call complete, and keeps going until stopped.
private final class Kicker: @unchecked Sendable {
  let target = pthread_self()
  let kicks = Atomic<Int>(0)
  private let done = Atomic<Bool>(false)
  private let escapeWhen: (Int) -> Bool
  private let escape: () -> Void
  private var thread = pthread_t()

  init(escapeWhen: @escaping (Int) -> Bool = { $0 >= 500 }, escape: @escaping () -> Void) {
    self.escapeWhen = escapeWhen
    self.escape = escape
    installWakeUpHandler()
    let context = Unmanaged.passRetained(self).toOpaque()
    pthread_create(
      &thread, nil,
      { context in
        let kicker = Unmanaged<Kicker>.fromOpaque(context!).takeRetainedValue()
        kicker.run()
        return nil
      }, context)
  }

  private func run() {
    usleep(100_000)
    var escaped = false
    while !done.load(ordering: .acquiring) {
      let count = kicks.add(1, ordering: .relaxed).newValue
      pthread_kill(target, SIGURG)
      if !escaped && escapeWhen(count) {
        escaped = true
        escape()
      }
      usleep(20_000)
    }
  }

  /// Stops signalling; returns once the thread has ended (no signal after this).
  func stop() {
    done.store(true, ordering: .releasing)
    pthread_join(thread, nil)
  }
}

private final class Counter: Sendable {
  let value = Atomic<Int>(0)
}

private func pipeEnds() throws -> (read: Int32, write: Int32) {
  var ends: [Int32] = [-1, -1]
  try #require(pipe(&ends) == 0)
  // (pipe2 is not visible to Swift: the moment before these two calls is harmless
  // here, a copy of an end held elsewhere changes nothing in these tests.)
  _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
  _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
  return (ends[0], ends[1])
}

@Suite(.serialized) struct InterruptTests {
  /// fd_read of an empty pipe, `iovs` at 512 (64 bytes at 4096), count at 600.
  private func readPipe(_ guest: CoreGuest, _ fd: UInt32) throws -> WasiErrno {
    guest.putU32(4096, at: 512)
    guest.putU32(64, at: 516)
    return try guest.call("fd_read", UInt64(fd), 512, 1, 600)
  }

  @Test func anInterruptEndsABlockedReadWithIntr() throws {
    let ends = try pipeEnds()
    defer { close(ends.write) }
    let guest = try CoreGuest()
    let fd = try guest.context.addSocket(hostFD: ends.read)
    guest.context.interruptRequested = { true }
    let kicker = Kicker { _ = write(ends.write, "x", 1) }
    let result = try readPipe(guest, fd)
    kicker.stop()
    #expect(result == .intr)
    #expect(kicker.kicks.load(ordering: .relaxed) < 500, "ended by the first signals")
  }

  @Test func withoutAnInterruptABlockedReadWaitsOnThroughSignals() throws {
    let ends = try pipeEnds()
    defer { close(ends.write) }
    let guest = try CoreGuest()
    let fd = try guest.context.addSocket(hostFD: ends.read)
    // Each EINTR asks whether to stop: count them.
    let asked = Counter()
    guest.context.interruptRequested = {
      asked.value.add(1, ordering: .relaxed)
      return false
    }
    // Data only once the read has been interrupted (and retried) a few times.
    let kicker = Kicker(escapeWhen: { $0 >= 500 || asked.value.load(ordering: .relaxed) >= 3 }) {
      _ = write(ends.write, "x", 1)
    }
    let result = try readPipe(guest, fd)
    kicker.stop()
    #expect(result == .success)
    #expect(guest.u32(600) == 1 && guest.memory[4096] == UInt8(ascii: "x"))
    #expect(asked.value.load(ordering: .relaxed) >= 3, "the signals reached the read")
  }

  /// path_open of a FIFO without a writer blocks in open(2).
  @Test func anInterruptEndsAPathOpenWaitingForAFifoWriter() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try #require(mkfifo(dir.sub("fifo"), 0o600) == 0)
    let guest = try CoreGuest(WasiConfiguration(preopens: [WasiPreopen(hostPath: dir.path)]))
    guest.context.interruptRequested = { true }
    // The way out: a writer appears (non-blocking: the reader is waiting in open).
    var writer: Int32 = -1
    let kicker = Kicker { writer = open(dir.sub("fifo"), O_WRONLY | O_NONBLOCK | O_CLOEXEC) }
    let result = try guest.open(3, "fifo", rights: WasiRights.fdRead.rawValue)
    kicker.stop()
    if writer >= 0 { close(writer) }
    #expect(result.error == .intr)
    #expect(kicker.kicks.load(ordering: .relaxed) < 500, "ended by the first signals")
  }

  /// fd_write to a full pipe blocks in write(2).
  @Test func anInterruptEndsAWriteToAFullPipe() throws {
    let ends = try pipeEnds()
    defer { close(ends.read) }
    let guest = try CoreGuest()
    let fd = try guest.context.addSocket(hostFD: ends.write)
    // Fill the pipe so the next write blocks.
    _ = fcntl(ends.write, F_SETFL, O_NONBLOCK)
    var block = [UInt8](repeating: 0, count: 4096)
    while write(ends.write, &block, block.count) > 0 {}
    _ = fcntl(ends.write, F_SETFL, 0)
    guest.context.interruptRequested = { true }
    // The way out: drain the pipe.
    let kicker = Kicker {
      var sink = [UInt8](repeating: 0, count: 1 << 20)
      _ = read(ends.read, &sink, sink.count)
    }
    let result = try guest.write(fd, "more")
    kicker.stop()
    #expect(result == .intr)
    #expect(kicker.kicks.load(ordering: .relaxed) < 500, "ended by the first signals")
  }

  /// sock_recv of a connected socket whose peer sends nothing.
  @Test func anInterruptEndsABlockedSockRecv() throws {
    var pair: [Int32] = [-1, -1]
    let stream = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    try #require(socketpair(AF_UNIX, stream, 0, &pair) == 0)
    defer { close(pair[1]) }
    let guest = try CoreGuest()
    let fd = try guest.context.addSocket(hostFD: pair[0])
    guest.context.interruptRequested = { true }
    let kicker = Kicker { _ = write(pair[1], "x", 1) }
    guest.putU32(4096, at: 512)
    guest.putU32(64, at: 516)
    let result = try guest.call("sock_recv", UInt64(fd), 512, 1, 0, 520, 524)
    kicker.stop()
    #expect(result == .intr)
    #expect(kicker.kicks.load(ordering: .relaxed) < 500, "ended by the first signals")
  }

  /// sock_accept on a listening socket nobody connects to.
  @Test func anInterruptEndsABlockedSockAccept() throws {
    let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    try #require(listener >= 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let name = Array("\0wasi-interrupt-accept-\(getpid())".utf8)  // abstract: nothing on disk
    withUnsafeMutableBytes(of: &address.sun_path) { path in
      for (index, byte) in name.enumerated() { path[index] = byte }
    }
    let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
    }
    try #require(bound == 0 && listen(listener, 4) == 0)
    let guest = try CoreGuest()
    let fd = try guest.context.addSocket(hostFD: listener)
    guest.context.interruptRequested = { true }
    // The way out: a client connects.
    let client = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    defer { close(client) }
    let kicker = Kicker {
      _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) }
      }
    }
    let result = try guest.call("sock_accept", UInt64(fd), 0, 0)
    kicker.stop()
    #expect(result == .intr)
    #expect(kicker.kicks.load(ordering: .relaxed) < 500, "ended by the first signals")
    // Nothing was accepted, so no descriptor was added to the table.
    #expect(try guest.call("fd_fdstat_get", UInt64(fd + 1), 0) == .badf)
  }
}
