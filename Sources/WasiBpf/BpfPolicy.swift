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
  /// Helpers by name ("bpf_send_signal"): only those; `nil` allows every helper not
  /// in `deniedHelpers`, including any a newer kernel adds (`unrestricted` only).
  public var allowedHelpers: Set<String>?
  public var deniedHelpers: Set<String>
  public var allowKfuncs: Bool
  /// libbpf map type names ("hash", "ringbuf", ...); `nil` allows every type, including
  /// any a newer kernel adds (`unrestricted` only).
  public var mapTypes: Set<String>?
  /// First matching rule wins; maps matching none get `defaultMapAccess`.
  public var mapRules: [BpfMapRule]
  public var defaultMapAccess: BpfMapAccess
  public var limits: BpfLimits

  /// Grants nothing: every load is refused. Also the start of a policy file without
  /// `extends`: every allow-list (kinds, helpers, map types) is empty, so a file
  /// grants exactly what it lists, and a helper or map type a newer kernel adds stays
  /// refused until a file names it.
  public init(name: String = "deny-all") {
    self.name = name
    programKinds = []
    attachPoints = nil
    allowedHelpers = []
    deniedHelpers = []
    allowKfuncs = false
    mapTypes = []
    mapRules = []
    defaultMapAccess = .none
    limits = BpfLimits()
  }

  /// Everything the wasm-bpf ecosystem's tools use, as the reference runtimes allow:
  /// every program kind, helper, kfunc and map type, on purpose including those a
  /// newer kernel adds (this preset is for trusted tools, not for confinement).
  public static var unrestricted: BpfPolicy {
    var policy = BpfPolicy(name: "unrestricted")
    policy.programKinds = Set(BpfProgramKind.allCases)
    policy.allowedHelpers = nil
    policy.allowKfuncs = true
    policy.mapTypes = nil
    policy.defaultMapAccess = .readWrite
    return policy
  }

  /// Helpers that write to user memory, signal processes, change kernel return values
  /// or drive bpf(2) itself.
  public static let writingHelpers: Set<String> = [
    "bpf_probe_write_user", "bpf_send_signal", "bpf_send_signal_thread", "bpf_override_return",
    "bpf_sys_bpf", "bpf_sys_close", "bpf_set_retval", "bpf_copy_from_user_task",
  ]

  /// The helpers a read-only tracing program may call: read kernel and user memory
  /// and the current task's identity, time and stacks; use its own maps, ring and
  /// perf buffers, dynptrs, locks and loops; print to the trace pipe. Listed one by
  /// one, so a helper a newer kernel adds is refused until reviewed and added here.
  /// Left out on purpose: everything in `writingHelpers`; packet, socket, redirect,
  /// sysctl and LSM-decision helpers (network and cgroup kinds only); timers (they
  /// run programs later, outside the hook the operator granted); tail calls (they
  /// reach programs whose helpers this check never saw).
  public static let readOnlyTracingHelpers: Set<String> = [
    // The program's own maps.
    "bpf_map_lookup_elem", "bpf_map_update_elem", "bpf_map_delete_elem", "bpf_map_push_elem",
    "bpf_map_pop_elem", "bpf_map_peek_elem", "bpf_for_each_map_elem",
    "bpf_map_lookup_percpu_elem", "bpf_per_cpu_ptr", "bpf_this_cpu_ptr",
    "bpf_spin_lock", "bpf_spin_unlock", "bpf_kptr_xchg",
    "bpf_task_storage_get", "bpf_task_storage_delete",
    // Reading memory.
    "bpf_probe_read", "bpf_probe_read_str", "bpf_probe_read_user", "bpf_probe_read_user_str",
    "bpf_probe_read_kernel", "bpf_probe_read_kernel_str", "bpf_copy_from_user", "bpf_d_path",
    "bpf_find_vma",
    // Time, randomness, identity of the current task and CPU.
    "bpf_ktime_get_ns", "bpf_ktime_get_boot_ns", "bpf_ktime_get_coarse_ns", "bpf_ktime_get_tai_ns",
    "bpf_jiffies64", "bpf_get_prandom_u32", "bpf_get_smp_processor_id", "bpf_get_numa_node_id",
    "bpf_get_current_pid_tgid", "bpf_get_current_uid_gid", "bpf_get_current_comm",
    "bpf_get_current_task", "bpf_get_current_task_btf", "bpf_get_current_cgroup_id",
    "bpf_get_current_ancestor_cgroup_id", "bpf_get_ns_current_pid_tgid",
    "bpf_current_task_under_cgroup", "bpf_task_pt_regs",
    // Stacks, probe context, performance counters.
    "bpf_get_stackid", "bpf_get_stack", "bpf_get_task_stack", "bpf_get_func_ip",
    "bpf_get_attach_cookie", "bpf_get_func_arg", "bpf_get_func_ret", "bpf_get_func_arg_cnt",
    "bpf_get_branch_snapshot", "bpf_read_branch_records", "bpf_perf_event_read",
    "bpf_perf_event_read_value", "bpf_perf_prog_read_value",
    // Sending records to user space.
    "bpf_perf_event_output", "bpf_ringbuf_output", "bpf_ringbuf_reserve", "bpf_ringbuf_submit",
    "bpf_ringbuf_discard", "bpf_ringbuf_query", "bpf_ringbuf_reserve_dynptr",
    "bpf_ringbuf_submit_dynptr", "bpf_ringbuf_discard_dynptr",
    "bpf_dynptr_from_mem", "bpf_dynptr_read", "bpf_dynptr_write", "bpf_dynptr_data",
    // Computation and text.
    "bpf_loop", "bpf_strncmp", "bpf_strtol", "bpf_strtoul", "bpf_snprintf", "bpf_snprintf_btf",
    "bpf_trace_printk", "bpf_trace_vprintk",
  ]

  /// Read-only tracing: tracepoints, BTF/raw tracepoints, uprobes and USDT, perf
  /// events; the helpers of `readOnlyTracingHelpers` only; no kfuncs; the map types
  /// tracing tools use; guest map access read-only; no XDP, tc, socket or cgroup
  /// programs. Every part is an allow-list, so the preset stays read-only on a kernel
  /// with helpers, kinds or map types this version has never seen.
  public static var observe: BpfPolicy {
    var policy = BpfPolicy(name: "observe")
    policy.programKinds = [.tracepoint, .rawTracepoint, .btfTracepoint, .uprobe, .usdt, .perfEvent]
    policy.allowedHelpers = readOnlyTracingHelpers
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
  /// × CPUs for per-CPU maps; ring buffers are their size. nil when the declared sizes
  /// multiply past 2^64 bytes: no kernel can create such a map, and every policy
  /// refuses it (the sizes come from the guest's ELF: hostile numbers).
  public func estimatedBytes(possibleCPUs: Int) -> UInt64? {
    switch typeName {
    case "ringbuf", "user_ringbuf":
      return UInt64(maxEntries)
    case "perf_event_array":
      return UInt64(maxEntries) * 8  // < 2^35: cannot overflow
    default:
      let perEntry = UInt64(keySize) + UInt64(valueSize)  // < 2^33: cannot overflow
      let copies: UInt64 =
        typeName.hasPrefix("percpu") || typeName.hasPrefix("lru_percpu")
        ? UInt64(max(possibleCPUs, 1)) : 1
      let (entries, overflow1) = UInt64(maxEntries).multipliedReportingOverflow(by: perEntry)
      let (total, overflow2) = entries.multipliedReportingOverflow(by: copies)
      return overflow1 || overflow2 ? nil : total
    }
  }
}

/// The sum of map size estimates; nil when one is nil or the sum passes 2^64.
func totalEstimatedBytes(_ maps: [BpfMapDescription], possibleCPUs: Int) -> UInt64? {
  var total: UInt64 = 0
  for map in maps {
    guard let bytes = map.estimatedBytes(possibleCPUs: possibleCPUs) else { return nil }
    let (sum, overflow) = total.addingReportingOverflow(bytes)
    guard !overflow else { return nil }
    total = sum
  }
  return total
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
