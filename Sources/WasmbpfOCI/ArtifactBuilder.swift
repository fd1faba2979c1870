// Builds the Wasm artifact `push` uploads: the TAG Runtime layout (config
// `application/vnd.wasm.config.v0+json`, the module as an `application/wasm` layer),
// plus our policy layer when there is one, and annotations saying what the tool is
// and what it will touch.

import Foundation

/// An artifact ready to push: its blobs and its manifest.
public struct BuiltArtifact: Sendable {
  /// Config first, then the layers, each with its bytes.
  public var blobs: [(descriptor: Descriptor, bytes: [UInt8])]
  public var manifest: [UInt8]
  public var manifestDigest: OCIDigest { OCIDigest.of(manifest) }
  public var manifestDescriptor: Descriptor {
    Descriptor(
      mediaType: MediaType.ociManifest, digest: manifestDigest, size: Int64(manifest.count))
  }

  /// Builds the artifact for `module` (and `policy`, TOML). `annotations` go on the
  /// manifest; `created` (RFC 3339) defaults to now, or to $SOURCE_DATE_EPOCH so that
  /// a build can be reproduced byte for byte.
  public init(
    module: [UInt8], moduleTitle: String, policy: [UInt8]?, policyTitle: String?,
    annotations: [String: String], created: String? = nil
  ) {
    let timestamp = created ?? Self.timestamp()
    let moduleLayer = Descriptor(
      mediaType: MediaType.wasmLayer, digest: OCIDigest.of(module), size: Int64(module.count),
      annotations: [AnnotationKey.title: moduleTitle])
    var layers = [(moduleLayer, module)]
    if let policy {
      layers.append(
        (
          Descriptor(
            mediaType: MediaType.bpfPolicy, digest: OCIDigest.of(policy), size: Int64(policy.count),
            annotations: policyTitle.map { [AnnotationKey.title: $0] }), policy
        ))
    }
    let config = WasmConfig(
      created: timestamp, author: nil, architecture: "wasm", os: "wasip1",
      layerDigests: layers.map { $0.0.digest.description })
    let configBytes = encodeJSON(config)
    let configDescriptor = Descriptor(
      mediaType: MediaType.wasmConfig, digest: OCIDigest.of(configBytes),
      size: Int64(configBytes.count))
    var allAnnotations = annotations
    if allAnnotations[AnnotationKey.created] == nil {
      allAnnotations[AnnotationKey.created] = timestamp
    }
    let manifest = ImageManifest(
      schemaVersion: 2, mediaType: MediaType.ociManifest, artifactType: nil,
      config: configDescriptor, layers: layers.map(\.0),
      annotations: allAnnotations.isEmpty ? nil : allAnnotations)
    self.manifest = encodeJSON(manifest)
    var blobs: [(descriptor: Descriptor, bytes: [UInt8])] = [
      (descriptor: configDescriptor, bytes: configBytes)
    ]
    for (descriptor, bytes) in layers { blobs.append((descriptor: descriptor, bytes: bytes)) }
    self.blobs = blobs
  }

  /// Pushes the blobs, then the manifest under `reference`'s tag; returns its digest.
  public func push(
    to reference: RegistryReference, client: RegistryClient, chunkSize: Int? = nil,
    progress: PullProgress? = nil
  ) async throws(OCIError) -> OCIDigest {
    for (descriptor, bytes) in blobs {
      let label = "\(descriptor.digest.short) \(descriptor.mediaType)"
      var blobProgress: TransferProgress?
      if let progress { blobProgress = { done, total in progress(label, done, total) } }
      try await client.pushBlob(
        reference, bytes, digest: descriptor.digest, chunkSize: chunkSize, progress: blobProgress)
    }
    return try await client.pushManifest(
      reference, bytes: manifest, mediaType: MediaType.ociManifest)
  }

  /// Writes the artifact into an image layout, named `name` in its index.
  public func write(to layout: ImageLayout, name: String?) throws(OCIError) {
    let staging = try layout.stage()
    defer { staging.discard() }
    for (descriptor, bytes) in blobs {
      try layout.stage(bytes, digest: descriptor.digest, in: staging)
    }
    try layout.stage(manifest, digest: manifestDigest, in: staging)
    try layout.commit(staging, descriptor: manifestDescriptor, names: name.map { [$0] } ?? [])
  }

  /// Now, or $SOURCE_DATE_EPOCH, as RFC 3339 in UTC.
  static func timestamp() -> String {
    let environment = ProcessInfo.processInfo.environment
    let date =
      environment["SOURCE_DATE_EPOCH"].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
      ?? Date()
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }
}
