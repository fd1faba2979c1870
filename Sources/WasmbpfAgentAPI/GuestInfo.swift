// What the agent reports about a guest: its state, what it holds in the kernel, its
// counters and, once it has ended, its outcome. Responses are encoded by the agent and
// decoded by the client; both sides use these types.

import Foundation

/// Where a guest is in its life.
public enum GuestState: String, Codable, Sendable, CaseIterable {
  /// Loading, validating, instantiating; not attached yet.
  case starting
  case running
  /// Running, with its BPF links detached (objects and maps stay loaded).
  case paused
  /// Asked to stop; detaching and releasing.
  case stopping
  /// Ended; `outcome` says how. A restart policy may start it again.
  case ended
  /// Waiting to be started again by its restart policy.
  case restarting
}

/// How a guest's run ended.
public struct GuestOutcome: Codable, Equatable, Sendable {
  /// `exited` (returned from `_start` or called `proc_exit`), `trapped`,
  /// `fuel-exhausted`, `timed-out`, `stopped` (by the agent), or `failed` (could not
  /// be loaded, validated, linked or instantiated).
  public var kind: String
  /// The guest's exit code when it exited; otherwise the code `wasmbpf-run` would
  /// return for the same outcome (134 trap, 124 timeout, 143 stopped, 1 failed).
  public var exitCode: Int32
  /// The trap's or the failure's message, with the Wasm backtrace when there is one.
  public var message: String?
  /// When it ended (RFC 3339, UTC).
  public var endedAt: String

  public init(kind: String, exitCode: Int32, message: String? = nil, endedAt: String) {
    self.kind = kind
    self.exitCode = exitCode
    self.message = message
    self.endedAt = endedAt
  }
}

/// A guest as `list` and `get` report it.
public struct GuestInfo: Codable, Equatable, Sendable {
  public var name: String
  /// `api`, or `definition:FILE` for a guest the reconciler runs from a tool definition.
  public var source: String
  public var state: GuestState
  /// Increases with every update and every restart.
  public var generation: UInt64
  public var restarts: UInt64
  /// The module file, or for an OCI module the reference pinned to the digest it
  /// resolved to (`oci://HOST/REPO:TAG@sha256:...`): exactly what runs.
  public var module: String
  /// SHA-256 of the module's bytes, hex.
  public var moduleDigest: String
  /// For an OCI module: what the reference resolved to when the guest was loaded or
  /// last updated.
  public var artifact: ArtifactInfo?
  /// The policy's name, as enforced.
  public var policy: String
  public var args: [String]
  /// The directories granted to the guest, as enforced: `host` resolved (symlinks,
  /// `..`) to the directory the guest really gets, `guest` where it sees it.
  public var preopens: [Preopen]
  /// How the guest names the files its programs attach to.
  public var attachPaths: AttachPaths
  public var startedAt: String?
  public var uptimeSeconds: Double
  /// Names of the BPF programs loaded, links attached now, maps of its objects.
  public var programs: [String]
  public var links: Int
  public var maps: [String]
  public var events: UInt64
  /// Events per second over the last measurement interval (about 5 s).
  public var eventsPerSecond: Double
  /// Time spent in the guest's buffer callbacks, in seconds.
  public var callbackSeconds: Double
  public var fuelUsed: UInt64
  public var fuelLimit: UInt64?
  public var memoryBytes: UInt64
  public var traps: UInt64
  public var lastTrap: String?
  public var outcome: GuestOutcome?

  public init(
    name: String, source: String, state: GuestState, generation: UInt64, restarts: UInt64,
    module: String, moduleDigest: String, artifact: ArtifactInfo? = nil, policy: String,
    args: [String], preopens: [Preopen] = [], attachPaths: AttachPaths = .host,
    startedAt: String?,
    uptimeSeconds: Double, programs: [String], links: Int, maps: [String], events: UInt64,
    eventsPerSecond: Double, callbackSeconds: Double, fuelUsed: UInt64, fuelLimit: UInt64?,
    memoryBytes: UInt64, traps: UInt64, lastTrap: String?, outcome: GuestOutcome?
  ) {
    self.name = name
    self.source = source
    self.state = state
    self.generation = generation
    self.restarts = restarts
    self.module = module
    self.moduleDigest = moduleDigest
    self.artifact = artifact
    self.policy = policy
    self.args = args
    self.preopens = preopens
    self.attachPaths = attachPaths
    self.startedAt = startedAt
    self.uptimeSeconds = uptimeSeconds
    self.programs = programs
    self.links = links
    self.maps = maps
    self.events = events
    self.eventsPerSecond = eventsPerSecond
    self.callbackSeconds = callbackSeconds
    self.fuelUsed = fuelUsed
    self.fuelLimit = fuelLimit
    self.memoryBytes = memoryBytes
    self.traps = traps
    self.lastTrap = lastTrap
    self.outcome = outcome
  }
}

/// What an OCI module source resolved to. A tag is resolved when the guest is loaded
/// or updated, never behind the operator's back: restarts run the same bytes.
public struct ArtifactInfo: Codable, Equatable, Sendable {
  /// The reference as the tool spec gave it.
  public var reference: String
  /// The digest of the manifest (or index) it resolved to.
  public var digest: String
  /// `wasm artifact` or `image`.
  public var format: String
  /// The digest of the policy the artifact carries, if it carries one.
  public var policyDigest: String?
  /// Whether that policy is the one enforced (only when the spec asks for it with
  /// `policy.artifact`).
  public var policyApplied: Bool

  public init(
    reference: String, digest: String, format: String, policyDigest: String?,
    policyApplied: Bool
  ) {
    self.reference = reference
    self.digest = digest
    self.format = format
    self.policyDigest = policyDigest
    self.policyApplied = policyApplied
  }
}

/// The body of `list`.
public struct GuestList: Codable, Equatable, Sendable {
  public var guests: [GuestInfo]
  public init(guests: [GuestInfo]) { self.guests = guests }
}

/// What an update did: the two versions and the hand-over between them.
public struct UpdateReport: Codable, Equatable, Sendable {
  public var old: GuestInfo
  public var new: GuestInfo
  /// Milliseconds from the new version's start to its links being attached.
  public var attachMs: Double
  /// Milliseconds both versions had their links attached at once (0 when there was a
  /// gap).
  public var overlapMs: Double
  /// Milliseconds with neither version attached (0 when they overlapped).
  public var gapMs: Double
  /// Events the old version delivered after the new one attached (seen twice, by
  /// both), and events the old one delivered in all.
  public var eventsDuringOverlapOld: UInt64
  public var eventsDuringOverlapNew: UInt64

  public init(
    old: GuestInfo, new: GuestInfo, attachMs: Double, overlapMs: Double, gapMs: Double,
    eventsDuringOverlapOld: UInt64, eventsDuringOverlapNew: UInt64
  ) {
    self.old = old
    self.new = new
    self.attachMs = attachMs
    self.overlapMs = overlapMs
    self.gapMs = gapMs
    self.eventsDuringOverlapOld = eventsDuringOverlapOld
    self.eventsDuringOverlapNew = eventsDuringOverlapNew
  }
}

/// What one reconciliation of the desired-state directory did.
public struct ReconcileReport: Codable, Equatable, Sendable {
  public var started: [String]
  public var updated: [String]
  public var stopped: [String]
  public var unchanged: [String]
  /// Definitions that could not be read or started, with why.
  public var errors: [ReconcileError]

  public init(
    started: [String] = [], updated: [String] = [], stopped: [String] = [],
    unchanged: [String] = [], errors: [ReconcileError] = []
  ) {
    self.started = started
    self.updated = updated
    self.stopped = stopped
    self.unchanged = unchanged
    self.errors = errors
  }
}

public struct ReconcileError: Codable, Equatable, Sendable {
  public var file: String
  public var message: String
  public init(file: String, message: String) {
    self.file = file
    self.message = message
  }
}

/// The body of `health` and `ready`.
public struct HealthStatus: Codable, Equatable, Sendable {
  /// `ok`, or for `ready` before the first reconciliation, `starting`.
  public var status: String
  public var version: String
  public var guests: Int
  public var uptimeSeconds: Double

  public init(status: String, version: String, guests: Int, uptimeSeconds: Double) {
    self.status = status
    self.version = version
    self.guests = guests
    self.uptimeSeconds = uptimeSeconds
  }
}
