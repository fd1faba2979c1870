// Parsers of option values (sizes, durations, directory grants, environment
// settings), and the guest configuration a `run` command line makes.

import WasiBpf
import WasiPreview1
import WasmbpfGuest

#if canImport(Glibc)
  import Glibc
#endif

/// A bad option value; printed as `error: MESSAGE` with exit status 2.
struct UsageError: Error {
  var message: String
  init(_ message: String) { self.message = message }
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
func parseDuration(_ text: String, option: String = "--timeout") throws(UsageError) -> Int {
  let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
  let unit = text.dropFirst(digits.count).lowercased()
  let multiplier: Int
  switch unit {
  case "ms": multiplier = 1
  case "", "s": multiplier = 1000
  case "m", "min": multiplier = 60_000
  case "h": multiplier = 3_600_000
  default: throw UsageError("\(option): unknown unit in '\(text)' (use ms, s, m or h)")
  }
  guard let value = Int(digits), value > 0 else {
    throw UsageError("\(option) expects a duration such as 10s or 500ms, not '\(text)'")
  }
  let (milliseconds, overflow) = value.multipliedReportingOverflow(by: multiplier)
  guard !overflow, milliseconds <= Int(Int32.max) else {
    throw UsageError("\(option): '\(text)' is too long")
  }
  return milliseconds
}

extension RunCommandLine {
  /// The guest this command line runs; a bad value is a usage error. The module is
  /// left as a file: `execute` reads it (and encodes a text module).
  func guestConfiguration() throws(UsageError) -> GuestConfiguration {
    var configuration: GuestConfiguration
    if let preset = BpfPolicy.presetNames.first(where: { $0 == bpfPolicy }) {
      // Made only if the guest imports wasm_bpf.
      configuration = GuestConfiguration(
        module: .file(module), policy: BpfPolicy.preset(named: preset) ?? BpfPolicy())
    } else if bpfPolicy == "artifact" {
      // Replaced by the artifact's own once the module is resolved (RegistryModule.swift).
      let placeholder = try artifactPolicyPlaceholder()
      configuration = GuestConfiguration(module: .file(module), policy: placeholder)
    } else {
      let policy: BpfPolicy
      do {
        policy = try BpfPolicy.named(bpfPolicy)
      } catch {
        throw UsageError("--bpf-policy: \(error)")
      }
      configuration = GuestConfiguration(module: .file(module), policy: policy)
    }
    configuration.name = module
    if let invoke {
      configuration.entry = .invoke(function: invoke, arguments: guestArguments)
    } else {
      configuration.arguments = guestArguments
    }
    for grant in directories {
      configuration.preopens.append(
        try parsePreopen(
          grant.text, option: grant.isReadOnly ? "--ro-dir" : "--dir", readOnly: grant.isReadOnly))
    }
    configuration.environment = try environmentSettings()
    var limits = GuestLimits()
    if let fuel {
      guard fuel >= 0 else { throw UsageError("--fuel must be 0 or more, not \(fuel)") }
      limits.fuel = fuel
    }
    if let maxMemory { limits.maxMemoryBytes = try parseSize(maxMemory, option: "--max-memory") }
    if let maxStack {
      let bytes = try parseSize(maxStack, option: "--max-stack")
      guard bytes >= 8 else { throw UsageError("--max-stack must be at least 8 bytes") }
      limits.maxStackBytes = bytes
    }
    if let timeout { limits.timeout = .milliseconds(try parseDuration(timeout)) }
    configuration.limits = limits
    configuration.attachPaths = bpfHostPaths ? .host : .guest
    configuration.deferBodyValidation = deferValidation
    return configuration
  }

  /// How long the guest may take to end after the first signal.
  func grace() throws(UsageError) -> Duration {
    guard let gracePeriod else { return .seconds(2) }
    return .milliseconds(try parseDuration(gracePeriod, option: "--grace-period"))
  }

  /// `--inherit-env` first, then each `--env` in order (later settings win).
  private func environmentSettings() throws(UsageError) -> [(key: String, value: String)] {
    var result: [(key: String, value: String)] = []
    func set(_ key: String, _ value: String) {
      result.removeAll { $0.key == key }
      result.append((key, value))
    }
    if inheritEnvironment {
      for (key, value) in hostEnvironment() { set(key, value) }
    }
    for text in environment {
      let (key, value) = try parseEnvironmentSetting(text)
      if let value {
        set(key, value)
      } else if let host = getenv(key) {
        set(key, String(cString: host))
      }
    }
    return result
  }
}

/// The host's environment, from the C library's `environ`.
func hostEnvironment() -> [(String, String)] {
  var result: [(String, String)] = []
  var cursor = environ
  while let entry = cursor.pointee {
    let text = String(cString: entry)
    if let equals = text.firstIndex(of: "=") {
      result.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
    }
    cursor += 1
  }
  return result
}
