// How the client may reach a registry: HTTPS, verified against the system's trust
// store plus any CA a host's certs.d folder holds; plain HTTP only for a loopback
// host or one the operator marked insecure. Docker and podman read the same
// folders (`/etc/docker/certs.d/HOST:PORT/*.crt`, `/etc/containers/certs.d/...`),
// so a private registry set up for them works here too.

import NIOSSL

/// The transport rules of a client.
public struct TransportPolicy: Sendable, Equatable {
  /// Hosts (`host[:port]`) that may be spoken to over plain HTTP, as with
  /// `--insecure-registry`. Their certificates are still verified when they speak TLS.
  public var insecureRegistries: Set<String> = []
  /// Folders holding `HOST[:PORT]/*.crt` CA files.
  public var certificateDirectories = ["/etc/docker/certs.d", "/etc/containers/certs.d"]

  public init() {}

  /// True for `localhost`, 127.0.0.0/8 and `[::1]`: traffic that never leaves the machine.
  public static func isLoopback(_ registry: String) -> Bool {
    guard let (name, _) = RegistryReference.splitHostPort(registry) else { return false }
    if name == "localhost" || name == "[::1]" { return true }
    let octets = name.split(separator: ".", omittingEmptySubsequences: false)
    return octets.count == 4 && octets[0] == "127"
      && octets.allSatisfy { $0.count <= 3 && UInt8($0) != nil }
  }

  /// Whether plain HTTP may be used for `registry`.
  public func allowsPlainHTTP(_ registry: String) -> Bool {
    Self.isLoopback(registry) || insecureRegistries.contains(registry)
  }

  /// The TLS configuration for `registry`: the system trust store, plus the CA files
  /// of its certs.d folders.
  func tlsConfiguration(for registry: String) throws(OCIError) -> TLSConfiguration {
    var configuration = TLSConfiguration.makeClientConfiguration()
    var extra: [NIOSSLCertificate] = []
    for root in certificateDirectories {
      let folder = root + "/" + registry
      for name in directoryEntries(folder) where name.hasSuffix(".crt") {
        let path = folder + "/" + name
        do {
          extra += try NIOSSLCertificate.fromPEMBytes(readFileBounded(path, limit: 1 << 20))
        } catch {
          throw OCIError(.network, "cannot read the CA certificate \(path): \(error)")
        }
      }
    }
    if !extra.isEmpty { configuration.additionalTrustRoots = [.certificates(extra)] }
    return configuration
  }
}
