// Event throughput through one agent guest, on the real kernel: the ringbench fixture
// (one 64-byte ring-buffer record per getppid() call, from any process) consumes a
// fixed number of records, produced by this test's getppid() calls. The
// test checks that the agent's per-guest event counter agrees with the guest's own
// count, and prints the rate (records delivered into the guest's memory and through
// its callback per second of wall time, in the debug build the tests use).

import Foundation
import Testing
import WasmbpfAgentAPI
import WasmbpfCtl

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct AgentThroughputTests {
  @Test func ringBufferRecordsThroughOneGuest() async throws {
    try requireTracefs()
    let folder = try TemporaryFolder("throughput")
    defer { folder.remove() }
    let agent = try await AgentProcess(
      folder: folder, arguments: ["--allow-dir", repositoryRoot + "/Fixtures/generated"])
    defer { agent.stop() }
    let client = agent.client
    let records = 50_000
    _ = try await client.load(
      "ring", try fixture("bpf/guests/ringbench.wasm"), ["-n", "\(records)", "-t", "120000"])
    try await eventually(30, "attached") { try await client.guest("ring").links == 1 }

    // Exactly as many calls as records asked for, at once: they fit in the 4 MiB ring
    // (about 58,000 records), so none is dropped, and the time measured is the time the
    // guest takes to consume them. (A producer that outpaces the consumer forever would
    // keep one ring_buffer__poll from ever returning: libbpf reads until it catches up.)
    let start = ContinuousClock.now
    for _ in 0..<records { _ = getppid() }
    let ended = try await client.call(
      .waitGuest, name: "ring", query: [("timeoutMs", "150000")], as: GuestInfo.self)
    let elapsed = ContinuousClock.now - start
    let log = try await client.logs("ring")
    try #require(
      ended.outcome?.kind == "exited" && ended.outcome?.exitCode == 0,
      "\(String(describing: ended.outcome)) \(log)")

    // The guest prints how many records its callback saw (one poll can deliver more
    // than asked for); the agent counted every one of them.
    let consumed = log.split(separator: "\n").compactMap { line -> UInt64? in
      guard line.hasPrefix("events ") else { return nil }
      return UInt64(line.dropFirst(7).prefix { $0.isNumber })
    }.first
    let seen = try #require(consumed, "no 'events N' line: \(log)")
    #expect(seen >= UInt64(records))
    #expect(ended.events == seen, "the agent counted \(ended.events), the guest \(seen)")

    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(seen) / seconds
    print(
      "AgentThroughputTests: \(seen) ring-buffer records through one agent guest in "
        + "\(String(format: "%.2f", seconds)) s: \(Int(rate)) records/s "
        + "(callback time "
        + "\(String(format: "%.3f", ended.callbackSeconds)) s)")
    // A floor far below what the machine does, so the test fails only when delivery is
    // broken or pathologically slow, not when the machine is busy.
    #expect(rate > 1000, "\(Int(rate)) records/s")
    #expect(await agent.terminate() == 0)
  }
}
