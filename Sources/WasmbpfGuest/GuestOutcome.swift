// How a guest ended, as values an embedder can act on: the CLI turns them into exit
// statuses, the agent into API states and restart decisions.

import WasmCore
import WasmInterp

/// Why a guest was stopped before it ended by itself.
public enum GuestStopReason: Sendable, Hashable {
  /// Its time limit (`GuestLimits.timeout`) expired.
  case timeout
  /// A signal, as the embedder reports it (`wasmbpf-run`: SIGINT, SIGTERM).
  case signal(Int32)
  /// The embedder asked (`Guest.forceStop()`, or an interrupt's grace period ran out).
  case requested
}

/// Why a guest never ran.
public struct GuestFailure: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Kind: Sendable, Hashable {
    /// The module could not be read, decoded, validated or instantiated.
    case module
    /// The configuration cannot be honoured: a directory that cannot be opened, a
    /// stream file, a limit out of range.
    case configuration
    /// The entry does not fit the module: no `_start`, no such export, parameters
    /// that do not match its type.
    case entry
  }
  public var kind: Kind
  public var message: String

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}

/// How a guest ended.
public enum GuestOutcome: Sendable {
  /// It ended by itself: `proc_exit(code)`, or `_start` returned (0).
  case exited(UInt32)
  /// The invoked export returned these values (`GuestEntry.invoke`).
  case returned([Value])
  /// It trapped; the trap has the kind and a backtrace with the module's names.
  case trapped(Trap)
  /// The embedder or a limit stopped it (`forceStop`, a timeout).
  case stopped(GuestStopReason)
  /// It never ran.
  case failed(GuestFailure)
}

/// What a guest's state is, as other threads see it.
public enum GuestState: Sendable, Equatable {
  /// Made, not started.
  case created
  /// Loading or running (also while being stopped).
  case running
  /// Ended, everything released; `Guest.outcome` says how.
  case finished
}

extension Trap {
  /// "wasm trap: KIND[: detail]" and the backtrace, one frame a line, innermost first,
  /// with the module's function names; a run of one frame repeated (deep recursion)
  /// is printed once.
  public var report: String {
    var text = "wasm trap: \(message)"
    if let hostError { text += ": \(hostError)" }
    if let detail { text += ": \(detail)" }
    guard !backtrace.isEmpty else { return text }
    text += "\nwasm backtrace:"
    var index = 0
    let frames = backtrace
    while index < frames.count {
      var end = index + 1
      while end < frames.count && frames[end] == frames[index] { end += 1 }
      let frame = frames[index]
      var line = "  \(index): "
      if let name = frame.functionName {
        line += "\(frame.moduleName.map { "\($0)!" } ?? "")\(name) (func \(frame.functionIndex))"
      } else {
        line += "func \(frame.functionIndex)"
      }
      if end - index > 1 {
        line += ", repeated \(end - index) times (frames \(index)...\(end - 1))"
      }
      text += "\n" + line
      index = end
    }
    return text
  }
}

extension WasmError {
  /// "KIND at offset 0xN: message".
  public var report: String {
    let kindText: String
    switch kind {
    case .malformed: kindText = "malformed"
    case .invalid: kindText = "invalid"
    case .implementationLimit: kindText = "implementation limit"
    }
    return "\(kindText) at offset 0x\(String(offset, radix: 16)): \(message)"
  }
}
