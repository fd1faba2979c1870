// Owners of the two kinds of BPF event buffer a guest polls: BPF ring buffers and
// perf event arrays. Each record is handed to the consumer as a view of the kernel's
// mapped memory, so the only copy is the one the consumer makes (into guest memory).
//
// A consumer may stop a poll early (the wasm_bpf ABI: a non-zero callback result).
// Ring buffers stop cleanly (libbpf stops on a negative callback result and the
// record stays consumed). Perf buffers cannot stop inside libbpf's loop, so records
// that arrive after a stop are kept in a host queue and delivered first next time:
// the one case where a record is copied twice.

import BpfSys

#if canImport(Glibc)
  import Glibc
#endif

/// What a consumer returns for each record.
public enum BpfRecordDecision: Sendable {
  case `continue`
  case stop
}

/// The two kinds of map a guest can poll, by the kernel's map type.
public enum BpfEventBufferKind: Sendable, Hashable {
  case ringBuffer
  case perfEventArray

  /// nil for a map that is not an event buffer.
  public init?(mapType: UInt32) {
    switch bpf_map_type(mapType) {
    case BPF_MAP_TYPE_RINGBUF: self = .ringBuffer
    case BPF_MAP_TYPE_PERF_EVENT_ARRAY: self = .perfEventArray
    default: return nil
    }
  }

  /// A consumer of map `mapFD` of `object`; it keeps `object` (and so the map) alive.
  public func open(mapFD: Int32, of object: BpfObject?) throws(BpfError) -> BpfEventBuffer {
    switch self {
    case .ringBuffer: return try BpfRingBuffer(mapFD: mapFD, owner: object)
    case .perfEventArray: return try BpfPerfBuffer(mapFD: mapFD, owner: object)
    }
  }
}

/// A polled source of BPF event records.
public protocol BpfEventBuffer: AnyObject {
  /// Waits up to `timeoutMilliseconds` for records and hands each to `consume`.
  /// Returns the number of records consumed; an interrupted wait is `EINTR`.
  func poll(
    timeoutMilliseconds: Int32,
    consume: (UnsafeRawBufferPointer) -> BpfRecordDecision
  ) throws(BpfError) -> Int
}

/// Per-poll state reachable from libbpf's C callbacks through their context pointer.
private final class PollState {
  var consume: ((UnsafeRawBufferPointer) -> BpfRecordDecision)?
  var consumed = 0
  var stopped = false
  /// Perf records that arrived after a stop, oldest first.
  var pending: [[UInt8]] = []
  var lost: UInt64 = 0
}

/// A `BPF_MAP_TYPE_RINGBUF` consumer.
public final class BpfRingBuffer: BpfEventBuffer {
  private var handle: OpaquePointer?
  private let state = PollState()
  public let mapFD: Int32
  /// The object the map belongs to: held so that its fds outlive this consumer.
  private let owner: BpfObject?

  public init(mapFD: Int32, owner: BpfObject? = nil) throws(BpfError) {
    self.mapFD = mapFD
    self.owner = owner
    let callback: ring_buffer_sample_fn = { context, data, size in
      let state = Unmanaged<PollState>.fromOpaque(context!).takeUnretainedValue()
      guard let consume = state.consume, !state.stopped else { return -ECANCELED }
      state.consumed += 1
      if consume(UnsafeRawBufferPointer(start: data, count: size)) == .stop {
        state.stopped = true
        return -ECANCELED
      }
      return 0
    }
    // `state` lives as long as self, and self frees the ring buffer first.
    let context = Unmanaged.passUnretained(state).toOpaque()
    guard let rb = ring_buffer__new(mapFD, callback, context, nil) else {
      throw BpfError(errno: Glibc.errno, operation: "ring buffer on map fd \(mapFD)")
    }
    handle = rb
  }

  deinit {
    if let rb = handle { ring_buffer__free(rb) }
  }

  public func poll(
    timeoutMilliseconds: Int32,
    consume: (UnsafeRawBufferPointer) -> BpfRecordDecision
  ) throws(BpfError) -> Int {
    guard let rb = handle else { throw BpfError(errno: EBADF, operation: "poll ring buffer") }
    return try withoutActuallyEscaping(consume) { (consume) throws(BpfError) -> Int in
      state.consume = consume
      state.consumed = 0
      state.stopped = false
      defer { state.consume = nil }
      let result = ring_buffer__poll(rb, timeoutMilliseconds)
      if result < 0 && !(result == -ECANCELED && state.stopped) {
        throw BpfError(errno: -result, operation: "poll ring buffer")
      }
      return state.consumed
    }
  }
}

/// A `BPF_MAP_TYPE_PERF_EVENT_ARRAY` consumer (one ring per CPU).
public final class BpfPerfBuffer: BpfEventBuffer {
  private var handle: OpaquePointer?
  private let state = PollState()
  public let mapFD: Int32
  /// The object the map belongs to: held so that its fds outlive this consumer.
  private let owner: BpfObject?

  /// Records the kernel dropped because the buffer was full.
  public var lostRecords: UInt64 { state.lost }

  public init(mapFD: Int32, owner: BpfObject? = nil, pagesPerCPU: Int = 64) throws(BpfError) {
    self.mapFD = mapFD
    self.owner = owner
    let sample: perf_buffer_sample_fn = { context, _, data, size in
      let state = Unmanaged<PollState>.fromOpaque(context!).takeUnretainedValue()
      let record = UnsafeRawBufferPointer(start: data, count: Int(size))
      guard let consume = state.consume, !state.stopped else {
        state.pending.append(Array(record))
        return
      }
      state.consumed += 1
      if consume(record) == .stop { state.stopped = true }
    }
    let lost: perf_buffer_lost_fn = { context, _, count in
      let state = Unmanaged<PollState>.fromOpaque(context!).takeUnretainedValue()
      state.lost &+= count
    }
    let context = Unmanaged.passUnretained(state).toOpaque()
    guard let pb = perf_buffer__new(mapFD, pagesPerCPU, sample, lost, context, nil) else {
      throw BpfError(errno: Glibc.errno, operation: "perf buffer on map fd \(mapFD)")
    }
    handle = pb
  }

  deinit {
    if let pb = handle { perf_buffer__free(pb) }
  }

  public func poll(
    timeoutMilliseconds: Int32,
    consume: (UnsafeRawBufferPointer) -> BpfRecordDecision
  ) throws(BpfError) -> Int {
    guard let pb = handle else { throw BpfError(errno: EBADF, operation: "poll perf buffer") }
    state.consumed = 0
    state.stopped = false
    // Records held back by an earlier stop come first.
    while !state.pending.isEmpty {
      let record = state.pending.removeFirst()
      state.consumed += 1
      let decision = record.withUnsafeBytes { consume($0) }
      if decision == .stop { return state.consumed }
    }
    return try withoutActuallyEscaping(consume) { (consume) throws(BpfError) -> Int in
      state.consume = consume
      defer { state.consume = nil }
      let result = perf_buffer__poll(pb, timeoutMilliseconds)
      if result < 0 { throw BpfError(errno: -result, operation: "poll perf buffer") }
      return state.consumed
    }
  }
}
