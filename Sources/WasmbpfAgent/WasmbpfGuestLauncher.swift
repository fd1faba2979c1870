// The agent's runs are WasmbpfGuest handles: the same composition of module, WASI,
// `wasm_bpf` host, policy and limits that `wasmbpf-run` runs, each on its own thread.
// This file only translates between the agent's vocabulary and the handle's.

import Foundation
import WasiBpf
import WasiPreview1
import WasmInterp
import WasmbpfAgentAPI
import WasmbpfGuest

/// Starts each run as a `Guest` of WasmbpfGuest.
struct WasmbpfGuestLauncher: GuestLauncher {
  /// How long a stopped guest may take to leave its loop by itself (its blocked polls
  /// return EINTR) before it is stopped at its next instruction.
  var stopGrace: Duration = .seconds(2)

  func launch(_ launch: GuestLaunch) throws -> any RunningGuest {
    var configuration = GuestConfiguration(
      module: .bytes(launch.moduleBytes), policy: launch.policy)
    configuration.name = launch.moduleName
    configuration.arguments = launch.arguments
    configuration.environment = launch.environment
    configuration.stdin = .closed
    let output = launch.output
    // The sink's buffer is the guest's: copy what is kept.
    configuration.stdout = .sink { bytes in output(.stdout, Array(bytes)) }
    configuration.stderr = .sink { bytes in output(.stderr, Array(bytes)) }
    configuration.limits = WasmbpfGuest.GuestLimits(
      fuel: launch.limits.fuel.map { Int(clamping: $0) },
      maxMemoryBytes: launch.limits.memoryBytes, maxStackBytes: launch.limits.stackBytes,
      timeout: launch.limits.timeoutMs.map { .milliseconds(Int64(clamping: $0)) },
      countsFuel: true)  // the agent reports each guest's fuel used
    configuration.preopens = launch.preopens
    // The policy's attach patterns judge the path as the guest names it: a host path,
    // or one beneath the guest's preopens.
    configuration.attachPaths = launch.attachPaths == .guest ? .guest : .host
    let observer = GuestObserver(
      audit: { record in output(.stderr, Array("wasmbpfd: \(record)\n".utf8)) },
      diagnostic: { diagnostic in output(.stderr, Array("wasmbpfd: \(diagnostic)\n".utf8)) })
    let guest = Guest(configuration, observer: observer)
    do {
      try guest.start()
    } catch {
      throw LaunchError(message: error.description)
    }
    return HostedGuest(guest: guest, stopGrace: stopGrace)
  }
}

struct LaunchError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}

/// One run: a `Guest` handle.
final class HostedGuest: RunningGuest {
  let guest: Guest
  let stopGrace: Duration

  init(guest: Guest, stopGrace: Duration) {
    self.guest = guest
    self.stopGrace = stopGrace
  }

  func stop() {
    guest.interrupt(forceAfter: stopGrace)
  }

  func pause() throws {
    guest.pauseLinks()
  }

  func resume() throws {
    let failures = guest.resumeLinks()
    guard failures.isEmpty else {
      throw LaunchError(
        message: "could not attach again: " + failures.map(\.description).joined(separator: "; "))
    }
  }

  var counters: GuestCounters {
    let source = guest.counters
    var result = GuestCounters()
    result.events = source.eventsDelivered
    result.callbackNanoseconds = source.callbackNanoseconds
    result.fuelUsed = source.fuelConsumed
    result.memoryBytes = source.memoryBytes
    return result
  }

  var bpf: GuestBpfSnapshot {
    let attachments = guest.attachments
    var snapshot = GuestBpfSnapshot()
    var programs: [String] = []
    for attachment in attachments where !programs.contains(attachment.programName) {
      programs.append(attachment.programName)
    }
    snapshot.programs = programs
    snapshot.maps = guest.bpfMaps
    snapshot.links = attachments.filter(\.isAttached).count
    return snapshot
  }

  func outcome() async -> RunOutcome {
    if guest.outcome == nil {
      await CompletionWatcher.shared.wait(for: guest.completionDescriptor)
    }
    switch guest.wait() {
    case .exited(let code): return .exited(Int32(truncatingIfNeeded: code))
    case .returned: return .exited(0)
    case .trapped(let trap):
      return .trapped(message: trap.report, fuelExhausted: trap.kind == .outOfFuel)
    case .stopped(.timeout): return .timedOut
    case .stopped: return .stopped
    case .failed(let failure): return .failed(failure.message)
    }
  }
}

func makeGuestLauncher() -> any GuestLauncher { WasmbpfGuestLauncher() }
