// wasmbpfd's services: the Unix-socket listener, the optional loopback TCP listener
// and the agent's own background work (reconciling the desired state, sampling event
// rates), run as one swift-service-lifecycle group. SIGTERM or SIGINT shuts the group
// down gracefully: the guests first (each detaches every link and releases every
// object and buffer, and log followers see their stream end), then the listeners.

import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals
import WasmbpfAgentAPI

#if canImport(Glibc)
  import Glibc
#endif

/// Where and how wasmbpfd listens.
public struct ListenerConfiguration: Sendable {
  /// The control socket's path.
  public var socketPath: String
  /// The socket file's mode (root-only by default).
  public var socketMode: mode_t = 0o600
  /// Uids admitted on the socket besides root.
  public var extraUIDs: Set<UInt32> = []
  /// A loopback address and port for the TCP listener (port 0: any free port).
  public var tcpHost: String?
  /// The TCP listener's port (0: any free port).
  public var tcpPort: Int = 0
  /// The bearer token TCP clients must send.
  public var tcpToken: String?
  /// Called with the TCP listener's port once it listens.
  public var onTCPListening: (@Sendable (Int) -> Void)?

  public init(socketPath: String) {
    self.socketPath = socketPath
  }
}

/// Why wasmbpfd could not start listening.
public enum AgentDaemonError: Error, CustomStringConvertible {
  case tcpNeedsToken
  case tcpNotLoopback(String)
  case socketInUse(String)
  case socketDirectory(String, String)

  public var description: String {
    switch self {
    case .tcpNeedsToken: "the TCP listener needs a token (--token-file)"
    case .tcpNotLoopback(let host): "the TCP listener binds loopback addresses only, not \(host)"
    case .socketInUse(let path): "another process is listening on \(path)"
    case .socketDirectory(let path, let reason): "cannot create \(path): \(reason)"
    }
  }
}

/// Runs the agent until SIGTERM or SIGINT.
public func runAgentDaemon(
  agent: Agent, listeners: ListenerConfiguration, logger: Logger
) async throws {
  try prepareSocketPath(listeners.socketPath)
  let server = AgentServer(agent: agent)
  let socketPath = listeners.socketPath
  let mode = listeners.socketMode
  let unixApp = Application(
    router: server.router(access: .peerUIDs(listeners.extraUIDs.union([0]))),
    configuration: ApplicationConfiguration(
      address: .unixDomainSocket(path: socketPath), serverName: "wasmbpfd"),
    onServerRunning: { _ in
      chmod(socketPath, mode)
      logger.info("listening", metadata: ["socket": "\(socketPath)"])
    },
    logger: logger)
  var services: [any Service] = [unixApp]
  if let host = listeners.tcpHost {
    guard let token = listeners.tcpToken, !token.isEmpty else {
      throw AgentDaemonError.tcpNeedsToken
    }
    guard isLoopback(host) else { throw AgentDaemonError.tcpNotLoopback(host) }
    let report = listeners.onTCPListening
    services.append(
      Application(
        router: server.router(access: .token(token)),
        configuration: ApplicationConfiguration(
          address: .hostname(host, port: listeners.tcpPort), serverName: "wasmbpfd"),
        onServerRunning: { channel in
          let port = channel.localAddress?.port ?? 0
          logger.info("listening", metadata: ["tcp": "\(host):\(port)"])
          report?(port)
        },
        logger: logger))
  }
  // Last in the list, so shut down first.
  services.append(AgentBackground(agent: agent, logger: logger))
  let group = ServiceGroup(
    configuration: ServiceGroupConfiguration(
      services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
  defer { unlink(socketPath) }
  try await group.run()
}

/// Creates the socket's directory and refuses to take over a socket another process
/// listens on (a second agent started by mistake).
func prepareSocketPath(_ path: String) throws {
  let directory = (path as NSString).deletingLastPathComponent
  if !directory.isEmpty {
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o755])
    } catch {
      throw AgentDaemonError.socketDirectory(directory, "\(error)")
    }
  }
  var info = stat()
  guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK else { return }
  let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
  guard fd >= 0 else { return }
  defer { close(fd) }
  var address = sockaddr_un()
  address.sun_family = sa_family_t(AF_UNIX)
  let bytes = Array(path.utf8)
  guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
  withUnsafeMutableBytes(of: &address.sun_path) { raw in
    for (index, byte) in bytes.enumerated() { raw[index] = byte }
  }
  let connected = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
    }
  }
  if connected == 0 { throw AgentDaemonError.socketInUse(path) }
}

func isLoopback(_ host: String) -> Bool {
  host == "localhost" || host == "::1" || host.hasPrefix("127.")
}

/// The agent's own periodic work, and the guests' shutdown.
struct AgentBackground: Service {
  let agent: Agent
  let logger: Logger

  func run() async throws {
    let first = await agent.reconcile()
    log(first)
    let fingerprint = DirectoryFingerprint(directory: agent.configuration.toolDirectory)
    let interval = agent.configuration.reconcileInterval
    let hangups = await UnixSignalsSequence(trapping: .sighup)
    await cancelWhenGracefulShutdown {
      await withTaskGroup(of: Void.self) { group in
        group.addTask {
          for await _ in hangups {
            logger.info("SIGHUP: reconciling")
            log(await agent.reconcile())
          }
        }
        group.addTask {
          var last = fingerprint.current()
          var sinceSample = Duration.zero
          while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let now = fingerprint.current()
            if now != last {
              last = now
              log(await agent.reconcile())
            }
            sinceSample += interval
            if sinceSample >= .seconds(5) {
              agent.sampleRates()
              sinceSample = .zero
            }
          }
        }
        await group.next()
        group.cancelAll()
      }
    }
    logger.info("stopping every guest")
    await agent.shutdown()
    logger.info("every guest stopped")
  }

  private func log(_ report: ReconcileReport) {
    guard
      !(report.started.isEmpty && report.updated.isEmpty && report.stopped.isEmpty
        && report.errors.isEmpty)
    else { return }
    logger.info(
      "reconciled",
      metadata: [
        "started": "\(report.started)", "updated": "\(report.updated)",
        "stopped": "\(report.stopped)",
        "errors": "\(report.errors.map { "\($0.file): \($0.message)" })",
      ])
  }
}
