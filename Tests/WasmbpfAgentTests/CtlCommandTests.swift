// wasmbpfctl's guest subcommands (get, pause, resume, stop, rm) against a real agent:
// what each prints, as text and as JSON, and how a refusal ends.

import Foundation
import Testing
import WasmbpfAgentAPI
import WasmbpfCtl

@Suite struct CtlCommandTests {
  @Test func guestSubcommandsPrintTheGuestTheAgentAnswers() async throws {
    let folder = try TemporaryFolder("ctl")
    defer { folder.remove() }
    let agent = try await AgentProcess(
      folder: folder, arguments: ["--allow-dir", repositoryRoot + "/Fixtures/generated"])
    defer { agent.stop() }
    let client = agent.client
    let module = try fixture("cli/cli_guest.wasm")
    _ = try await client.load("napper", module, ["sleep", "60000"], policy: "deny-all")
    try await eventually(20, "running") { try await client.guest("napper").state == .running }
    let digest = try await client.guest("napper").moduleDigest
    let ctl = try executable("wasmbpfctl")
    func ctlRun(_ arguments: [String]) throws -> (status: Int32, output: String) {
      try runCommand(ctl, arguments + ["--socket", agent.socketPath])
    }
    /// The one line a guest prints as (its counters vary; its name and state do not).
    func expectGuestLine(
      _ line: Substring?, state: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
      let text = String(line ?? "")
      #expect(
        text.hasPrefix("napper  \(state)  gen 0  links 0  events 0  0.0/s  fuel "),
        "\(text)", sourceLocation: sourceLocation)
      #expect(text.contains("  mem "), "\(text)", sourceLocation: sourceLocation)
    }

    let get = try ctlRun(["get", "napper"])
    #expect(get.status == 0, "\(get.output)")
    var lines = get.output.split(separator: "\n", omittingEmptySubsequences: false)
    expectGuestLine(lines.first, state: "running")
    #expect(
      Array(lines.dropFirst())
        == [
          "  module: \(module) (sha256 \(digest))", "  policy: deny-all", "  args: sleep 60000", "",
        ])

    let json = try ctlRun(["get", "napper", "--json"])
    #expect(json.status == 0, "\(json.output)")
    // Pretty-printed with sorted keys, then decoded as the agent's own type.
    #expect(json.output.hasPrefix("{\n  \"args\" : [\n    \"sleep\",\n    \"60000\"\n  ],\n"))
    let decoded = try JSONDecoder().decode(GuestInfo.self, from: Data(json.output.utf8))
    #expect(decoded.name == "napper" && decoded.moduleDigest == digest && decoded.state == .running)

    for (command, state) in [("pause", "paused"), ("resume", "running")] {
      let result = try ctlRun([command, "napper"])
      #expect(result.status == 0, "\(command): \(result.output)")
      lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
      expectGuestLine(lines.first, state: state)
      #expect(lines.count == 2 && lines.last == "", "\(command): \(result.output)")
    }
    // Resuming a guest that is not paused is the agent's 409, printed as its message.
    let again = try ctlRun(["resume", "napper"])
    #expect(again.status == 1)
    #expect(
      again.output.hasPrefix("wasmbpfctl: ") && again.output.contains("not paused"),
      "\(again.output)")

    let stop = try ctlRun(["stop", "napper"])
    #expect(stop.status == 0, "\(stop.output)")
    lines = stop.output.split(separator: "\n", omittingEmptySubsequences: false)
    expectGuestLine(lines.first, state: "ended")
    #expect(lines.first?.contains("  (stopped: stopped by the agent") == true, "\(stop.output)")

    let remove = try ctlRun(["rm", "napper", "--json"])
    #expect(remove.status == 0, "\(remove.output)")
    let removed = try JSONDecoder().decode(GuestInfo.self, from: Data(remove.output.utf8))
    #expect(removed.name == "napper" && removed.outcome?.kind == "stopped")
    let gone = try ctlRun(["get", "napper"])
    #expect(gone.status == 1)
    #expect(
      gone.output.hasPrefix("wasmbpfctl: ") && gone.output.contains("no guest named 'napper'"),
      "\(gone.output)")
    #expect(await agent.terminate() == 0)
  }
}
