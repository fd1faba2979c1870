// What to run: the body of a load or update request, and (written in TOML) the
// contents of a tool definition file in the agent's desired-state directory. One
// type serves both, so a definition means exactly what the same request means.

import Foundation

/// A tool to run as a guest: its module, arguments, environment, granted directories,
/// policy, limits and what to do when it ends.
public struct ToolSpec: Codable, Equatable, Sendable {
  public var module: ModuleSource
  /// The guest's arguments after argv[0] (which is the module's name). When empty and
  /// the module is an OCI image whose config names arguments, those.
  public var args: [String]
  public var env: [String: String]
  /// Directories of the node the guest may use (WASI preopens), in the order it sees
  /// them (fd 3, 4, ...).
  public var preopens: [Preopen]
  /// How the guest's attach targets (cgroup paths, uprobe binaries) are named.
  public var attachPaths: AttachPaths
  /// The eBPF policy. Required: a node agent hosts tools from different teams, so
  /// each states what it may do.
  public var policy: PolicySource
  public var limits: GuestLimits
  public var restart: RestartPolicy

  public init(
    module: ModuleSource, args: [String] = [], env: [String: String] = [:],
    preopens: [Preopen] = [], attachPaths: AttachPaths = .host,
    policy: PolicySource, limits: GuestLimits = GuestLimits(), restart: RestartPolicy = .never
  ) {
    self.module = module
    self.args = args
    self.env = env
    self.preopens = preopens
    self.attachPaths = attachPaths
    self.policy = policy
    self.limits = limits
    self.restart = restart
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case module, args, env, preopens, attachPaths, policy, limits, restart
  }

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownFields(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    module = try c.decode(ModuleSource.self, forKey: .module)
    args = try c.decodeIfPresent([String].self, forKey: .args) ?? []
    env = try c.decodeIfPresent([String: String].self, forKey: .env) ?? [:]
    preopens = try c.decodeIfPresent([Preopen].self, forKey: .preopens) ?? []
    attachPaths = try c.decodeIfPresent(AttachPaths.self, forKey: .attachPaths) ?? .host
    policy = try c.decode(PolicySource.self, forKey: .policy)
    limits = try c.decodeIfPresent(GuestLimits.self, forKey: .limits) ?? GuestLimits()
    restart = try c.decodeIfPresent(RestartPolicy.self, forKey: .restart) ?? .never
    for key in env.keys where key.isEmpty || key.contains("=") || key.contains("\0") {
      throw APIDecodingFailure.invalidField(
        path: "env", reason: "'\(key)' is not an environment variable name")
    }
    // Arguments and values reach the guest as C strings.
    if env.values.contains(where: { $0.contains("\0") }) {
      throw APIDecodingFailure.invalidField(path: "env", reason: "a value contains NUL")
    }
    if let index = args.firstIndex(where: { $0.contains("\0") }) {
      throw APIDecodingFailure.invalidField(path: "args[\(index)]", reason: "contains NUL")
    }
    if args.count > ToolSpec.maxArguments {
      throw APIDecodingFailure.invalidField(
        path: "args", reason: "more than \(ToolSpec.maxArguments) arguments")
    }
    if preopens.count > ToolSpec.maxPreopens {
      throw APIDecodingFailure.invalidField(
        path: "preopens", reason: "more than \(ToolSpec.maxPreopens) directories")
    }
    // An artifact's policy exists only for a module that is an artifact.
    if policy.artifact != nil, module.oci == nil {
      throw APIDecodingFailure.conflictingPolicy(
        path: "policy.artifact",
        reason: "applies the policy an OCI artifact carries: give module.oci")
    }
  }

  /// Most arguments a guest may be given.
  public static let maxArguments = 1024
  /// Most directories a guest may be granted.
  public static let maxPreopens = 64
}

/// A directory of the node granted to the guest, as `wasmbpf-run --dir HOST::GUEST`
/// (or `--ro-dir`) grants one. The agent allows only directories beneath those it was
/// started with (`--allow-preopen`).
public struct Preopen: Codable, Equatable, Sendable {
  /// The directory on the node: an absolute path (a tool definition may give one
  /// relative to its own directory).
  public var host: String
  /// Where the guest sees it; absent: at `host`.
  public var guest: String?
  /// Refuse every operation through it that would write.
  public var readOnly: Bool

  public init(host: String, guest: String? = nil, readOnly: Bool = false) {
    self.host = host
    self.guest = guest
    self.readOnly = readOnly
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case host, guest, readOnly }

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownFields(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    host = try c.decode(String.self, forKey: .host)
    guest = try c.decodeIfPresent(String.self, forKey: .guest)
    readOnly = try c.decodeIfPresent(Bool.self, forKey: .readOnly) ?? false
    let path = decoder.fieldPath
    if host.isEmpty || host.contains("\0") {
      throw APIDecodingFailure.invalidField(path: path + ".host", reason: "not a path")
    }
    if let guest, guest.isEmpty || guest.contains("\0") {
      throw APIDecodingFailure.invalidField(path: path + ".guest", reason: "not a path")
    }
  }
}

/// How a guest names the files its eBPF programs attach to (a cgroup directory, a
/// uprobe's binary). The policy's attach patterns judge the name the guest gives.
public enum AttachPaths: String, Codable, Equatable, Sendable, CaseIterable {
  /// As paths of the node, opened by the agent as given (the reference runtimes' way).
  case host
  /// Through the guest's preopens, as the guest sees them (`wasmbpf-run`'s default): a
  /// guest can name only what it was granted.
  case guest

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = AttachPaths(rawValue: text) else {
      throw APIDecodingFailure.invalidField(
        path: decoder.fieldPath,
        reason: "'\(text)' is not one of \(AttachPaths.allCases.map(\.rawValue))")
    }
    self = value
  }
}

/// Where the guest's module comes from: exactly one of a file on the node (inside a
/// directory the agent allows) or an OCI reference (resolved by the agent when it is
/// built with OCI support).
public struct ModuleSource: Codable, Equatable, Sendable {
  public var file: String?
  public var oci: String?

  public init(file: String) {
    self.file = file
    self.oci = nil
  }

  public init(oci: String) {
    self.file = nil
    self.oci = oci
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case file, oci }

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownFields(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    file = try c.decodeIfPresent(String.self, forKey: .file)
    oci = try c.decodeIfPresent(String.self, forKey: .oci)
    guard (file == nil) != (oci == nil) else {
      throw APIDecodingFailure.invalidField(
        path: "module", reason: "give exactly one of 'file' and 'oci'")
    }
    if let file, file.isEmpty || file.contains("\0") {
      throw APIDecodingFailure.invalidField(path: "module.file", reason: "not a path")
    }
  }
}

/// The eBPF policy: exactly one of a preset's name (`deny-all`, `observe`,
/// `unrestricted`), a policy file (inside an allowed directory), a policy's text, or
/// the policy the module's OCI artifact carries.
public struct PolicySource: Codable, Equatable, Sendable {
  public var preset: String?
  public var file: String?
  public var inline: String?
  /// The artifact's own policy, which is never applied unless asked for here.
  public var artifact: ArtifactPolicy?

  public init(preset: String) {
    self.preset = preset
  }

  public init(file: String) {
    self.file = file
  }

  public init(inline: String) {
    self.inline = inline
  }

  public init(artifact: ArtifactPolicy) {
    self.artifact = artifact
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case preset, file, inline, artifact }

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownFields(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    preset = try c.decodeIfPresent(String.self, forKey: .preset)
    file = try c.decodeIfPresent(String.self, forKey: .file)
    inline = try c.decodeIfPresent(String.self, forKey: .inline)
    artifact = try c.decodeIfPresent(ArtifactPolicy.self, forKey: .artifact)
    let given = [preset != nil, file != nil, inline != nil, artifact != nil].filter { $0 }.count
    guard given == 1 else {
      throw APIDecodingFailure.invalidField(
        path: "policy", reason: "give exactly one of 'preset', 'file', 'inline' and 'artifact'")
    }
    if let file, file.isEmpty || file.contains("\0") {
      throw APIDecodingFailure.invalidField(path: "policy.file", reason: "not a path")
    }
  }
}

/// Applying the policy a module's OCI artifact carries: the publisher's proposal, which
/// the operator accepts here, outright or pinned to the digest of the text they
/// reviewed.
public enum ArtifactPolicy: Codable, Equatable, Sendable {
  /// `true`: whatever policy the artifact carries (its digest is shown by `get` and in
  /// the guest's log).
  case carried
  /// `"sha256:HEX"`: the artifact's policy only if it is exactly this one; a tool
  /// whose artifact carries another is refused (a changed policy is reviewed again).
  case pinned(String)

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let path = decoder.fieldPath
    if let flag = try? container.decode(Bool.self) {
      guard flag else {
        throw APIDecodingFailure.invalidField(
          path: path, reason: "false: leave the field out, or give a preset, file or inline policy")
      }
      self = .carried
      return
    }
    guard let digest = try? container.decode(String.self), Self.isDigest(digest) else {
      throw APIDecodingFailure.invalidField(
        path: path, reason: "expected true or a policy digest, sha256: and 64 lower-case hex digits"
      )
    }
    self = .pinned(digest)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .carried: try container.encode(true)
    case .pinned(let digest): try container.encode(digest)
    }
  }

  static func isDigest(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    return bytes.count == 71 && text.hasPrefix("sha256:")
      && bytes.dropFirst(7).allSatisfy {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
          || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
      }
  }
}

/// Resource limits of one guest. Absent fields take the agent's defaults.
public struct GuestLimits: Codable, Equatable, Sendable {
  /// Fuel (roughly, Wasm instructions) the guest may use in its whole life; the guest
  /// traps when it runs out. Absent: unmetered.
  public var fuel: UInt64?
  /// Largest linear memory, in bytes (rounded down to 64 KiB pages).
  public var memoryBytes: UInt64?
  /// Size of the value stack, in bytes.
  public var stackBytes: UInt64?
  /// Wall-clock limit of one run, in milliseconds.
  public var timeoutMs: UInt64?
  /// Lines of stdout/stderr kept for `logs`.
  public var logLines: UInt64?

  public init(
    fuel: UInt64? = nil, memoryBytes: UInt64? = nil, stackBytes: UInt64? = nil,
    timeoutMs: UInt64? = nil, logLines: UInt64? = nil
  ) {
    self.fuel = fuel
    self.memoryBytes = memoryBytes
    self.stackBytes = stackBytes
    self.timeoutMs = timeoutMs
    self.logLines = logLines
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case fuel, memoryBytes, stackBytes, timeoutMs, logLines
  }

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownFields(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    fuel = try c.decodeUnsignedIfPresent(forKey: .fuel)
    memoryBytes = try c.decodeUnsignedIfPresent(forKey: .memoryBytes)
    stackBytes = try c.decodeUnsignedIfPresent(forKey: .stackBytes)
    timeoutMs = try c.decodeUnsignedIfPresent(forKey: .timeoutMs)
    logLines = try c.decodeUnsignedIfPresent(forKey: .logLines)
  }
}

/// What the agent does when a guest ends by itself.
public enum RestartPolicy: String, Codable, Equatable, Sendable, CaseIterable {
  /// Leave it ended; its outcome stays readable.
  case never
  /// Start it again after a trap, a fuel or memory exhaustion or a non-zero exit.
  case onFailure = "on-failure"
  /// Start it again whenever it ends.
  case always

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = RestartPolicy(rawValue: text) else {
      throw APIDecodingFailure.invalidField(
        path: decoder.codingPath.map(\.stringValue).joined(separator: "."),
        reason: "'\(text)' is not one of \(RestartPolicy.allCases.map(\.rawValue))")
    }
    self = value
  }
}

/// The body of a load request.
public struct LoadRequest: Codable, Equatable, Sendable {
  /// The guest's name, unique in the agent (see `GuestName`).
  public var name: String
  public var spec: ToolSpec

  public init(name: String, spec: ToolSpec) {
    self.name = name
    self.spec = spec
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case name, spec }

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownFields(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name)
    spec = try c.decode(ToolSpec.self, forKey: .spec)
    if let problem = GuestName.problem(name) {
      throw APIDecodingFailure.invalidField(path: "name", reason: problem)
    }
  }
}

/// The body of an update request: the new version, started beside the old one.
public struct UpdateRequest: Codable, Equatable, Sendable {
  public var spec: ToolSpec
  /// How long the new version may take to attach before the update is abandoned (the
  /// old version then keeps running). Default 10 s.
  public var attachTimeoutMs: UInt64?
  /// How long both versions run side by side once the new one has attached, so no
  /// event is missed. Default 0.
  public var overlapMs: UInt64?

  public init(spec: ToolSpec, attachTimeoutMs: UInt64? = nil, overlapMs: UInt64? = nil) {
    self.spec = spec
    self.attachTimeoutMs = attachTimeoutMs
    self.overlapMs = overlapMs
  }

  enum CodingKeys: String, CodingKey, CaseIterable { case spec, attachTimeoutMs, overlapMs }

  public init(from decoder: any Decoder) throws {
    try decoder.rejectUnknownFields(CodingKeys.self)
    let c = try decoder.container(keyedBy: CodingKeys.self)
    spec = try c.decode(ToolSpec.self, forKey: .spec)
    attachTimeoutMs = try c.decodeUnsignedIfPresent(forKey: .attachTimeoutMs)
    overlapMs = try c.decodeUnsignedIfPresent(forKey: .overlapMs)
  }
}

/// Guest names: 1-63 characters, lower-case letters, digits, `.`, `_`, `-`, starting
/// with a letter or digit. They appear in URL paths, metric labels and file names
/// unescaped, so nothing else is allowed.
public enum GuestName {
  public static let maxLength = 63

  /// Why `name` is not a valid guest name, or nil when it is.
  public static func problem(_ name: String) -> String? {
    let bytes = Array(name.utf8)
    guard !bytes.isEmpty, bytes.count <= maxLength else {
      return "a name has 1 to \(maxLength) characters"
    }
    func allowed(_ b: UInt8, first: Bool) -> Bool {
      switch b {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
      case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"): !first
      default: false
      }
    }
    for (index, byte) in bytes.enumerated() where !allowed(byte, first: index == 0) {
      return "'\(name)' is not a guest name (a-z, 0-9, '.', '_', '-'; starts with a-z or 0-9)"
    }
    return nil
  }
}
