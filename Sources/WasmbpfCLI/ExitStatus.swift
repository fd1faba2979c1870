// The exit statuses of `wasmbpf-run`, documented in `wasmbpf-run help run` and the
// README. A guest's own `proc_exit` code passes through unchanged (modulo 256, as
// the kernel keeps 8 bits), so the runtime's statuses follow conventions a shell
// user already knows: 2 for usage (like most Unix tools), 124 for a timeout (like
// timeout(1)), 128 + N for signal N, and 134 for a trap (as wasmtime does).

enum ExitStatus {
  static let success: Int32 = 0
  /// The module could not be read, decoded, validated, linked or instantiated, or
  /// a WASI directory could not be opened.
  static let failure: Int32 = 1
  /// A usage error: unknown option, bad value, missing module.
  static let usage: Int32 = 2
  /// `--timeout` expired.
  static let timeout: Int32 = 124
  /// The guest trapped (the trap and a Wasm backtrace are printed to stderr).
  static let trap: Int32 = 134

  /// 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.
  static func signal(_ number: Int32) -> Int32 { 128 + number }
}
