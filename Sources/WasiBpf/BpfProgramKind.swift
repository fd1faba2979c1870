// What kind of hook a program is for, read from its ELF section name the way libbpf's
// auto-attach reads it. The kernel's program type is too coarse for a policy:
// kprobes and uprobes share BPF_PROG_TYPE_KPROBE, fentry/fexit/tp_btf share TRACING.

public enum BpfProgramKind: String, CaseIterable, Hashable, Sendable {
  case tracepoint
  case rawTracepoint = "raw_tracepoint"
  case btfTracepoint = "tp_btf"
  case kprobe
  case uprobe
  case usdt
  case perfEvent = "perf_event"
  case xdp
  case tc
  case socketFilter = "socket"
  case sockops
  case cgroup
  case skMsg = "sk_msg"
  case skSkb = "sk_skb"
  case lsm
  case fentry
  case fexit
  case iterator = "iter"
  case syscall
  case other

  /// The kind of a program in ELF section `section` ("tracepoint/syscalls/..." etc.).
  public init(sectionName section: String) {
    let prefix = section.split(separator: "/", maxSplits: 1).first.map(String.init) ?? section
    // libbpf accepts a trailing ".s" (sleepable) or "+" forms; strip them.
    let base = prefix.hasSuffix(".s") ? String(prefix.dropLast(2)) : prefix
    switch base {
    case "tracepoint", "tp": self = .tracepoint
    case "raw_tracepoint", "raw_tp", "raw_tracepoint.w", "raw_tp.w": self = .rawTracepoint
    case "tp_btf": self = .btfTracepoint
    case "kprobe", "kretprobe", "kprobe.multi", "kretprobe.multi", "ksyscall", "kretsyscall":
      self = .kprobe
    case "uprobe", "uretprobe", "uprobe.multi", "uretprobe.multi": self = .uprobe
    case "usdt": self = .usdt
    case "perf_event": self = .perfEvent
    case "xdp", "xdp.frags": self = .xdp
    case "tc", "classifier", "action", "tcx", "tc_ingress", "tc_egress": self = .tc
    case "socket", "sk_reuseport": self = .socketFilter
    case "sockops": self = .sockops
    case "cgroup", "cgroup_skb": self = .cgroup
    case "sk_msg": self = .skMsg
    case "sk_skb": self = .skSkb
    case "lsm", "lsm_cgroup": self = .lsm
    case "fentry", "fmod_ret": self = .fentry
    case "fexit": self = .fexit
    case "iter": self = .iterator
    case "syscall": self = .syscall
    default: self = .other
    }
  }

  /// Kinds the kernel loads only with CAP_NET_ADMIN (or CAP_SYS_ADMIN), besides
  /// CAP_BPF: programs that see or steer network traffic.
  public var needsNetworkAdministration: Bool {
    switch self {
    case .xdp, .tc, .sockops, .cgroup, .skMsg, .skSkb: return true
    default: return false
    }
  }

  /// Kinds that only observe (tracing), as opposed to changing packets, decisions or
  /// kernel return values.
  public var isTracing: Bool {
    switch self {
    case .tracepoint, .rawTracepoint, .btfTracepoint, .kprobe, .uprobe, .usdt, .perfEvent, .fentry,
      .fexit:
      return true
    default:
      return false
    }
  }
}
