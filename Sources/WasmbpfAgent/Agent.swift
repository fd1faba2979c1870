// The agent: the guests by name and the operations the API and the reconciler call.
// Every operation is safe to call from any task; the table is guarded by a mutex and
// long waits (stopping, updating) happen outside it.

import Foundation
import Synchronization
import WasmbpfAgentAPI

/// What the agent is configured with (wasmbpfd's options).
public struct AgentConfiguration: Sendable {
  /// Directory of tool definitions (the desired state); nil: none.
  public var toolDirectory: String?
  /// Directories modules, policy files and OCI image layouts may come from (the tool
  /// directory is added).
  public var allowedDirectories: [String] = []
  /// Directories beneath which tools may be granted preopens.
  public var preopenDirectories: [String] = []
  /// The cache OCI modules are pulled into (an OCI image layout, made at the first
  /// pull).
  public var ociCacheDirectory = "/var/cache/wasmbpfd/oci"
  /// Registries (`host[:port]`) that may be spoken to over plain HTTP.
  public var insecureRegistries: [String] = []
  /// Where registry credentials are looked for (`$REGISTRY_AUTH_FILE`,
  /// `$DOCKER_CONFIG`, `$HOME`, ...).
  public var environment: [String: String] = [:]
  /// Most guests held at once.
  public var maxGuests = 1000
  /// Output lines kept per guest unless its limits say otherwise.
  public var defaultLogLines = 1000
  /// How often the tool directory is checked for changes.
  public var reconcileInterval: Duration = .seconds(2)
  /// Reported by `health` and `--version`.
  public var version = "0.1.0"

  public init() {}
}

/// The guests of one agent, by name, and every operation on them. Any task may call
/// any method.
public final class Agent: Sendable {
  /// What the agent was started with.
  public let configuration: AgentConfiguration
  let launcher: any GuestLauncher
  let resolver: ToolResolver
  let metrics = AgentMetrics()
  let startedAt = Date()
  private let guests = Mutex<[String: ManagedGuest]>([:])
  private let isReady = Mutex(false)
  private let reconcileChain = Mutex<Task<ReconcileReport, Never>?>(nil)

  public init(configuration: AgentConfiguration, launcher: any GuestLauncher) {
    self.configuration = configuration
    self.launcher = launcher
    var directories = configuration.allowedDirectories
    if let tools = configuration.toolDirectory { directories.append(tools) }
    self.resolver = ToolResolver(
      allowed: AllowedPaths(directories: directories),
      preopenRoots: AllowedPaths(directories: configuration.preopenDirectories),
      artifacts: ArtifactSource(
        cacheDirectory: configuration.ociCacheDirectory,
        insecureRegistries: configuration.insecureRegistries,
        environment: configuration.environment))
  }

  // MARK: queries

  /// Whether the tool directory has been reconciled at least once.
  public var ready: Bool { isReady.withLock { $0 } }

  /// The answer of `health` (`readiness` false) or `ready`.
  public func health(readiness: Bool) -> HealthStatus {
    HealthStatus(
      status: !readiness || ready ? "ok" : "starting", version: configuration.version,
      guests: guests.withLock { $0.count },
      uptimeSeconds: max(0, Date().timeIntervalSince(startedAt)))
  }

  /// Every guest, by name.
  public func list() -> [GuestInfo] {
    allGuests().map { $0.info() }
  }

  func allGuests() -> [ManagedGuest] {
    guests.withLock { Array($0.values) }.sorted { $0.name < $1.name }
  }

  func guest(_ name: String) throws(APIErrorBody) -> ManagedGuest {
    guard let guest = guests.withLock({ $0[name] }) else {
      throw APIErrorBody(.notFound, "no guest named '\(name)'")
    }
    return guest
  }

  /// One guest.
  public func info(_ name: String) throws(APIErrorBody) -> GuestInfo {
    try guest(name).info()
  }

  /// The Prometheus exposition of every guest's metrics.
  public func metricsText() -> String {
    metrics.render(guests: allGuests())
  }

  // MARK: load, stop, remove

  /// Loads and starts a guest from an API request.
  public func load(_ request: LoadRequest) async throws(APIErrorBody) -> GuestInfo {
    let tool = try await resolver.resolve(request.spec, baseDirectory: nil)
    let guest = try insert(name: request.name, source: .api, tool: tool)
    guest.start()
    return guest.info()
  }

  /// Adds a guest under `name`, replacing an ended one of the same name.
  private func insert(name: String, source: GuestSource, tool: ResolvedTool)
    throws(APIErrorBody) -> ManagedGuest
  {
    let logLines = tool.spec.limits.logLines.map { Int(clamping: min($0, 1_000_000)) }
    let guest = ManagedGuest(
      name: name, source: source, tool: tool, launcher: launcher,
      logLines: logLines ?? configuration.defaultLogLines)
    try guests.withLock { table throws(APIErrorBody) in
      if let existing = table[name], existing.isActive {
        throw APIErrorBody(.conflict, "a guest named '\(name)' is \(existing.phase.rawValue)")
      }
      if table[name] == nil, table.count >= configuration.maxGuests {
        throw APIErrorBody(
          .conflict, "the agent holds its maximum of \(configuration.maxGuests) guests")
      }
      table[name] = guest
    }
    return guest
  }

  /// Stops a guest; its record stays. Guests run from a definition are stopped by
  /// removing the definition, unless `force` (the reconciler, shutdown).
  public func stop(_ name: String, force: Bool = false) async throws(APIErrorBody) -> GuestInfo {
    let guest = try guest(name)
    try checkNotManaged(guest, force: force)
    await guest.stop()
    return guest.info()
  }

  /// Stops a guest if needed and forgets it.
  public func remove(_ name: String, force: Bool = false) async throws(APIErrorBody) -> GuestInfo {
    let guest = try guest(name)
    try checkNotManaged(guest, force: force)
    await guest.stop()
    guests.withLock { table in
      if table[name] === guest { table[name] = nil }
    }
    return guest.info()
  }

  private func checkNotManaged(_ guest: ManagedGuest, force: Bool) throws(APIErrorBody) {
    if !force, case .definition(let file, _) = guest.source, guest.isActive {
      throw APIErrorBody(
        .conflict,
        "'\(guest.name)' runs from the tool definition \(file): remove or change the definition")
    }
  }

  /// Detaches a running guest's links.
  public func pause(_ name: String) throws(APIErrorBody) -> GuestInfo {
    let guest = try guest(name)
    do {
      try guest.pause()
    } catch {
      throw Self.apiError(error)
    }
    return guest.info()
  }

  /// Attaches a paused guest's links again.
  public func resume(_ name: String) throws(APIErrorBody) -> GuestInfo {
    let guest = try guest(name)
    do {
      try guest.resume()
    } catch {
      throw Self.apiError(error)
    }
    return guest.info()
  }

  private static func apiError(_ error: ManagedGuest.OperationError) -> APIErrorBody {
    switch error {
    case .notRunning(let phase):
      APIErrorBody(.conflict, "the guest is \(phase.rawValue), not running")
    case .notPaused(let phase):
      APIErrorBody(.conflict, "the guest is \(phase.rawValue), not paused")
    case .failed(let message): APIErrorBody(.internalError, message)
    }
  }

  // MARK: update, wait

  /// Replaces a running guest with a new version (start, attach, stop the old one).
  /// Guests run from a definition are updated by changing the definition, unless
  /// `managed` (the reconciler).
  public func update(_ name: String, _ request: UpdateRequest, managed: Bool = false)
    async throws(APIErrorBody) -> UpdateReport
  {
    let guest = try guest(name)
    if !managed { try checkNotManaged(guest, force: false) }
    // A tag is resolved again: an update to the same tag picks up where it moved.
    let tool = try await resolver.resolve(request.spec, baseDirectory: nil)
    return try await update(guest, to: tool, source: guest.source, request: request)
  }

  func update(
    _ guest: ManagedGuest, to tool: ResolvedTool, source: GuestSource, request: UpdateRequest
  )
    async throws(APIErrorBody) -> UpdateReport
  {
    let attach = Duration.milliseconds(
      Int64(clamping: min(request.attachTimeoutMs ?? 10_000, 600_000)))
    let overlap = Duration.milliseconds(Int64(clamping: min(request.overlapMs ?? 0, 600_000)))
    do {
      return try await guest.update(
        to: tool, source: source, attachTimeout: attach, overlap: overlap)
    } catch {
      switch error {
      case .notRunning(let phase):
        throw APIErrorBody(
          .conflict, "the guest is \(phase.rawValue); only a running guest is updated")
      case .newVersionFailed(let message):
        throw APIErrorBody(.loadFailed, "the new version failed, the old one runs on: \(message)")
      case .attachTimeout(let ms):
        throw APIErrorBody(
          .loadFailed, "the new version did not attach within \(ms) ms; the old one runs on")
      }
    }
  }

  /// Waits until a guest has ended; 504 `timeout` when it has not within `timeout`.
  public func wait(_ name: String, timeout: Duration) async throws(APIErrorBody) -> GuestInfo {
    let guest = try guest(name)
    guard await guest.waitUntilEnded(timeout: timeout) else {
      throw APIErrorBody(.timeout, "'\(name)' is still \(guest.phase.rawValue)")
    }
    return guest.info()
  }

  /// A guest's log buffer.
  public func logs(_ name: String) throws(APIErrorBody) -> LogBuffer {
    try guest(name).logs
  }

  /// Updates every guest's events-per-second figure.
  func sampleRates() {
    for guest in allGuests() { guest.sampleRate() }
  }

  /// Stops every guest (agent shutdown): each detaches its links and releases all.
  public func shutdown() async {
    let all = allGuests()
    await withTaskGroup(of: Void.self) { group in
      for guest in all { group.addTask { await guest.stop() } }
    }
  }

  // MARK: reconciling the desired state

  /// Makes the guests run from definitions match the tool directory. Calls run one
  /// after another.
  public func reconcile() async -> ReconcileReport {
    let task = reconcileChain.withLock { last -> Task<ReconcileReport, Never> in
      let previous = last
      let next = Task { [self] in
        _ = await previous?.value
        return await reconcileNow()
      }
      last = next
      return next
    }
    return await task.value
  }

  private func reconcileNow() async -> ReconcileReport {
    defer { isReady.withLock { $0 = true } }
    guard let directory = configuration.toolDirectory else { return ReconcileReport() }
    let wanted = ToolDefinitionReader(directory: directory).readAll()
    var report = ReconcileReport(errors: wanted.errors)
    let failedNames = Set(
      wanted.errors.compactMap { error -> String? in
        let file = error.file.split(separator: "/").last.map(String.init) ?? ""
        return file.hasSuffix(".toml") ? String(file.dropLast(5)) : nil
      })

    // Definitions that went away: stop and forget their guests. A definition that is
    // there but unreadable keeps its guest running as it was.
    for guest in allGuests() {
      guard case .definition = guest.source, wanted.definitions[guest.name] == nil,
        !failedNames.contains(guest.name)
      else { continue }
      _ = try? await remove(guest.name, force: true)
      report.stopped.append(guest.name)
    }

    for (name, definition) in wanted.definitions.sorted(by: { $0.key < $1.key }) {
      let source = GuestSource.definition(file: definition.file, digest: definition.contentDigest)
      let existing = guests.withLock { $0[name] }
      if let existing, existing.source == source {
        report.unchanged.append(name)
        continue
      }
      if let existing, existing.isActive, existing.source == .api {
        report.errors.append(
          ReconcileError(
            file: definition.file, message: "a guest loaded through the API is named '\(name)'"))
        continue
      }
      let tool: ResolvedTool
      do {
        tool = try await resolver.resolve(definition.spec, baseDirectory: directory)
      } catch {
        report.errors.append(ReconcileError(file: definition.file, message: error.error.message))
        continue
      }
      if let existing, existing.isActive, existing.phase == .running || existing.phase == .paused {
        do {
          _ = try await update(
            existing, to: tool, source: source, request: UpdateRequest(spec: definition.spec))
          report.updated.append(name)
        } catch {
          report.errors.append(ReconcileError(file: definition.file, message: error.error.message))
        }
        continue
      }
      if let existing, existing.isActive {
        await existing.stop()
      }
      do {
        if let existing { guests.withLock { if $0[name] === existing { $0[name] = nil } } }
        let guest = try insert(name: name, source: source, tool: tool)
        guest.start()
        if existing == nil { report.started.append(name) } else { report.updated.append(name) }
      } catch {
        report.errors.append(ReconcileError(file: definition.file, message: error.error.message))
      }
    }
    return report
  }
}
