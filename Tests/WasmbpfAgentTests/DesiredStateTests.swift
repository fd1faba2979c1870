// The desired state: tool definitions reconciled on start and on change, hot updates
// when a definition changes, removal when it goes away, and the same tools again after
// the agent restarts.

import Foundation
import Testing
import WasmbpfAgentAPI
import WasmbpfCtl

#if canImport(Glibc)
  import Glibc
#endif

@Suite(.serialized) struct DesiredStateTests {
  func definition(_ module: String, _ args: [String], restart: String = "never") -> String {
    """
    args = [\(args.map { "\"\($0)\"" }.joined(separator: ", "))]
    restart = "\(restart)"
    [module]
    file = "\(module)"
    [policy]
    preset = "observe"
    """
  }

  @Test func theAgentRunsTheDefinitionsAndRestoresThemAfterARestart() async throws {
    try requireTracefs()
    let folder = try TemporaryFolder("desired")
    defer { folder.remove() }
    let tools = folder.file("tools")
    try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
    // Modules beside the definitions, named relative to them.
    for name in ["exectrace", "execsnoop"] {
      try FileManager.default.copyItem(
        atPath: try fixture("bpf/guests/\(name).wasm"), toPath: tools + "/\(name).wasm")
    }
    let forever = ["-n", "1000000000", "-t", "600000"]
    try folder.write("tools/alpha.toml", definition("exectrace.wasm", forever))
    try folder.write("tools/beta.toml", definition("execsnoop.wasm", forever))
    try folder.write(
      "tools/gamma.toml", definition("exectrace.wasm", forever, restart: "on-failure"))
    try folder.write("tools/broken.toml", "[module]\nfile = 7\n")

    var agent = try await AgentProcess(folder: folder, arguments: ["--tool-dir", tools])
    defer { agent.stop() }
    var client = agent.client
    try await eventually(30, "three tools attached") {
      let list = try await client.call(.listGuests, as: GuestList.self).guests
      return list.count == 3 && list.allSatisfy { $0.links >= 1 && $0.state == .running }
    }
    #expect(try await client.call(.ready, as: HealthStatus.self).status == "ok")
    let alpha = try await client.guest("alpha")
    #expect(alpha.source == "definition:" + tools + "/alpha.toml")
    let report = try await client.call(.reconcile, as: ReconcileReport.self)
    #expect(report.unchanged == ["alpha", "beta", "gamma"])
    #expect(report.errors.count == 1 && report.errors[0].file.hasSuffix("broken.toml"))

    // A guest run from a definition is not stopped through the API.
    let refused = try await client.request(method: .POST, path: "/v1/guests/beta/stop", body: nil)
    #expect(refused.status == 409)

    // A changed definition is a hot update; a removed one stops its tool.
    try folder.write(
      "tools/gamma.toml", definition("execsnoop.wasm", forever, restart: "on-failure"))
    try FileManager.default.removeItem(atPath: tools + "/beta.toml")
    try await eventually(20, "gamma updated and beta gone") {
      let list = try await client.call(.listGuests, as: GuestList.self).guests
      guard let gamma = list.first(where: { $0.name == "gamma" }) else { return false }
      return list.count == 2 && gamma.generation == 1 && gamma.module.hasSuffix("execsnoop.wasm")
        && gamma.state == .running && gamma.links == 1
    }
    #expect(try await client.logs("gamma").contains("update: old version stopped"))
    // A definition that turns invalid leaves its tool running as it was.
    try folder.write("tools/alpha.toml", "[module]\nfile = \"exectrace.wasm\"\n")
    let invalid = try await client.call(.reconcile, as: ReconcileReport.self)
    #expect(invalid.errors.contains { $0.file.hasSuffix("alpha.toml") })
    #expect(try await client.guest("alpha").state == .running)
    try folder.write("tools/alpha.toml", definition("exectrace.wasm", forever))

    // Restart: the same tools come back, from the files.
    #expect(await agent.terminate() == 0)
    agent = try await AgentProcess(folder: folder, arguments: ["--tool-dir", tools])
    client = agent.client
    try await eventually(30, "the tools are back") {
      let list = try await client.call(.listGuests, as: GuestList.self).guests
      return list.map(\.name) == ["alpha", "gamma"]
        && list.allSatisfy { $0.state == .running && $0.links >= 1 }
    }
    #expect(try await client.guest("gamma").module.hasSuffix("execsnoop.wasm"))
    let marker = "wbd\(getpid() % 100000)"
    try execMarker(marker, in: folder, count: 2)
    try await eventually(10, "the restored tracer delivers") {
      try await client.guest("alpha").events > 0
    }
    #expect(await agent.terminate() == 0)
  }

  @Test func restartPoliciesStartGuestsAgain() async throws {
    let folder = try TemporaryFolder("restart")
    defer { folder.remove() }
    let agent = try await AgentProcess(
      folder: folder, arguments: ["--allow-dir", repositoryRoot + "/Fixtures/generated"])
    defer { agent.stop() }
    let client = agent.client
    let cli = try fixture("cli/cli_guest.wasm")
    _ = try await client.load("flaky", cli, ["exit", "1"], policy: "deny-all", restart: .onFailure)
    _ = try await client.load("fine", cli, ["exit", "0"], policy: "deny-all", restart: .onFailure)
    _ = try await client.load("again", cli, ["exit", "0"], policy: "deny-all", restart: .always)
    try await eventually(20, "restarts") {
      let flaky = try await client.guest("flaky")
      let again = try await client.guest("again")
      return flaky.restarts >= 2 && again.restarts >= 2
    }
    let fine = try await client.call(.waitGuest, name: "fine", as: GuestInfo.self)
    #expect(fine.restarts == 0 && fine.outcome?.exitCode == 0)
    // Stopping a guest between restarts ends it for good.
    let stopped = try await client.call(.stopGuest, name: "flaky", as: GuestInfo.self)
    #expect(stopped.state == .ended)
    let restartsAtStop = stopped.restarts
    try await Task.sleep(for: .seconds(2))
    #expect(try await client.guest("flaky").restarts == restartsAtStop)
    // wasmbpfctl wait exits with the guest's status.
    _ = try await client.load("three", cli, ["exit", "3"], policy: "deny-all")
    let ctl = try executable("wasmbpfctl")
    #expect(try runCommand(ctl, ["wait", "three", "--socket", agent.socketPath]).status == 3)
    let removed = try await client.call(.removeGuest, name: "again", as: GuestInfo.self)
    #expect(removed.state == .ended)
    await #expect(throws: AgentClientError.self) { _ = try await client.guest("again") }
    #expect(await agent.terminate() == 0)
  }

  @Test func logsFollowUntilTheGuestEnds() async throws {
    let folder = try TemporaryFolder("logs")
    defer { folder.remove() }
    let agent = try await AgentProcess(
      folder: folder, arguments: ["--allow-dir", repositoryRoot + "/Fixtures/generated"])
    defer { agent.stop() }
    let client = agent.client
    _ = try await client.load(
      "talker", try fixture("cli/cli_guest.wasm"), ["sleep", "1500"], policy: "deny-all")
    // Follow from another process, as an operator would; it ends when the guest ends.
    let ctl = try executable("wasmbpfctl")
    let started = Date()
    let followed = try runCommand(ctl, ["logs", "talker", "-f", "--socket", agent.socketPath])
    #expect(followed.status == 0)
    #expect(Date().timeIntervalSince(started) >= 0.5)
    #expect(
      followed.output.contains("wasmbpfd: talker: exited with status 0"), "\(followed.output)")
    #expect(try await client.logs("talker") == followed.output)
    #expect(await agent.terminate() == 0)
  }
}
