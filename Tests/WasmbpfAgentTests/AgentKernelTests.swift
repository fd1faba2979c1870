// The agent on the real kernel: many guests in one process, misbehaving guests that
// end only themselves, pause/resume and hot update of the exec tracer, SIGTERM
// detaching everything. Objects are checked with bpftool by the agent's pid only
// (other engineers load programs on the same machine).

import Foundation
import Testing
import WasmbpfAgentAPI
import WasmbpfCtl

#if canImport(Glibc)
  import Glibc
#endif

@Suite(.serialized) struct AgentKernelTests {
  let fixtures = repositoryRoot + "/Fixtures/generated"

  func guestModule(_ name: String) throws -> String {
    try fixture("bpf/guests/\(name).wasm")
  }

  @Test func twentyGuestsKeepDeliveringWhenOthersTrapRunAwayOrExit() async throws {
    try requireTracefs()
    let folder = try TemporaryFolder("twenty")
    defer { folder.remove() }
    let agent = try await AgentProcess(folder: folder, arguments: ["--allow-dir", fixtures])
    defer { agent.stop() }
    let client = agent.client
    let marker = "wbt\(getpid() % 100000)"
    let forever = ["-n", "1000000000", "-t", "600000"]
    // The XDP guest gets an interface of its own (other suites attach XDP to lo).
    let veth = try VethPair()
    defer { veth.remove() }

    // 20 eBPF guests: ring buffer, perf buffer, histogram (hash map), XDP, sockops.
    var continuous: [String] = []
    for index in 0..<8 {
      _ = try await client.load(
        "exectrace-\(index)", try guestModule("exectrace"), forever + ["-m", marker])
      continuous.append("exectrace-\(index)")
    }
    for index in 0..<6 {
      _ = try await client.load(
        "execsnoop-\(index)", try guestModule("execsnoop"), forever + ["-m", marker])
      continuous.append("execsnoop-\(index)")
    }
    let finite: [(String, String, [String], String)] = [
      ("sleephist-0", "sleephist", ["-t", "15000"], "observe"),
      ("sleephist-1", "sleephist", ["-t", "15000"], "observe"),
      ("sleephist-2", "sleephist", ["-t", "15000"], "observe"),
      ("xdpcount-0", "xdpcount", ["-a", veth.inside, "-n", "20", "-t", "60000"], "unrestricted"),
      (
        "sockops-0", "sockops", ["-a", "/sys/fs/cgroup/unified", "-n", "3", "-t", "60000"],
        "unrestricted"
      ),
      (
        "sockops-1", "sockops", ["-a", "/sys/fs/cgroup/unified", "-n", "3", "-t", "60000"],
        "unrestricted"
      ),
    ]
    for (name, module, args, policy) in finite {
      _ = try await client.load(name, try guestModule(module), args, policy: policy)
    }
    let all = continuous + finite.map(\.0)
    #expect(all.count == 20)
    var unattached: [String] = []
    do {
      try await eventually(120, "all 20 guests attached") {
        unattached = []
        // A finite guest may already be done (it exits 0 only after it attached and
        // saw its events) by the time a starved test task looks.
        for name in all {
          let guest = try await client.guest(name)
          let done =
            guest.state == .ended && guest.outcome?.kind == "exited"
            && guest.outcome?.exitCode == 0 && !continuous.contains(name)
          if guest.links < 1 && !done { unattached.append(name) }
        }
        return unattached.isEmpty
      }
    } catch {
      // Say why: each guest still without a link, its state, outcome and last output.
      for name in unattached {
        let guest = try await client.guest(name)
        let log = (try? await client.logs(name)) ?? ""
        Issue.record(
          "\(name): \(guest.state), \(guest.links) links, outcome \(String(describing: guest.outcome)), log: \(log.suffix(600))"
        )
      }
      throw error
    }

    // Three guests that end badly: a trap, a runaway loop stopped by its fuel, an exit.
    let cli = try fixture("cli/cli_guest.wasm")
    _ = try await client.load("trapper", cli, ["trap"], policy: "deny-all")
    _ = try await client.load(
      "runaway", cli, ["loop"], policy: "deny-all", limits: GuestLimits(fuel: 20_000_000))
    _ = try await client.load("quitter", cli, ["exit", "3"], policy: "deny-all")
    for name in ["trapper", "runaway", "quitter"] {
      let ended = try await client.call(
        .waitGuest, name: name, query: [("timeoutMs", "60000")], as: GuestInfo.self)
      #expect(ended.state == .ended, "\(name)")
    }
    let trapped = try await client.guest("trapper")
    #expect(trapped.outcome?.kind == "trapped" && trapped.outcome?.exitCode == 134)
    #expect(trapped.traps == 1 && trapped.lastTrap?.contains("wasm trap") == true)
    let runaway = try await client.guest("runaway")
    #expect(runaway.outcome?.kind == "fuel-exhausted", "\(String(describing: runaway.outcome))")
    #expect(runaway.fuelUsed >= 20_000_000)
    let quitter = try await client.guest("quitter")
    #expect(quitter.outcome?.kind == "exited" && quitter.outcome?.exitCode == 3)

    // The others still deliver: execs, packets and connections made now are seen.
    var before: [String: UInt64] = [:]
    for name in continuous { before[name] = try await client.guest(name).events }
    try execMarker(marker, in: folder, count: 3)
    try loopbackConnections(5)
    try veth.sendUDP(30)
    for _ in 0..<5 { usleep(20_000) }  // clock_nanosleep, for the histograms
    try await eventually(30, "every tracer saw the new execs") {
      for name in continuous {
        let guest = try await client.guest(name)
        guard guest.state == .running, guest.events > before[name] ?? 0 else { return false }
        guard try await client.logs(name).contains(marker) else { return false }
      }
      return true
    }
    for (name, _, _, _) in finite {
      let ended = try await client.call(
        .waitGuest, name: name, query: [("timeoutMs", "60000")], as: GuestInfo.self)
      #expect(
        ended.outcome?.kind == "exited" && ended.outcome?.exitCode == 0,
        "\(name): \(String(describing: ended.outcome))")
    }
    #expect(try await client.logs("sleephist-0").contains("usecs "))
    #expect(try await client.logs("xdpcount-0").contains("packets "))
    #expect(try await client.logs("sockops-1").contains("active "))
    for name in continuous {
      #expect(try await client.guest(name).state == .running, "\(name)")
    }

    // SIGTERM: every program and link of the agent is gone once it has exited.
    let pid = agent.process.processIdentifier
    // exectrace has two programs (exec, exit), execsnoop one.
    let held = try HeldObjects.of(pid: pid)
    #expect(held.programs.count == 8 * 2 + 6, "the agent holds \(held.programs.count) programs")
    #expect(held.links.count == 8 * 2 + 6, "the agent holds \(held.links.count) links")
    #expect(try HeldObjects.existing(programs: held.programs, links: held.links) == held)
    #expect(await agent.terminate() == 0)
    #expect(agent.log().contains("every guest stopped"))
    #expect(try HeldObjects.existing(programs: held.programs, links: held.links) == HeldObjects())
  }

  @Test func pauseResumeAndUpdateTheExecTracer() async throws {
    try requireTracefs()
    let folder = try TemporaryFolder("update")
    defer { folder.remove() }
    let agent = try await AgentProcess(folder: folder, arguments: ["--allow-dir", fixtures])
    defer { agent.stop() }
    let client = agent.client
    let pid = agent.process.processIdentifier
    let marker = "wbu\(getpid() % 100000)"
    let tracer = try guestModule("exectrace")
    _ = try await client.load("exec", tracer, ["-n", "1000000000", "-t", "600000", "-m", marker])
    try await eventually(30, "attached") { try await client.guest("exec").links == 2 }
    try execMarker(marker, in: folder)
    try await eventually(10, "an exec seen") { try await client.logs("exec").contains("exec") }

    // Paused: links detached (bpftool agrees), objects kept, nothing delivered.
    let paused = try await client.call(.pauseGuest, name: "exec", as: GuestInfo.self)
    #expect(paused.state == .paused && paused.links == 0)
    #expect(paused.programs == ["handle_exec", "handle_exit"] && paused.maps == ["events"])
    #expect(try HeldObjects.of(pid: pid).links.isEmpty)
    #expect(try HeldObjects.of(pid: pid).programs.count == 2)
    let eventsWhilePaused = try await client.guest("exec").events
    try execMarker(marker, in: folder, count: 3)
    try await Task.sleep(for: .milliseconds(300))
    #expect(try await client.guest("exec").events == eventsWhilePaused)
    // Resumed: attached again without reloading (the same programs), delivering.
    let resumed = try await client.call(.resumeGuest, name: "exec", as: GuestInfo.self)
    #expect(resumed.state == .running && resumed.links == 2)
    let programsBefore = try HeldObjects.of(pid: pid).programs
    #expect(try HeldObjects.of(pid: pid).links.count == 2)
    try execMarker(marker, in: folder)
    try await eventually(10, "events after resume") {
      try await client.guest("exec").events > eventsWhilePaused
    }

    // Update while execs keep coming: the new version attaches before the old stops.
    let execs = Task.detached {
      while !Task.isCancelled {
        try? execMarker(marker, in: folder)
        try? await Task.sleep(for: .milliseconds(5))
      }
    }
    try await Task.sleep(for: .milliseconds(200))
    let report = try await client.call(
      .updateGuest, name: "exec",
      body: UpdateRequest(
        spec: ToolSpec(
          module: ModuleSource(file: tracer),
          args: ["-n", "1000000000", "-t", "600000", "-m", marker],
          policy: PolicySource(preset: "observe")), overlapMs: 300),
      as: UpdateReport.self)
    try await Task.sleep(for: .milliseconds(300))
    execs.cancel()
    await execs.value
    #expect(report.gapMs == 0)
    #expect(report.overlapMs >= 300)
    #expect(report.eventsDuringOverlapOld > 0 && report.eventsDuringOverlapNew > 0, "\(report)")
    #expect(report.new.generation == 1 && report.new.state == .running)
    let after = try HeldObjects.of(pid: pid)
    #expect(after.programs.count == 2 && after.programs.isDisjoint(with: programsBefore))
    let updated = try await client.guest("exec")
    #expect(updated.links == 2 && updated.events > report.old.events)
    let log = try await client.logs("exec")
    #expect(log.contains("update: new version started") && log.contains("old version stopped"))

    // An update that cannot attach leaves the old version running.
    let failing = try await client.request(
      method: .POST, path: AgentOperation.updateGuest.path(name: "exec"),
      body: try JSONEncoder().encode(
        UpdateRequest(
          spec: ToolSpec(
            module: ModuleSource(file: try fixture("cli/cli_guest.wasm")), args: ["exit", "0"],
            policy: PolicySource(preset: "deny-all")), attachTimeoutMs: 2000)))
    #expect(failing.status == 422, "\(String(decoding: failing.body, as: UTF8.self))")
    #expect(try await client.guest("exec").state == .running)
    #expect(try HeldObjects.of(pid: pid).programs == after.programs)

    // Stop: everything released, the record stays with its outcome.
    let stopped = try await client.call(.stopGuest, name: "exec", as: GuestInfo.self)
    #expect(stopped.state == .ended && stopped.outcome?.kind == "stopped")
    #expect(try HeldObjects.of(pid: pid) == HeldObjects())
    #expect(await agent.terminate() == 0)
  }
}
