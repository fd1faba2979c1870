// The operator's statement of what kernel access a guest gets, checked before anything
// reaches the kernel (at load: program kinds, helper calls, kfuncs, map types, limits)
// and again at each attach and map operation.
//
// Deny by default: `BpfPolicy()` grants nothing. Presets cover the common cases.

#if canImport(Glibc)
  import Glibc
#endif

/// What a guest may do with a map through `wasm_bpf_map_operate`.
public enum BpfMapAccess: String, Hashable, Sendable, Comparable {
  case none
  case readOnly = "read-only"
  case readWrite = "read-write"

  public static func < (a: BpfMapAccess, b: BpfMapAccess) -> Bool {
    let order: [BpfMapAccess] = [.none, .readOnly, .readWrite]
    return order.firstIndex(of: a)! < order.firstIndex(of: b)!
  }
}

/// Resource ceilings for one guest instance. `nil` is unlimited.
public struct BpfLimits: Hashable, Sendable {
  public var objects: Int?
  public var programs: Int?
  public var links: Int?
  /// Estimated kernel memory of all maps, in bytes (see `BpfMapDescription.estimatedBytes`).
  public var mapBytes: UInt64?
  /// Size of any one ring buffer map, in bytes.
  public var ringBufferBytes: UInt64?

  public init(
    objects: Int? = nil, programs: Int? = nil, links: Int? = nil, mapBytes: UInt64? = nil,
    ringBufferBytes: UInt64? = nil
  ) {
    self.objects = objects
    self.programs = programs
    self.links = links
    self.mapBytes = mapBytes
    self.ringBufferBytes = ringBufferBytes
  }
}

/// A map access rule: maps whose name matches `pattern` (fnmatch syntax).
public struct BpfMapRule: Hashable, Sendable {
  public var pattern: String
  public var access: BpfMapAccess
  public init(pattern: String, access: BpfMapAccess) {
    self.pattern = pattern
    self.access = access
  }
}

public struct BpfPolicy: Hashable, Sendable {
  /// A name for audit records ("observe", a file path, ...).
  public var name: String
  public var programKinds: Set<BpfProgramKind>
  /// fnmatch patterns an attach point must match (see `attachPoint(...)` for the
  /// strings); `nil` allows every attach point of an allowed kind.
  public var attachPoints: [String]?
  /// Helpers by name ("bpf_send_signal"); when `allowedHelpers` is set, only those.
  public var allowedHelpers: Set<String>?
  public var deniedHelpers: Set<String>
  public var allowKfuncs: Bool
  /// libbpf map type names ("hash", "ringbuf", ...); `nil` allows every type.
  public var mapTypes: Set<String>?
  /// First matching rule wins; maps matching none get `defaultMapAccess`.
  public var mapRules: [BpfMapRule]
  public var defaultMapAccess: BpfMapAccess
  public var limits: BpfLimits

  /// Grants nothing: every load is refused.
  public init(name: String = "deny-all") {
    self.name = name
    programKinds = []
    attachPoints = nil
    allowedHelpers = nil
    deniedHelpers = []
    allowKfuncs = false
    mapTypes = nil
    mapRules = []
    defaultMapAccess = .none
    limits = BpfLimits()
  }

  /// Everything the wasm-bpf ecosystem's tools use, as the reference runtimes allow.
  public static var unrestricted: BpfPolicy {
    var policy = BpfPolicy(name: "unrestricted")
    policy.programKinds = Set(BpfProgramKind.allCases)
    policy.allowKfuncs = true
    policy.defaultMapAccess = .readWrite
    return policy
  }

  /// Helpers that write to user memory, signal processes, change kernel return values
  /// or drive bpf(2) itself.
  public static let writingHelpers: Set<String> = [
    "bpf_probe_write_user", "bpf_send_signal", "bpf_send_signal_thread", "bpf_override_return",
    "bpf_sys_bpf", "bpf_sys_close", "bpf_set_retval", "bpf_copy_from_user_task",
  ]

  /// Read-only tracing: tracepoints, BTF/raw tracepoints, uprobes and USDT, perf
  /// events; ring and perf buffers; no writing helpers, no kfuncs; guest map access is
  /// read-only; no XDP, tc, socket or cgroup programs.
  public static var observe: BpfPolicy {
    var policy = BpfPolicy(name: "observe")
    policy.programKinds = [.tracepoint, .rawTracepoint, .btfTracepoint, .uprobe, .usdt, .perfEvent]
    policy.deniedHelpers = writingHelpers
    policy.mapTypes = [
      "hash", "array", "percpu_hash", "percpu_array", "lru_hash", "lru_percpu_hash", "ringbuf",
      "perf_event_array", "stack_trace",
    ]
    policy.defaultMapAccess = .readOnly
    return policy
  }

  /// The access the guest has to map `name`.
  public func access(toMap name: String) -> BpfMapAccess {
    for rule in mapRules where fnmatch(rule.pattern, name, 0) == 0 { return rule.access }
    return defaultMapAccess
  }

  func allowsHelper(_ name: String) -> Bool {
    if deniedHelpers.contains(name) { return false }
    if let allowed = allowedHelpers { return allowed.contains(name) }
    return true
  }

  func allowsAttachPoint(_ point: String) -> Bool {
    guard let patterns = attachPoints else { return true }
    return patterns.contains { fnmatch($0, point, 0) == 0 }
  }
}

extension BpfMapDescription {
  /// A rough upper bound of the kernel memory the map takes: entries × (key + value),
  /// × CPUs for per-CPU maps; ring buffers are their size.
  public func estimatedBytes(possibleCPUs: Int) -> UInt64 {
    switch typeName {
    case "ringbuf", "user_ringbuf":
      return UInt64(maxEntries)
    case "perf_event_array":
      return UInt64(maxEntries) * 8
    default:
      let perEntry = UInt64(keySize) + UInt64(valueSize)
      let copies: UInt64 =
        typeName.hasPrefix("percpu") || typeName.hasPrefix("lru_percpu")
        ? UInt64(max(possibleCPUs, 1)) : 1
      return UInt64(maxEntries) * perEntry * copies
    }
  }
}

/// The attach point string a policy's `attachPoints` patterns see.
/// - automatic attach: the program's section name, e.g. `tracepoint/syscalls/sys_enter_execve`,
///   `uprobe//usr/bin/bash:readline`;
/// - XDP on an interface: `xdp:IFNAME`;
/// - a cgroup by path: `cgroup:PATH`; by a granted fd: `cgroup-fd`.
public func attachPoint(program: BpfProgramDescription, target: BpfAttachTarget) -> String {
  switch target {
  case .automatic, .uprobe: return program.sectionName
  case .interface(let name): return "xdp:\(name)"
  case .cgroupPath(let path): return "cgroup:\(path)"
  case .cgroupFD: return "cgroup-fd"
  }
}
