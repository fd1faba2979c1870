// wasmbpfctl: the agent's command-line client. Each subcommand is one API operation
// (AgentOperation); `--json` prints the agent's answer as it came.

import ArgumentParser
import Foundation
import NIOCore
import WasmbpfAgentAPI

#if canImport(Glibc)
  import Glibc
#endif

struct EndpointOptions: ParsableArguments {
  @Option(help: "The agent's control socket.")
  var socket = "/run/wasmbpfd/wasmbpfd.sock"

  @Option(help: "Use the agent's loopback TCP listener, HOST:PORT, instead of the socket.")
  var tcp: String?

  @Option(help: "File holding the TCP listener's bearer token.")
  var tokenFile: String?

  @Flag(help: "Print the agent's JSON answer.")
  var json = false

  func client() throws -> AgentClient {
    guard let tcp else { return AgentClient(endpoint: .unixSocket(socket)) }
    guard let colon = tcp.lastIndex(of: ":"), let port = Int(tcp[tcp.index(after: colon)...]) else {
      throw ValidationError("--tcp '\(tcp)' is not HOST:PORT")
    }
    guard let tokenFile else { throw ValidationError("--tcp needs --token-file") }
    let token = try String(contentsOfFile: tokenFile, encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    return AgentClient(endpoint: .tcp(host: String(tcp[..<colon]), port: port, token: token))
  }
}

/// Options describing a tool (load and update).
struct ToolOptions: ParsableArguments {
  @Option(help: "The module: an absolute path inside a directory the agent allows.")
  var file: String?

  @Option(help: "The module: an OCI reference.")
  var oci: String?

  @Option(help: "Policy preset: deny-all, observe, unrestricted.")
  var policy: String?

  @Option(help: "Policy file (inside an allowed directory).")
  var policyFile: String?

  @Option(
    help:
      "Apply the policy the OCI artifact carries: 'any', or only the one with this digest (sha256:HEX)."
  )
  var artifactPolicy: String?

  @Option(
    help: "Grant a directory, HOST[::GUEST] (repeatable; beneath the agent's --allow-preopen).")
  var dir: [String] = []

  @Option(help: "Grant a directory read-only, HOST[::GUEST] (repeatable).")
  var roDir: [String] = []

  @Option(
    help: "How attach targets are named: host (paths of the node) or guest (through the grants).")
  var attachPaths = "host"

  @Option(help: "Fuel for the guest's whole life.")
  var fuel: UInt64?

  @Option(help: "Largest linear memory, in bytes.")
  var memoryBytes: UInt64?

  @Option(help: "Wall-clock limit, in milliseconds.")
  var timeoutMs: UInt64?

  @Option(help: "never, on-failure or always.")
  var restart = "never"

  @Option(help: "An environment variable KEY=VALUE (repeatable).")
  var env: [String] = []

  @Argument(parsing: .postTerminator, help: "The guest's arguments, after --.")
  var args: [String] = []

  func spec() throws -> ToolSpec {
    let module: ModuleSource
    switch (file, oci) {
    case (let file?, nil): module = ModuleSource(file: absolute(file))
    case (nil, let oci?): module = ModuleSource(oci: oci)
    default: throw ValidationError("give exactly one of --file and --oci")
    }
    let policySource: PolicySource
    switch (policy, policyFile, artifactPolicy) {
    case (let preset?, nil, nil): policySource = PolicySource(preset: preset)
    case (nil, let file?, nil): policySource = PolicySource(file: absolute(file))
    case (nil, nil, "any"): policySource = PolicySource(artifact: .carried)
    case (nil, nil, let digest?): policySource = PolicySource(artifact: .pinned(digest))
    default:
      throw ValidationError("give exactly one of --policy, --policy-file and --artifact-policy")
    }
    guard let attach = AttachPaths(rawValue: attachPaths) else {
      throw ValidationError("--attach-paths '\(attachPaths)' is not host or guest")
    }
    var preopens: [Preopen] = []
    for (grants, readOnly) in [(dir, false), (roDir, true)] {
      for grant in grants {
        let parts = grant.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
        guard !parts[0].isEmpty, parts.count == 1 || !parts[1].isEmpty else {
          throw ValidationError("--dir and --ro-dir expect HOST[::GUEST], not '\(grant)'")
        }
        preopens.append(
          Preopen(
            host: absolute(String(parts[0])), guest: parts.count > 1 ? String(parts[1]) : nil,
            readOnly: readOnly))
      }
    }
    guard let restartPolicy = RestartPolicy(rawValue: restart) else {
      throw ValidationError("--restart '\(restart)' is not never, on-failure or always")
    }
    var environment: [String: String] = [:]
    for entry in env {
      guard let equals = entry.firstIndex(of: "=") else {
        throw ValidationError("--env '\(entry)' is not KEY=VALUE")
      }
      environment[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
    }
    return ToolSpec(
      module: module, args: args, env: environment, preopens: preopens, attachPaths: attach,
      policy: policySource,
      limits: GuestLimits(fuel: fuel, memoryBytes: memoryBytes, timeoutMs: timeoutMs),
      restart: restartPolicy)
  }

  private func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }
}

@available(macOS 10.15, *)
public struct WasmbpfCtlCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "wasmbpfctl",
    abstract: "Control a wasmbpfd node agent.",
    subcommands: [
      List.self, Get.self, Load.self, Stop.self, Remove.self, Pause.self, Resume.self,
      Update.self, Logs.self, Wait.self, Reconcile.self, Metrics.self, Health.self,
    ])
  public init() {}
}

/// Prints a decoded answer as JSON or as `text`.
func show<T: Encodable>(_ value: T, json: Bool, text: (T) -> String) {
  if json {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    if let data = try? encoder.encode(value) { print(String(decoding: data, as: UTF8.self)) }
  } else {
    print(text(value))
  }
}

func guestLine(_ guest: GuestInfo) -> String {
  var parts = [
    guest.name, guest.state.rawValue, "gen \(guest.generation)", "links \(guest.links)",
    "events \(guest.events)", String(format: "%.1f/s", guest.eventsPerSecond),
    "fuel \(guest.fuelUsed)", "mem \(guest.memoryBytes)",
  ]
  if let outcome = guest.outcome { parts.append("(\(outcome.summaryText))") }
  return parts.joined(separator: "  ")
}

/// `guestLine`, then what runs: the module (an OCI reference pinned to its digest), the
/// policy and where that policy came from, and the directories the guest was granted.
func guestDetails(_ guest: GuestInfo) -> String {
  var lines = [guestLine(guest), "  module: \(guest.module) (sha256 \(guest.moduleDigest))"]
  if let artifact = guest.artifact {
    lines.append(
      "  artifact: \(artifact.reference) resolved to \(artifact.digest) (\(artifact.format))")
    if let digest = artifact.policyDigest {
      lines.append(
        "  artifact policy: \(digest), " + (artifact.policyApplied ? "applied" : "not applied"))
    }
  }
  lines.append("  policy: \(guest.policy)")
  // As `load` takes them: --dir / --ro-dir HOST::GUEST, --attach-paths.
  for preopen in guest.preopens {
    let guestPath = preopen.guest.map { "::" + $0 } ?? ""
    lines.append("  \(preopen.readOnly ? "ro-dir" : "dir"): \(preopen.host)\(guestPath)")
  }
  if !guest.preopens.isEmpty || guest.attachPaths != .host {
    lines.append("  attach paths: \(guest.attachPaths.rawValue)")
  }
  if !guest.args.isEmpty { lines.append("  args: \(guest.args.joined(separator: " "))") }
  return lines.joined(separator: "\n")
}

extension GuestOutcome {
  var summaryText: String {
    kind == "exited" ? "exited \(exitCode)" : kind + (message.map { ": " + $0 } ?? "")
  }
}

/// Runs an operation, turning client errors into a message and exit status 1.
func perform(_ body: () async throws -> Void) async throws {
  do {
    try await body()
  } catch let error as AgentClientError {
    FileHandle.standardError.write(Data("wasmbpfctl: \(error)\n".utf8))
    throw ExitCode(1)
  }
}

/// A subcommand that applies one operation to a named guest and prints the guest it
/// answers with (`get`, `stop`, `rm`, `pause`, `resume`): declared by its operation.
protocol GuestOperationCommand: AsyncParsableCommand {
  static var operation: AgentOperation { get }
  /// How the answer reads without `--json`.
  static var text: (GuestInfo) -> String { get }
  var endpoint: EndpointOptions { get }
  var name: String { get }
}

extension GuestOperationCommand {
  static var text: (GuestInfo) -> String { guestLine }

  func run() async throws {
    try await perform {
      let guest = try await endpoint.client().call(Self.operation, name: name, as: GuestInfo.self)
      show(guest, json: endpoint.json, text: Self.text)
    }
  }
}

extension WasmbpfCtlCommand {
  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the guests.")
    @OptionGroup var endpoint: EndpointOptions
    func run() async throws {
      try await perform {
        let list = try await endpoint.client().call(.listGuests, as: GuestList.self)
        show(list, json: endpoint.json) { $0.guests.map(guestLine).joined(separator: "\n") }
      }
    }
  }

  struct Get: GuestOperationCommand {
    static let configuration = CommandConfiguration(abstract: "Show one guest.")
    static let operation = AgentOperation.getGuest
    static var text: (GuestInfo) -> String { guestDetails }
    @OptionGroup var endpoint: EndpointOptions
    @Argument var name: String
  }

  struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load and start a guest.")
    @OptionGroup var endpoint: EndpointOptions
    @Argument var name: String
    @OptionGroup var tool: ToolOptions
    func run() async throws {
      try await perform {
        let request = LoadRequest(name: name, spec: try tool.spec())
        let guest = try await endpoint.client().call(.loadGuest, body: request, as: GuestInfo.self)
        show(guest, json: endpoint.json, text: guestLine)
      }
    }
  }

  struct Stop: GuestOperationCommand {
    static let configuration = CommandConfiguration(
      abstract: "Stop a guest (every link detached); its record stays.")
    static let operation = AgentOperation.stopGuest
    @OptionGroup var endpoint: EndpointOptions
    @Argument var name: String
  }

  struct Remove: GuestOperationCommand {
    static let configuration = CommandConfiguration(
      commandName: "rm", abstract: "Stop a guest and forget it.")
    static let operation = AgentOperation.removeGuest
    @OptionGroup var endpoint: EndpointOptions
    @Argument var name: String
  }

  struct Pause: GuestOperationCommand {
    static let configuration = CommandConfiguration(
      abstract: "Detach a guest's links, keeping it loaded.")
    static let operation = AgentOperation.pauseGuest
    @OptionGroup var endpoint: EndpointOptions
    @Argument var name: String
  }

  struct Resume: GuestOperationCommand {
    static let configuration = CommandConfiguration(
      abstract: "Attach a paused guest's links again.")
    static let operation = AgentOperation.resumeGuest
    @OptionGroup var endpoint: EndpointOptions
    @Argument var name: String
  }

  struct Update: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Start a new version, let it attach, stop the old one; print the overlap.")
    @OptionGroup var endpoint: EndpointOptions
    @Argument var name: String
    @Option(help: "Milliseconds both versions stay attached together.")
    var overlapMs: UInt64?
    @Option(help: "Milliseconds the new version may take to attach.")
    var attachTimeoutMs: UInt64?
    @OptionGroup var tool: ToolOptions
    func run() async throws {
      try await perform {
        let request = UpdateRequest(
          spec: try tool.spec(), attachTimeoutMs: attachTimeoutMs, overlapMs: overlapMs)
        let report = try await endpoint.client().call(
          .updateGuest, name: name, body: request, as: UpdateReport.self)
        show(report, json: endpoint.json) {
          String(
            format:
              "updated %@ to generation %llu: attached in %.1f ms, overlap %.1f ms, gap %.1f ms; events during the overlap: old %llu, new %llu",
            $0.new.name, $0.new.generation, $0.attachMs, $0.overlapMs, $0.gapMs,
            $0.eventsDuringOverlapOld, $0.eventsDuringOverlapNew)
        }
      }
    }
  }

  struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a guest's output.")
    @OptionGroup var endpoint: EndpointOptions
    @Argument var name: String
    @Flag(name: .shortAndLong, help: "Follow new output until the guest ends.")
    var follow = false
    @Option(help: "Start with at most this many kept lines.")
    var tail: Int?
    @Option(help: "stdout, stderr or both.")
    var stream = "both"
    func run() async throws {
      try await perform {
        var query = [("stream", stream)]
        if follow { query.append(("follow", "true")) }
        if let tail { query.append(("tail", String(tail))) }
        _ = try await endpoint.client().send(.guestLogs, name: name, query: query) { buffer in
          FileHandle.standardOutput.write(Data(buffer.readableBytesView))
        }
      }
    }
  }

  struct Wait: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Wait until a guest ends; exit with its exit status.")
    @OptionGroup var endpoint: EndpointOptions
    @Argument var name: String
    @Option(help: "Give up after this many milliseconds (exit 124).")
    var timeoutMs: UInt64 = 600_000
    func run() async throws {
      var status: Int32 = 0
      try await perform {
        do {
          let guest = try await endpoint.client().call(
            .waitGuest, name: name, query: [("timeoutMs", String(timeoutMs))], as: GuestInfo.self)
          show(guest, json: endpoint.json, text: guestLine)
          status = guest.outcome?.exitCode ?? 0
        } catch AgentClientError.api(let httpStatus, let body) where body.error.code == .timeout {
          FileHandle.standardError.write(Data("wasmbpfctl: \(body.error.message)\n".utf8))
          _ = httpStatus
          status = 124
        }
      }
      if status != 0 { throw ExitCode(status) }
    }
  }

  struct Reconcile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Re-read the tool directory now.")
    @OptionGroup var endpoint: EndpointOptions
    func run() async throws {
      try await perform {
        let report = try await endpoint.client().call(.reconcile, as: ReconcileReport.self)
        show(report, json: endpoint.json) { report in
          var lines = [
            "started: \(report.started.joined(separator: " "))",
            "updated: \(report.updated.joined(separator: " "))",
            "stopped: \(report.stopped.joined(separator: " "))",
            "unchanged: \(report.unchanged.joined(separator: " "))",
          ]
          lines += report.errors.map { "error: \($0.file): \($0.message)" }
          return lines.joined(separator: "\n")
        }
      }
    }
  }

  struct Metrics: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the Prometheus metrics.")
    @OptionGroup var endpoint: EndpointOptions
    func run() async throws {
      try await perform {
        let response = try await endpoint.client().send(.metrics)
        FileHandle.standardOutput.write(response.body)
      }
    }
  }

  struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check that the agent answers (exit 1 if not ready with --ready).")
    @OptionGroup var endpoint: EndpointOptions
    @Flag(help: "Check readiness: the desired state has been reconciled.")
    var ready = false
    func run() async throws {
      var status: Int32 = 0
      try await perform {
        let health = try await endpoint.client().call(
          ready ? .ready : .health, as: HealthStatus.self)
        show(health, json: endpoint.json) {
          "\($0.status) (version \($0.version), \($0.guests) guests)"
        }
        if health.status != "ok" { status = 1 }
      }
      if status != 0 { throw ExitCode(status) }
    }
  }
}

extension WasmbpfCtlCommand {
  /// Parses the process's arguments and runs the subcommand (ArgumentParser's async
  /// entry point, which the executable's main.swift cannot name unambiguously).
  public static func runFromCommandLine() async { await main() }
}
