// What a WASI instance may see: arguments, environment, preopened directories,
// standard streams, and the clock and random sources. A value type, so a
// configuration can be built, copied and inspected before anything is opened.

/// Where a standard stream of the guest goes.
public enum WasiStream: Sendable {
  /// The host process's own stream (stdin/stdout/stderr).
  case inherit
  /// A host file, opened when the instance starts (write streams are created/truncated).
  case file(path: String)
  /// An in-memory buffer: reads come from `input`; writes are collected for the
  /// embedder (`WasiPreview1.capturedStdout`, `.capturedStderr`).
  case buffer(input: [UInt8] = [])
  /// Closed: reads see end of file, writes fail with EBADF.
  case closed
  /// Each write's bytes are handed to `sink` on the guest's thread, during the write
  /// (output streams only; as input it reads as end of file). For embedders that
  /// keep a guest's log or forward it: copy what you keep, the buffer is the guest's.
  case sink(@Sendable (UnsafeRawBufferPointer) -> Void)
}

/// A host directory the guest may use, under the name the guest sees.
public struct WasiPreopen: Hashable, Sendable {
  public var hostPath: String
  public var guestPath: String
  /// A read-only preopen refuses every operation that would write.
  public var isReadOnly: Bool

  public init(hostPath: String, guestPath: String? = nil, isReadOnly: Bool = false) {
    self.hostPath = hostPath
    self.guestPath = guestPath ?? hostPath
    self.isReadOnly = isReadOnly
  }
}

/// The configuration of one `wasi_snapshot_preview1` instance.
public struct WasiConfiguration: Sendable {
  /// argv; by convention argv[0] is the program's name or path.
  public var arguments: [String]
  /// Environment as `KEY=VALUE` pairs, in order.
  public var environment: [(key: String, value: String)]
  public var preopens: [WasiPreopen]
  public var stdin: WasiStream
  public var stdout: WasiStream
  public var stderr: WasiStream
  /// Replaces the host clocks (realtime, monotonic: nanoseconds) — for tests.
  public var clock: (@Sendable (_ clockID: UInt32) -> UInt64)?
  /// Replaces the host's random source — for tests.
  public var random: (@Sendable (_ buffer: UnsafeMutableRawBufferPointer) -> Void)?

  public init(
    arguments: [String] = [], environment: [(key: String, value: String)] = [],
    preopens: [WasiPreopen] = [], stdin: WasiStream = .inherit, stdout: WasiStream = .inherit,
    stderr: WasiStream = .inherit
  ) {
    self.arguments = arguments
    self.environment = environment
    self.preopens = preopens
    self.stdin = stdin
    self.stdout = stdout
    self.stderr = stderr
  }
}
