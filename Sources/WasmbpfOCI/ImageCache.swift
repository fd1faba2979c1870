// The local cache: an image layout under $WASMBPF_CACHE_DIR, else
// $XDG_CACHE_HOME/wasmbpf/oci, else ~/.cache/wasmbpf/oci, whose index names each
// pulled reference in full (`HOST/REPO:TAG`). Listing and pruning.

import Foundation

/// The cache of pulled modules.
public struct ImageCache: Sendable {
  public let layout: ImageLayout

  /// The cache folder the environment names.
  public static func defaultRoot(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String {
    if let root = environment["WASMBPF_CACHE_DIR"], !root.isEmpty { return root }
    if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty { return cache + "/wasmbpf/oci" }
    return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/wasmbpf/oci"
  }

  public init(root: String = ImageCache.defaultRoot()) throws(OCIError) {
    layout = try ImageLayout(root: root, create: true)
  }

  /// One named entry of the cache.
  public struct Entry: Sendable {
    public var name: String
    public var digest: OCIDigest
    public var mediaType: String
    /// Bytes of the blobs it reaches that are in the cache.
    public var size: Int64
  }

  /// The named entries, by name.
  public func entries() throws(OCIError) -> [Entry] {
    let sizes = Dictionary(
      layout.blobFiles().map { ($0.digest, $0.size) }, uniquingKeysWith: { first, _ in first })
    return try layout.index().manifests.compactMap { descriptor -> Entry? in
      guard let name = descriptor.annotations?[AnnotationKey.refName] else { return nil }
      let reached = reachable(from: [descriptor.digest])
      return Entry(
        name: name, digest: descriptor.digest, mediaType: descriptor.mediaType,
        size: reached.reduce(0) { $0 + (sizes[$1] ?? 0) })
    }.sorted { $0.name < $1.name }
  }

  /// What `prune` removed.
  public struct PruneResult: Sendable {
    public var entries: Int
    public var blobs: Int
    public var bytes: Int64
  }

  /// Removes every entry when `all`; then every blob no remaining entry reaches, and
  /// the leftovers of interrupted pulls.
  public func prune(all: Bool) throws(OCIError) -> PruneResult {
    var removedEntries = 0
    var kept: [OCIDigest] = []
    try layout.updateIndex { entries in
      if all {
        removedEntries = entries.count
        entries.removeAll()
      }
      kept = entries.map(\.digest)
    }
    let live = reachable(from: kept)
    var blobs = 0
    var bytes: Int64 = 0
    for (digest, size) in layout.blobFiles() where !live.contains(digest) {
      layout.removeBlob(digest)
      blobs += 1
      bytes += size
    }
    for name in directoryEntries(layout.root) where name.hasPrefix("ingest-") {
      removeTree(layout.root + "/" + name)
    }
    return PruneResult(entries: removedEntries, blobs: blobs, bytes: bytes)
  }

  /// Every blob reachable from `roots` (indexes, manifests, their configs and layers)
  /// that the cache holds; what cannot be read is skipped.
  func reachable(from roots: [OCIDigest]) -> Set<OCIDigest> {
    var seen = Set<OCIDigest>()
    var queue = roots
    let limits = Limits()
    while let digest = queue.popLast() {
      guard seen.insert(digest).inserted, layout.hasBlob(digest) else { continue }
      guard let size = fileSize(layout.blobPath(digest)), size <= limits.manifestBytes,
        let bytes = try? layout.readBlob(digest, limit: limits.manifestBytes),
        let document = try? FetchedManifest(bytes: bytes, declaredType: nil, limits: limits)
      else { continue }
      switch document.content {
      case .index(let index): queue += index.manifests.map(\.digest)
      case .manifest(let manifest):
        seen.insert(manifest.config.digest)
        seen.formUnion(manifest.layers.map(\.digest))
      }
    }
    return seen
  }
}
