// What the registry tests share: a client configured for the tests (no credentials
// or CA folders from this machine), a cache snapshot to prove a failed pull wrote
// nothing, and the modules they push.

import Foundation
import Testing
import WasmbpfOCI

extension RegistryClientConfiguration {
  /// No credentials unless given, no certs.d folders of this machine.
  static func testing(credentials: CredentialStore = .none) -> RegistryClientConfiguration {
    var configuration = RegistryClientConfiguration()
    configuration.credentials = credentials
    configuration.transport.certificateDirectories = []
    configuration.connectTimeout = 5
    configuration.readTimeout = 10
    return configuration
  }
}

/// Runs `body` with a client, shutting it down afterwards.
func withClient<T>(
  _ configuration: RegistryClientConfiguration = .testing(),
  _ body: (RegistryClient) async throws -> T
) async throws -> T {
  let client = RegistryClient(configuration: configuration)
  do {
    let value = try await body(client)
    await client.shutdown()
    return value
  } catch {
    await client.shutdown()
    throw error
  }
}

/// Every file under `root` with its size, and index.json's text: equal snapshots
/// mean nothing was written.
func snapshot(_ root: String) -> [String] {
  var entries: [String] = []
  let enumerator = FileManager.default.enumerator(atPath: root)
  while let path = enumerator?.nextObject() as? String {
    let full = root + "/" + path
    let size = (try? FileManager.default.attributesOfItem(atPath: full)[.size] as? Int) ?? -1
    entries.append("\(path) \(size)")
  }
  entries.append((try? String(contentsOfFile: root + "/index.json", encoding: .utf8)) ?? "")
  return entries.sorted()
}

/// The WASI command fixture (`args` prints its arguments).
func guestModule() throws -> [UInt8] { try readBytes(fixture("cli/cli_guest.wasm")) }

let samplePolicy = """
  extends = "observe"
  name = "sample"
  [programs]
  kinds = ["tracepoint"]

  """

/// The guest fixture with a custom section naming `tag`: the same program, with a
/// digest of its own (so that a test's blobs are not already in a cache by chance).
func taggedModule(_ tag: String) throws -> [UInt8] {
  let name = Array("wasmbpf-test".utf8)
  let payload = [UInt8(name.count)] + name + Array(tag.utf8)
  precondition(payload.count < 128)
  return try guestModule() + [0, UInt8(payload.count)] + payload
}

/// An artifact of the guest fixture, with a policy. Different `version`s have
/// different module digests.
func sampleArtifact(version: String = "1.0") throws -> BuiltArtifact {
  BuiltArtifact(
    module: try taggedModule(version), moduleTitle: "cli_guest.wasm",
    policy: Array(samplePolicy.utf8), policyTitle: "sample.toml",
    annotations: [AnnotationKey.version: version])
}

/// A module with a custom section of `size` bytes: large, and still valid.
func largeModule(size: Int) -> [UInt8] {
  var bytes: [UInt8] = [0, 0x61, 0x73, 0x6D, 1, 0, 0, 0]
  let name = Array("padding".utf8)
  let payloadSize = 1 + name.count + size
  bytes.append(0)
  var length = payloadSize
  repeat {
    var byte = UInt8(length & 0x7F)
    length >>= 7
    if length != 0 { byte |= 0x80 }
    bytes.append(byte)
  } while length != 0
  bytes.append(UInt8(name.count))
  bytes += name
  bytes += (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
  return bytes
}

/// Pushes raw blobs and a manifest document, as a hostile or foreign publisher might.
func pushRaw(
  _ reference: RegistryReference, blobs: [[UInt8]], manifest: String, mediaType: String,
  client: RegistryClient
) async throws -> OCIDigest {
  for blob in blobs {
    try await client.pushBlob(reference, blob, digest: OCIDigest.of(blob))
  }
  return try await client.pushManifest(reference, bytes: Array(manifest.utf8), mediaType: mediaType)
}

/// A descriptor's JSON.
func descriptorJSON(_ mediaType: String, _ bytes: [UInt8], size: Int64? = nil, extra: String = "")
  -> String
{
  #"{"mediaType":"\#(mediaType)","digest":"\#(OCIDigest.of(bytes))","size":\#(size ?? Int64(bytes.count))\#(extra)}"#
}
