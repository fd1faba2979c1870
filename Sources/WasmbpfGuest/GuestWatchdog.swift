// The thread that enforces a guest's deadlines and wakes it from blocking calls.
//
// The interpreter sees a forced stop at the guest's next call or loop back-edge, but
// a guest blocked in the kernel (a WASI sleep or read, an epoll wait) must be woken:
// the watchdog sends SIGURG to the guest's thread, whose handler does nothing and is
// installed without SA_RESTART, so the blocking call returns EINTR and the host, seeing
// the stop, ends the call instead of retrying it. A signal that lands just before the
// call blocks would be missed, so the watchdog repeats it every 20 ms until the guest
// has finished. SIGURG is ignored by default and sent by nothing else here, so this
// handler changes no other behaviour of the process.
//
// A watchdog runs only when needed: from the start when the guest has a time limit,
// else from its first interrupt or forced stop, until the guest has finished.

#if canImport(Glibc)
  import Glibc
#endif

/// The no-op SIGURG handler that makes a blocking call return EINTR.
enum GuestWakeUp {
  static let signal = SIGURG

  private static let installed: Void = {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0  // no SA_RESTART: the call must end
    sigaction(GuestWakeUp.signal, &action, nil)
  }()

  static func install() { _ = installed }

  /// The guest's thread must receive it whatever mask it inherited.
  static func unblockInThisThread() {
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, signal)
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
  }
}

extension Guest {
  /// How often a stopping guest's thread is woken.
  static let kickIntervalNanoseconds: UInt64 = 20_000_000

  /// Starts the watchdog unless it runs already or the guest is not running (a guest
  /// not yet started gets one when it starts, if a stop or a deadline needs it).
  func startWatchdog() {
    let needed = locked { () -> Bool in
      guard !watchdogRunning, phase == .running else { return false }
      watchdogRunning = true
      return true
    }
    guard needed else { return }
    if startDetachedThread(stackBytes: 256 << 10, { self.watch() }) != 0 {
      // No watchdog: a forced stop still reaches a running guest through the store's
      // interrupt flag; only the deadlines and the wake-ups are lost.
      locked { watchdogRunning = false }
    }
  }

  private func watch() {
    // The watchdog must not take signals meant for the process's own handling.
    var blocked = sigset_t()
    sigfillset(&blocked)
    pthread_sigmask(SIG_BLOCK, &blocked, nil)
    waitLoop()
  }
}

extension Guest {
  /// Until the guest has finished: force the stop when a deadline passes, and wake
  /// the guest's thread while it is being stopped.
  fileprivate func waitLoop() {
    pthread_mutex_lock(mutex)
    defer {
      watchdogRunning = false
      pthread_mutex_unlock(mutex)
    }
    while phase != .finished {
      let now = monotonicNanoseconds()
      if let deadline = timeoutDeadline, now >= deadline { forceLocked(.timeout) }
      if let deadline = graceDeadline, now >= deadline { forceLocked(graceReason) }
      var wake: UInt64?
      if control.stopRequested.load(ordering: .acquiring) {
        if let thread = guestThread { pthread_kill(thread, GuestWakeUp.signal) }
        wake = now &+ Self.kickIntervalNanoseconds
      }
      if forcedReason == nil {
        for deadline in [timeoutDeadline, graceDeadline].compactMap({ $0 }) {
          wake = min(wake ?? .max, max(deadline, now))
        }
      }
      if let wake {
        var time = timespec(wake)
        pthread_cond_timedwait(changed, mutex, &time)
      } else {
        pthread_cond_wait(changed, mutex)
      }
    }
  }
}
