// Hostile and broken registries: each case must end in a clear error of the right
// kind, and leave the cache exactly as it was (it already holds one good entry, so
// "as it was" is not just "empty"). Where a real registry can be made to misbehave
// (tampered storage, a manifest it accepts whose sizes lie, an index without wasm)
// it is docker-registry; what it will not do (redirect loops, a connection cut
// mid-body, a manifest over 4 MiB, which it refuses to store) a TestHTTPServer does.

import Foundation
import NIOHTTP1
import Testing
import WasmbpfOCI

@Suite struct BadInputTests {
  /// A cache holding one good entry, and its snapshot.
  struct PrimedCache {
    let cache: ImageCache
    let before: [String]
  }

  func primedCache(_ registry: TestRegistry, client: RegistryClient) async throws -> PrimedCache {
    let cache = try ImageCache(root: try temporaryFolder("cache"))
    let good = try RegistryReference(parsing: "\(registry.address)/tools/good:1")
    _ = try await (try sampleArtifact()).push(to: good, client: client)
    _ = try await ModulePuller().pull(
      good, into: cache.layout, names: [good.description], client: client)
    return PrimedCache(cache: cache, before: snapshot(cache.layout.root))
  }

  /// Pulls `reference` expecting an error of `kind` whose message contains `text`,
  /// and checks the cache did not change.
  func expectFailure(
    _ reference: String, kind: OCIError.Kind, containing text: String, cache: PrimedCache,
    client: RegistryClient, sourceLocation: SourceLocation = #_sourceLocation
  ) async throws {
    let parsed = try RegistryReference(parsing: reference)
    do throws(OCIError) {
      _ = try await ModulePuller().pull(
        parsed, into: cache.cache.layout, names: [parsed.description], client: client)
      Issue.record("pulling \(reference) succeeded", sourceLocation: sourceLocation)
    } catch {
      #expect(error.kind == kind, "\(error.message)", sourceLocation: sourceLocation)
      #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
    }
    #expect(
      snapshot(cache.cache.layout.root) == cache.before, "the cache changed",
      sourceLocation: sourceLocation)
  }

  @Test func unknownHost404DigestMismatchTruncationHugeSizesAndNoWasmPlatform() async throws {
    let registry = try TestRegistry()
    defer { registry.stop() }
    try await withClient { client in
      let primed = try await primedCache(registry, client: client)
      defer { removeFolder(primed.cache.layout.root) }

      // Unknown host (.invalid never resolves, RFC 2606).
      try await expectFailure(
        "no-such-registry.invalid/tools/x:1", kind: .network, containing: "unknown host",
        cache: primed, client: client)

      // 404: no such tag.
      try await expectFailure(
        "\(registry.address)/tools/good:missing", kind: .notFound, containing: "not found",
        cache: primed, client: client)

      // A blob whose stored bytes no longer match the digest that names them.
      let artifact = try sampleArtifact(version: "tampered")
      let tampered = "\(registry.address)/tools/tampered:1"
      _ = try await artifact.push(to: try RegistryReference(parsing: tampered), client: client)
      let modulePath = registry.blobDataPath(artifact.blobs[1].descriptor.digest.description)
      var bytes = try readBytes(modulePath)
      bytes[bytes.count / 2] ^= 0x55
      try writeFile(modulePath, bytes)
      try await expectFailure(
        tampered, kind: .digestMismatch, containing: "not \(artifact.blobs[1].descriptor.digest)",
        cache: primed, client: client)

      // A truncated blob: the registry serves half the bytes the manifest declares.
      try writeFile(modulePath, Array(bytes.prefix(bytes.count / 2)))
      try await expectFailure(
        tampered, kind: .sizeMismatch, containing: "truncated blob", cache: primed, client: client)

      // A manifest declaring a 10 GB layer: refused before the layer is requested.
      let module = try taggedModule("huge")
      let config = Array(#"{"architecture":"wasm","os":"wasip1"}"#.utf8)
      let huge = """
        {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)","config":\(descriptorJSON(MediaType.wasmConfig, config)),
        "layers":[\(descriptorJSON(MediaType.wasmLayer, module, size: 10_000_000_000))]}
        """
      _ = try await pushRaw(
        try RegistryReference(parsing: "\(registry.address)/tools/huge:1"),
        blobs: [config, module],
        manifest: huge, mediaType: MediaType.ociManifest, client: client)
      try await expectFailure(
        "\(registry.address)/tools/huge:1", kind: .tooLarge, containing: "10000000000 bytes",
        cache: primed, client: client)
      #expect(!registry.log.contains("GET /v2/tools/huge/blobs/\(OCIDigest.of(module))"))

      // An index listing only linux images.
      let linuxConfig = Array(#"{"architecture":"amd64","os":"linux"}"#.utf8)
      let linux = """
        {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)","config":\(descriptorJSON(MediaType.ociImageConfig, linuxConfig)),"layers":[]}
        """
      let linuxDigest = try await pushRaw(
        try RegistryReference(parsing: "\(registry.address)/tools/linux:amd64"),
        blobs: [linuxConfig],
        manifest: linux, mediaType: MediaType.ociManifest, client: client)
      let index = """
        {"schemaVersion":2,"mediaType":"\(MediaType.ociIndex)","manifests":[
        {"mediaType":"\(MediaType.ociManifest)","digest":"\(linuxDigest)","size":\(linux.utf8.count),"platform":{"architecture":"amd64","os":"linux"}},
        {"mediaType":"\(MediaType.ociManifest)","digest":"\(linuxDigest)","size":\(linux.utf8.count),"platform":{"architecture":"arm64","os":"linux"}}]}
        """
      _ = try await pushRaw(
        try RegistryReference(parsing: "\(registry.address)/tools/linux:1"), blobs: [],
        manifest: index,
        mediaType: MediaType.ociIndex, client: client)
      try await expectFailure(
        "\(registry.address)/tools/linux:1", kind: .noWasmPlatform,
        containing: "it has: linux/amd64, linux/arm64", cache: primed, client: client)
    }
  }

  @Test func unauthorizedWithoutCredentials() async throws {
    let registry = try TestRegistry(auth: .basic(user: "alice", password: "s3cret"))
    defer { registry.stop() }
    let folder = try temporaryFolder("auth")
    defer { removeFolder(folder) }
    try writeFile(
      folder + "/config.json",
      #"{"auths":{"\#(registry.address)":{"auth":"\#(Data("alice:s3cret".utf8).base64EncodedString())"}}}"#
    )
    let withCredentials = RegistryClientConfiguration.testing(
      credentials: CredentialStore(files: [folder + "/config.json"]))
    let primed = try await withClient(withCredentials) { client in
      try await primedCache(registry, client: client)
    }
    defer { removeFolder(primed.cache.layout.root) }
    try await withClient { client in
      try await expectFailure(
        "\(registry.address)/tools/good:1", kind: .unauthorized,
        containing: "requires credentials (401, Basic) and none are configured", cache: primed,
        client: client)
    }
  }

  /// A registry we script: `/v2/` answers, everything else comes from `routes`.
  func hostileRegistry(_ routes: @escaping @Sendable (TestRequest) -> TestResponse?) throws
    -> TestHTTPServer
  {
    try TestHTTPServer { request in
      if request.path == "/v2/" { return .json("{}") }
      return routes(request) ?? .json(#"{"errors":[{"code":"NOT_FOUND"}]}"#, status: .notFound)
    }
  }

  @Test func redirectLoopsCutTransfersAndOversizedManifests() async throws {
    let registry = try TestRegistry()
    defer { registry.stop() }
    let artifact = try sampleArtifact(version: "hostile")
    let manifest = artifact.manifest
    let module = artifact.blobs[1].bytes
    let config = artifact.blobs[0].bytes
    let policy = artifact.blobs[2].bytes
    let big = Array(
      (#"{"schemaVersion":2,"mediaType":"\#(MediaType.ociManifest)","annotations":{"pad":""#
        + String(repeating: "x", count: 5 << 20) + #""},"config":{},"layers":[]}"#).utf8)
    let hostile = try hostileRegistry { request in
      let path = request.path
      func blob(_ bytes: [UInt8]) -> Bool { path.hasSuffix("/blobs/\(OCIDigest.of(bytes))") }
      switch true {
      case path.hasSuffix("/manifests/loop"), path.hasSuffix("/manifests/cut"):
        return TestResponse(
          status: .ok, headers: [("Content-Type", MediaType.ociManifest)], body: manifest)
      case path.hasPrefix("/loop/a"):
        return TestResponse(status: .temporaryRedirect, headers: [("Location", "/loop/b")])
      case path.hasPrefix("/loop/b"):
        return TestResponse(status: .temporaryRedirect, headers: [("Location", "/loop/a")])
      case path.hasPrefix("/v2/tools/loop/") && blob(module):
        return TestResponse(status: .temporaryRedirect, headers: [("Location", "/loop/a")])
      case path.hasPrefix("/v2/tools/cut/") && blob(module):
        return TestResponse(status: .ok, body: module, cutAfter: module.count / 3)
      case blob(config): return TestResponse(status: .ok, body: config)
      case blob(policy): return TestResponse(status: .ok, body: policy)
      case path.hasSuffix("/manifests/big"):
        return TestResponse(
          status: .ok, headers: [("Content-Type", MediaType.ociManifest)], body: big)
      case path.hasSuffix("/manifests/big-unannounced"):
        // Chunked: no Content-Length to refuse up front, so the reader must stop.
        return TestResponse(
          status: .ok,
          headers: [("Content-Type", MediaType.ociManifest), ("Transfer-Encoding", "chunked")],
          body: big)
      default: return nil
      }
    }
    defer { hostile.stop() }
    try await withClient { client in
      let primed = try await primedCache(registry, client: client)
      defer { removeFolder(primed.cache.layout.root) }
      try await expectFailure(
        "\(hostile.address)/tools/loop:loop", kind: .redirect, containing: "redirect loop",
        cache: primed, client: client)
      try await expectFailure(
        "\(hostile.address)/tools/cut:cut", kind: .sizeMismatch,
        containing: "the transfer broke off", cache: primed, client: client)
      try await expectFailure(
        "\(hostile.address)/tools/big:big", kind: .tooLarge,
        containing: "more than the limit of 4194304", cache: primed, client: client)
      try await expectFailure(
        "\(hostile.address)/tools/big:big-unannounced", kind: .tooLarge,
        containing: "more than the limit of 4194304 bytes received", cache: primed, client: client)
    }
  }

  @Test func credentialsNeverFollowARedirectToAnotherOrigin() async throws {
    let artifact = try sampleArtifact(version: "redirected")
    let module = artifact.blobs[1].bytes
    let storage = try TestHTTPServer { request in
      // A storage host that would happily take the registry's credentials.
      request.headers.contains(name: "Authorization")
        ? TestResponse(status: .forbidden, body: Array("credentials leaked".utf8))
        : TestResponse(status: .ok, body: module)
    }
    defer { storage.stop() }
    let expected = "Basic " + Data("alice:s3cret".utf8).base64EncodedString()
    let registry = try hostileRegistry { request in
      guard request.headers.first(name: "Authorization") == expected else {
        return TestResponse(
          status: .unauthorized, headers: [("WWW-Authenticate", #"Basic realm="test""#)])
      }
      if request.path.hasSuffix("/manifests/1") {
        return TestResponse(
          status: .ok, headers: [("Content-Type", MediaType.ociManifest)], body: artifact.manifest)
      }
      for (descriptor, bytes) in artifact.blobs
      where request.path.hasSuffix("/blobs/\(descriptor.digest)") {
        if descriptor.mediaType == MediaType.wasmLayer {
          return TestResponse(
            status: .temporaryRedirect, headers: [("Location", "http://\(storage.address)/object")])
        }
        return TestResponse(status: .ok, body: bytes)
      }
      return nil
    }
    defer { registry.stop() }
    let folder = try temporaryFolder("auth")
    defer { removeFolder(folder) }
    try writeFile(
      folder + "/auth.json",
      #"{"auths":{"\#(registry.address)":{"username":"alice","password":"s3cret"}}}"#)
    let cache = try ImageCache(root: folder + "/cache")
    let pulled = try await withClient(
      .testing(credentials: CredentialStore(files: [folder + "/auth.json"]))
    ) {
      client in
      try await ModulePuller().pull(
        try RegistryReference(parsing: "\(registry.address)/tools/x:1"), into: cache.layout,
        names: [], client: client)
    }
    #expect(pulled.artifact.module == module)
    #expect(storage.requests.withLockedValue { $0 } == ["GET /object"])
  }
}
