// wasmbpfd's command line.

import ArgumentParser
import Foundation
import Logging

#if canImport(Glibc)
  import Glibc
#endif

@available(macOS 10.15, *)
public struct WasmbpfDaemonCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "wasmbpfd",
    abstract: "The wasmbpf node agent: hosts many eBPF tools as sandboxed guests.",
    discussion: """
      Serves the control API (api/wasmbpfd.openapi.json) on a Unix socket that only root
      may use, runs the tools defined in --tool-dir and keeps them as defined. SIGTERM or
      SIGINT stops every guest (every link detached) and exits; SIGHUP re-reads the tool
      directory at once.
      """,
    version: AgentConfiguration().version)

  @Option(help: "The control socket.")
  var socket = "/run/wasmbpfd/wasmbpfd.sock"

  @Option(help: "The socket file's mode, in octal.")
  var socketMode = "600"

  @Option(
    name: .customLong("allow-uid"), help: "A uid admitted on the socket besides root (repeatable).")
  var allowUIDs: [UInt32] = []

  @Option(help: "Directory of tool definitions (NAME.toml): the desired state.")
  var toolDir: String?

  @Option(
    name: .customLong("allow-dir"),
    help:
      "A directory modules and policy files may come from (repeatable; the tool directory is always allowed)."
  )
  var allowDirs: [String] = []

  @Option(
    name: .customLong("allow-preopen"),
    help:
      "A directory beneath which tools may be granted directories (preopens; repeatable). None by default."
  )
  var allowPreopens: [String] = []

  @Option(help: "The cache OCI modules are pulled into.")
  var ociCache = "/var/cache/wasmbpfd/oci"

  @Option(
    name: .customLong("insecure-registry"),
    help:
      "A registry, HOST[:PORT], that may be spoken to over plain HTTP (repeatable; loopback always may)."
  )
  var insecureRegistries: [String] = []

  @Option(
    help: "Also listen on loopback TCP, HOST:PORT (port 0: any free port); needs --token-file.")
  var tcp: String?

  @Option(help: "File holding the bearer token TCP clients must send.")
  var tokenFile: String?

  @Option(help: "Write the TCP listener's port to this file once it listens.")
  var tcpPortFile: String?

  @Option(help: "Seconds between checks of the tool directory for changes.")
  var reconcileInterval: Double = 2

  @Option(help: "Most guests held at once.")
  var maxGuests = 1000

  @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
  var logLevel = "info"

  @Flag(
    help:
      "Only check the tool definitions in --tool-dir (their syntax and fields; module and policy files are not read), print them, and exit: 1 when any is invalid."
  )
  var check = false

  public init() {}

  public func validate() throws {
    guard mode_t(socketMode, radix: 8) != nil else {
      throw ValidationError("--socket-mode '\(socketMode)' is not an octal mode")
    }
    guard reconcileInterval >= 0.05, reconcileInterval <= 3600 else {
      throw ValidationError("--reconcile-interval must be between 0.05 and 3600 seconds")
    }
    guard Logger.Level(rawValue: logLevel) != nil else {
      throw ValidationError("--log-level '\(logLevel)' is not a level")
    }
    if tcp != nil && tokenFile == nil {
      throw ValidationError("--tcp needs --token-file")
    }
  }

  public func run() async throws {
    if check {
      guard let toolDir else { throw ValidationError("--check needs --tool-dir") }
      let set = ToolDefinitionReader(directory: toolDir).readAll()
      for name in set.definitions.keys.sorted() {
        let definition = set.definitions[name]!
        print("ok: \(definition.file)")
      }
      for error in set.errors {
        print("error: \(error.file): \(error.message)")
      }
      if !set.errors.isEmpty || set.definitions.isEmpty { throw ExitCode(1) }
      return
    }
    let level = Logger.Level(rawValue: logLevel) ?? .info
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
    let logger = Logger(label: "wasmbpfd")
    raiseDescriptorLimit(logger: logger)
    var configuration = AgentConfiguration()
    configuration.toolDirectory = toolDir.map { resolvedPath($0) ?? $0 }
    configuration.allowedDirectories = allowDirs
    configuration.preopenDirectories = allowPreopens
    configuration.ociCacheDirectory = ociCache
    configuration.insecureRegistries = insecureRegistries
    configuration.environment = ProcessInfo.processInfo.environment
    configuration.maxGuests = maxGuests
    configuration.reconcileInterval = .milliseconds(Int64(reconcileInterval * 1000))
    var listeners = ListenerConfiguration(socketPath: socket)
    listeners.socketMode = mode_t(socketMode, radix: 8) ?? 0o600
    listeners.extraUIDs = Set(allowUIDs)
    if let tcp {
      guard let colon = tcp.lastIndex(of: ":"), let port = Int(tcp[tcp.index(after: colon)...]),
        (0...65535).contains(port)
      else { throw ValidationError("--tcp '\(tcp)' is not HOST:PORT") }
      listeners.tcpHost = String(tcp[..<colon]).trimmingCharacters(
        in: CharacterSet(charactersIn: "[]"))
      listeners.tcpPort = port
      let token = try String(contentsOfFile: tokenFile ?? "", encoding: .utf8)
      listeners.tcpToken = token.trimmingCharacters(in: .whitespacesAndNewlines)
      if let portFile = tcpPortFile {
        listeners.onTCPListening = { port in
          try? "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8)
        }
      }
    }
    let agent = Agent(configuration: configuration, launcher: makeGuestLauncher())
    do {
      try await runAgentDaemon(agent: agent, listeners: listeners, logger: logger)
    } catch let error as AgentDaemonError {
      logger.critical("\(error.description)")
      throw ExitCode(1)
    }
  }
}

extension WasmbpfDaemonCommand {
  /// Parses the process's arguments and runs the command (ArgumentParser's async
  /// entry point, which the executable's main.swift cannot name unambiguously).
  public static func runFromCommandLine() async { await main() }
}

/// Each guest holds descriptors for its BPF programs, maps, links and buffers (about
/// eight for an exec tracer): the usual soft limit of 1024 would stop a node agent near
/// a hundred guests. Raise the soft limit to the hard one, as daemons do.
func raiseDescriptorLimit(logger: Logger) {
  var limit = rlimit()
  guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max
  else { return }
  let previous = limit.rlim_cur
  limit.rlim_cur = limit.rlim_max
  if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
    logger.debug(
      "descriptor limit raised", metadata: ["from": "\(previous)", "to": "\(limit.rlim_max)"])
  }
}
