// Stops a running guest on SIGINT/SIGTERM or when --timeout expires.
//
// A signal handler may only do async-signal-safe work. `InterruptHandle.interrupt()`
// is an atomic store, but reaching it from a handler means reading a Swift class
// reference (retain/release), which is not safe. So the handler only writes the
// signal's number to a self-pipe (write(2) is async-signal-safe); a small watcher
// thread polls that pipe, with the timeout as poll's timeout, and does the rest:
// records why the guest is stopped, interrupts the store (the guest traps at its
// next call or loop back-edge), and makes `BpfHost.shouldStop` true (a ring-buffer
// poll ends within one slice). A second signal exits at once with 128 + N: the
// kernel detaches links and frees maps when the process's descriptors close.
//
// The watcher blocks the two signals in its own thread, so they are delivered to the
// guest's thread; with no SA_RESTART, a blocking system call there (a WASI read, an
// epoll wait) returns EINTR, and the WASI and BPF hosts, asked `shouldStop`, end the
// call instead of retrying it.

import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Write end of the self-pipe, read by the signal handler. Set before the handler is
/// installed (so the global's one-time initialisation is done by then).
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

/// The last signal received, set by the handler itself (a lock-free atomic store is
/// async-signal-safe) so that the guest's thread, woken by EINTR, sees it at once,
/// before the watcher thread has read the pipe.
private let receivedSignal = Atomic<Int32>(0)

private let forwardSignal: @convention(c) (Int32) -> Void = { signal in
  let savedErrno = errno
  receivedSignal.store(signal, ordering: .releasing)
  var byte = UInt8(truncatingIfNeeded: signal)
  _ = write(signalPipeWriteEnd, &byte, 1)
  errno = savedErrno
}

/// Does nothing: installed for SIGURG (ignored by default) so that the watcher can
/// wake the guest's thread from a blocking call (EINTR) once the guest must stop.
private let wakeUp: @convention(c) (Int32) -> Void = { _ in }

/// Why the watcher stopped the guest.
enum StopReason: Equatable {
  case signal(Int32)
  case timeout
}

final class RunWatcher: @unchecked Sendable {
  private let interruptHandle: InterruptHandleBox
  private let timeoutMilliseconds: Int?
  private let handlesSignals: Bool
  private let readEnd: Int32
  private let writeEnd: Int32
  private var thread = pthread_t()
  /// The thread that runs the guest (the one that made the watcher).
  private let guestThread = pthread_self()
  private var running = false
  /// 0: running; a signal number; or -1 for the timeout.
  private let stopState = Atomic<Int32>(0)

  /// Starts watching. Returns nil when there is nothing to watch (no signal handling
  /// asked and no timeout), or when the pipe or thread cannot be made.
  init?(
    interrupt: @escaping @Sendable () -> Void, timeoutMilliseconds: Int?, handlesSignals: Bool
  ) {
    guard handlesSignals || timeoutMilliseconds != nil else { return nil }
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return nil }
    _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
    self.readEnd = ends[0]
    self.writeEnd = ends[1]
    self.interruptHandle = InterruptHandleBox(interrupt)
    self.timeoutMilliseconds = timeoutMilliseconds
    self.handlesSignals = handlesSignals
    do {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = wakeUp
      sigemptyset(&action.sa_mask)
      action.sa_flags = 0  // no SA_RESTART: the kick must end a blocking call
      sigaction(SIGURG, &action, nil)
      var signals = sigset_t()
      sigemptyset(&signals)
      sigaddset(&signals, SIGURG)
      pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }
    if handlesSignals {
      signalPipeWriteEnd = writeEnd
      _ = receivedSignal.load(ordering: .relaxed)  // initialised before the handler runs
      var action = sigaction()
      action.__sigaction_handler.sa_handler = forwardSignal
      sigemptyset(&action.sa_mask)
      action.sa_flags = 0  // no SA_RESTART: blocking calls return EINTR
      sigaction(SIGINT, &action, nil)
      sigaction(SIGTERM, &action, nil)
      // A parent may have left them blocked (the mask survives exec): unblock them
      // here so they reach this thread.
      var signals = sigset_t()
      sigemptyset(&signals)
      sigaddset(&signals, SIGINT)
      sigaddset(&signals, SIGTERM)
      pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }
    let context = Unmanaged.passRetained(self).toOpaque()
    let created = pthread_create(
      &thread, nil,
      { context in
        let watcher = Unmanaged<RunWatcher>.fromOpaque(context!).takeRetainedValue()
        watcher.watch()
        return nil
      }, context)
    guard created == 0 else {
      // No watcher: the signals keep their default action (end the process).
      if handlesSignals {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
      }
      Unmanaged<RunWatcher>.fromOpaque(context).release()
      close(readEnd)
      close(writeEnd)
      return nil
    }
    running = true
  }

  /// Why the guest was stopped, if it was.
  var stopReason: StopReason? {
    let state = stopState.load(ordering: .acquiring)
    if state == 0 { return nil }
    return state < 0 ? .timeout : .signal(state)
  }

  /// True once a signal or the timeout asked the guest to stop.
  var shouldStop: Bool {
    stopState.load(ordering: .relaxed) != 0
      || (handlesSignals && receivedSignal.load(ordering: .relaxed) != 0)
  }

  /// Ends the watcher thread. Signal handlers stay installed until the process
  /// exits: a late signal then only writes to the pipe, which nobody reads.
  func finish() {
    guard running else { return }
    running = false
    var quit: UInt8 = 0
    _ = write(writeEnd, &quit, 1)
    pthread_join(thread, nil)
    if !handlesSignals {
      close(readEnd)
      close(writeEnd)
    }
  }

  private func watch() {
    var blocked = sigset_t()
    sigemptyset(&blocked)
    sigaddset(&blocked, SIGINT)
    sigaddset(&blocked, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &blocked, nil)

    var deadline = timeoutMilliseconds.map { monotonicMilliseconds() + $0 }
    while true {
      var wait: Int32 = -1
      if stopState.load(ordering: .relaxed) != 0 {
        wait = Self.kickIntervalMilliseconds
      } else if let deadline {
        wait = Int32(clamping: max(deadline - monotonicMilliseconds(), 0))
      }
      var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, wait)
      if ready < 0 {
        if errno == EINTR { continue }
        return
      }
      if ready == 0 {
        if stopState.load(ordering: .relaxed) == 0 {
          deadline = nil
          stop(state: -1)
        }
        // The guest may be blocked in a host call (a WASI sleep, a read), or about to
        // enter one, where a single signal could be missed: EINTR every interval makes
        // the call check `shouldStop` until the guest has ended.
        pthread_kill(guestThread, SIGURG)
        continue
      }
      var byte: UInt8 = 0
      guard read(readEnd, &byte, 1) == 1 else { continue }
      if byte == 0 { return }
      let signal = Int32(byte)
      if stopState.load(ordering: .acquiring) > 0 {
        _exit(ExitStatus.signal(signal))
      }
      stop(state: signal)
    }
  }

  /// How often a stopped guest's thread is woken from a blocking call.
  static let kickIntervalMilliseconds: Int32 = 20

  private func stop(state: Int32) {
    // A timeout does not hide a later signal, and a signal is never overwritten.
    let current = stopState.load(ordering: .acquiring)
    if current > 0 { return }
    stopState.store(state, ordering: .releasing)
    interruptHandle.interrupt()
  }
}

/// The store's interrupt function, sendable to the watcher thread.
private struct InterruptHandleBox: Sendable {
  let interrupt: @Sendable () -> Void
  init(_ interrupt: @escaping @Sendable () -> Void) { self.interrupt = interrupt }
}

private func monotonicMilliseconds() -> Int {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
}
