// One named guest under the agent's supervision: its current run (two during an
// update), its log, its restart policy, and what it reports. Runs end by themselves
// (exit, trap, fuel, timeout) or because the agent stopped them; only the end of the
// current run, not asked for, can trigger a restart.

import Foundation
import Synchronization
import WasiBpf
import WasiPreview1
import WasmbpfAgentAPI

/// Where a guest's definition lives.
public enum GuestSource: Sendable, Equatable {
  case api
  case definition(file: String, digest: String)

  var text: String {
    switch self {
    case .api: "api"
    case .definition(let file, _): "definition:" + file
    }
  }
}

/// A tool spec resolved into what a run needs: module bytes, parsed policy, granted
/// directories, and what the operator is told about where they came from.
public struct ResolvedTool: Sendable {
  public var spec: ToolSpec
  /// The module file, or the OCI reference pinned to its digest.
  public var moduleLabel: String
  public var moduleName: String
  public var moduleBytes: [UInt8]
  public var moduleDigest: String
  public var policy: BpfPolicy
  /// The spec's arguments, or an OCI image's own when the spec gives none.
  public var arguments: [String]
  public var preopens: [WasiPreopen]
  public var artifact: ArtifactInfo?
  /// Written to the guest's log when this version is loaded: what an OCI reference
  /// resolved to, and which policy applies.
  public var notes: [String]
}

final class ManagedGuest: Sendable {
  let name: String
  let logs: LogBuffer
  private let launcher: any GuestLauncher
  private let state: Mutex<State>

  /// One run and when it started.
  private struct Run {
    var id: UInt64
    var guest: any RunningGuest
    var startedAt: Date
  }

  private struct State {
    var source: GuestSource
    var tool: ResolvedTool
    var phase: GuestState = .starting
    var current: Run?
    /// Runs being replaced by an update, still attached until the new one is.
    var retiring: [UInt64: Run] = [:]
    var nextRunID: UInt64 = 1
    var generation: UInt64 = 0
    var restarts: UInt64 = 0
    var consecutiveFailures: UInt32 = 0
    var stopRequested = false
    var outcome: GuestOutcome?
    var traps: UInt64 = 0
    var lastTrap: String?
    /// Counters of runs that have ended, so totals only grow.
    var ended = GuestCounters()
    var rateSample: (time: Date, events: UInt64)?
    var eventsPerSecond: Double = 0
    var endWaiters: [UUID: CheckedContinuation<Void, Never>] = [:]
  }

  init(
    name: String, source: GuestSource, tool: ResolvedTool, launcher: any GuestLauncher,
    logLines: Int
  ) {
    self.name = name
    self.logs = LogBuffer(capacity: logLines)
    self.launcher = launcher
    self.state = Mutex(State(source: source, tool: tool))
    note(tool)
  }

  /// Tells the log what a newly resolved version is.
  private func note(_ tool: ResolvedTool) {
    for line in tool.notes { logs.note("wasmbpfd: \(name): \(line)") }
  }

  var source: GuestSource { state.withLock { $0.source } }
  var spec: ToolSpec { state.withLock { $0.tool.spec } }
  var phase: GuestState { state.withLock { $0.phase } }
  var isActive: Bool {
    state.withLock { $0.phase != .ended && !($0.phase == .restarting && $0.stopRequested) }
  }

  // MARK: starting and ending runs

  /// Starts a run of the current tool. A launch failure ends the guest with a
  /// `failed` outcome (and may schedule a restart).
  func start() {
    let (tool, id) = state.withLock { state -> (ResolvedTool, UInt64) in
      state.phase = .starting
      state.outcome = nil
      let id = state.nextRunID
      state.nextRunID += 1
      return (state.tool, id)
    }
    do {
      let guest = try launcher.launch(makeLaunch(tool))
      adopt(guest, id: id)
    } catch {
      logs.note("wasmbpfd: \(name): cannot start: \(error)")
      finish(runID: id, outcome: .failed("\(error)"), counters: GuestCounters())
    }
  }

  private func makeLaunch(_ tool: ResolvedTool) -> GuestLaunch {
    let logs = self.logs
    return GuestLaunch(
      name: name, moduleName: tool.moduleName, moduleBytes: tool.moduleBytes,
      arguments: tool.arguments,
      environment: tool.spec.env.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) },
      preopens: tool.preopens, attachPaths: tool.spec.attachPaths,
      policy: tool.policy, limits: tool.spec.limits,
      output: { stream, bytes in logs.write(bytes, to: stream) })
  }

  /// Makes `guest` the current run and watches for its end.
  private func adopt(_ guest: any RunningGuest, id: UInt64) {
    let stopNow = state.withLock { state -> Bool in
      state.current = Run(id: id, guest: guest, startedAt: Date())
      state.phase = .running
      return state.stopRequested
    }
    if stopNow { guest.stop() }
    watch(guest, id: id)
  }

  private func watch(_ guest: any RunningGuest, id: UInt64) {
    Task.detached { [self] in
      let outcome = await guest.outcome()
      finish(runID: id, outcome: outcome, counters: guest.counters)
    }
  }

  /// Records the end of run `runID`.
  private func finish(runID: UInt64, outcome: RunOutcome, counters: GuestCounters) {
    let restartDelay: Duration? = state.withLock { state in
      state.ended.events &+= counters.events
      state.ended.callbackNanoseconds &+= counters.callbackNanoseconds
      state.ended.fuelUsed &+= counters.fuelUsed
      if case .trapped(let message, _) = outcome {
        state.traps &+= 1
        state.lastTrap = message
      }
      if state.retiring.removeValue(forKey: runID) != nil { return nil }
      if let current = state.current, current.id != runID { return nil }
      state.current = nil
      state.outcome = Self.describe(outcome)
      if state.stopRequested, case .exited(let code) = outcome {
        // Interrupted, the guest left its loop and exited by itself: it was stopped.
        state.outcome = GuestOutcome(
          kind: "stopped", exitCode: code,
          message: "stopped by the agent; the guest ended itself with status \(code)",
          endedAt: state.outcome?.endedAt ?? "")
      }
      let failed: Bool
      switch outcome {
      case .exited(let code): failed = code != 0
      case .stopped: failed = false
      default: failed = true
      }
      let restart: Bool
      switch state.tool.spec.restart {
      case .never: restart = false
      case .onFailure: restart = failed
      case .always: restart = true
      }
      guard restart, !state.stopRequested else {
        state.phase = .ended
        for waiter in state.endWaiters.values { waiter.resume() }
        state.endWaiters = [:]
        return nil
      }
      state.consecutiveFailures = failed ? state.consecutiveFailures &+ 1 : 0
      state.phase = .restarting
      // 0.5 s, doubling with each consecutive failure, at most 30 s.
      let exponent = min(state.consecutiveFailures, 6)
      return .milliseconds(500 * (1 << exponent))
    }
    logs.note("wasmbpfd: \(name): \(Self.describe(outcome).summary)")
    guard let restartDelay else {
      if phase == .ended { logs.close() }
      return
    }
    Task.detached { [self] in
      try? await Task.sleep(for: restartDelay)
      let proceed = state.withLock { state -> Bool in
        guard state.phase == .restarting, !state.stopRequested else { return false }
        state.generation &+= 1
        state.restarts &+= 1
        return true
      }
      if proceed {
        logs.note("wasmbpfd: \(name): restarting (\(state.withLock { $0.restarts }))")
        start()
      }
    }
  }

  static func describe(_ outcome: RunOutcome) -> GuestOutcome {
    let now = Date().formatted(.iso8601)
    switch outcome {
    case .exited(let code): return GuestOutcome(kind: "exited", exitCode: code, endedAt: now)
    case .trapped(let message, let fuel):
      return GuestOutcome(
        kind: fuel ? "fuel-exhausted" : "trapped", exitCode: 134, message: message, endedAt: now)
    case .timedOut: return GuestOutcome(kind: "timed-out", exitCode: 124, endedAt: now)
    case .stopped: return GuestOutcome(kind: "stopped", exitCode: 143, endedAt: now)
    case .failed(let message):
      return GuestOutcome(kind: "failed", exitCode: 1, message: message, endedAt: now)
    }
  }

  // MARK: operations

  /// Stops every run and waits until each has released everything.
  func stop() async {
    let runs = state.withLock { state -> [Run] in
      state.stopRequested = true
      if state.phase == .restarting {
        state.phase = .ended
        for waiter in state.endWaiters.values { waiter.resume() }
        state.endWaiters = [:]
      } else if state.phase != .ended {
        state.phase = .stopping
      }
      return (state.current.map { [$0] } ?? []) + Array(state.retiring.values)
    }
    for run in runs { run.guest.stop() }
    for run in runs { _ = await run.guest.outcome() }
    await waitUntilEnded(timeout: .seconds(5))
  }

  /// Waits until the guest has ended (and will not restart), or the timeout expires.
  /// Returns whether it has ended.
  @discardableResult
  func waitUntilEnded(timeout: Duration) async -> Bool {
    let id = UUID()
    let timer = Task.detached { [self] in
      try? await Task.sleep(for: timeout)
      let waiter = state.withLock { $0.endWaiters.removeValue(forKey: id) }
      waiter?.resume()
    }
    defer { timer.cancel() }
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let ended = state.withLock { state -> Bool in
        if state.phase == .ended { return true }
        state.endWaiters[id] = continuation
        return false
      }
      if ended { continuation.resume() }
    }
    return phase == .ended
  }

  enum OperationError: Error {
    case notRunning(GuestState)
    case notPaused(GuestState)
    case failed(String)
  }

  func pause() throws(OperationError) {
    let run = try state.withLock { state throws(OperationError) -> Run in
      guard state.phase == .running, let run = state.current else {
        throw .notRunning(state.phase)
      }
      return run
    }
    do { try run.guest.pause() } catch { throw .failed("\(error)") }
    state.withLock { if $0.phase == .running { $0.phase = .paused } }
    logs.note("wasmbpfd: \(name): paused (links detached)")
  }

  func resume() throws(OperationError) {
    let run = try state.withLock { state throws(OperationError) -> Run in
      guard state.phase == .paused, let run = state.current else { throw .notPaused(state.phase) }
      return run
    }
    do { try run.guest.resume() } catch { throw .failed("\(error)") }
    state.withLock { if $0.phase == .paused { $0.phase = .running } }
    logs.note("wasmbpfd: \(name): resumed (links attached again)")
  }

  // MARK: update

  enum UpdateError: Error {
    case notRunning(GuestState)
    case newVersionFailed(String)
    case attachTimeout(UInt64)
  }

  /// How long a new version's link count must stay unchanged to count as attached when
  /// it has fewer links than the old version (it may be a different tool).
  static let attachSettleTime: Duration = .milliseconds(250)

  /// Starts `tool` beside the current run and waits until it has attached: as many
  /// links as the current run has, or at least one and no new one for
  /// `attachSettleTime`. Keeps both for `overlap`, then stops the old run. The old run
  /// keeps going when the new one fails.
  func update(
    to tool: ResolvedTool, source: GuestSource, attachTimeout: Duration, overlap: Duration
  ) async throws(UpdateError) -> UpdateReport {
    let (old, id) = try state.withLock { state throws(UpdateError) -> (Run, UInt64) in
      guard state.phase == .running || state.phase == .paused, let old = state.current else {
        throw .notRunning(state.phase)
      }
      let id = state.nextRunID
      state.nextRunID += 1
      return (old, id)
    }
    let target = max(1, old.guest.bpf.links)
    note(tool)
    let began = ContinuousClock.now
    let newGuest: any RunningGuest
    do {
      newGuest = try launcher.launch(makeLaunch(tool))
    } catch {
      throw .newVersionFailed("\(error)")
    }
    logs.note("wasmbpfd: \(name): update: new version started, waiting for it to attach")
    // Wait for the new run's links. The run may also end before attaching.
    let ended = Mutex(false)
    let endWatch = Task.detached {
      _ = await newGuest.outcome()
      ended.withLock { $0 = true }
    }
    defer { endWatch.cancel() }
    var lastCount = 0
    var lastChange = began
    while true {
      let links = newGuest.bpf.links
      let now = ContinuousClock.now
      if links != lastCount {
        lastCount = links
        lastChange = now
      }
      if links >= target || (links >= 1 && now - lastChange >= Self.attachSettleTime) { break }
      if ended.withLock({ $0 }) {
        let outcome = await newGuest.outcome()
        throw .newVersionFailed(
          "the new version ended before attaching: \(Self.describe(outcome).summary)")
      }
      if now - began > attachTimeout {
        newGuest.stop()
        _ = await newGuest.outcome()
        throw .attachTimeout(UInt64(attachTimeout.components.seconds * 1000))
      }
      try? await Task.sleep(for: .milliseconds(5))
    }
    let attachedAt = ContinuousClock.now
    let oldEventsAtAttach = old.guest.counters.events
    let newEventsAtAttach = newGuest.counters.events
    if overlap > .zero { try? await Task.sleep(for: overlap) }

    // The old run retires: its end is not the guest's end.
    let oldInfo = info(of: old)
    state.withLock { state in
      state.retiring[old.id] = old
      state.current = Run(id: id, guest: newGuest, startedAt: Date())
      state.tool = tool
      state.source = source
      state.generation &+= 1
      state.phase = .running
    }
    watch(newGuest, id: id)
    old.guest.stop()
    let oldEventsAtEnd = old.guest.counters.events
    _ = await old.guest.outcome()
    let detachedAt = ContinuousClock.now
    let newEventsAtOldEnd = newGuest.counters.events
    let overlapped = detachedAt - attachedAt
    logs.note(
      "wasmbpfd: \(name): update: old version stopped; both attached for \(milliseconds(overlapped)) ms"
    )
    return UpdateReport(
      old: oldInfo, new: info(),
      attachMs: milliseconds(attachedAt - began), overlapMs: milliseconds(overlapped),
      gapMs: 0,
      eventsDuringOverlapOld: oldEventsAtEnd &- oldEventsAtAttach,
      eventsDuringOverlapNew: newEventsAtOldEnd &- newEventsAtAttach)
  }

  // MARK: reporting

  /// Updates events per second from the counters (called every few seconds).
  func sampleRate(now: Date = Date()) {
    let total = totals().events
    state.withLock { state in
      if let last = state.rateSample {
        let seconds = now.timeIntervalSince(last.time)
        if seconds > 0.5 {
          state.eventsPerSecond = Double(total &- last.events) / seconds
          state.rateSample = (now, total)
        }
      } else {
        state.rateSample = (now, total)
      }
    }
  }

  /// Totals over every run, ended and live.
  func totals() -> GuestCounters {
    let (ended, live) = state.withLock { state in
      (state.ended, (state.current.map { [$0] } ?? []) + Array(state.retiring.values))
    }
    var result = ended
    result.memoryBytes = 0
    for run in live {
      let c = run.guest.counters
      result.events &+= c.events
      result.callbackNanoseconds &+= c.callbackNanoseconds
      result.fuelUsed &+= c.fuelUsed
      result.memoryBytes &+= c.memoryBytes
    }
    return result
  }

  var trapCount: UInt64 { state.withLock { $0.traps } }
  var restartCount: UInt64 { state.withLock { $0.restarts } }

  /// The guest as the API reports it.
  func info() -> GuestInfo {
    let current = state.withLock { $0.current }
    var result = info(of: current)
    let totals = totals()
    result.events = totals.events
    result.callbackSeconds = Double(totals.callbackNanoseconds) / 1e9
    result.fuelUsed = totals.fuelUsed
    return result
  }

  private func info(of run: Run?) -> GuestInfo {
    let snapshot = state.withLock { state in
      (
        state.source, state.tool, state.phase, state.generation, state.restarts, state.outcome,
        state.traps, state.lastTrap, state.eventsPerSecond
      )
    }
    let (source, tool, phase, generation, restarts, outcome, traps, lastTrap, rate) = snapshot
    let counters = run?.guest.counters ?? GuestCounters()
    let bpf = run?.guest.bpf ?? GuestBpfSnapshot()
    return GuestInfo(
      name: name, source: source.text, state: phase, generation: generation, restarts: restarts,
      module: tool.moduleLabel, moduleDigest: tool.moduleDigest, artifact: tool.artifact,
      policy: tool.policy.name, args: tool.arguments,
      preopens: tool.preopens.map {
        Preopen(host: $0.hostPath, guest: $0.guestPath, readOnly: $0.isReadOnly)
      }, attachPaths: tool.spec.attachPaths,
      startedAt: run.map { $0.startedAt.formatted(.iso8601) },
      uptimeSeconds: run.map { max(0, Date().timeIntervalSince($0.startedAt)) } ?? 0,
      programs: bpf.programs, links: bpf.links, maps: bpf.maps, events: counters.events,
      eventsPerSecond: rate, callbackSeconds: Double(counters.callbackNanoseconds) / 1e9,
      fuelUsed: counters.fuelUsed, fuelLimit: tool.spec.limits.fuel,
      memoryBytes: counters.memoryBytes, traps: traps, lastTrap: lastTrap, outcome: outcome)
  }
}

extension GuestOutcome {
  var summary: String {
    switch kind {
    case "exited": "exited with status \(exitCode)"
    case "stopped": "stopped"
    default: kind + (message.map { ": " + $0 } ?? "")
    }
  }
}

func milliseconds(_ duration: Duration) -> Double {
  let (seconds, attoseconds) = duration.components
  return Double(seconds) * 1000 + Double(attoseconds) / 1e15
}
