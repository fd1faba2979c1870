// What the agent needs from one running guest. The guest itself is composed by the
// WasmbpfGuest library, the same code `wasmbpf-run` runs (GuestLauncher.swift adapts
// its handle); the agent adds supervision around it: names, restarts, logs, updates,
// metrics.

import WasiBpf
import WasiPreview1
import WasmbpfAgentAPI

/// Counters of one run of a guest, read at any time from another thread.
public struct GuestCounters: Sendable, Equatable {
  public var events: UInt64 = 0
  public var callbackNanoseconds: UInt64 = 0
  public var fuelUsed: UInt64 = 0
  public var memoryBytes: UInt64 = 0
  public init() {}
}

/// The kernel objects a run holds now.
public struct GuestBpfSnapshot: Sendable, Equatable {
  public var programs: [String] = []
  public var maps: [String] = []
  /// Links attached now (0 while paused).
  public var links: Int = 0
  public init() {}
}

/// How a run ended.
public enum RunOutcome: Sendable, Equatable {
  case exited(Int32)
  case trapped(message: String, fuelExhausted: Bool)
  case timedOut
  case stopped
  case failed(String)
}

/// One run of a guest on its own thread.
public protocol RunningGuest: AnyObject, Sendable {
  /// Asks the guest to stop: blocked polls and sleeps return EINTR to it; it is then
  /// interrupted at its next instruction. Returns at once.
  func stop()
  /// Detaches the run's BPF links, keeping objects and maps loaded.
  func pause() throws
  /// Attaches the links detached by `pause` again.
  func resume() throws
  var counters: GuestCounters { get }
  var bpf: GuestBpfSnapshot { get }
  /// Waits until the run has ended and released everything it held.
  func outcome() async -> RunOutcome
}

/// Everything a run is started from, resolved by the agent (module bytes read from an
/// allowed path or an OCI artifact, directories checked, policy parsed).
public struct GuestLaunch: Sendable {
  public var name: String
  public var moduleName: String
  public var moduleBytes: [UInt8]
  public var arguments: [String]
  public var environment: [(key: String, value: String)]
  public var preopens: [WasiPreopen]
  public var attachPaths: AttachPaths
  public var policy: BpfPolicy
  public var limits: GuestLimits
  /// Receives the guest's stdout and stderr bytes, on the guest's thread.
  public var output: @Sendable (OutputStream, [UInt8]) -> Void
}

/// Starts runs: the seam between the agent and the guest library.
public protocol GuestLauncher: Sendable {
  /// Starts a run on its own thread; throws when the module cannot be validated,
  /// linked or instantiated (before anything was attached).
  func launch(_ launch: GuestLaunch) throws -> any RunningGuest
}
