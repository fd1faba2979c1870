// wasm_bpf_buffer_poll: one typed request, one buffer per map (made on first poll,
// owning a reference to its object), one loop of bounded waits. Each record is copied
// into guest memory (checked against the memory's size at that moment: a callback may
// grow it) and handed to the guest's callback; a non-zero result stops the poll.
//
// Lifetimes: the guest may close the object from inside its own callback. The poll
// holds the buffer for its whole duration (`withExtendedLifetime`), and the buffer
// holds its object, so the kernel map and libbpf's ring stay valid until the poll
// returns; the close only drops the host's table entries.

import WasmCore

#if canImport(Glibc)
  import Glibc
#endif

/// A guest's `wasm_bpf_buffer_poll` call, as typed values.
public struct BpfPollRequest: Sendable, Hashable {
  /// The object handle the map belongs to.
  public var object: UInt64
  /// The guest's map id (from `wasm_bpf_map_fd_by_name`).
  public var map: Int32
  /// Passed back to the callback unchanged (the guest's `ctx` pointer).
  public var context: UInt32
  /// Guest address each record is copied to.
  public var data: UInt32
  /// Most bytes of a record copied (`max_size`); longer records are truncated.
  public var capacity: Int32
  /// Longest wait for a first record; clamped to 0...`maxPollTimeoutMilliseconds`.
  public var timeoutMilliseconds: Int32

  public init(
    object: UInt64, map: Int32, context: UInt32, data: UInt32, capacity: Int32,
    timeoutMilliseconds: Int32
  ) {
    self.object = object
    self.map = map
    self.context = context
    self.data = data
    self.capacity = capacity
    self.timeoutMilliseconds = timeoutMilliseconds
  }
}

/// The guest's callback: `(ctx, data, size) -> i32`, non-zero to stop the poll.
/// Throws whatever ends the guest (a trap, `proc_exit`, an interrupt): the poll stops
/// and rethrows it once libbpf has returned.
public typealias BpfGuestCallback =
  (_ context: UInt32, _ data: UInt32, _ size: UInt32) throws -> Int32

extension BpfHost {
  /// Polls a ring buffer or perf event array of the object; copies each record into
  /// guest memory and calls `callback`. Returns the number of records consumed or a
  /// negative errno (`-guestInterrupted` when the embedder is stopping the guest);
  /// rethrows what the callback threw.
  public func bufferPoll(
    _ request: BpfPollRequest, memory: some GuestMemory, callback: BpfGuestCallback
  ) throws -> Int32 {
    let buffer: BpfEventBuffer
    switch eventBuffer(for: request, memory: memory) {
    case .buffer(let b): buffer = b
    case .refused(let errno): return -errno
    }
    statistics.polled()
    return try withExtendedLifetime(buffer) {
      try poll(buffer, request, memory: memory, callback: callback)
    }
  }

  private enum BufferLookup {
    case buffer(BpfEventBuffer)
    /// A positive errno.
    case refused(Int32)
  }

  /// Checks the request and finds or makes the map's buffer.
  private func eventBuffer(for request: BpfPollRequest, memory: some GuestMemory) -> BufferLookup {
    lock.withLock { () -> BufferLookup in
      guard let entry = objects[request.object] else { return .refused(EINVAL) }
      guard let map = maps[request.map], map.objectHandle == request.object else {
        return .refused(EBADF)
      }
      guard request.capacity >= 0 else { return .refused(EINVAL) }
      do throws(BpfPolicyDenial) {
        try enforcer.admitMapOperation(.poll, map: map.name)
      } catch {
        return .refused(error.errno)
      }
      guard
        GuestRange(
          address: request.data, length: UInt64(request.capacity), memoryBytes: memory.byteCount)
          != nil
      else { return .refused(EFAULT) }
      if let existing = entry.buffers[map.kernelFD] { return .buffer(existing) }
      guard let kind = BpfEventBufferKind(mapType: map.info.type) else { return .refused(EINVAL) }
      do throws(BpfError) {
        let buffer = try kind.open(mapFD: map.kernelFD, of: entry.object)
        entry.buffers[map.kernelFD] = buffer
        return .buffer(buffer)
      } catch {
        return .refused(error.errno)
      }
    }
  }

  private func poll(
    _ buffer: BpfEventBuffer, _ request: BpfPollRequest, memory: some GuestMemory,
    callback: BpfGuestCallback
  ) throws -> Int32 {
    var remaining = min(max(request.timeoutMilliseconds, 0), options.maxPollTimeoutMilliseconds)
    var total: Int32 = 0
    var thrown: Error?
    var stopped = false
    let consume = { (record: UnsafeRawBufferPointer) -> BpfRecordDecision in
      let copied = memory.withBytes { bytes -> Int? in
        let size = min(record.count, Int(request.capacity))
        guard
          let range = GuestRange(
            address: request.data, length: UInt64(size), memoryBytes: bytes.count)
        else { return nil }
        if size > 0 {
          (bytes.baseAddress! + range.offset).copyMemory(from: record.baseAddress!, byteCount: size)
        }
        return size
      }
      guard let size = copied else {
        stopped = true
        return .stop
      }
      let start = monotonicNanoseconds()
      do {
        let result = try callback(request.context, request.data, UInt32(size))
        if result != 0 { stopped = true }
      } catch {
        thrown = error
        stopped = true
      }
      self.statistics.delivered(nanoseconds: monotonicNanoseconds() &- start)
      return stopped ? .stop : .continue
    }
    repeat {
      if shouldStop() { return total > 0 ? total : -Self.guestInterrupted }
      let slice = min(remaining, options.pollSliceMilliseconds)
      remaining -= slice
      do {
        let n = try buffer.poll(timeoutMilliseconds: slice, consume: consume)
        total &+= Int32(clamping: n)
      } catch {
        if let thrown { throw thrown }
        // A signal that is not a stop (the embedder's own) only ends this wait early.
        if error.errno == EINTR {
          if total > 0 { return total }
          continue
        }
        return -error.errno
      }
      if let thrown { throw thrown }
    } while total == 0 && remaining > 0 && !stopped
    return total
  }
}

func monotonicNanoseconds() -> UInt64 {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}
