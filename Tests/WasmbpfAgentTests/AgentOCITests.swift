// OCI module sources in the agent, against a real registry (docker-registry) and the
// real kernel: the exec tracer fixture pushed with its policy, loaded by tag under
// that policy (asked for explicitly), seeing exec events, reported with the digest it
// resolved to, loaded by digest under the operator's own policy (which wins, and the
// log says so), updated to a new tag; and what is refused.

import Foundation
import Testing
import WasmbpfAgentAPI
import WasmbpfCtl

#if canImport(Glibc)
  import Glibc
#endif

@Suite(.serialized) struct AgentOCITests {
  /// The exec tracer's policy as a publisher would push it: what `wasmbpf-run inspect
  /// --policy` proposes for it, held to its two hooks.
  let tracerPolicy = """
    name = "exectrace (published)"
    extends = "observe"
    [programs]
    kinds = ["tracepoint"]
    attach = ["tracepoint/sched/sched_process_exec", "tracepoint/sched/sched_process_exit"]

    """

  func loadStatus(_ client: AgentClient, _ request: LoadRequest) async throws -> (Int, String) {
    let response = try await client.request(
      method: .POST, path: AgentOperation.loadGuest.path,
      body: try JSONEncoder().encode(request))
    return (response.status, String(decoding: response.body, as: UTF8.self))
  }

  @Test func theExecTracerFromARegistryByTagAndDigestUpdatedToANewTag() async throws {
    try requireTracefs()
    let folder = try TemporaryFolder("oci")
    defer { folder.remove() }
    let registry = try await RegistryProcess(folder: folder)
    defer { registry.stop() }
    let module = Array(
      try Data(contentsOf: URL(fileURLWithPath: try fixture("bpf/guests/exectrace.wasm"))))
    let first = try await registry.push(
      module, policy: tracerPolicy, to: "tools/exectrace:1.0",
      annotations: ["org.opencontainers.image.version": "1.0"])
    let second = try await registry.push(
      module, policy: tracerPolicy, to: "tools/exectrace:2.0",
      annotations: ["org.opencontainers.image.version": "2.0"])
    try #require(first != second)
    let policyDigest = sha256Digest(tracerPolicy)
    try await registry.push(module, policy: nil, to: "tools/exectrace:bare")

    try FileManager.default.createDirectory(
      atPath: folder.file("tools"), withIntermediateDirectories: true)
    // Definitions are picked up by the explicit reconcile below only: with the agent's
    // own poll (every 0.2 s in these tests) it could start one first, under load, and the
    // explicit reconcile would find it unchanged.
    let agent = try await AgentProcess(
      folder: folder,
      arguments: [
        "--oci-cache", folder.file("cache"), "--tool-dir", folder.file("tools"),
        "--reconcile-interval", "3600",
      ])
    defer { agent.stop() }
    let client = agent.client
    let marker = "wbo\(getpid() % 100000)"
    let args = ["-n", "1000000000", "-t", "600000", "-m", marker]
    let byTag = "\(registry.address)/tools/exectrace:1.0"

    // By tag, under the policy that travelled with it, asked for explicitly.
    let loaded = try await client.call(
      .loadGuest,
      body: LoadRequest(
        name: "exec",
        spec: ToolSpec(
          module: ModuleSource(oci: byTag), args: args, policy: PolicySource(artifact: .carried))),
      as: GuestInfo.self)
    #expect(loaded.module == "oci://\(byTag)@\(first)")
    #expect(
      loaded.artifact
        == ArtifactInfo(
          reference: byTag, digest: first, format: "Wasm artifact", policyDigest: policyDigest,
          policyApplied: true))
    #expect(loaded.policy == "artifact \(policyDigest): exectrace (published)")
    try await eventually(30, "attached") { try await client.guest("exec").links == 2 }
    try execMarker(marker, in: folder)
    try await eventually(10, "an exec seen") { try await client.logs("exec").contains(marker) }
    let log = try await client.logs("exec")
    #expect(log.contains("module \(byTag) is \(first) (Wasm artifact"), "\(log)")
    #expect(log.contains("the artifact carries a policy (\(policyDigest)), applied:"))
    #expect(log.contains("  | name = \"exectrace (published)\""))
    // `list` and `get` say exactly what runs.
    let listed = try await client.call(.listGuests, as: GuestList.self)
    #expect(listed.guests.first { $0.name == "exec" }?.artifact?.digest == first)

    // By digest, under the operator's own policy: the artifact's is shown, not applied.
    // Everything is in the cache now, so the registry is not asked.
    let pinned = "\(registry.address)/tools/exectrace@\(first)"
    let own = try await client.call(
      .loadGuest,
      body: LoadRequest(
        name: "exec-own",
        spec: ToolSpec(
          module: ModuleSource(oci: pinned), args: args, policy: PolicySource(preset: "observe"))),
      as: GuestInfo.self)
    #expect(own.policy == "observe")
    #expect(own.artifact?.digest == first && own.artifact?.policyApplied == false)
    #expect(own.artifact?.policyDigest == policyDigest)
    let ownLog = try await client.logs("exec-own")
    #expect(ownLog.contains("from the cache"), "\(ownLog)")
    #expect(
      ownLog.contains(
        "the artifact carries a policy (\(policyDigest)), not applied: the tool's policy is 'observe'"
      ))

    // Update to a new tag, the policy pinned to the digest that was reviewed.
    let execs = Task.detached {
      while !Task.isCancelled {
        try? execMarker(marker, in: folder)
        try? await Task.sleep(for: .milliseconds(10))
      }
    }
    let report = try await client.call(
      .updateGuest, name: "exec",
      body: UpdateRequest(
        spec: ToolSpec(
          module: ModuleSource(oci: "\(registry.address)/tools/exectrace:2.0"), args: args,
          policy: PolicySource(artifact: .pinned(policyDigest))), overlapMs: 200),
      as: UpdateReport.self)
    execs.cancel()
    await execs.value
    #expect(report.old.artifact?.digest == first)
    #expect(report.new.artifact?.digest == second && report.new.artifact?.policyApplied == true)
    #expect(report.new.module == "oci://\(registry.address)/tools/exectrace:2.0@\(second)")
    #expect(report.eventsDuringOverlapNew > 0, "\(report)")
    let updated = try await client.guest("exec")
    #expect(updated.generation == 1 && updated.links == 2 && updated.artifact?.digest == second)

    // A tag that moves is followed by the next update, not before.
    let moved = try await registry.push(
      module, policy: tracerPolicy, to: "tools/exectrace:2.0",
      annotations: ["org.opencontainers.image.version": "2.1"])
    #expect(try await client.guest("exec").artifact?.digest == second)
    let again = try await client.call(
      .updateGuest, name: "exec",
      body: UpdateRequest(
        spec: ToolSpec(
          module: ModuleSource(oci: "\(registry.address)/tools/exectrace:2.0"), args: args,
          policy: PolicySource(artifact: .pinned(policyDigest)))),
      as: UpdateReport.self)
    #expect(again.new.artifact?.digest == moved)

    // Refused: a pinned policy that is not the artifact's, an artifact without a
    // policy, a missing tag, something that is not a reference. Nothing is left running.
    let otherDigest = "sha256:" + String(repeating: "0", count: 64)
    let refusals: [(String, ToolSpec, String)] = [
      (
        "pinned-other",
        ToolSpec(
          module: ModuleSource(oci: byTag), args: args,
          policy: PolicySource(artifact: .pinned(otherDigest))),
        "carries the policy \(policyDigest), not the pinned \(otherDigest)"
      ),
      (
        "bare",
        ToolSpec(
          module: ModuleSource(oci: "\(registry.address)/tools/exectrace:bare"), args: args,
          policy: PolicySource(artifact: .carried)), "carries no policy"
      ),
      (
        "missing",
        ToolSpec(
          module: ModuleSource(oci: "\(registry.address)/tools/exectrace:9.9"), args: args,
          policy: PolicySource(preset: "observe")), "not found"
      ),
      (
        "garbage",
        ToolSpec(
          module: ModuleSource(oci: "Not A Reference!"), args: args,
          policy: PolicySource(preset: "observe")), "module.oci"
      ),
    ]
    for (name, spec, message) in refusals {
      let (status, body) = try await loadStatus(client, LoadRequest(name: name, spec: spec))
      #expect(status == 422, "\(name): \(body)")
      #expect(body.contains(message), "\(name): \(body)")
      let lookup = try await client.request(
        method: .GET, path: AgentOperation.getGuest.path(name: name), body: nil)
      #expect(lookup.status == 404, "\(name)")
    }
    // The old version of a guest is kept when an update cannot resolve.
    let failedUpdate = try await client.request(
      method: .POST, path: AgentOperation.updateGuest.path(name: "exec"),
      body: try JSONEncoder().encode(UpdateRequest(spec: refusals[1].1)))
    #expect(failedUpdate.status == 422)
    #expect(try await client.guest("exec").artifact?.digest == moved)

    // A corrupt cache entry is never run: the module's blob is overwritten with other
    // bytes of the same size, and the next load by digest fetches it again and says so.
    let blob = folder.file("cache/blobs/sha256/" + own.moduleDigest)
    try Data(repeating: 0x41, count: module.count).write(to: URL(fileURLWithPath: blob))
    let refetched = try await client.call(
      .loadGuest,
      body: LoadRequest(
        name: "exec-refetched",
        spec: ToolSpec(
          module: ModuleSource(oci: pinned), args: ["-t", "1"],
          policy: PolicySource(preset: "observe"))),
      as: GuestInfo.self)
    #expect(refetched.moduleDigest == own.moduleDigest)
    let refetchedLog = try await client.logs("exec-refetched")
    #expect(refetchedLog.contains("was corrupt"), "\(refetchedLog)")
    #expect(!refetchedLog.contains("from the cache)"), "\(refetchedLog)")
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: blob))) == module)

    // A tool definition names the module by reference too.
    try folder.write(
      "tools/exec-defined.toml",
      """
      args = ["-n", "1000000000", "-t", "600000", "-m", "\(marker)"]
      [module]
      oci = "\(pinned)"
      [policy]
      artifact = "\(policyDigest)"

      """)
    let report2 = try await client.call(.reconcile, as: ReconcileReport.self)
    #expect(report2.started == ["exec-defined"], "\(report2)")
    let defined = try await client.guest("exec-defined")
    #expect(defined.artifact?.digest == first && defined.artifact?.policyApplied == true)
    try await eventually(30, "the defined tracer attached") {
      try await client.guest("exec-defined").links == 2
    }

    // The cache holds what was pulled, as an OCI image layout.
    let index = try String(contentsOfFile: folder.file("cache/index.json"), encoding: .utf8)
    #expect(index.contains(first.dropFirst(7)) && index.contains(moved.dropFirst(7)))
    #expect(await agent.terminate() == 0)
  }
}
