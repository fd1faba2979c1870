// A guest's recent output: the last N lines of its stdout and stderr, in the order it
// wrote them, plus live followers. The guest writes from its own thread; API handlers
// read and follow from the server's. A line longer than `maxLineBytes` is cut (and
// marked), so a guest that never writes a newline cannot grow the agent's memory.

import Foundation
import Synchronization

/// Which output a line came from.
public enum OutputStream: String, Sendable {
  case stdout, stderr
}

/// One line of a guest's output.
public struct LogLine: Sendable, Equatable {
  public var sequence: UInt64
  public var stream: OutputStream
  public var text: String
}

/// A bounded, thread-safe ring of output lines with followers.
public final class LogBuffer: Sendable {
  public static let maxLineBytes = 16 << 10

  private struct State {
    var lines: [LogLine] = []
    var start = 0  // index of the oldest line once the ring is full
    var nextSequence: UInt64 = 1
    var partial: [OutputStream: [UInt8]] = [:]
    var followers: [UInt64: AsyncStream<LogLine>.Continuation] = [:]
    var nextFollower: UInt64 = 1
    var closed = false
  }

  public let capacity: Int
  private let state = Mutex(State())

  public init(capacity: Int) {
    self.capacity = max(1, capacity)
  }

  /// Appends what the guest wrote (any number of bytes, partial lines kept until their
  /// newline arrives).
  public func write(_ bytes: some Collection<UInt8>, to stream: OutputStream) {
    state.withLock { state in
      var pending = state.partial[stream] ?? []
      for byte in bytes {
        if byte == UInt8(ascii: "\n") {
          append(&state, stream, pending)
          pending.removeAll(keepingCapacity: true)
        } else if pending.count < Self.maxLineBytes {
          pending.append(byte)
        } else if pending.count == Self.maxLineBytes {
          pending.append(contentsOf: Array(" [cut]".utf8))
        }
      }
      state.partial[stream] = pending
    }
  }

  /// A line the agent adds itself (start, exit, trap), on stderr.
  public func note(_ text: String) {
    state.withLock { append(&$0, .stderr, Array(text.utf8)) }
  }

  /// Ends the followers' streams (the guest ended for good); flushes partial lines.
  public func close() {
    let followers = state.withLock { state in
      for stream in [OutputStream.stdout, .stderr] {
        if let pending = state.partial[stream], !pending.isEmpty { append(&state, stream, pending) }
      }
      state.partial = [:]
      state.closed = true
      defer { state.followers = [:] }
      return Array(state.followers.values)
    }
    // Outside the lock: finishing runs the stream's termination handler, which locks.
    for follower in followers { follower.finish() }
  }

  /// Reopens the buffer for a restart of the same guest (followers of the old run ended).
  public func reopen() {
    state.withLock { $0.closed = false }
  }

  /// The kept lines, oldest first; at most `tail` of the newest when given.
  public func snapshot(tail: Int? = nil) -> [LogLine] {
    state.withLock { ordered($0, tail: tail) }
  }

  /// The kept lines, then every new line until the buffer closes or the consumer stops.
  public func follow(tail: Int? = nil) -> AsyncStream<LogLine> {
    let (stream, continuation) = AsyncStream<LogLine>.makeStream(
      bufferingPolicy: .bufferingNewest(capacity))
    let id: UInt64? = state.withLock { state in
      for line in ordered(state, tail: tail) { continuation.yield(line) }
      guard !state.closed else { return nil }
      let id = state.nextFollower
      state.nextFollower &+= 1
      state.followers[id] = continuation
      return id
    }
    guard let id else {
      continuation.finish()
      return stream
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.followers.removeValue(forKey: id) }
    }
    return stream
  }

  private func ordered(_ state: State, tail: Int?) -> [LogLine] {
    let all = Array(state.lines[state.start...] + state.lines[..<state.start])
    guard let tail else { return all }
    return Array(all.suffix(max(0, tail)))
  }

  private func append(_ state: inout State, _ stream: OutputStream, _ bytes: [UInt8]) {
    let line = LogLine(
      sequence: state.nextSequence, stream: stream, text: String(decoding: bytes, as: UTF8.self))
    state.nextSequence &+= 1
    if state.lines.count < capacity {
      state.lines.append(line)
    } else {
      state.lines[state.start] = line
      state.start = (state.start + 1) % capacity
    }
    for follower in state.followers.values { follower.yield(line) }
  }
}
