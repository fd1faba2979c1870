// libbpf's messages, and the one hint that replaces them when privileges are missing.
//
// libbpf prints through a process-wide, printf-style callback. The BpfSys shim formats
// each message and hands the text to `wasmbpf_receive_libbpf_message` (below), which
// appends it to the
// collector of the calling thread when one of our calls is capturing (every libbpf
// call a host makes for a guest is), and otherwise prints it to stderr as libbpf's
// default callback would. So each message reaches the guest it belongs to, even with
// many guests in one process, and the host decides what to say: as a non-root user,
// libbpf blames RLIMIT_MEMLOCK (irrelevant since Linux 5.11, which accounts BPF memory
// to the memory cgroup) and reports `errno 1`; the host says instead what is needed.

import BpfSys

#if canImport(Glibc)
  import Glibc
#endif

/// One message libbpf printed.
struct LibbpfMessage {
  var isWarning: Bool
  var text: String
}

/// Messages of one thread's capture.
private final class LibbpfCollector {
  var messages: [LibbpfMessage] = []
}

enum LibbpfLog {
  /// The thread's current collector (an unretained `LibbpfCollector`), if capturing.
  static let key: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
  }()

  /// Routes libbpf's output here; once per process.
  private static let installed: Void = {
    _ = key
    wasmbpf_route_libbpf_messages()
  }()

  /// Runs `body`, returning its result and what libbpf printed meanwhile on this thread.
  static func capture<R>(_ body: () -> R) -> (R, [LibbpfMessage]) {
    _ = installed
    let collector = LibbpfCollector()
    let previous = pthread_getspecific(key)
    pthread_setspecific(key, Unmanaged.passUnretained(collector).toOpaque())
    let result = withExtendedLifetime(collector) { body() }
    pthread_setspecific(key, previous)
    return (result, collector.messages)
  }
}

/// libbpf's levels (`enum libbpf_print_level`).
private let libbpfWarningLevel: Int32 = 0
private let libbpfDebugLevel: Int32 = 2

/// Called by the shim for each libbpf message, on the thread that made the libbpf call.
@_cdecl("wasmbpf_receive_libbpf_message")
func receiveLibbpfMessage(_ level: Int32, _ message: UnsafePointer<CChar>?) {
  guard let message, level < libbpfDebugLevel else { return }
  guard let raw = pthread_getspecific(LibbpfLog.key) else {
    _ = write(2, message, strlen(message))
    return
  }
  let collector = Unmanaged<LibbpfCollector>.fromOpaque(raw).takeUnretainedValue()
  var text = String(cString: message)
  while text.last == "\n" { text.removeLast() }
  collector.messages.append(
    LibbpfMessage(isWarning: level == libbpfWarningLevel, text: "libbpf: " + text))
}

/// What BPF needs of this process and how to grant it.
public enum BpfPrivileges {
  // Capability numbers (linux/capability.h).
  static let netAdmin = 12
  static let sysAdmin = 21
  static let perfmon = 38
  static let bpf = 39

  /// The process's effective capabilities (`CapEff` of /proc/self/status), nil when
  /// unreadable.
  static func effectiveCapabilities() -> UInt64? {
    guard let file = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
      let text = String(
        decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      guard text.hasPrefix("CapEff:") else { continue }
      let hex = text.dropFirst("CapEff:".count).trimmingWhitespace
      return UInt64(hex, radix: 16)
    }
    return nil
  }

  /// The capabilities this process lacks to load and attach BPF programs (tracing
  /// ones, plus network ones when `networking`), by name; empty when it has them.
  public static func missing(networking: Bool) -> [String] {
    guard let caps = effectiveCapabilities() else { return [] }
    func has(_ bit: Int) -> Bool { caps & (1 << UInt64(bit)) != 0 }
    if has(sysAdmin) { return [] }  // CAP_SYS_ADMIN covers all three
    var missing: [String] = []
    if !has(bpf) { missing.append("CAP_BPF") }
    if !has(perfmon) { missing.append("CAP_PERFMON") }
    if networking && !has(netAdmin) { missing.append("CAP_NET_ADMIN") }
    return missing
  }

  /// What to tell the operator when a load or attach was refused with EPERM/EACCES
  /// and this process lacks capabilities; nil when it has them (the refusal has
  /// another cause, which libbpf's messages then explain).
  public static func hint(networking: Bool) -> String? {
    let lacking = missing(networking: networking)
    guard !lacking.isEmpty else { return nil }
    var program = [CChar](repeating: 0, count: 4096)
    let length = readlink("/proc/self/exe", &program, program.count - 1)
    let path =
      length > 0
      ? String(decoding: program[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      : "PROGRAM"
    let missing = lacking.joined(separator: ", ")
    if geteuid() == 0 {
      return """
        eBPF needs capabilities this process lacks although it runs as root (\(missing)): \
        its capability set was reduced (a container, systemd's CapabilityBoundingSet=, \
        capsh). Allow CAP_BPF and CAP_PERFMON, plus CAP_NET_ADMIN for XDP and cgroup \
        programs (e.g. podman run --cap-add CAP_BPF,CAP_PERFMON,CAP_NET_ADMIN).
        """
    }
    return """
      eBPF needs privileges this process lacks (\(missing)): run it as root (sudo), or \
      grant the capabilities CAP_BPF and CAP_PERFMON, plus CAP_NET_ADMIN for XDP and \
      cgroup programs: sudo setcap cap_bpf,cap_perfmon,cap_net_admin+ep \(path)
      """
  }
}

extension Substring {
  fileprivate var trimmingWhitespace: Substring {
    var text = self
    while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
    while let last = text.last, last == " " || last == "\t" || last == "\n" { text.removeLast() }
    return text
  }
}
