// Bounds each call a harness makes: past its deadline, the watchdog thread acts on
// it until the call returns, as an embedder stops a guest. For a WASI call it
// signals the fuzzing thread (SIGUSR2, installed without SA_RESTART), so a blocked
// `poll_oneoff` returns EINTR, and `expired` tells the call's interrupt check to give
// up (see WasiContext.interruptRequested); for a guest function it interrupts the
// store. A guest's hour-long sleep or 4 GiB memory.fill loop is then not a hang;
// what ignores both is.

import Glibc
import Synchronization

final class CallWatchdog: @unchecked Sendable {
  static let shared = CallWatchdog()

  /// CLOCK_MONOTONIC nanoseconds past which the current call is interrupted; 0: idle.
  private let deadline = Atomic<UInt64>(0)
  private let target = Atomic<UInt>(0)
  /// What to do past the deadline; nil: signal the thread that set the deadline.
  private let action = Mutex<(@Sendable () -> Void)?>(nil)

  private init() {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0  // no SA_RESTART: the blocked call returns EINTR
    sigaction(SIGUSR2, &action, nil)
    var thread = pthread_t()
    let watchdog = Unmanaged.passUnretained(self).toOpaque()
    pthread_create(
      &thread, nil,
      { context in
        let watchdog = Unmanaged<CallWatchdog>.fromOpaque(context!).takeUnretainedValue()
        return watchdog.watch()
      }, watchdog)
    pthread_detach(thread)
  }

  static func now() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
  }

  var expired: Bool {
    let limit = deadline.load(ordering: .acquiring)
    return limit != 0 && Self.now() > limit
  }

  /// Runs `body` with a deadline of `milliseconds`; past it, `onExpiry` runs (from
  /// the watchdog's thread, every few milliseconds until `body` returns), or the
  /// calling thread is signalled.
  func run<R>(
    milliseconds: UInt64, onExpiry: (@Sendable () -> Void)? = nil, _ body: () throws -> R
  ) rethrows -> R {
    action.withLock { $0 = onExpiry }
    target.store(UInt(pthread_self()), ordering: .releasing)
    deadline.store(Self.now() + milliseconds * 1_000_000, ordering: .releasing)
    defer { deadline.store(0, ordering: .releasing) }
    return try body()
  }

  private func watch() -> UnsafeMutableRawPointer? {
    while true {
      usleep(2_000)
      guard expired else { continue }
      if let act = action.withLock({ $0 }) {
        act()
      } else {
        pthread_kill(pthread_t(target.load(ordering: .acquiring)), SIGUSR2)
      }
    }
  }
}
