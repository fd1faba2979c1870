// What one guest is: its module, what it sees (arguments, environment, directories,
// standard streams), what bounds it (fuel, memory, stack, time) and what it may do
// with eBPF (the policy). A value type, so `wasmbpf-run`, the node agent and embedders
// build, copy, inspect and store it before anything is opened.

import WasiBpf
import WasiPreview1

/// Where the module's bytes come from.
public enum GuestModuleSource: Sendable, Hashable {
  /// A binary module in memory (an OCI layer, a text module the caller encoded).
  case bytes([UInt8])
  /// A binary module file, read when the guest starts.
  case file(String)
}

/// What the guest runs.
public enum GuestEntry: Sendable, Hashable {
  /// A WASI command: `_start`, to an exit status.
  case command
  /// The export `function`, after `_initialize` if the module has one; `arguments`
  /// are its parameters as text (integers, floats, `nan`, `inf`), read against the
  /// function's type. The outcome is `.returned(values)`.
  case invoke(function: String, arguments: [String])
}

/// What bounds a guest. nil everywhere means the interpreter's defaults (unmetered,
/// 4 GiB memory, 16 MiB stack, no time limit).
public struct GuestLimits: Sendable, Hashable {
  /// Units of work (one per call and loop iteration) before the guest traps with
  /// `all fuel consumed`.
  public var fuel: Int?
  /// Largest size any linear memory may grow to, rounded down to 64 KiB pages.
  public var maxMemoryBytes: UInt64?
  /// Size of the value stack all frames share (8 bytes a slot); at least 8.
  public var maxStackBytes: UInt64?
  /// Wall-clock time from the start after which the guest is stopped (`.timeout`).
  public var timeout: Duration?
  /// Counts the work done (`GuestCounters.fuelConsumed`) when `fuel` is nil too.
  /// Off by default: counting is a decrement in memory at every call and loop
  /// iteration, which an unmetered guest otherwise does not pay.
  public var countsFuel: Bool

  public init(
    fuel: Int? = nil, maxMemoryBytes: UInt64? = nil, maxStackBytes: UInt64? = nil,
    timeout: Duration? = nil, countsFuel: Bool = false
  ) {
    self.fuel = fuel
    self.maxMemoryBytes = maxMemoryBytes
    self.maxStackBytes = maxStackBytes
    self.timeout = timeout
    self.countsFuel = countsFuel
  }
}

/// One guest's configuration.
///
/// ```swift
/// var configuration = GuestConfiguration(module: .file("execsnoop.wasm"), policy: .observe)
/// configuration.arguments = ["-t", "5000"]
/// configuration.preopens = [WasiPreopen(hostPath: "/sys/fs/cgroup/unified", guestPath: "/sys/fs/cgroup")]
/// configuration.stdout = .sink { bytes in log.append(bytes) }
/// let guest = Guest(configuration)
/// try guest.start()
/// ```
public struct GuestConfiguration: Sendable {
  public var module: GuestModuleSource
  /// argv[0], and the module's name in audit records: by default the file path as
  /// given, or "guest" for bytes.
  public var name: String?
  /// argv[1...] (for `.invoke`, the function's parameters are in `entry`).
  public var arguments: [String] = []
  /// The guest's environment, `KEY=VALUE` pairs in order (nothing of the host's
  /// unless put here).
  public var environment: [(key: String, value: String)] = []
  /// Directories the guest may use, in the order it sees them (fd 3, 4, ...).
  public var preopens: [WasiPreopen] = []
  public var stdin: WasiStream = .inherit
  public var stdout: WasiStream = .inherit
  public var stderr: WasiStream = .inherit
  public var limits = GuestLimits()
  /// What the guest may do with eBPF. Only consulted when the guest imports
  /// `wasm_bpf`: the value given to `init` is made then (a preset's sets cost a
  /// quarter of an empty run's start-up, for a guest that may not need them).
  public var policy: BpfPolicy {
    get { makePolicy() }
    set { makePolicy = { newValue } }
  }
  private var makePolicy: @Sendable () -> BpfPolicy
  /// How the guest's attach targets (cgroup paths, uprobe binaries) are found: through
  /// its preopens (the default), or as host paths.
  public var attachPaths: BpfAttachPaths = .guest
  /// The kernel verifier's log level and size (the log is reported with a load
  /// failure).
  public var bpfLog = BpfLogOptions()
  public var entry: GuestEntry = .command
  /// Validate each function body at its first call instead of all at load: a large
  /// module starts sooner; an invalid body traps when called.
  public var deferBodyValidation = false

  public init(module: GuestModuleSource, policy: @autoclosure @escaping @Sendable () -> BpfPolicy) {
    self.module = module
    self.makePolicy = policy
  }

  /// argv[0] and the audit records' module name.
  public var programName: String {
    if let name { return name }
    if case .file(let path) = module { return path }
    return "guest"
  }
}
