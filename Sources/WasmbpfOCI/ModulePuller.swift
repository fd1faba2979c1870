// Pulling a module: from a registry into an image layout (the cache, or a folder for
// offline use), and loading one from a layout. Either way, what is returned was
// verified against its digest on this read; nothing is added to a layout unless the
// whole pull succeeded (see ImageLayout's staging); a cached blob that fails its
// digest is deleted and fetched again, never used.

#if canImport(Glibc)
  import Glibc
#endif

/// Reports a transfer: what (a blob's short digest and type), bytes done, total.
public typealias PullProgress = @Sendable (_ what: String, _ done: Int64, _ total: Int64) -> Void

/// A module read from a registry or a layout.
public struct PulledModule: Sendable {
  public var artifact: ModuleArtifact
  /// The digest the reference resolved to (an index's, when it was an index).
  public var resolvedDigest: OCIDigest
  /// The platform picked from an index, if there was one.
  public var platform: Platform?
  /// Bytes fetched over the network in this pull (0 when all came from the layout).
  public var fetchedBytes: Int64
  /// Of those, the blobs' (config and layers); the rest are manifests.
  public var fetchedBlobBytes: Int64
}

/// Pulls and loads modules.
public struct ModulePuller: Sendable {
  public var limits: Limits
  /// Called for each transfer as it runs.
  public var progress: PullProgress?
  /// Told about what the operator should know (a corrupt cache entry fetched again).
  public var notice: (@Sendable (String) -> Void)?

  public init(
    limits: Limits = Limits(), progress: PullProgress? = nil,
    notice: (@Sendable (String) -> Void)? = nil
  ) {
    self.limits = limits
    self.progress = progress
    self.notice = notice
  }

  /// Loads the module `selector` names in a layout, without the network.
  public func load(from layout: ImageLayout, selector: ModuleReference.LayoutSelector?)
    throws(OCIError) -> PulledModule
  {
    let entry = try layout.find(selector)
    let top = try FetchedManifest(
      bytes: layout.readBlob(entry.digest, limit: limits.manifestBytes),
      declaredType: entry.mediaType, limits: limits)
    let (manifest, digest, platform) = try platformManifest(top) { descriptor throws(OCIError) in
      try FetchedManifest(
        bytes: layout.readBlob(descriptor.digest, limit: limits.manifestBytes),
        declaredType: descriptor.mediaType, limits: limits)
    }
    let artifact = try ModuleArtifact.extract(
      manifest, digest: digest, blobs: LayoutBlobs(layout: layout, staging: nil), limits: limits)
    return PulledModule(
      artifact: artifact, resolvedDigest: top.digest, platform: platform, fetchedBytes: 0,
      fetchedBlobBytes: 0)
  }

  /// Pulls `reference` into `layout`, naming it `names` in the layout's index, and
  /// returns its module. What the layout already holds (and verifies) is not fetched.
  public func pull(
    _ reference: RegistryReference, into layout: ImageLayout, names: [String],
    client: RegistryClient
  ) async throws(OCIError) -> PulledModule {
    let staging = try layout.stage()
    defer { staging.discard() }
    var fetched: Int64 = 0
    var fetchedBlobs: Int64 = 0

    // The manifest (or index) the reference names: from the layout when pinned by a
    // digest it holds, else from the registry.
    let top: FetchedManifest
    if let digest = reference.digest, let cached = cachedManifest(digest, in: layout, type: nil) {
      top = cached
    } else {
      top = try await client.fetchManifest(reference)
      fetched += Int64(top.bytes.count)
      try layout.stage(top.bytes, digest: top.digest, in: staging)
    }
    var childBytes: Int64 = 0
    let (manifest, digest, platform) = try await platformManifestAsync(top) {
      descriptor throws(OCIError) in
      if let cached = cachedManifest(descriptor.digest, in: layout, type: descriptor.mediaType) {
        return cached
      }
      let child = try await client.fetchManifest(
        reference.pinned(to: descriptor.digest), expectedSize: descriptor.size)
      childBytes += Int64(child.bytes.count)
      try layout.stage(child.bytes, digest: child.digest, in: staging)
      return child
    }
    fetched += childBytes

    let needed = try ModuleArtifact.neededBlobs(manifest, limits: limits)
    // Every declared size is judged before anything is fetched or looked at.
    for (descriptor, limit) in needed { try checkSize(descriptor, limit: limit, what: "blob") }
    for (descriptor, limit) in needed {
      if let cachedSize = verifiedSize(descriptor.digest, in: layout) {
        // Content that hashes to its name is good; a manifest declaring another size
        // for it is lying, and the cache is not to blame.
        guard cachedSize == descriptor.size else {
          throw OCIError(
            .sizeMismatch,
            "the manifest declares \(descriptor.size) bytes for blob \(descriptor.digest), which "
              + "has \(cachedSize)")
        }
        continue
      }
      if layout.hasBlob(descriptor.digest) {
        layout.removeBlob(descriptor.digest)
        notice?(
          "the cached blob \(descriptor.digest) was corrupt (its bytes do not match its digest); "
            + "removed, fetching it again")
      }
      if staging.blobs.contains(descriptor.digest) { continue }
      fetchedBlobs += try await fetchBlob(
        descriptor, limit: limit, reference: reference, staging: staging, client: client)
    }
    let artifact = try ModuleArtifact.extract(
      manifest, digest: digest, blobs: LayoutBlobs(layout: layout, staging: staging),
      limits: limits)
    try layout.commit(
      staging,
      descriptor: Descriptor(
        mediaType: top.mediaType, digest: top.digest,
        size: Int64(top.bytes.count)), names: names)
    return PulledModule(
      artifact: artifact, resolvedDigest: top.digest, platform: platform,
      fetchedBytes: fetched + fetchedBlobs, fetchedBlobBytes: fetchedBlobs)
  }

  // MARK: Pieces

  /// The manifest below `top`: itself, or the wasm platform's entry of an index.
  private func platformManifest(
    _ top: FetchedManifest, child: (Descriptor) throws(OCIError) -> FetchedManifest
  ) throws(OCIError) -> (ImageManifest, OCIDigest, Platform?) {
    switch top.content {
    case .manifest(let manifest):
      return (manifest, top.digest, nil)
    case .index(let index):
      let entry = try Self.wasmEntry(of: index)
      let fetched = try child(entry)
      guard case .manifest(let manifest) = fetched.content else {
        throw OCIError(.unsupported, "the wasm entry of the index is itself an index")
      }
      return (manifest, fetched.digest, entry.platform)
    }
  }

  private func platformManifestAsync(
    _ top: FetchedManifest, child: (Descriptor) async throws(OCIError) -> FetchedManifest
  ) async throws(OCIError) -> (ImageManifest, OCIDigest, Platform?) {
    switch top.content {
    case .manifest(let manifest):
      return (manifest, top.digest, nil)
    case .index(let index):
      let entry = try Self.wasmEntry(of: index)
      let fetched = try await child(entry)
      guard case .manifest(let manifest) = fetched.content else {
        throw OCIError(.unsupported, "the wasm entry of the index is itself an index")
      }
      return (manifest, fetched.digest, entry.platform)
    }
  }

  /// The index entry for a wasm platform (the first listed), or a clear error naming
  /// the platforms there are.
  static func wasmEntry(of index: ImageIndex) throws(OCIError) -> Descriptor {
    if let entry = index.manifests.first(where: {
      ($0.platform?.isWasm ?? false) && MediaType.isManifest($0.mediaType)
    }) {
      return entry
    }
    let platforms = index.manifests.map { $0.platform?.description ?? "(no platform)" }
    throw OCIError(
      .noWasmPlatform,
      "the index lists no wasm platform (wasi/wasm or wasip1/wasm); it has: "
        + (platforms.isEmpty ? "nothing" : platforms.prefix(20).joined(separator: ", ")))
  }

  /// A manifest the layout holds, verified; a corrupt one is removed (and nil).
  private func cachedManifest(_ digest: OCIDigest, in layout: ImageLayout, type: String?)
    -> FetchedManifest?
  {
    guard layout.hasBlob(digest) else { return nil }
    do {
      return try FetchedManifest(
        bytes: layout.readBlob(digest, limit: limits.manifestBytes), declaredType: type,
        limits: limits)
    } catch {
      if error.kind == .digestMismatch {
        layout.removeBlob(digest)
        notice?("the cached manifest \(digest) was corrupt; removed, fetching it again")
      }
      return nil
    }
  }

  /// The size of the layout's copy of a blob when its bytes hash to its digest; nil
  /// when it is missing or corrupt.
  private func verifiedSize(_ digest: OCIDigest, in layout: ImageLayout) -> Int64? {
    guard layout.hasBlob(digest), let file = try? HashingFileSource(path: layout.blobPath(digest)),
      (try? file.drain()) != nil, file.hasher.finish() == digest
    else { return nil }
    return file.hasher.count
  }

  /// Streams one blob into the staging folder, verified; returns its size.
  private func fetchBlob(
    _ descriptor: Descriptor, limit: Int64, reference: RegistryReference,
    staging: ImageLayout.Staging, client: RegistryClient
  ) async throws(OCIError) -> Int64 {
    let path = staging.blobPath(descriptor.digest)
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw OCIError(.storage, "\(path): \(errnoText())") }
    defer { close(fd) }
    let label = "\(descriptor.digest.short) \(descriptor.mediaType)"
    var blobProgress: TransferProgress?
    if let progress { blobProgress = { done, total in progress(label, done, total) } }
    try await client.fetchBlob(reference, descriptor, limit: limit, progress: blobProgress) {
      chunk throws(OCIError) in
      var failure: OCIError?
      chunk.withUnsafeReadableBytes { raw in
        do throws(OCIError) { try writeAll(fd, raw, path: path) } catch { failure = error }
      }
      if let failure { throw failure }
    }
    staging.add(descriptor.digest)
    return descriptor.size
  }
}

/// Blobs of a layout, with a pull's staging folder looked at first.
struct LayoutBlobs: BlobAccess {
  var layout: ImageLayout
  var staging: ImageLayout.Staging?

  func path(_ descriptor: Descriptor) throws(OCIError) -> String {
    if let staging, staging.blobs.contains(descriptor.digest) {
      return staging.blobPath(descriptor.digest)
    }
    guard layout.hasBlob(descriptor.digest) else {
      throw OCIError(.notFound, "\(layout.root) lacks blob \(descriptor.digest)")
    }
    return layout.blobPath(descriptor.digest)
  }

  func bytes(_ descriptor: Descriptor, limit: Int64) throws(OCIError) -> [UInt8] {
    try checkSize(descriptor, limit: limit, what: "blob")
    let path = try path(descriptor)
    let bytes = try readFileBounded(path, limit: limit)
    guard Int64(bytes.count) == descriptor.size else {
      throw OCIError(
        .sizeMismatch, "\(path): \(bytes.count) bytes, the manifest declares \(descriptor.size)")
    }
    try descriptor.digest.verify(bytes, what: path)
    return bytes
  }
}
