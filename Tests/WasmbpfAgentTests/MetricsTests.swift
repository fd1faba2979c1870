// The metrics endpoint: per-guest series in the Prometheus text format, checked by
// Prometheus' own `promtool check metrics` (Debian's prometheus package).

import Foundation
import Testing
import WasmbpfAgentAPI
import WasmbpfCtl

#if canImport(Glibc)
  import Glibc
#endif

@Suite(.serialized) struct MetricsTests {
  /// The value of `name{guest="guest"}` in an exposition.
  func value(_ text: String, _ name: String, guest: String) -> Double? {
    let prefix = "\(name){guest=\"\(guest)\"} "
    return text.split(separator: "\n").first { $0.hasPrefix(prefix) }
      .flatMap { Double($0.dropFirst(prefix.count)) }
  }

  @Test func perGuestMetricsPassPromtool() async throws {
    try requireTracefs()
    let promtool = "/usr/bin/promtool"
    guard access(promtool, X_OK) == 0 else {
      // CI installs it (.ci/run); elsewhere say why the check did not run.
      #expect(!toolsRequired, "promtool is not installed (Debian's prometheus package)")
      Issue.record("promtool missing: install Debian's prometheus package to run this check")
      return
    }
    let folder = try TemporaryFolder("metrics")
    defer { folder.remove() }
    let agent = try await AgentProcess(
      folder: folder, arguments: ["--allow-dir", repositoryRoot + "/Fixtures/generated"])
    defer { agent.stop() }
    let client = agent.client
    _ = try await client.load(
      "tracer", try fixture("bpf/guests/exectrace.wasm"), ["-n", "1000000", "-t", "600000"])
    _ = try await client.load(
      "crasher", try fixture("cli/cli_guest.wasm"), ["trap"], policy: "deny-all")
    try await eventually(20, "tracer attached, crasher ended") {
      let tracer = try await client.guest("tracer")
      let crasher = try await client.guest("crasher")
      return tracer.links == 2 && crasher.state == .ended
    }
    try execMarker("wbm\(getpid() % 100000)", in: folder, count: 2)
    try await eventually(10, "events") { try await client.guest("tracer").events > 0 }

    let text = String(decoding: try await client.send(.metrics).body, as: UTF8.self)
    let check = try runCommand(promtool, ["check", "metrics"], input: Data(text.utf8))
    #expect(check.status == 0, "promtool: \(check.output)\n\(text)")
    #expect(check.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(check.output)")

    #expect((value(text, "wasmbpf_guest_events_total", guest: "tracer") ?? 0) > 0)
    #expect((value(text, "wasmbpf_guest_fuel_used_total", guest: "tracer") ?? 0) > 0)
    #expect((value(text, "wasmbpf_guest_callback_seconds_total", guest: "tracer") ?? 0) > 0)
    #expect((value(text, "wasmbpf_guest_memory_bytes", guest: "tracer") ?? 0) > 0)
    #expect(value(text, "wasmbpf_guest_links", guest: "tracer") == 2)
    #expect(value(text, "wasmbpf_guest_running", guest: "tracer") == 1)
    #expect(value(text, "wasmbpf_guest_traps_total", guest: "crasher") == 1)
    #expect(value(text, "wasmbpf_guest_running", guest: "crasher") == 0)
    #expect(text.contains("wasmbpf_agent_guests 2"))
    // A promtool that accepts anything would make this test worthless: it must reject
    // a broken exposition.
    let broken = try runCommand(
      promtool, ["check", "metrics"], input: Data("wasmbpf_x{guest=\"a\" 1\n".utf8))
    #expect(broken.status != 0)

    // A removed guest's series go away.
    _ = try await client.call(.removeGuest, name: "crasher", as: GuestInfo.self)
    let after = String(decoding: try await client.send(.metrics).body, as: UTF8.self)
    #expect(!after.contains("guest=\"crasher\""))
    #expect(await agent.terminate() == 0)
  }
}
