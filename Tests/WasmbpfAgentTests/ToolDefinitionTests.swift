// Tool definitions are the load request's spec in TOML, read with the same strictness.

import Foundation
import Testing
import WasmbpfAgentAPI

@testable import WasmbpfAgent

@Suite struct ToolDefinitionTests {
  @Test func aDefinitionReadsAsASpec() throws {
    let spec = try ToolDefinitionReader.parse(
      """
      # every exec
      args = ["-n", "5"]
      restart = "always"
      [module]
      file = "exectrace.wasm"
      [policy]
      preset = "observe"
      [env]
      LANG = "C"
      [limits]
      fuel = 1_000_000
      memoryBytes = 16_777_216
      """)
    #expect(spec.module == ModuleSource(file: "exectrace.wasm"))
    #expect(spec.args == ["-n", "5"])
    #expect(spec.env == ["LANG": "C"])
    #expect(spec.restart == .always)
    #expect(spec.limits == GuestLimits(fuel: 1_000_000, memoryBytes: 16_777_216))
  }

  @Test func preopensAndAnArtifactPolicyReadFromTOML() throws {
    let digest = "sha256:" + String(repeating: "0f", count: 32)
    let spec = try ToolDefinitionReader.parse(
      """
      attachPaths = "guest"
      [module]
      oci = "registry.example:5000/tools/sockops:1.2"
      [policy]
      artifact = "\(digest)"
      [[preopens]]
      host = "/sys/fs/cgroup/unified"
      guest = "/sys/fs/cgroup/"
      [[preopens]]
      host = "data"
      readOnly = true
      """)
    #expect(spec.module == ModuleSource(oci: "registry.example:5000/tools/sockops:1.2"))
    #expect(spec.policy.artifact == .pinned(digest))
    #expect(spec.attachPaths == .guest)
    #expect(
      spec.preopens == [
        Preopen(host: "/sys/fs/cgroup/unified", guest: "/sys/fs/cgroup/"),
        Preopen(host: "data", readOnly: true),
      ])
    let carried = try ToolDefinitionReader.parse(
      "[module]\noci = \"r.example/t:1\"\n[policy]\nartifact = true\n")
    #expect(carried.policy.artifact == .carried)
  }

  func error(_ text: String) -> String? {
    do {
      _ = try ToolDefinitionReader.parse(text)
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test func mistakesAreErrorsThatSayWhat() {
    let base = "[module]\nfile = \"a.wasm\"\n[policy]\npreset = \"observe\"\n"
    #expect(error("restrat = \"always\"\n" + base)?.contains("unknown field 'restrat'") == true)
    #expect(error("[module]\nfile = \"a.wasm\"\n")?.contains("'policy'") == true)
    #expect(error("[module\nfile = 1")?.hasPrefix("TOML line 1") == true)
    #expect(
      error(base + "[limits]\nfuel = -5")?.contains("field 'limits.fuel': must not be negative")
        == true)
    #expect(error(base + "[module.extra]\nx = 1")?.contains("module.extra") == true)
  }

  @Test func aDirectoryIsReadFileByFileAndBadFilesAreReported() throws {
    let folder = try TemporaryFolder("definitions")
    defer { folder.remove() }
    let good = "[module]\nfile = \"a.wasm\"\n[policy]\npreset = \"observe\"\n"
    try folder.write("good.toml", good)
    try folder.write("bad.toml", "module = 5\n")
    try folder.write("Bad Name.toml", good)
    try folder.write("notes.txt", "not a definition")
    // A ConfigMap's layout: dot-entries are skipped.
    try FileManager.default.createDirectory(
      atPath: folder.file("..2026_01_01"), withIntermediateDirectories: true)
    try folder.write("..2026_01_01/hidden.toml", "nonsense")
    let set = ToolDefinitionReader(directory: folder.path).readAll()
    #expect(Set(set.definitions.keys) == ["good"])
    #expect(set.definitions["good"]?.contentDigest.count == 64)
    #expect(set.errors.count == 2)
    #expect(set.errors.contains { $0.file.hasSuffix("bad.toml") && $0.message.contains("module") })
    #expect(set.errors.contains { $0.file.hasSuffix("Bad Name.toml") })
  }
}
