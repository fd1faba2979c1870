// Errors of the BPF layer, as values that keep their context (which object, which
// program, the kernel verifier's log) and map to the negative errno a guest sees.

#if canImport(Glibc)
  import Glibc
#endif

public struct BpfError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A positive errno value (EINVAL, EPERM, ...), what the guest receives negated.
  public var errno: Int32
  /// What was being done, e.g. "open object", "load object 'exec.bpf.o'".
  public var operation: String
  /// The kernel verifier's log, when a load failed and logging was on.
  public var verifierLog: String?

  public init(errno: Int32, operation: String, verifierLog: String? = nil) {
    self.errno = errno
    self.operation = operation
    self.verifierLog = verifierLog
  }

  public var description: String {
    var text = summary
    if let log = verifierLog, !log.isEmpty { text += "\nverifier log:\n\(log)" }
    return text
  }

  /// The operation and the errno, without the verifier's log.
  public var summary: String { "\(operation): \(BpfError.errnoName(errno))" }

  /// "EINVAL (Invalid argument)", from the C library's table.
  public static func errnoName(_ errno: Int32) -> String {
    guard let text = strerror(errno) else { return "errno \(errno)" }
    return "errno \(errno) (\(String(cString: text)))"
  }
}
