// SIGINT and SIGTERM while a guest runs: the first asks the guest to end (its polls
// and sleeps return EINTR; after the grace period it is stopped), the second stops it
// now, the third exits at once with 128 + N (the kernel detaches links and frees maps
// when the process's descriptors close).
//
// A signal handler may only do async-signal-safe work, so it only writes the signal's
// number to a self-pipe (write(2) is async-signal-safe). This thread blocks the two
// signals while it starts the guest's thread (which inherits the mask, so the signals
// never interrupt the guest's own calls), then unblocks them and waits in poll(2) on
// that pipe and on the guest's completion descriptor.

import WasmbpfGuest

#if canImport(Glibc)
  import Glibc
#endif

/// Write end of the self-pipe, read by the handler. Set before the handler is
/// installed (so the global's one-time initialisation is done by then).
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1

private let forwardSignal: @convention(c) (Int32) -> Void = { signal in
  let savedErrno = errno
  var byte = UInt8(truncatingIfNeeded: signal)
  _ = write(signalPipeWriteEnd, &byte, 1)
  errno = savedErrno
}

enum SignalForwarding {
  /// Runs `guest` on its own thread and forwards SIGINT/SIGTERM to it until it ends.
  /// The handlers stay installed until the process exits (a late signal only writes to
  /// the pipe).
  static func run(
    _ guest: Guest, grace: Duration, trace: @escaping (String) -> Void
  ) -> GuestOutcome {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { return guest.run() }
    for end in ends {
      _ = fcntl(end, F_SETFD, FD_CLOEXEC)
      _ = fcntl(end, F_SETFL, O_NONBLOCK)
    }
    let readEnd = ends[0]
    signalPipeWriteEnd = ends[1]

    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    var previousMask = sigset_t()
    pthread_sigmask(SIG_BLOCK, &signals, &previousMask)
    var action = sigaction()
    action.__sigaction_handler.sa_handler = forwardSignal
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
    sigaction(SIGTERM, &action, nil)

    let started: Bool
    do {
      try guest.start()
      started = true
    } catch {
      started = false
    }
    // Unblocked here only: a parent may have left them blocked (the mask survives exec).
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    guard started else { return guest.wait() }

    var received = 0
    while true {
      var descriptors = [
        pollfd(fd: guest.completionDescriptor, events: Int16(POLLIN), revents: 0),
        pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0),
      ]
      let ready = poll(&descriptors, 2, -1)
      if ready < 0 {
        if errno == EINTR { continue }
        break
      }
      if descriptors[0].revents != 0 { break }
      var byte: UInt8 = 0
      while read(readEnd, &byte, 1) == 1 {
        let signal = Int32(byte)
        received += 1
        switch received {
        case 1:
          trace("\(signalName(signal)): asking the guest to end (grace period \(grace))")
          guest.interrupt(forceAfter: grace, reason: .signal(signal))
        case 2:
          trace("\(signalName(signal)) again: stopping the guest")
          guest.forceStop(.signal(signal))
        default:
          _exit(ExitStatus.signal(signal))
        }
      }
    }
    return guest.wait()
  }
}
