// Test support: a real registry for the agent's OCI tests. Debian's docker-registry
// (the CNCF distribution server, which Scripts/setup-machine.sh installs) on a free
// loopback port, its storage in a test folder; and pushing through WasmbpfOCI, the
// library `wasmbpf-run push` uses.

import Foundation
import Testing
import WasmbpfOCI

#if canImport(Glibc)
  import Glibc
#endif

/// A docker-registry process on 127.0.0.1 with a port the kernel chose.
final class RegistryProcess {
  let process = Process()
  let folder: TemporaryFolder
  private(set) var port = 0

  var address: String { "127.0.0.1:\(port)" }

  init(folder: TemporaryFolder) async throws {
    self.folder = folder
    let binary = "/usr/bin/docker-registry"
    try #require(
      access(binary, X_OK) == 0,
      "docker-registry is not installed (Scripts/setup-machine.sh installs it)")
    try folder.write(
      "registry.yml",
      """
      version: 0.1
      log:
        level: info
      storage:
        filesystem:
          rootdirectory: \(folder.path)/registry
      http:
        addr: 127.0.0.1:0

      """)
    let logPath = folder.file("registry.log")
    FileManager.default.createFile(atPath: logPath, contents: nil)
    let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = ["serve", folder.file("registry.yml")]
    process.standardOutput = log
    process.standardError = log
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Port 0: the registry logs the address it listens on.
    let deadline = Date().addingTimeInterval(30)
    // Looked at once more after the deadline (see `eventually`).
    var last = false
    while !last, process.isRunning {
      last = Date() >= deadline
      let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
      if let range = text.range(of: "listening on 127.0.0.1:") {
        port = Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
        if port > 0 { return }
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    stop()
    Issue.record("docker-registry did not start: \(text)")
    throw CancellationError()
  }

  /// Pushes `module` (with `policy`, TOML) as a Wasm artifact to `repository:tag`;
  /// the manifest's digest.
  @discardableResult
  func push(
    _ module: [UInt8], policy: String?, to repositoryAndTag: String,
    annotations: [String: String] = [:]
  ) async throws -> String {
    let reference = try RegistryReference(parsing: "\(address)/\(repositoryAndTag)")
    let artifact = BuiltArtifact(
      module: module, moduleTitle: "tool.wasm", policy: policy.map { Array($0.utf8) },
      policyTitle: policy == nil ? nil : "tool.toml", annotations: annotations)
    let client = RegistryClient(
      configuration: RegistryClientConfiguration(environment: [:], insecureRegistries: []))
    do {
      let digest = try await artifact.push(to: reference, client: client)
      await client.shutdown()
      return digest.description
    } catch {
      await client.shutdown()
      throw error
    }
  }

  func stop() {
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
    }
  }
}

/// The digest a registry gives `text`'s bytes (`sha256:HEX`).
func sha256Digest(_ text: String) -> String {
  OCIDigest.of(Array(text.utf8)).description
}
