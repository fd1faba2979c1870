// The JSON documents of the OCI image and distribution specs this client reads and
// writes: descriptors, image manifests (OCI and Docker schema 2), indexes (OCI and
// Docker manifest lists) and the two configs we look into.
//
// https://github.com/opencontainers/image-spec/blob/main/manifest.md
// https://github.com/opencontainers/image-spec/blob/main/image-index.md
//
// Everything here may come from a hostile registry: documents are size-limited
// before they are parsed (`Limits`), counts and sizes are checked after.

import Foundation

/// A reference to content: its media type, digest and size.
public struct Descriptor: Codable, Sendable, Equatable {
  public var mediaType: String
  public var digest: OCIDigest
  public var size: Int64
  public var annotations: [String: String]?
  public var platform: Platform?
  public var artifactType: String?

  public init(
    mediaType: String, digest: OCIDigest, size: Int64, annotations: [String: String]? = nil,
    platform: Platform? = nil, artifactType: String? = nil
  ) {
    self.mediaType = mediaType
    self.digest = digest
    self.size = size
    self.annotations = annotations
    self.platform = platform
    self.artifactType = artifactType
  }
}

/// The platform of a manifest in an index.
public struct Platform: Codable, Sendable, Equatable, CustomStringConvertible {
  public var architecture: String
  public var os: String
  public var variant: String?

  public init(architecture: String, os: String, variant: String? = nil) {
    self.architecture = architecture
    self.os = os
    self.variant = variant
  }

  /// `wasm` on `wasi`, `wasip1` or `wasip2` (WasmEdge, crun and the TAG layout), or
  /// `wasm32`/`wasm` on `wasi` as some builders write.
  public var isWasm: Bool {
    (architecture == "wasm" || architecture == "wasm32")
      && (os == "wasi" || os == "wasip1" || os == "wasip2")
  }

  public var description: String { os + "/" + architecture + (variant.map { "/" + $0 } ?? "") }
}

/// An image manifest: a config and layers.
public struct ImageManifest: Codable, Sendable, Equatable {
  public var schemaVersion: Int
  public var mediaType: String?
  public var artifactType: String?
  public var config: Descriptor
  public var layers: [Descriptor]
  public var annotations: [String: String]?
}

/// An index (a manifest list): manifests per platform.
public struct ImageIndex: Codable, Sendable, Equatable {
  public var schemaVersion: Int
  public var mediaType: String?
  public var manifests: [Descriptor]
  public var annotations: [String: String]?

  public init(manifests: [Descriptor], annotations: [String: String]? = nil) {
    schemaVersion = 2
    mediaType = MediaType.ociIndex
    self.manifests = manifests
    self.annotations = annotations
  }
}

/// The Wasm artifact config of the TAG Runtime layout.
public struct WasmConfig: Codable, Sendable, Equatable {
  public var created: String?
  public var author: String?
  public var architecture: String
  public var os: String
  public var layerDigests: [String]?
}

/// The part of an OCI/Docker image config that says how to run the image.
struct ImageConfig: Decodable {
  struct RunConfig: Decodable {
    // Docker's config has the same keys, capitalized the same way.
    var Entrypoint: [String]?
    var Cmd: [String]?
    var Env: [String]?
    var WorkingDir: String?
  }
  var architecture: String?
  var os: String?
  var config: RunConfig?
}

/// Bounds on what the client accepts from a registry or a layout folder.
public struct Limits: Sendable, Equatable {
  /// A manifest or index (the distribution spec asks registries to accept 4 MiB).
  public var manifestBytes: Int64 = 4 << 20
  /// A config blob.
  public var configBytes: Int64 = 1 << 20
  /// A module layer, or an image layer that holds one.
  public var layerBytes: Int64 = 256 << 20
  /// A policy layer.
  public var policyBytes: Int64 = 1 << 20
  /// The module unpacked from an image layer (gzip can expand a lot).
  public var unpackedModuleBytes: Int64 = 256 << 20
  /// Everything one image layer unpacks to while it is searched (a gzip bomb stops here).
  public var unpackedLayerBytes: Int64 = 2 << 30
  /// Layers of one manifest, manifests of one index.
  public var layerCount = 128
  public var indexEntries = 1024
  /// Redirects followed for one request.
  public var redirects = 8

  public init() {}
}

/// A manifest or index, as fetched: its bytes, digest and what it parsed to.
public struct FetchedManifest: Sendable {
  public enum Content: Sendable {
    case manifest(ImageManifest)
    case index(ImageIndex)
  }

  public var bytes: [UInt8]
  public var digest: OCIDigest
  public var mediaType: String
  public var content: Content

  /// Parses `bytes`; `declaredType` is the Content-Type (or the descriptor's media
  /// type), used when the document does not say what it is.
  public init(bytes: [UInt8], declaredType: String?, limits: Limits) throws(OCIError) {
    self.bytes = bytes
    self.digest = OCIDigest.of(bytes)
    struct Probe: Decodable {
      var mediaType: String?
      var manifests: [Descriptor]?
      var schemaVersion: Int?
    }
    let probe: Probe = try decodeJSON(bytes, what: "manifest")
    guard probe.schemaVersion == 2 else {
      throw OCIError(
        .unsupported,
        "manifest schemaVersion \(probe.schemaVersion.map(String.init) ?? "missing") is not "
          + "supported (only 2: OCI and Docker schema 2)")
    }
    // The document's own mediaType wins; a header may be generic (application/json).
    let declared = declaredType.flatMap { $0.split(separator: ";").first }.map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    let type =
      probe.mediaType
      ?? (declared.flatMap { MediaType.isIndex($0) || MediaType.isManifest($0) ? $0 : nil })
      ?? (probe.manifests != nil ? MediaType.ociIndex : MediaType.ociManifest)
    mediaType = type
    if MediaType.isIndex(type) {
      let index: ImageIndex = try decodeJSON(bytes, what: "index")
      guard index.manifests.count <= limits.indexEntries else {
        throw OCIError(
          .tooLarge, "index lists \(index.manifests.count) manifests (limit \(limits.indexEntries))"
        )
      }
      for descriptor in index.manifests {
        try checkSize(descriptor, limit: limits.manifestBytes, what: "index entry")
      }
      content = .index(index)
    } else if MediaType.isManifest(type) {
      let manifest: ImageManifest = try decodeJSON(bytes, what: "manifest")
      guard manifest.layers.count <= limits.layerCount else {
        throw OCIError(
          .tooLarge, "manifest lists \(manifest.layers.count) layers (limit \(limits.layerCount))")
      }
      guard manifest.config.size >= 0, manifest.layers.allSatisfy({ $0.size >= 0 }) else {
        throw OCIError(.malformed, "manifest declares a negative size")
      }
      content = .manifest(manifest)
    } else {
      throw OCIError(
        .unsupported,
        "media type '\(type.prefix(120))' is neither an image manifest nor an index")
    }
  }
}

/// A descriptor's size, checked against a limit before anything is fetched.
func checkSize(_ descriptor: Descriptor, limit: Int64, what: String) throws(OCIError) {
  guard descriptor.size >= 0 else {
    throw OCIError(.malformed, "\(what) \(descriptor.digest.short) declares a negative size")
  }
  guard descriptor.size <= limit else {
    throw OCIError(
      .tooLarge,
      "\(what) \(descriptor.digest) declares \(descriptor.size) bytes, more than the limit of "
        + "\(limit) bytes")
  }
}

/// Decodes JSON, turning Foundation's errors into `OCIError.malformed`.
func decodeJSON<T: Decodable>(_ bytes: [UInt8], what: String) throws(OCIError) -> T {
  do {
    return try JSONDecoder().decode(T.self, from: Data(bytes))
  } catch let error as OCIError {
    throw error
  } catch {
    throw OCIError(
      .malformed, "\(what) is not valid JSON of the expected shape: \(describe(error))")
  }
}

/// Encodes a document the way we push it: keys sorted, slashes unescaped, so the
/// same content always has the same digest.
func encodeJSON<T: Encodable>(_ value: T) -> [UInt8] {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
  // Encoding our own value types cannot fail: they hold only strings and numbers.
  return Array((try? encoder.encode(value)) ?? Data())
}

/// A short reason for a decoding error (Foundation's descriptions run long).
func describe(_ error: any Error) -> String {
  if let error = error as? DecodingError {
    switch error {
    case .dataCorrupted(let context): return context.debugDescription + path(context)
    case .keyNotFound(let key, let context): return "missing '\(key.stringValue)'" + path(context)
    case .typeMismatch(_, let context): return context.debugDescription + path(context)
    case .valueNotFound(_, let context): return context.debugDescription + path(context)
    @unknown default: return "\(error)"
    }
  }
  return "\(error)"
}

private func path(_ context: DecodingError.Context) -> String {
  let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }
  return keys.isEmpty ? "" : " at " + keys.joined()
}
