// Watching a guest: callbacks for what it reports (policy decisions, BPF
// diagnostics, the lifecycle trace) and counters any thread may read while it runs.
// Standard output and error are configured as streams (`WasiStream.sink` hands each
// write to a closure).

import WasiBpf

/// Callbacks of one guest. Each is called on the guest's thread (`trace` also on the
/// thread that starts or stops it); keep them short and do not block.
public struct GuestObserver: Sendable {
  /// Every policy denial, and every allowed load and attach when `auditsAllowed`.
  public var audit: (@Sendable (BpfAuditRecord) -> Void)?
  public var auditsAllowed = false
  /// Load and attach failures (with the verifier's log), libbpf's messages, and the
  /// privilege hint.
  public var diagnostic: (@Sendable (BpfDiagnostic) -> Void)?
  /// What the runtime does, for a verbose log: the module, the limits, each
  /// directory, the policy, the clean-up.
  public var trace: (@Sendable (String) -> Void)?

  public init(
    audit: (@Sendable (BpfAuditRecord) -> Void)? = nil, auditsAllowed: Bool = false,
    diagnostic: (@Sendable (BpfDiagnostic) -> Void)? = nil,
    trace: (@Sendable (String) -> Void)? = nil
  ) {
    self.audit = audit
    self.auditsAllowed = auditsAllowed
    self.diagnostic = diagnostic
    self.trace = trace
  }
}

/// A snapshot of one guest's counters.
public struct GuestCounters: Sendable, Hashable {
  /// Ring and perf buffer records handed to the guest's callbacks.
  public var eventsDelivered: UInt64 = 0
  /// Time spent in those callbacks.
  public var callbackNanoseconds: UInt64 = 0
  /// Buffer polls the guest made.
  public var pollCalls: UInt64 = 0
  /// Units of fuel used (one per call and loop iteration; when unmetered, counted
  /// only with `GuestLimits.countsFuel`), as of the guest's last host call.
  public var fuelConsumed: UInt64 = 0
  /// Size of the guest's memory 0, as of its last host call.
  public var memoryBytes: UInt64 = 0
  /// Host calls the guest made (WASI and wasm_bpf).
  public var hostCalls: UInt64 = 0
  /// 1 once the guest trapped (the agent adds these up across restarts).
  public var traps: UInt64 = 0
  /// Policy refusals.
  public var policyDenials: UInt64 = 0
  /// BPF objects the guest holds open, and its links (attached, and detached while
  /// paused).
  public var openObjects = 0
  public var links = 0
  public var attachedLinks = 0

  public init() {}
}
