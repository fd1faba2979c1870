// The media types this client reads and writes.
//
// OCI image spec: https://github.com/opencontainers/image-spec/blob/main/media-types.md
// Docker's image manifest v2, schema 2 (read only; what `docker push` still writes).
// The Wasm artifact layout of the CNCF TAG Runtime's wasm working group:
// https://tag-runtime.cncf.io/wgs/wasm/deliverables/wasm-oci-artifact/

/// Media types of manifests, configs and layers.
public enum MediaType {
  public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
  public static let ociIndex = "application/vnd.oci.image.index.v1+json"
  public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
  public static let dockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json"

  /// The Wasm artifact's config (TAG Runtime layout).
  public static let wasmConfig = "application/vnd.wasm.config.v0+json"
  /// A WebAssembly binary module (or component) as a layer.
  public static let wasmLayer = "application/wasm"
  /// Our policy layer: the TOML `--bpf-policy` reads (docs/bpf-policy.md).
  public static let bpfPolicy = "application/vnd.wasmbpf.policy.v1+toml"

  public static let ociImageConfig = "application/vnd.oci.image.config.v1+json"
  public static let dockerImageConfig = "application/vnd.docker.container.image.v1+json"
  public static let ociLayerTar = "application/vnd.oci.image.layer.v1.tar"
  public static let ociLayerTarGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
  public static let dockerLayerTarGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"

  /// What a manifest request accepts, most wanted first.
  public static let acceptedManifests = [ociManifest, ociIndex, dockerManifest, dockerManifestList]

  static func isIndex(_ type: String) -> Bool { type == ociIndex || type == dockerManifestList }
  static func isManifest(_ type: String) -> Bool {
    type == ociManifest || type == dockerManifest
  }
  static func isImageConfig(_ type: String) -> Bool {
    type == ociImageConfig || type == dockerImageConfig
  }

  /// How a layer's bytes are packed, or nil for a layer type we do not unpack.
  static func layerPacking(_ type: String) -> LayerPacking? {
    switch type {
    case ociLayerTar, "application/vnd.docker.image.rootfs.diff.tar": return .tar
    case ociLayerTarGzip, dockerLayerTarGzip: return .tarGzip
    default: return nil
    }
  }

  enum LayerPacking { case tar, tarGzip }
}

/// Annotation keys: the OCI ones, and ours (`io.wasmbpf.*`), which say what a tool
/// will touch before anyone runs it.
public enum AnnotationKey {
  public static let created = "org.opencontainers.image.created"
  public static let version = "org.opencontainers.image.version"
  public static let source = "org.opencontainers.image.source"
  public static let title = "org.opencontainers.image.title"
  public static let description = "org.opencontainers.image.description"
  /// The tag of a manifest in an image layout's index.json.
  public static let refName = "org.opencontainers.image.ref.name"
  /// Program kinds of the embedded eBPF objects, comma-separated (`tracepoint,kprobe`).
  public static let bpfProgramKinds = "io.wasmbpf.bpf.program-kinds"
  /// Attach points (ELF section names), comma-separated.
  public static let bpfAttachPoints = "io.wasmbpf.bpf.attach-points"
  /// Maps: `name:type`, comma-separated.
  public static let bpfMaps = "io.wasmbpf.bpf.maps"
  /// Helpers the programs call, comma-separated.
  public static let bpfHelpers = "io.wasmbpf.bpf.helpers"
}
