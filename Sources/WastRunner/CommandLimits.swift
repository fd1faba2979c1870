// Per-command bounds of a spec script run: a script is input like any other, and a
// function that loops forever (`(loop (br 0))` under an `assert_return`) must fail
// its command, not hang the run. Each instantiation and invocation gets fresh fuel
// and a deadline; past the deadline a watchdog thread interrupts the store.

import Synchronization
import WasmInterp

#if canImport(Glibc)
  import Glibc
#endif

/// Fuel and time for one script command (an instantiation or an invocation).
public struct WastCommandLimits: Sendable, Equatable {
  /// Units of work (calls and loop iterations) per command; nil: unmetered.
  public var fuel: Int?
  /// Wall-clock milliseconds per command; nil: no deadline.
  public var timeoutMilliseconds: Int?

  /// The defaults: far beyond what any spec script command needs (the heaviest take
  /// a few million units and well under a second), small enough that a looping
  /// command fails within seconds.
  public static let defaults = WastCommandLimits(fuel: 1_000_000_000, timeoutMilliseconds: 10_000)
  public static let unlimited = WastCommandLimits(fuel: nil, timeoutMilliseconds: nil)

  public init(fuel: Int?, timeoutMilliseconds: Int?) {
    self.fuel = fuel
    self.timeoutMilliseconds = timeoutMilliseconds
  }
}

/// Interrupts a store when the running command passes its deadline. One thread per
/// watchdog, stopped when the watchdog is released.
final class CommandWatchdog: @unchecked Sendable {
  private let interrupt: InterruptHandle
  /// CLOCK_MONOTONIC milliseconds; 0 while no command runs; -1 stops the thread.
  private let deadline = Atomic<Int>(0)
  private let fired = Atomic<Bool>(false)

  init(interrupt: InterruptHandle) {
    self.interrupt = interrupt
    let context = Unmanaged.passRetained(self).toOpaque()
    var thread = pthread_t()
    pthread_create(
      &thread, nil,
      { context in
        // The thread holds the watchdog until `stop()`.
        let watchdog = Unmanaged<CommandWatchdog>.fromOpaque(context!).takeRetainedValue()
        watchdog.watch()
        return nil
      }, context)
    pthread_detach(thread)
  }

  static func now() -> Int {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return time.tv_sec * 1000 + time.tv_nsec / 1_000_000
  }

  /// Runs `body` with a deadline `milliseconds` from now. The store's interrupt flag
  /// is clear again when it returns.
  func run<R, E: Error>(milliseconds: Int, _ body: () throws(E) -> R) throws(E) -> R {
    fired.store(false, ordering: .sequentiallyConsistent)
    let (end, overflow) = Self.now().addingReportingOverflow(milliseconds)
    deadline.store(overflow ? .max : end, ordering: .sequentiallyConsistent)
    defer {
      deadline.store(0, ordering: .sequentiallyConsistent)
      // An interrupt that landed after the body returned must not stop the next one.
      interrupt.reset()
    }
    return try body()
  }

  /// Whether the last `run` was interrupted by its deadline.
  var expired: Bool { fired.load(ordering: .sequentiallyConsistent) }

  func stop() { deadline.store(-1, ordering: .sequentiallyConsistent) }

  private func watch() {
    while true {
      let limit = deadline.load(ordering: .sequentiallyConsistent)
      if limit < 0 { return }
      if limit > 0 && Self.now() >= limit {
        fired.store(true, ordering: .sequentiallyConsistent)
        interrupt.interrupt()
      }
      usleep(5_000)
    }
  }
}
