// HTTPS with verified certificates, and plain HTTP only where allowed: a registry
// serving TLS with a certificate from a test CA (trusted through a certs.d folder,
// as Docker and podman read them), and a registry on a host name that is not
// loopback, refused over plain HTTP unless marked insecure.

import Foundation
import Testing
import WasmbpfOCI

@Suite struct TransportTests {
  /// A CA and a server certificate for 127.0.0.1 it signed, made by openssl.
  func makeCertificates(_ folder: String) throws -> (ca: String, certificate: String, key: String) {
    let openssl = try tool("openssl", package: "openssl")
    let steps: [[String]] = [
      [
        openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout", folder + "/ca.key", "-out", folder + "/ca.crt", "-days", "2", "-subj",
        "/CN=wasmbpf test CA",
      ],
      [
        openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", folder + "/server.key", "-out", folder + "/server.csr", "-subj", "/CN=127.0.0.1",
      ],
      [
        openssl, "x509", "-req", "-in", folder + "/server.csr", "-CA", folder + "/ca.crt",
        "-CAkey", folder + "/ca.key", "-CAcreateserial", "-out", folder + "/server.crt", "-days",
        "2",
        "-extfile", folder + "/san.ext",
      ],
    ]
    try writeFile(folder + "/san.ext", "subjectAltName = IP:127.0.0.1\n")
    for step in steps {
      let result = try run(step)
      try #require(result.status == 0, "\(step.joined(separator: " ")): \(result.stderr)")
    }
    return (folder + "/ca.crt", folder + "/server.crt", folder + "/server.key")
  }

  @Test func httpsWithACertificateTrustedThroughCertsD() async throws {
    let folder = try temporaryFolder("tls")
    defer { removeFolder(folder) }
    let (ca, certificate, key) = try makeCertificates(folder)
    let registry = try TestRegistry(tls: (certificate, key))
    defer { registry.stop() }
    let reference = try RegistryReference(parsing: "\(registry.address)/tls/tool:1")
    let artifact = try sampleArtifact(version: "tls")

    // Not trusted: the system store does not know the test CA, and the plain HTTP
    // that a loopback registry may fall back to is not what this one speaks.
    try await withClient { client in
      do throws(OCIError) {
        _ = try await artifact.push(to: reference, client: client)
        Issue.record("pushed to a registry whose certificate nobody trusts")
      } catch {
        #expect(error.kind == .network)
        #expect(error.message.contains("over HTTPS"), "\(error)")
        #expect(error.message.lowercased().contains("certificate"), "\(error)")
        #expect(error.message.contains("not a registry's 200 or 401"), "\(error)")
      }
    }
    // Trusted through certs.d/HOST:PORT/ca.crt.
    let certs = folder + "/certs.d"
    try FileManager.default.createDirectory(
      atPath: certs + "/" + registry.address, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: ca, toPath: certs + "/" + registry.address + "/ca.crt")
    var configuration = RegistryClientConfiguration.testing()
    configuration.transport.certificateDirectories = [certs]
    try await withClient(configuration) { client in
      _ = try await artifact.push(to: reference, client: client)
      let pulled = try await ModulePuller().pull(
        reference, into: try ImageLayout(root: folder + "/cache", create: true), names: [],
        client: client)
      #expect(pulled.artifact.module == artifact.blobs[1].bytes)
    }
  }

  @Test func plainHTTPOnlyForLoopbackOrAnInsecureRegistry() async throws {
    #expect(TransportPolicy.isLoopback("127.0.0.1:5000"))
    #expect(TransportPolicy.isLoopback("127.8.9.10"))
    #expect(TransportPolicy.isLoopback("localhost:5000"))
    #expect(TransportPolicy.isLoopback("[::1]:5000"))
    #expect(!TransportPolicy.isLoopback("128.0.0.1:5000"))
    #expect(!TransportPolicy.isLoopback("127.0.0.1.example.com"))
    #expect(!TransportPolicy.isLoopback("registry.example"))
    #expect(!TransportPolicy.isLoopback("[::2]:5000"))

    let registry = try TestRegistry()
    defer { registry.stop() }
    // A name that is not loopback, answered by the plain-HTTP registry on 127.0.0.1.
    let name = "registry.wasmbpf-test:\(registry.port)"
    let reference = try RegistryReference(parsing: "\(name)/plain/tool:1")
    var configuration = RegistryClientConfiguration.testing()
    configuration.resolve = ["registry.wasmbpf-test": "127.0.0.1"]
    let artifact = try sampleArtifact(version: "plain")
    try await withClient(configuration) { client in
      do throws(OCIError) {
        _ = try await artifact.push(to: reference, client: client)
        Issue.record("pushed over plain HTTP to a host that is not loopback")
      } catch {
        #expect(error.kind == .network)
        #expect(error.message.contains("cannot reach registry \(name)"), "\(error)")
        #expect(!error.message.contains("over HTTP:"), "no plain-HTTP attempt: \(error)")
      }
    }
    configuration.transport.insecureRegistries = [name]
    try await withClient(configuration) { client in
      _ = try await artifact.push(to: reference, client: client)
    }
  }
}
