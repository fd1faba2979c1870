// A real registry for the tests: Debian's docker-registry (the CNCF distribution
// server), started on a free loopback port (port 0; the port is read from its log)
// with its storage in a temporary folder, optionally behind htpasswd (Basic) or
// bearer-token auth, or TLS. Stopped and removed by `stop()`.

import Foundation
import Testing

final class TestRegistry {
  enum Auth {
    case none
    /// Basic auth against an htpasswd file holding this user.
    case basic(user: String, password: String)
    /// Bearer tokens from `realm`, signed by the key whose certificate is at
    /// `certificatePath`.
    case token(realm: String, service: String, issuer: String, certificatePath: String)
  }

  let folder: String
  let port: Int
  private let process: BackgroundProcess

  var address: String { "127.0.0.1:\(port)" }
  var storage: String { folder + "/storage" }

  init(auth: Auth = .none, tls: (certificate: String, key: String)? = nil) throws {
    let registry = try tool("docker-registry", package: "docker-registry")
    folder = try temporaryFolder("registry")
    var config = """
      version: 0.1
      log:
        level: info
      storage:
        filesystem:
          rootdirectory: \(folder)/storage
        delete:
          enabled: true
      http:
        addr: 127.0.0.1:0

      """
    if let tls {
      config += "  tls:\n    certificate: \(tls.certificate)\n    key: \(tls.key)\n"
    }
    switch auth {
    case .none:
      break
    case .basic(let user, let password):
      let htpasswd = try tool("htpasswd", package: "apache2-utils")
      let entry = try run([htpasswd, "-Bbn", user, password])
      try #require(entry.status == 0, "htpasswd: \(entry.stderr)")
      try writeFile(folder + "/htpasswd", entry.stdout)
      config += "auth:\n  htpasswd:\n    realm: wasmbpf-test\n    path: \(folder)/htpasswd\n"
    case .token(let realm, let service, let issuer, let certificatePath):
      config += """
        auth:
          token:
            realm: \(realm)
            service: \(service)
            issuer: \(issuer)
            rootcertbundle: \(certificatePath)

        """
    }
    try writeFile(folder + "/config.yml", config)
    process = try BackgroundProcess(
      [registry, "serve", folder + "/config.yml"], logPath: folder + "/registry.log")
    let portText = try process.waitForLog { log in
      guard let range = log.range(of: "listening on 127.0.0.1:") else { return nil }
      let digits = log[range.upperBound...].prefix { $0.isNumber }
      return digits.isEmpty ? nil : String(digits)
    }
    port = Int(portText) ?? 0
  }

  func stop() {
    process.stop()
    removeFolder(folder)
  }

  var log: String { process.log }

  /// Where the registry keeps a blob's bytes: the tests tamper with them to play a
  /// compromised or broken registry.
  func blobDataPath(_ digest: String) -> String {
    let hex = digest.replacingOccurrences(of: "sha256:", with: "")
    return "\(storage)/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
  }
}
