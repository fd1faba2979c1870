// What other threads may touch of a running guest's BPF host: its counters (atomics,
// read by an embedder's metrics while the guest runs) and the lock that lets
// `pauseLinks`/`resumeLinks` run beside the guest's own calls.

import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Counters of one host, readable from any thread.
public final class BpfHostStatistics: Sendable {
  private let events = Atomic<UInt64>(0)
  private let callbackTime = Atomic<UInt64>(0)
  private let polls = Atomic<UInt64>(0)

  init() {}

  /// Records handed to the guest's poll callbacks.
  public var eventsDelivered: UInt64 { events.load(ordering: .relaxed) }
  /// Time spent in the guest's poll callbacks, in nanoseconds.
  public var callbackNanoseconds: UInt64 { callbackTime.load(ordering: .relaxed) }
  /// `wasm_bpf_buffer_poll` calls that reached a buffer.
  public var pollCalls: UInt64 { polls.load(ordering: .relaxed) }

  func delivered(nanoseconds: UInt64) {
    events.add(1, ordering: .relaxed)
    callbackTime.add(nanoseconds, ordering: .relaxed)
  }

  func polled() { polls.add(1, ordering: .relaxed) }
}

/// A recursive mutex: a guest's call may reach the host again through an embedder's
/// callback (an audit logger that pauses links) on the same thread.
final class BpfHostLock: @unchecked Sendable {
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

  init() {
    var attributes = pthread_mutexattr_t()
    pthread_mutexattr_init(&attributes)
    pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE))
    pthread_mutex_init(mutex, &attributes)
    pthread_mutexattr_destroy(&attributes)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return try body()
  }
}
