// An OCI image layout folder (https://github.com/opencontainers/image-spec/blob/main/image-layout.md):
//
//   oci-layout                {"imageLayoutVersion": "1.0.0"}
//   index.json                an image index; entries named by org.opencontainers.image.ref.name
//   blobs/sha256/<hex>        content, named by its digest
//
// It serves twice: as the folder `pull REF oci:DIR` writes and `run oci:DIR:TAG` reads
// (what skopeo and umoci read and write too), and as the local cache, whose entries
// are named by full reference (`HOST/REPO:TAG`).
//
// Content is verified whenever it is read: a blob whose bytes do not hash to its
// name is reported (`digestMismatch`), never returned. Writes are all-or-nothing: a
// pull stages blobs in `ingest-*/` inside the folder (same file system, so a rename
// publishes them) and `commit` moves them in and rewrites index.json under a lock;
// a failed pull removes its staging folder and leaves the layout as it was.

#if canImport(Glibc)
  import Glibc
#endif

/// An OCI image layout folder.
public struct ImageLayout: Sendable {
  public let root: String

  /// Opens the layout at `root`; with `create`, makes the folder, `oci-layout` and an
  /// empty index when missing.
  public init(root: String, create: Bool) throws(OCIError) {
    self.root = root
    if create {
      try makeDirectories(root + "/blobs/sha256")
      if !fileExists(root + "/oci-layout") {
        try writeFileAtomically(
          root + "/oci-layout", Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
      }
      if !fileExists(root + "/index.json") {
        try writeFileAtomically(root + "/index.json", encodeJSON(ImageIndex(manifests: [])))
      }
    } else {
      guard fileExists(root + "/oci-layout") else {
        throw OCIError(.storage, "\(root) is not an OCI image layout (no oci-layout file)")
      }
    }
  }

  public func blobPath(_ digest: OCIDigest) -> String { root + "/blobs/sha256/" + digest.hex }

  public func hasBlob(_ digest: OCIDigest) -> Bool { fileSize(blobPath(digest)) != nil }

  /// A blob's bytes, verified against its digest and bounded by `limit`.
  public func readBlob(_ digest: OCIDigest, limit: Int64) throws(OCIError) -> [UInt8] {
    let path = blobPath(digest)
    let bytes: [UInt8]
    do {
      bytes = try readFileBounded(path, limit: limit)
    } catch  where error.kind == .storage && !fileExists(path) {
      throw OCIError(.notFound, "\(root) has no blob \(digest)")
    }
    let actual = OCIDigest.of(bytes)
    guard actual == digest else {
      throw OCIError(
        .digestMismatch, "\(path): content has digest \(actual), not \(digest) (corrupt blob)")
    }
    return bytes
  }

  /// Removes a blob (a corrupt one, before it is fetched again).
  public func removeBlob(_ digest: OCIDigest) { unlink(blobPath(digest)) }

  // MARK: index.json

  /// The layout's index, as stored.
  public func index() throws(OCIError) -> ImageIndex {
    let bytes = try readFileBounded(root + "/index.json", limit: 16 << 20)
    let index: ImageIndex = try decodeJSON(bytes, what: root + "/index.json")
    return index
  }

  /// The entry `selector` names: a ref.name, a digest, or (nil) the only entry.
  public func find(_ selector: ModuleReference.LayoutSelector?) throws(OCIError) -> Descriptor {
    let entries = try index().manifests
    switch selector {
    case .name(let name):
      guard
        let entry = entries.last(where: { $0.annotations?[AnnotationKey.refName] == name })
      else {
        let names = entries.compactMap { $0.annotations?[AnnotationKey.refName] }
        throw OCIError(
          .notFound,
          "\(root) has no image named '\(name)' (names: \(names.isEmpty ? "none" : names.joined(separator: ", ")))"
        )
      }
      return entry
    case .digest(let digest):
      if let entry = entries.first(where: { $0.digest == digest }) { return entry }
      // Not named in the index, but maybe present (a child of an index).
      guard let size = fileSize(blobPath(digest)) else {
        throw OCIError(.notFound, "\(root) has no manifest \(digest)")
      }
      return Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: size)
    case nil:
      guard entries.count == 1, let only = entries.first else {
        throw OCIError(
          .invalidReference,
          "\(root) holds \(entries.count) images: name one (oci:DIR:NAME or oci:DIR@DIGEST)")
      }
      return only
    }
  }

  // MARK: Writing

  /// A staging folder for a pull's blobs, removed unless committed.
  public final class Staging: @unchecked Sendable {
    public let path: String
    private(set) var blobs: [OCIDigest] = []

    init(path: String) { self.path = path }

    func blobPath(_ digest: OCIDigest) -> String { path + "/" + digest.hex }

    func add(_ digest: OCIDigest) { if !blobs.contains(digest) { blobs.append(digest) } }

    /// Removes the folder and what is left in it.
    public func discard() { removeTree(path) }
  }

  public func stage() throws(OCIError) -> Staging {
    try makeDirectories(root)
    return Staging(path: try makeTemporaryDirectory(prefix: root + "/ingest-"))
  }

  /// Writes verified `bytes` into the staging folder.
  func stage(_ bytes: [UInt8], digest: OCIDigest, in staging: Staging) throws(OCIError) {
    // A good copy already here is kept; a corrupt one is replaced at commit.
    if hasBlob(digest), (try? readBlob(digest, limit: Int64(bytes.count))) != nil { return }
    let path = staging.blobPath(digest)
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw OCIError(.storage, "\(path): \(errnoText())") }
    defer { close(fd) }
    try bytes.withBytes { raw throws(OCIError) in try writeAll(fd, raw, path: path) }
    staging.add(digest)
  }

  /// Moves the staged blobs in (each already verified) and sets the index entries
  /// named in `names` to `descriptor`. The staging folder is removed.
  public func commit(_ staging: Staging, descriptor: Descriptor, names: [String]) throws(OCIError) {
    defer { staging.discard() }
    try makeDirectories(root + "/blobs/sha256")
    for digest in staging.blobs {
      let source = staging.blobPath(digest)
      guard fsyncPath(source) else { throw OCIError(.storage, "\(source): \(errnoText())") }
      guard rename(source, blobPath(digest)) == 0 else {
        throw OCIError(.storage, "cannot move \(source) into \(root): \(errnoText())")
      }
    }
    try updateIndex { entries in
      for name in names {
        entries.removeAll { $0.annotations?[AnnotationKey.refName] == name }
        var entry = descriptor
        entry.annotations = [AnnotationKey.refName: name]
        entries.append(entry)
      }
      if names.isEmpty && !entries.contains(where: { $0.digest == descriptor.digest }) {
        var entry = descriptor
        entry.annotations = nil
        entries.append(entry)
      }
    }
  }

  /// Rewrites index.json under the layout's lock.
  func updateIndex(_ change: (inout [Descriptor]) throws(OCIError) -> Void) throws(OCIError) {
    let lock = try FileLock(path: root + "/index.json.lock")
    defer { lock.unlock() }
    var index = try self.index()
    try change(&index.manifests)
    try writeFileAtomically(root + "/index.json", encodeJSON(index))
  }

  /// Every blob file in the layout, with its size.
  func blobFiles() -> [(digest: OCIDigest, size: Int64)] {
    directoryEntries(root + "/blobs/sha256").compactMap { name in
      guard let digest = try? OCIDigest(parsing: "sha256:" + name),
        let size = fileSize(root + "/blobs/sha256/" + name)
      else { return nil }
      return (digest, size)
    }
  }
}

/// fsync of a file by path.
private func fsyncPath(_ path: String) -> Bool {
  let fd = open(path, O_RDONLY | O_CLOEXEC)
  guard fd >= 0 else { return false }
  defer { close(fd) }
  return fsync(fd) == 0
}
