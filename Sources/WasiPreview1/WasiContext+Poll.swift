// poll_oneoff: clock subscriptions (relative or absolute) and fd read/write
// readiness, waiting with poll(2) until the first event or the earliest deadline.
import Glibc

extension WasiContext {
  /// Subscriptions beyond this many are refused (EINVAL): a guest cannot make the
  /// host allocate in proportion to an arbitrary count.
  static let maximumSubscriptions: UInt32 = 1 << 16

  private struct Subscription {
    var userdata: UInt64
    var tag: UInt8
    /// Clock: monotonic deadline in ns. Fd: the descriptor.
    var deadline: UInt64 = 0
    var descriptor: WasiDescriptor?
    /// An error to report at once for this subscription.
    var error: WasiErrno = .success
    var pollIndex: Int?
  }

  private struct Event {
    var userdata: UInt64
    var error: WasiErrno
    var tag: UInt8
    var bytes: UInt64 = 0
    var hangup = false
  }

  private static func monotonicNow() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return nanoseconds(time)
  }

  func pollOneoff(
    _ memory: WasiMemory, subscriptions address: UInt32, events eventsAddress: UInt32,
    count: UInt32, result: UInt32
  ) throws(WasiErrno) {
    guard count > 0, count <= Self.maximumSubscriptions else { throw .inval }
    _ = try memory.range(address, UInt64(count) * 48)
    _ = try memory.range(eventsAddress, UInt64(count) * 32)
    _ = try memory.range(result, 4)

    var subscriptions: [Subscription] = []
    var pollfds: [pollfd] = []
    let start = Self.monotonicNow()
    for index in 0..<count {
      let base = address &+ index * 48
      var subscription = Subscription(
        userdata: try memory.load(UInt64.self, base), tag: try memory.load(UInt8.self, base &+ 8))
      switch subscription.tag {
      case 0:
        let clock = try memory.load(UInt32.self, base &+ 16)
        let timeout = try memory.load(UInt64.self, base &+ 24)
        let flags = try memory.load(UInt16.self, base &+ 40)
        do {
          var relative = timeout
          if flags & 1 != 0 {
            let now = try now(clock)
            relative = timeout > now ? timeout - now : 0
          } else {
            _ = try Self.hostClock(clock)
          }
          let (sum, overflow) = start.addingReportingOverflow(relative)
          subscription.deadline = overflow ? UInt64.max : sum
        } catch {
          subscription.error = error
        }
      case 1, 2:
        let fd = try memory.load(UInt32.self, base &+ 16)
        if let descriptor = table[fd] {
          subscription.descriptor = descriptor
          if !descriptor.rightsBase.contains(.pollFdReadwrite) {
            subscription.error = .notcapable
          } else if let host = descriptor.hostFD, descriptor.fileType != .regularFile {
            subscription.pollIndex = pollfds.count
            let wanted = subscription.tag == 1 ? POLLIN : POLLOUT
            pollfds.append(pollfd(fd: host, events: Int16(wanted), revents: 0))
          }
        } else {
          subscription.error = .badf
        }
      default:
        subscription.error = .inval
      }
      subscriptions.append(subscription)
    }

    var events: [Event] = []
    while true {
      events.removeAll(keepingCapacity: true)
      // Events that need no waiting: errors, in-memory streams, regular files.
      for subscription in subscriptions where subscription.tag != 0 && subscription.pollIndex == nil
      {
        var event = Event(
          userdata: subscription.userdata, error: subscription.error, tag: subscription.tag)
        if subscription.error == .success, let descriptor = subscription.descriptor {
          event.bytes = immediateBytes(descriptor, reading: subscription.tag == 1)
          if case .closed = descriptor.backing { event.hangup = true }
        }
        events.append(event)
      }
      for subscription in subscriptions
      where subscription.tag == 0 && subscription.error != .success {
        events.append(Event(userdata: subscription.userdata, error: subscription.error, tag: 0))
      }
      let now = Self.monotonicNow()
      let deadline = subscriptions.filter { $0.tag == 0 && $0.error == .success }.map(\.deadline)
        .min()
      var timeout: Int32 = -1
      if !events.isEmpty {
        timeout = 0
      } else if let deadline {
        let remaining = deadline > now ? deadline - now : 0
        // Rounded up to whole milliseconds without adding to `remaining`, which a
        // guest's clock subscription can put at 2^64 - 1.
        let milliseconds = remaining / 1_000_000 + (remaining % 1_000_000 == 0 ? 0 : 1)
        timeout = Int32(min(UInt64(Int32.max), milliseconds))
      }
      if !pollfds.isEmpty || timeout != 0 {
        let ready = pollfds.withUnsafeMutableBufferPointer { buffer in
          poll(buffer.baseAddress, nfds_t(buffer.count), timeout)
        }
        if ready < 0 {
          let code = errno
          if code == EINTR && !interruptRequested() { continue }
          throw WasiErrno(hostErrno: code)
        }
      }
      for subscription in subscriptions {
        guard let index = subscription.pollIndex else { continue }
        let revents = Int32(pollfds[index].revents)
        guard revents != 0 else { continue }
        var event = Event(userdata: subscription.userdata, error: .success, tag: subscription.tag)
        if revents & Int32(POLLNVAL) != 0 {
          event.error = .badf
        } else {
          event.hangup = revents & Int32(POLLHUP) != 0
          if subscription.tag == 1, let host = subscription.descriptor?.hostFD {
            var available: Int32 = 0
            if ioctl(host, UInt(FIONREAD), &available) == 0 {
              event.bytes = UInt64(max(0, available))
            }
          }
        }
        events.append(event)
      }
      let after = Self.monotonicNow()
      for subscription in subscriptions
      where subscription.tag == 0 && subscription.error == .success
        && subscription.deadline <= after
      {
        events.append(Event(userdata: subscription.userdata, error: .success, tag: 0))
      }
      if !events.isEmpty { break }
    }

    for (index, event) in events.enumerated() {
      let base = eventsAddress &+ UInt32(index) * 32
      let region = try memory.range(base, 32)
      region.initializeMemory(as: UInt8.self, repeating: 0)
      try memory.store(event.userdata, base)
      try memory.store(event.error.rawValue, base &+ 8)
      try memory.store(event.tag, base &+ 10)
      try memory.store(event.bytes, base &+ 16)
      try memory.store(UInt16(event.hangup ? 1 : 0), base &+ 24)
    }
    try memory.store(UInt32(events.count), result)
  }

  /// Bytes ready on a descriptor that never blocks (in-memory buffer, regular file).
  private func immediateBytes(_ descriptor: WasiDescriptor, reading: Bool) -> UInt64 {
    switch descriptor.backing {
    case .input(let input): return reading ? UInt64(input.bytes.count - input.position) : 0
    case .host(let owner) where reading:
      var info = stat()
      guard fstat(owner.fd, &info) == 0 else { return 0 }
      let position = lseek(owner.fd, 0, SEEK_CUR)
      return UInt64(max(0, info.st_size - max(0, position)))
    default: return 0
    }
  }
}
