// What a manifest holds for us: the module (and its policy) of a Wasm artifact, or
// the module an ordinary OCI/Docker image carries at its entrypoint path.
//
// Wasm artifact (TAG Runtime layout): config `application/vnd.wasm.config.v0+json`,
// one `application/wasm` layer, and, when pushed by wasmbpf with a policy, one
// `application/vnd.wasmbpf.policy.v1+toml` layer.
//
// Image (what WasmEdge and crun users push): an image config whose Entrypoint (or
// Cmd) names the module, and tar layers, the topmost holding that path winning
// unless a whiteout above hides it.

/// Where extraction reads blobs from; each read is verified against the descriptor.
protocol BlobAccess {
  /// The blob's bytes, verified.
  func bytes(_ descriptor: Descriptor, limit: Int64) throws(OCIError) -> [UInt8]
  /// A file holding the blob, to stream (the reader verifies as it goes).
  func path(_ descriptor: Descriptor) throws(OCIError) -> String
}

/// A module found in a manifest, with what travels with it.
public struct ModuleArtifact: Sendable {
  public enum Format: Sendable, Equatable, CustomStringConvertible {
    /// A Wasm artifact (TAG Runtime layout).
    case wasmArtifact
    /// An OCI/Docker image; the module was at `entrypoint` in a layer.
    case image(entrypoint: String)

    public var description: String {
      switch self {
      case .wasmArtifact: return "Wasm artifact"
      case .image(let entrypoint): return "image, module at \(entrypoint)"
      }
    }
  }

  public var format: Format
  public var module: [UInt8]
  /// The module layer's digest (artifact), or the digest of the unpacked module (image).
  public var moduleDigest: OCIDigest
  /// The policy layer's TOML text, when the artifact carries one.
  public var policy: String?
  public var policyDigest: OCIDigest?
  /// The manifest's annotations (version, source, eBPF program kinds...).
  public var annotations: [String: String]
  /// An image's arguments after the module (Entrypoint's rest, then Cmd), which a run
  /// uses when given none, as `docker run` does.
  public var defaultArguments: [String]
  /// The manifest that described it (the platform's manifest, below an index).
  public var manifestDigest: OCIDigest

  /// The blobs `manifest` needs read for its module: all of an artifact's (config,
  /// module, policy); an image's config and layers.
  static func neededBlobs(_ manifest: ImageManifest, limits: Limits) throws(OCIError) -> [(
    Descriptor, limit: Int64
  )] {
    if isWasmArtifact(manifest) {
      let (module, policy) = try artifactLayers(manifest)
      var blobs = [
        (manifest.config, limit: limits.configBytes), (module, limit: limits.layerBytes),
      ]
      if let policy { blobs.append((policy, limit: limits.policyBytes)) }
      return blobs
    }
    guard MediaType.isImageConfig(manifest.config.mediaType) else {
      throw OCIError(
        .unsupported,
        "this manifest carries no WebAssembly module: config \(manifest.config.mediaType.prefix(100)), "
          + "layers \(Set(manifest.layers.map(\.mediaType)).sorted().joined(separator: ", ").prefix(300))"
      )
    }
    for layer in manifest.layers where MediaType.layerPacking(layer.mediaType) == nil {
      throw OCIError(
        .unsupported,
        "image layer \(layer.digest.short) has media type \(layer.mediaType.prefix(100)), "
          + "which is not a tar layer")
    }
    return [(manifest.config, limit: limits.configBytes)]
      + manifest.layers.map { ($0, limit: limits.layerBytes) }
  }

  static func isWasmArtifact(_ manifest: ImageManifest) -> Bool {
    manifest.config.mediaType == MediaType.wasmConfig
      || manifest.layers.contains { $0.mediaType == MediaType.wasmLayer }
  }

  private static func artifactLayers(_ manifest: ImageManifest) throws(OCIError) -> (
    Descriptor, Descriptor?
  ) {
    let modules = manifest.layers.filter { $0.mediaType == MediaType.wasmLayer }
    let policies = manifest.layers.filter { $0.mediaType == MediaType.bpfPolicy }
    guard modules.count == 1, let module = modules.first else {
      throw OCIError(
        .unsupported,
        "a Wasm artifact needs exactly one \(MediaType.wasmLayer) layer; this one has \(modules.count)"
      )
    }
    guard policies.count <= 1 else {
      throw OCIError(.unsupported, "the artifact has \(policies.count) policy layers; one at most")
    }
    return (module, policies.first)
  }

  /// Reads the module (and policy) out of `manifest`'s blobs.
  static func extract(
    _ manifest: ImageManifest, digest: OCIDigest, blobs: some BlobAccess, limits: Limits
  ) throws(OCIError) -> ModuleArtifact {
    let annotations = manifest.annotations ?? [:]
    if isWasmArtifact(manifest) {
      let (moduleLayer, policyLayer) = try artifactLayers(manifest)
      if manifest.config.mediaType == MediaType.wasmConfig {
        let config: WasmConfig = try decodeJSON(
          blobs.bytes(manifest.config, limit: limits.configBytes), what: "the Wasm config")
        guard config.architecture == "wasm" else {
          throw OCIError(
            .unsupported,
            "the Wasm config names architecture '\(config.architecture.prefix(40))', not wasm")
        }
      }
      let module = try blobs.bytes(moduleLayer, limit: limits.layerBytes)
      var policy: String?
      if let policyLayer {
        let bytes = try blobs.bytes(policyLayer, limit: limits.policyBytes)
        guard let text = String(validating: bytes, as: UTF8.self) else {
          throw OCIError(.malformed, "the policy layer is not UTF-8 text")
        }
        policy = text
      }
      return ModuleArtifact(
        format: .wasmArtifact, module: module, moduleDigest: moduleLayer.digest, policy: policy,
        policyDigest: policyLayer?.digest, annotations: annotations, defaultArguments: [],
        manifestDigest: digest)
    }
    _ = try neededBlobs(manifest, limits: limits)
    let config: ImageConfig = try decodeJSON(
      blobs.bytes(manifest.config, limit: limits.configBytes), what: "the image config")
    let entrypoint = config.config?.Entrypoint ?? []
    let command = config.config?.Cmd ?? []
    let argv = entrypoint.isEmpty ? command : entrypoint + command
    guard let path = argv.first, !path.isEmpty else {
      throw OCIError(
        .unsupported, "the image config names no Entrypoint or Cmd: which file is the module?")
    }
    let module = try findInLayers(manifest.layers, path: path, blobs: blobs, limits: limits)
    guard module.starts(with: [0, 0x61, 0x73, 0x6D]) else {
      let platform = "\(config.os ?? "?")/\(config.architecture ?? "?")"
      throw OCIError(
        .unsupported,
        "the image's entrypoint \(path) is not a WebAssembly module (image platform \(platform))")
    }
    return ModuleArtifact(
      format: .image(entrypoint: path), module: module, moduleDigest: OCIDigest.of(module),
      policy: nil, policyDigest: nil, annotations: annotations,
      defaultArguments: Array(argv.dropFirst()), manifestDigest: digest)
  }

  /// The file at `path` in the topmost layer that has it, unless a whiteout in a
  /// layer above hides it. Each layer read is verified against its digest and size.
  static func findInLayers(
    _ layers: [Descriptor], path: String, blobs: some BlobAccess, limits: Limits
  ) throws(OCIError) -> [UInt8] {
    let target = TarReader<HashingFileSource>.normalize(path)
    guard !target.isEmpty else { throw OCIError(.unsupported, "the entrypoint path is empty") }
    for layer in layers.reversed() {
      let what = "layer \(layer.digest.short)"
      let file = try HashingFileSource(path: blobs.path(layer))
      var found: [UInt8]?
      var hidden = false
      func scan<Source: ByteSource>(_ source: Source) throws(OCIError) {
        var tar = TarReader(source, what: what)
        while let entry = try tar.next() {
          if entry.path == target {
            switch entry.kind {
            case .file:
              found = try tar.readData(entry, limit: limits.unpackedModuleBytes)
            case .symbolicLink(let destination), .hardLink(let destination):
              throw OCIError(
                .unsupported,
                "the entrypoint \(path) is a link (to \(destination.prefix(200))); link a module "
                  + "into the image as a regular file")
            case .directory, .other:
              throw OCIError(.unsupported, "the entrypoint \(path) is not a regular file")
            }
            continue
          }
          let components = entry.path.split(separator: "/")
          guard let base = components.last, base.hasPrefix(".wh.") else { continue }
          let folder = components.dropLast().joined(separator: "/")
          if base == ".wh..wh..opq" {
            if target.hasPrefix(folder.isEmpty ? "" : folder + "/") { hidden = true }
          } else {
            let whited = (folder.isEmpty ? "" : folder + "/") + base.dropFirst(4)
            if target == whited || target.hasPrefix(whited + "/") { hidden = true }
          }
        }
      }
      switch MediaType.layerPacking(layer.mediaType) {
      case .tarGzip:
        try scan(GzipSource(file, limit: limits.unpackedLayerBytes, what: what))
      case .tar, nil:
        try scan(file)
      }
      try file.drain()
      guard file.hasher.count == layer.size else {
        throw OCIError(
          .sizeMismatch, "\(what): \(file.hasher.count) bytes, the manifest declares \(layer.size)")
      }
      let actual = file.hasher.finish()
      guard actual == layer.digest else {
        throw OCIError(
          .digestMismatch, "\(file.path): content has digest \(actual), not \(layer.digest)")
      }
      if let found { return found }
      if hidden {
        throw OCIError(.notFound, "the entrypoint \(path) is deleted by a whiteout in \(what)")
      }
    }
    throw OCIError(.notFound, "no layer of the image holds its entrypoint \(path)")
  }
}
