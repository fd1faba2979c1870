// The policy file format (TOML subset, see TOMLSubset.swift), e.g.:
//
//   extends = "observe"            # optional: start from a preset (deny-all otherwise:
//                                  # no kinds, helpers or map types but those listed)
//   name = "exec tracer"
//   [programs]
//   kinds = ["tracepoint"]
//   attach = ["tracepoint/sched/sched_process_*"]
//   [helpers]
//   allow = ["bpf_ringbuf_output"]  # the helpers granted ("helper#N" for newer ones)
//   deny = ["bpf_probe_write_user"]  # taken away from a preset's helpers
//   kfuncs = false
//   [maps]
//   types = ["ringbuf", "hash"]
//   default = "read-only"             # none | read-only | read-write
//   [[maps.rule]]
//   name = "config*"                  # fnmatch pattern on the map name
//   access = "read-write"
//   [limits]
//   objects = 1
//   programs = 4
//   links = 4
//   map-bytes = 16_777_216
//   ring-buffer-bytes = 1_048_576
//
// Unknown keys, wrong types and unknown names are errors with their line: a typo in a
// security policy must not silently grant or deny.

public struct BpfPolicyFileError: Error, Equatable, CustomStringConvertible {
  public var line: Int
  public var message: String
  public var description: String { "policy line \(line): \(message)" }
}

extension BpfPolicy {
  /// The names `preset(named:)` knows.
  public static let presetNames = ["unrestricted", "observe", "deny-all"]

  /// The named presets: `deny-all`, `observe`, `unrestricted`.
  public static func preset(named name: String) -> BpfPolicy? {
    switch name {
    case "deny-all": return BpfPolicy()
    case "observe": return .observe
    case "unrestricted": return .unrestricted
    default: return nil
    }
  }

  /// Reads a policy file's text. `name` labels audit records when the file has none.
  public init(fileContents text: String, name defaultName: String) throws(BpfPolicyFileError) {
    let root: TOMLTable
    do {
      root = try TOMLReader.parse(text)
    } catch {
      throw BpfPolicyFileError(line: error.line, message: "\(error.message) (column \(error.column))")
    }
    var reader = PolicyTableReader(table: root, path: "")
    var policy = BpfPolicy(name: defaultName)
    if let base = try reader.string("extends") {
      guard let preset = BpfPolicy.preset(named: base) else {
        throw reader.error("extends", "unknown preset '\(base)' (deny-all, observe, unrestricted)")
      }
      policy = preset
    }
    policy.name = try reader.string("name") ?? defaultName

    if var programs = try reader.table("programs") {
      if let kinds = try programs.strings("kinds") {
        policy.programKinds = []
        for kind in kinds {
          guard let k = BpfProgramKind(rawValue: kind), k != .other else {
            let known = BpfProgramKind.allCases.filter { $0 != .other }.map(\.rawValue)
            throw programs.error("kinds", "unknown program kind '\(kind)' (\(known.joined(separator: ", ")))")
          }
          policy.programKinds.insert(k)
        }
      }
      if let attach = try programs.strings("attach") { policy.attachPoints = attach }
      try programs.finish()
    }
    if var helpers = try reader.table("helpers") {
      func names(_ key: String) throws(BpfPolicyFileError) -> Set<String>? {
        guard let list = try helpers.strings(key) else { return nil }
        var result = Set<String>()
        for name in list {
          guard let id = bpfHelperID(named: name) else {
            throw helpers.error(key, "unknown helper '\(name)'")
          }
          result.insert(bpfHelperName(id))
        }
        return result
      }
      if let deny = try names("deny") { policy.deniedHelpers = deny }
      if let allow = try names("allow") { policy.allowedHelpers = allow }
      if let kfuncs = try helpers.bool("kfuncs") { policy.allowKfuncs = kfuncs }
      try helpers.finish()
    }
    if var maps = try reader.table("maps") {
      if let types = try maps.strings("types") { policy.mapTypes = Set(types) }
      if let access = try maps.string("default") {
        policy.defaultMapAccess = try maps.access(access, key: "default")
      }
      if let rules = try maps.tables("rule") {
        policy.mapRules = []
        for var rule in rules {
          guard let pattern = try rule.string("name") else {
            throw rule.error(nil, "a [[maps.rule]] needs a name")
          }
          guard let access = try rule.string("access") else {
            throw rule.error(nil, "a [[maps.rule]] needs an access")
          }
          policy.mapRules.append(BpfMapRule(pattern: pattern, access: try rule.access(access, key: "access")))
          try rule.finish()
        }
      }
      try maps.finish()
    }
    if var limits = try reader.table("limits") {
      policy.limits.objects = try limits.count("objects") ?? policy.limits.objects
      policy.limits.programs = try limits.count("programs") ?? policy.limits.programs
      policy.limits.links = try limits.count("links") ?? policy.limits.links
      policy.limits.mapBytes = try limits.count("map-bytes").map(UInt64.init) ?? policy.limits.mapBytes
      policy.limits.ringBufferBytes =
        try limits.count("ring-buffer-bytes").map(UInt64.init) ?? policy.limits.ringBufferBytes
      try limits.finish()
    }
    try reader.finish()
    self = policy
  }
}

/// Reads typed keys from one table and reports the keys nobody asked for.
private struct PolicyTableReader {
  let table: TOMLTable
  let path: String
  var used = Set<String>()

  func error(_ key: String?, _ message: String) -> BpfPolicyFileError {
    let line = key.flatMap { table.lines[$0] } ?? table.lines.values.min() ?? 1
    let where_ = key.map { " (\(path)\($0))" } ?? (path.isEmpty ? "" : " ([\(path.dropLast())])")
    return BpfPolicyFileError(line: line, message: message + where_)
  }

  private mutating func take(_ key: String) -> TOMLValue? {
    used.insert(key)
    return table[key]
  }

  mutating func string(_ key: String) throws(BpfPolicyFileError) -> String? {
    guard let value = take(key) else { return nil }
    guard case .string(let s) = value else { throw error(key, "expected a string") }
    return s
  }

  mutating func bool(_ key: String) throws(BpfPolicyFileError) -> Bool? {
    guard let value = take(key) else { return nil }
    guard case .boolean(let b) = value else { throw error(key, "expected true or false") }
    return b
  }

  mutating func count(_ key: String) throws(BpfPolicyFileError) -> Int? {
    guard let value = take(key) else { return nil }
    guard case .integer(let n) = value, n >= 0 else { throw error(key, "expected a count >= 0") }
    return Int(n)
  }

  mutating func strings(_ key: String) throws(BpfPolicyFileError) -> [String]? {
    guard let value = take(key) else { return nil }
    guard case .array(let elements) = value else { throw error(key, "expected an array of strings") }
    var result: [String] = []
    for element in elements {
      guard case .string(let s) = element else { throw error(key, "expected an array of strings") }
      result.append(s)
    }
    return result
  }

  mutating func table(_ key: String) throws(BpfPolicyFileError) -> PolicyTableReader? {
    guard let value = take(key) else { return nil }
    guard case .table(let t) = value else { throw error(key, "expected a [\(path)\(key)] table") }
    return PolicyTableReader(table: t, path: "\(path)\(key).")
  }

  mutating func tables(_ key: String) throws(BpfPolicyFileError) -> [PolicyTableReader]? {
    guard let value = take(key) else { return nil }
    guard case .array(let elements) = value else {
      throw error(key, "expected [[\(path)\(key)]] tables")
    }
    var result: [PolicyTableReader] = []
    for element in elements {
      guard case .table(let t) = element else { throw error(key, "expected [[\(path)\(key)]] tables") }
      result.append(PolicyTableReader(table: t, path: "\(path)\(key)."))
    }
    return result
  }

  func access(_ text: String, key: String) throws(BpfPolicyFileError) -> BpfMapAccess {
    guard let access = BpfMapAccess(rawValue: text) else {
      throw error(key, "unknown access '\(text)' (none, read-only, read-write)")
    }
    return access
  }

  func finish() throws(BpfPolicyFileError) {
    if let unknown = table.keys.first(where: { !used.contains($0) }) {
      throw error(unknown, "unknown key '\(unknown)'")
    }
  }
}
