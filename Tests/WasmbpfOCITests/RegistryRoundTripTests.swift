// Push and pull against a real registry (docker-registry): the artifact layout as
// stored, uploads in one request or in chunks, pulls by tag and by digest, the cache
// answering pinned pulls without the network, a corrupt cache entry fetched again,
// and an index resolved to its wasm platform.

import Foundation
import Testing
import WasmbpfOCI

@Suite struct RegistryRoundTripTests {
  @Test func pushThenPullByTagThenByDigestFromTheCache() async throws {
    let registry = try TestRegistry()
    defer { registry.stop() }
    let cacheFolder = try temporaryFolder("cache")
    defer { removeFolder(cacheFolder) }
    let artifact = try sampleArtifact()
    let reference = try RegistryReference(parsing: "oci://\(registry.address)/tools/guest:1.0")
    let cache = try ImageCache(root: cacheFolder)

    let pulled = try await withClient { client in
      let digest = try await artifact.push(to: reference, client: client)
      #expect(digest == artifact.manifestDigest)
      return try await ModulePuller().pull(
        reference, into: cache.layout, names: [reference.description], client: client)
    }
    #expect(pulled.artifact.module == artifact.blobs[1].bytes)
    #expect(pulled.artifact.format == .wasmArtifact)
    #expect(pulled.artifact.policy == samplePolicy)
    #expect(pulled.artifact.annotations[AnnotationKey.version] == "1.0")
    #expect(pulled.resolvedDigest == artifact.manifestDigest)
    #expect(pulled.fetchedBytes > Int64(artifact.blobs[1].bytes.count))
    #expect(try cache.entries().map(\.name) == [reference.description])

    // Pinned by digest, everything is in the cache: no registry needed at all.
    registry.stop()
    let pinned = reference.pinned(to: artifact.manifestDigest)
    let again = try await withClient { client in
      try await ModulePuller().pull(pinned, into: cache.layout, names: [], client: client)
    }
    #expect(again.fetchedBytes == 0)
    #expect(again.artifact.module == pulled.artifact.module)
  }

  @Test func chunkedUploadsAndBlobsAlreadyThere() async throws {
    let registry = try TestRegistry()
    defer { registry.stop() }
    let artifact = try sampleArtifact()
    let reference = try RegistryReference(parsing: "\(registry.address)/tools/chunked:1")
    try await withClient { client in
      _ = try await artifact.push(to: reference, client: client, chunkSize: 4096)
      let moduleCount = artifact.blobs[1].bytes.count
      let patches =
        registry.log.components(separatedBy: "\"PATCH /v2/tools/chunked/blobs/uploads/").count - 1
      #expect(patches >= moduleCount / 4096, "the module went up in 4 KiB PATCHes (\(patches))")
      // The blobs are there now: a second push uploads none of them.
      let uploadsBefore = registry.log.components(
        separatedBy: "\"POST /v2/tools/chunked/blobs/uploads/"
      ).count
      let other = try RegistryReference(parsing: "\(registry.address)/tools/chunked:2")
      _ = try await artifact.push(to: other, client: client)
      let uploadsAfter = registry.log.components(
        separatedBy: "\"POST /v2/tools/chunked/blobs/uploads/"
      ).count
      #expect(uploadsAfter == uploadsBefore)
      let folder = try temporaryFolder("cache")
      defer { removeFolder(folder) }
      let pulled = try await ModulePuller().pull(
        other, into: try ImageCache(root: folder).layout, names: [], client: client)
      #expect(pulled.artifact.module == artifact.blobs[1].bytes)
    }
  }

  @Test func aCorruptCacheEntryIsFetchedAgainNeverUsed() async throws {
    let registry = try TestRegistry()
    defer { registry.stop() }
    let cacheFolder = try temporaryFolder("cache")
    defer { removeFolder(cacheFolder) }
    let artifact = try sampleArtifact()
    let reference = try RegistryReference(parsing: "\(registry.address)/tools/guest:1.0")
    let cache = try ImageCache(root: cacheFolder)
    let notices = NoticeLog()
    try await withClient { client in
      _ = try await artifact.push(to: reference, client: client)
      _ = try await ModulePuller().pull(reference, into: cache.layout, names: [], client: client)
      // Flip one byte of the cached module.
      let moduleDigest = artifact.blobs[1].descriptor.digest
      var bytes = try readBytes(cache.layout.blobPath(moduleDigest))
      bytes[100] ^= 0xFF
      try writeFile(cache.layout.blobPath(moduleDigest), bytes)
      let puller = ModulePuller(notice: notices.add)
      let pulled = try await puller.pull(reference, into: cache.layout, names: [], client: client)
      #expect(pulled.artifact.module == artifact.blobs[1].bytes)
      #expect(pulled.fetchedBytes >= Int64(bytes.count))
      #expect(try readBytes(cache.layout.blobPath(moduleDigest)) == artifact.blobs[1].bytes)
    }
    #expect(notices.lines.contains { $0.contains("was corrupt") })
  }

  @Test func anIndexResolvesToItsWasmPlatform() async throws {
    let registry = try TestRegistry()
    defer { registry.stop() }
    let artifact = try sampleArtifact()
    let base = "\(registry.address)/tools/multi"
    try await withClient { client in
      // The wasm artifact by digest, and a linux image beside it, both under one index.
      let wasm = try await artifact.push(
        to: try RegistryReference(parsing: base + "@" + artifact.manifestDigest.description),
        client: client)
      let config = Array(
        #"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
      let linuxManifest = """
        {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)","config":\(descriptorJSON(MediaType.ociImageConfig, config)),"layers":[]}
        """
      let linux = try await pushRaw(
        try RegistryReference(parsing: base + ":linux"), blobs: [config], manifest: linuxManifest,
        mediaType: MediaType.ociManifest, client: client)
      let index = """
        {"schemaVersion":2,"mediaType":"\(MediaType.ociIndex)","manifests":[
        {"mediaType":"\(MediaType.ociManifest)","digest":"\(linux)","size":\(linuxManifest.utf8.count),"platform":{"architecture":"amd64","os":"linux"}},
        {"mediaType":"\(MediaType.ociManifest)","digest":"\(wasm)","size":\(artifact.manifest.count),"platform":{"architecture":"wasm","os":"wasip1"}}]}
        """
      let indexDigest = try await pushRaw(
        try RegistryReference(parsing: base + ":1.0"), blobs: [], manifest: index,
        mediaType: MediaType.ociIndex, client: client)
      let cache = try ImageCache(root: try temporaryFolder("cache"))
      defer { removeFolder(cache.layout.root) }
      let pulled = try await ModulePuller().pull(
        try RegistryReference(parsing: base + ":1.0"), into: cache.layout, names: ["multi"],
        client: client)
      #expect(pulled.resolvedDigest == indexDigest)
      #expect(pulled.artifact.manifestDigest == wasm)
      #expect(pulled.platform == Platform(architecture: "wasm", os: "wasip1"))
      #expect(pulled.artifact.module == artifact.blobs[1].bytes)
      // And again from the layout alone, by the name it was given.
      let loaded = try ModulePuller().load(from: cache.layout, selector: .name("multi"))
      #expect(loaded.artifact.module == pulled.artifact.module)
    }
  }

  @Test func pullIntoALayoutThenLoadItOffline() async throws {
    let registry = try TestRegistry()
    defer { registry.stop() }
    let folder = try temporaryFolder("layout")
    defer { removeFolder(folder) }
    let artifact = try sampleArtifact(version: "2.0")
    let reference = try RegistryReference(parsing: "\(registry.address)/tools/guest:2.0")
    try await withClient { client in
      _ = try await artifact.push(to: reference, client: client)
      _ = try await ModulePuller().pull(
        reference, into: try ImageLayout(root: folder, create: true), names: ["guest"],
        client: client)
    }
    registry.stop()
    let layout = try ImageLayout(root: folder, create: false)
    for selector: ModuleReference.LayoutSelector? in [
      .name("guest"), .digest(artifact.manifestDigest), nil,
    ] {
      let loaded = try ModulePuller().load(from: layout, selector: selector)
      #expect(loaded.artifact.module == artifact.blobs[1].bytes)
      #expect(loaded.artifact.policy == samplePolicy)
    }
    // Offline, a corrupt blob is an error: there is nowhere to fetch it again.
    let moduleDigest = artifact.blobs[1].descriptor.digest
    var bytes = try readBytes(layout.blobPath(moduleDigest))
    bytes[bytes.count - 1] ^= 1
    try writeFile(layout.blobPath(moduleDigest), bytes)
    #expect(throws: OCIError.self) {
      _ = try ModulePuller().load(from: layout, selector: .name("guest"))
    }
    do throws(OCIError) {
      _ = try ModulePuller().load(from: layout, selector: .name("guest"))
    } catch {
      #expect(error.kind == .digestMismatch)
    }
  }
}

/// Collects a puller's notices.
final class NoticeLog: Sendable {
  private let storage = NIOLockedBox()
  var add: @Sendable (String) -> Void { { [storage] in storage.append($0) } }
  var lines: [String] { storage.lines }
}

final class NIOLockedBox: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [String] = []
  func append(_ line: String) { lock.withLock { values.append(line) } }
  var lines: [String] { lock.withLock { values } }
}
