// Parsers of option values (sizes, durations, directory grants, environment
// settings, `--invoke` parameters), and what `run` needs from its options.

import WasiBpf
import WasiPreview1
import WasmCore
import WasmInterp
import WastRunner

/// A bad option value; printed as `error: MESSAGE` with exit status 2.
struct UsageError: Error {
  var message: String
  init(_ message: String) { self.message = message }
}

/// The options of a run, as values.
struct RunSettings {
  var modulePath: String
  var guestArguments: [String]
  var invoke: String?
  var preopens: [WasiPreopen] = []
  var inheritEnvironment = false
  /// `--env` settings in order; a nil value means "the host's value, if any".
  var environment: [(key: String, value: String?)] = []
  var fuel: Int?
  var maxMemoryPages: Int?
  var valueStackSlots: Int?
  var timeoutMilliseconds: Int?
  var policySource = "unrestricted"
  var verifierLog = false
  var verbose = false
  /// `--defer-validation`: module-level checks at load, each body before its first
  /// translation (`ValidatedModule(bytes:deferringBodyValidation:)`).
  var deferBodyValidation = false
  /// The module, when it came from an `oci:` reference rather than a file.
  var moduleBytes: [UInt8]?
  /// The policy that came with it, for `--bpf-policy artifact`.
  var artifactPolicy: (text: String, digest: String)?
  /// Registries that may be reached over plain HTTP (`--insecure-registry`).
  var insecureRegistries: [String] = []
}

/// `HOST[::GUEST]`.
func parsePreopen(_ text: String, option: String, readOnly: Bool) throws(UsageError)
  -> WasiPreopen
{
  let parts = text.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
  let host = String(parts[0])
  let guest = parts.count > 1 ? String(parts[1]) : host
  guard !host.isEmpty, !guest.isEmpty else {
    throw UsageError("\(option) expects HOST[::GUEST], not '\(text)'")
  }
  return WasiPreopen(hostPath: host, guestPath: guest, isReadOnly: readOnly)
}

/// `KEY=VALUE`, or `KEY` for the host's value.
func parseEnvironmentSetting(_ text: String) throws(UsageError) -> (key: String, value: String?) {
  guard let equals = text.firstIndex(of: "=") else {
    guard !text.isEmpty else { throw UsageError("--env expects KEY=VALUE or KEY") }
    return (text, nil)
  }
  let key = String(text[..<equals])
  guard !key.isEmpty else { throw UsageError("--env expects KEY=VALUE, not '\(text)'") }
  return (key, String(text[text.index(after: equals)...]))
}

/// A byte count: digits and an optional unit (B, K/KB/KiB, M/MB/MiB, G/GB/GiB; all
/// powers of 1024, as memory sizes are).
func parseSize(_ text: String, option: String) throws(UsageError) -> UInt64 {
  let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
  let unit = text.dropFirst(digits.count).lowercased()
  let multiplier: UInt64
  switch unit {
  case "", "b": multiplier = 1
  case "k", "kb", "kib": multiplier = 1 << 10
  case "m", "mb", "mib": multiplier = 1 << 20
  case "g", "gb", "gib": multiplier = 1 << 30
  default: throw UsageError("\(option): unknown size unit in '\(text)' (use B, KiB, MiB or GiB)")
  }
  guard let value = UInt64(digits) else {
    throw UsageError("\(option) expects a size such as 64MiB, not '\(text)'")
  }
  let (bytes, overflow) = value.multipliedReportingOverflow(by: multiplier)
  guard !overflow else { throw UsageError("\(option): '\(text)' is too large") }
  return bytes
}

/// A duration in milliseconds: digits and ms, s, m or h (a bare number is seconds).
func parseDuration(_ text: String) throws(UsageError) -> Int {
  let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
  let unit = text.dropFirst(digits.count).lowercased()
  let multiplier: Int
  switch unit {
  case "ms": multiplier = 1
  case "", "s": multiplier = 1000
  case "m", "min": multiplier = 60_000
  case "h": multiplier = 3_600_000
  default: throw UsageError("--timeout: unknown unit in '\(text)' (use ms, s, m or h)")
  }
  guard let value = Int(digits), value > 0 else {
    throw UsageError("--timeout expects a duration such as 10s or 500ms, not '\(text)'")
  }
  let (milliseconds, overflow) = value.multipliedReportingOverflow(by: multiplier)
  guard !overflow, milliseconds <= Int(Int32.max) else {
    throw UsageError("--timeout: '\(text)' is too long")
  }
  return milliseconds
}

/// A parameter of `--invoke`: a decimal (or 0x hexadecimal) integer for i32/i64,
/// a number, `nan` or `inf` for f32/f64.
func parseValue(_ text: String, as type: ValueType) -> Value? {
  switch type {
  case .i32:
    if let v = parseInteger(text, bits: 32) { return .i32(UInt32(truncatingIfNeeded: v)) }
    return nil
  case .i64:
    if let v = parseInteger(text, bits: 64) { return .i64(v) }
    return nil
  case .f32:
    return Float(text).map { .float($0) }
  case .f64:
    return Double(text).map { .double($0) }
  default:
    return nil
  }
}

/// Signed or unsigned, within `bits`; returned as the bit pattern.
private func parseInteger(_ text: String, bits: Int) -> UInt64? {
  var body = Substring(text)
  var negative = false
  if body.hasPrefix("-") {
    negative = true
    body = body.dropFirst()
  } else if body.hasPrefix("+") {
    body = body.dropFirst()
  }
  var radix = 10
  if body.hasPrefix("0x") || body.hasPrefix("0X") {
    radix = 16
    body = body.dropFirst(2)
  }
  guard !body.isEmpty, let magnitude = UInt64(body, radix: radix) else { return nil }
  let unsignedMax: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
  if negative {
    let limit: UInt64 = 1 << UInt64(bits - 1)
    guard magnitude <= limit else { return nil }
    return (0 &- magnitude) & unsignedMax
  }
  guard magnitude <= unsignedMax else { return nil }
  return magnitude
}

/// `i32`, `f64`, ... as the text format writes them.
func typeName(_ type: ValueType) -> String {
  switch type {
  case .i32: return "i32"
  case .i64: return "i64"
  case .f32: return "f32"
  case .f64: return "f64"
  case .v128: return "v128"
  case .ref(let r):
    return r.heapType == .function ? "funcref" : "externref"
  }
}

/// What `--invoke` prints for a result: signed integers, floats as Swift prints them.
func resultText(_ value: Value) -> String {
  switch value {
  case .i32(let v): return String(Int32(bitPattern: v))
  case .i64(let v): return String(Int64(bitPattern: v))
  case .f32(let v): return String(Float(bitPattern: v))
  case .f64(let v): return String(Double(bitPattern: v))
  default: return value.description
  }
}

/// The policy of `--bpf-policy`: a preset name, else a file.
func loadPolicy(_ source: String) throws(UsageError) -> BpfPolicy {
  if let preset = BpfPolicy.preset(named: source) { return preset }
  let bytes: [UInt8]
  do {
    bytes = try readFile(source)
  } catch {
    throw UsageError(
      "--bpf-policy: '\(source)' is neither a preset (unrestricted, observe, deny-all) "
        + "nor a readable file: \(error)")
  }
  let name = source.split(separator: "/").last.map(String.init) ?? source
  do {
    return try BpfPolicy(fileContents: String(decoding: bytes, as: UTF8.self), name: name)
  } catch {
    throw UsageError("--bpf-policy \(source): \(error)")
  }
}
