// Waiting for guests to end without a thread per wait. Each guest handle has a
// descriptor that becomes readable when the guest has finished; one thread poll(2)s
// all of them (and a pipe that wakes it when the set changes) and resumes the tasks
// waiting for each. Blocking in `Guest.wait()` instead would park a thread of Swift's
// small cooperative pool per guest, and a few guests would starve the server.

import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

final class CompletionWatcher: Sendable {
  static let shared = CompletionWatcher()

  private struct State {
    var waiting: [Int32: [CheckedContinuation<Void, Never>]] = [:]
  }

  private let state = Mutex(State())
  private let wakeRead: Int32
  private let wakeWrite: Int32

  private init() {
    var ends: [Int32] = [-1, -1]
    let made = pipe(&ends)
    precondition(made == 0, "pipe failed: \(errno)")
    for end in ends {
      _ = fcntl(end, F_SETFD, FD_CLOEXEC)
      _ = fcntl(end, F_SETFL, O_NONBLOCK)
    }
    wakeRead = ends[0]
    wakeWrite = ends[1]
    let thread = Thread { [self] in loop() }
    thread.name = "wasmbpfd-completions"
    thread.stackSize = 256 << 10
    thread.start()
  }

  /// Returns once `descriptor` is readable (or has an error or hang-up).
  func wait(for descriptor: Int32) async {
    guard descriptor >= 0, !Self.isReadable(descriptor) else { return }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      state.withLock { $0.waiting[descriptor, default: []].append(continuation) }
      var byte: UInt8 = 1
      _ = Glibc.write(wakeWrite, &byte, 1)
    }
  }

  private static func isReadable(_ descriptor: Int32) -> Bool {
    var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    return poll(&entry, 1, 0) > 0
  }

  private func loop() {
    var drain = [UInt8](repeating: 0, count: 256)
    while true {
      let watched = state.withLock { Array($0.waiting.keys) }
      var entries = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
      entries += watched.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      let ready = poll(&entries, nfds_t(entries.count), -1)
      if ready < 0 {
        if errno == EINTR { continue }
        // Should not happen; avoid spinning if it does.
        usleep(10_000)
        continue
      }
      if entries[0].revents != 0 { _ = Glibc.read(wakeRead, &drain, drain.count) }
      var resumed: [CheckedContinuation<Void, Never>] = []
      for entry in entries.dropFirst() where entry.revents != 0 {
        resumed += state.withLock { $0.waiting.removeValue(forKey: entry.fd) } ?? []
      }
      for continuation in resumed { continuation.resume() }
    }
  }
}
