// One running guest, as a handle other threads hold: start it (on a thread of its
// own, or on the caller's), stop it gracefully or by force, pause and resume its BPF
// links, read its counters, wait for its outcome. What runs on the guest's thread is
// GuestSession.swift; the thread that enforces deadlines and wakes a blocked guest is
// GuestWatchdog.swift.
//
// Stopping, in two steps:
//   1. `interrupt()`: graceful. The guest's blocked waits end (a buffer poll returns
//      the guest's EINTR, a sleep or read returns `intr`) and keep ending, so a guest
//      that checks for EINTR leaves its loop and finishes by itself: its output
//      flushed, its own exit status. Its writes are not interrupted.
//   2. `forceStop()` (or the grace period given to `interrupt`): the store's interrupt
//      flag makes the guest trap at its next call or loop back-edge; the outcome is
//      `.stopped(reason)`.
// Whatever the outcome, the guest's thread detaches every link and closes every BPF
// object, buffer and WASI descriptor before the outcome is published.

import Synchronization
import WasiBpf
import WasmInterp

#if canImport(Glibc)
  import Glibc
#endif

/// A handle used the wrong way (started twice, or no thread could be made).
public struct GuestLifecycleError: Error, Sendable, CustomStringConvertible {
  public var description: String
}

/// What the guest's own thread and its hosts read without a lock.
final class GuestControl: Sendable {
  /// A stop was asked (graceful or forced): waits end.
  let stopRequested = Atomic<Bool>(false)
  /// The stop is forced: writes end too.
  let forced = Atomic<Bool>(false)
  let fuelConsumed = Atomic<UInt64>(0)
  let memoryBytes = Atomic<UInt64>(0)
  let hostCalls = Atomic<UInt64>(0)
  let traps = Atomic<UInt64>(0)
}

/// One guest: its configuration, its lifecycle and what it reports.
///
/// ```swift
/// let guest = Guest(configuration, observer: GuestObserver(audit: { print($0) }))
/// try guest.start()
/// guest.pauseLinks()      // later: guest.resumeLinks()
/// guest.interrupt(forceAfter: .seconds(2))
/// switch guest.wait() { case .exited(let code): ... }
/// ```
public final class Guest: @unchecked Sendable {
  /// What the guest runs, with what and under which limits and policy.
  public let configuration: GuestConfiguration
  /// Who hears its audit records, diagnostics and trace.
  public let observer: GuestObserver
  let control = GuestControl()

  // Everything below is guarded by `mutex`.
  let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
  /// Broadcast when the phase, a deadline or a stop changes.
  let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
  var phase: GuestState = .created
  private var finalOutcome: GuestOutcome?
  /// The thread running the guest, while it does (the watchdog signals it).
  var guestThread: pthread_t?
  /// The store's interrupt handle, once the store exists.
  private var interruptHandle: InterruptHandle?
  /// The BPF host, once the guest imports wasm_bpf (kept after the end for counters).
  var host: BpfHost?
  private var wantsLinksPaused = false
  var forcedReason: GuestStopReason?
  /// Monotonic nanoseconds at which the watchdog forces a stop.
  var timeoutDeadline: UInt64?
  var graceDeadline: UInt64?
  var graceReason: GuestStopReason = .requested
  var watchdogRunning = false
  /// Readable (the read end of a pipe) once the guest has finished: for an embedder's
  /// poll(2) loop. Owned by the handle.
  public let completionDescriptor: Int32
  private let completionWriteEnd: Int32

  public init(_ configuration: GuestConfiguration, observer: GuestObserver = GuestObserver()) {
    self.configuration = configuration
    self.observer = observer
    pthread_mutex_init(mutex, nil)
    var attributes = pthread_condattr_t()
    pthread_condattr_init(&attributes)
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
    pthread_cond_init(changed, &attributes)
    pthread_condattr_destroy(&attributes)
    var ends: [Int32] = [-1, -1]
    if pipe(&ends) == 0 {
      for end in ends {
        _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        _ = fcntl(end, F_SETFL, O_NONBLOCK)
      }
    }
    completionDescriptor = ends[0]
    completionWriteEnd = ends[1]
  }

  deinit {
    if completionDescriptor >= 0 { close(completionDescriptor) }
    if completionWriteEnd >= 0 { close(completionWriteEnd) }
    pthread_cond_destroy(changed)
    pthread_mutex_destroy(mutex)
    changed.deallocate()
    mutex.deallocate()
  }

  func locked<R>(_ body: () throws -> R) rethrows -> R {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body()
  }

  // MARK: Lifecycle

  /// Runs the guest on a new thread of its own; returns at once. The handle stays
  /// alive until the guest has finished, even if the caller drops it.
  public func start() throws(GuestLifecycleError) {
    try begin()
    GuestWakeUp.install()
    let created = startDetachedThread(stackBytes: Self.threadStackBytes) { self.runHere() }
    guard created == 0 else {
      let reason = GuestLifecycleError(description: "cannot start a thread: errno \(created)")
      finish(.failed(GuestFailure(.configuration, reason.description)))
      throw reason
    }
  }

  /// Runs the guest on the calling thread until it ends, and returns its outcome.
  /// Another thread may stop it meanwhile. (SIGURG, which wakes a blocked guest, is
  /// unblocked in the calling thread.)
  @discardableResult
  public func run() -> GuestOutcome {
    do {
      try begin()
    } catch {
      return wait()
    }
    GuestWakeUp.install()
    runHere()
    return wait()
  }

  /// The stack of the guest's thread: host calls and guest callbacks nest on it.
  static let threadStackBytes = 8 << 20

  private func begin() throws(GuestLifecycleError) {
    let (alreadyStarted, timed) = locked { () -> (Bool, Bool) in
      guard phase == .created else { return (true, false) }
      phase = .running
      if let timeout = configuration.limits.timeout {
        timeoutDeadline = monotonicNanoseconds() &+ timeout.nanoseconds
      }
      // A stop asked before the start needs the watchdog from now on, too.
      let stopping = control.stopRequested.load(ordering: .relaxed)
      return (false, timeoutDeadline != nil || stopping)
    }
    if alreadyStarted {
      throw GuestLifecycleError(description: "the guest was already started")
    }
    if timed { startWatchdog() }
  }

  /// The guest's thread: the session, then the outcome.
  private func runHere() {
    GuestWakeUp.unblockInThisThread()
    locked { guestThread = pthread_self() }
    let outcome = GuestSession(guest: self).run()
    finish(outcome)
  }

  private func finish(_ outcome: GuestOutcome) {
    locked {
      let forced = forcedReason
      finalOutcome = forced.map { .stopped($0) } ?? outcome
      if case .trapped = outcome { control.traps.store(1, ordering: .relaxed) }
      phase = .finished
      guestThread = nil
      interruptHandle = nil
      // Before anyone can see the outcome: readable means finished.
      var byte: UInt8 = 1
      _ = write(completionWriteEnd, &byte, 1)
      pthread_cond_broadcast(changed)
    }
  }

  /// Blocks until the guest has finished; its outcome.
  public func wait() -> GuestOutcome {
    locked {
      while finalOutcome == nil { pthread_cond_wait(changed, mutex) }
      return finalOutcome!
    }
  }

  /// Blocks until the guest has finished or `timeout` has passed; nil on timeout.
  public func wait(timeout: Duration) -> GuestOutcome? {
    let deadline = monotonicNanoseconds() &+ timeout.nanoseconds
    return locked {
      while finalOutcome == nil {
        var time = timespec(deadline)
        if pthread_cond_timedwait(changed, mutex, &time) == ETIMEDOUT { break }
      }
      return finalOutcome
    }
  }

  /// The outcome, once finished.
  public var outcome: GuestOutcome? { locked { finalOutcome } }

  public var state: GuestState { locked { phase } }

  // MARK: Stopping

  /// Asks the guest to stop gracefully: its blocked polls and sleeps return EINTR
  /// (its own numbering), now and at every later wait, so it can leave its loop and
  /// end by itself. After `grace` (if given) the stop is forced, with `reason`.
  public func interrupt(forceAfter grace: Duration? = nil, reason: GuestStopReason = .requested) {
    control.stopRequested.store(true, ordering: .releasing)
    locked {
      if let grace, forcedReason == nil {
        let deadline = monotonicNanoseconds() &+ grace.nanoseconds
        graceDeadline = min(graceDeadline ?? .max, deadline)
        graceReason = reason
      }
      pthread_cond_broadcast(changed)
    }
    startWatchdog()
  }

  /// Stops the guest now: it traps at its next call or loop back-edge (a blocked call
  /// is woken), everything is released, and the outcome is `.stopped(reason)`. The
  /// first reason given wins.
  public func forceStop(_ reason: GuestStopReason = .requested) {
    locked { forceLocked(reason) }
    startWatchdog()
  }

  /// `forceStop` with the mutex held.
  func forceLocked(_ reason: GuestStopReason) {
    guard forcedReason == nil, phase != .finished else { return }
    forcedReason = reason
    control.stopRequested.store(true, ordering: .releasing)
    control.forced.store(true, ordering: .releasing)
    interruptHandle?.interrupt()
    pthread_cond_broadcast(changed)
  }

  /// The session publishes the store's interrupt handle; a stop forced before it
  /// existed takes effect now.
  func publish(interruptHandle handle: InterruptHandle) {
    locked {
      interruptHandle = handle
      if forcedReason != nil { handle.interrupt() }
    }
  }

  /// The session publishes the BPF host; links asked paused before it existed start
  /// paused.
  func publish(host newHost: BpfHost) {
    let paused = locked { () -> Bool in
      host = newHost
      return wantsLinksPaused
    }
    if paused { newHost.pauseLinks() }
  }

  // MARK: BPF links

  /// Detaches every BPF link of the guest, keeping its objects, maps, buffers and the
  /// guest itself running; links it makes meanwhile wait for `resumeLinks`. Returns the
  /// number of links detached. Before the guest has loaded anything, its links will
  /// start paused.
  @discardableResult
  public func pauseLinks() -> Int {
    let current = locked { () -> BpfHost? in
      wantsLinksPaused = true
      return host
    }
    return current?.pauseLinks() ?? 0
  }

  /// Attaches again every link `pauseLinks` detached, without reloading anything;
  /// returns the links that could not be attached again.
  @discardableResult
  public func resumeLinks() -> [BpfError] {
    let current = locked { () -> BpfHost? in
      wantsLinksPaused = false
      return host
    }
    return current?.resumeLinks() ?? []
  }

  /// True between `pauseLinks` and `resumeLinks`.
  public var linksPaused: Bool { locked { wantsLinksPaused } }

  /// Whether the guest imports `wasm_bpf` (known once it has been loaded).
  public var usesBpf: Bool { locked { host != nil } }

  /// Every attachment of the guest's BPF programs (empty before it attaches, and once
  /// it has finished).
  public var attachments: [BpfAttachmentInfo] {
    (locked { host })?.attachments ?? []
  }

  // MARK: Observation

  /// The guest's counters now; any thread, any time.
  public var counters: GuestCounters {
    var counters = GuestCounters()
    counters.fuelConsumed = control.fuelConsumed.load(ordering: .relaxed)
    counters.memoryBytes = control.memoryBytes.load(ordering: .relaxed)
    counters.hostCalls = control.hostCalls.load(ordering: .relaxed)
    counters.traps = control.traps.load(ordering: .relaxed)
    if let host = locked({ host }) {
      counters.eventsDelivered = host.statistics.eventsDelivered
      counters.callbackNanoseconds = host.statistics.callbackNanoseconds
      counters.pollCalls = host.statistics.pollCalls
      counters.policyDenials = host.enforcer.denialCount
      counters.openObjects = host.openObjectCount
      let attachments = host.attachments
      counters.links = attachments.count
      counters.attachedLinks = attachments.filter(\.isAttached).count
    }
    return counters
  }
}

/// What a new thread runs.
private final class ThreadBody {
  let run: () -> Void
  init(_ run: @escaping () -> Void) { self.run = run }
}

/// Runs `body` on a new detached thread with `stackBytes` of stack (the thread holds
/// what `body` captures until it returns); 0, or pthread_create's error.
func startDetachedThread(stackBytes: Int, _ body: @escaping () -> Void) -> Int32 {
  var attributes = pthread_attr_t()
  pthread_attr_init(&attributes)
  defer { pthread_attr_destroy(&attributes) }
  pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
  pthread_attr_setstacksize(&attributes, stackBytes)
  var thread = pthread_t()
  let retained = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
  let created = pthread_create(
    &thread, &attributes,
    { raw in
      Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().run()
      return nil
    }, retained)
  if created != 0 { Unmanaged<ThreadBody>.fromOpaque(retained).release() }
  return created
}

extension Duration {
  /// Whole nanoseconds, 0 for negative durations, saturating.
  var nanoseconds: UInt64 {
    let (seconds, attoseconds) = components
    guard seconds >= 0 else { return 0 }
    let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
    guard !overflow else { return .max }
    let (sum, overflow2) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
    return overflow2 ? .max : sum
  }
}

func monotonicNanoseconds() -> UInt64 {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

extension timespec {
  /// A monotonic-clock deadline in nanoseconds, as pthread_cond_timedwait takes it.
  init(_ nanoseconds: UInt64) {
    let seconds = min(nanoseconds / 1_000_000_000, UInt64(Int.max))
    self.init(tv_sec: Int(seconds), tv_nsec: Int(nanoseconds % 1_000_000_000))
  }
}
