// Parsing manifests and indexes from hostile bytes: the shapes we read, the limits
// on counts and sizes, and the wasm platform picked from an index.

import Foundation
import Testing

@testable import WasmbpfOCI

@Suite struct ManifestTests {
  let digest = "sha256:" + String(repeating: "0", count: 64)

  func layers(_ count: Int, size: String = "1") -> String {
    (0..<count).map { _ in
      #"{"mediaType":"application/wasm","digest":"\#(digest)","size":\#(size)}"#
    }
    .joined(separator: ",")
  }

  func manifest(layers: String, config: String = "application/vnd.wasm.config.v0+json") -> [UInt8] {
    Array(
      #"{"schemaVersion":2,"config":{"mediaType":"\#(config)","digest":"\#(digest)","size":2},"layers":[\#(layers)]}"#
        .utf8)
  }

  @Test func shapesAndLimits() throws {
    let plain = try FetchedManifest(
      bytes: manifest(layers: layers(1)), declaredType: nil, limits: Limits())
    #expect(plain.mediaType == MediaType.ociManifest)
    // The header's type is used only when the document does not say.
    let docker = try FetchedManifest(
      bytes: manifest(layers: layers(1)),
      declaredType: MediaType.dockerManifest + "; charset=utf-8",
      limits: Limits())
    #expect(docker.mediaType == MediaType.dockerManifest)

    func refused(
      _ bytes: [UInt8], _ kind: OCIError.Kind, _ text: String,
      sourceLocation: SourceLocation = #_sourceLocation
    ) {
      do {
        _ = try FetchedManifest(bytes: bytes, declaredType: nil, limits: Limits())
        Issue.record("accepted", sourceLocation: sourceLocation)
      } catch {
        #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(text), "\(error)", sourceLocation: sourceLocation)
      }
    }
    refused(manifest(layers: layers(129)), .tooLarge, "129 layers")
    refused(manifest(layers: layers(1, size: "-5")), .malformed, "negative size")
    refused(
      manifest(layers: layers(1, size: "100000000000000000000")), .malformed, "not valid JSON")
    refused(Array(#"{"schemaVersion":1,"fsLayers":[]}"#.utf8), .unsupported, "schemaVersion 1")
    refused(
      Array("[".utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 100_000), .malformed,
      "not valid JSON")
    refused(Array(#"{"schemaVersion":2,"mediaType":"text/html"}"#.utf8), .unsupported, "text/html")
    refused(
      Array(
        #"{"schemaVersion":2,"config":{"mediaType":"x","digest":"sha256:zz","size":1},"layers":[]}"#
          .utf8), .malformed, "sha256")
    let entries = (0..<1025).map { _ in
      #"{"mediaType":"\#(MediaType.ociManifest)","digest":"\#(digest)","size":10}"#
    }
    refused(
      Array(#"{"schemaVersion":2,"manifests":[\#(entries.joined(separator: ","))]}"#.utf8),
      .tooLarge, "1025 manifests")
  }

  @Test func theWasmPlatformOfAnIndex() throws {
    func entry(_ os: String, _ architecture: String, type: String = MediaType.ociManifest)
      -> Descriptor
    {
      Descriptor(
        mediaType: type, digest: try! OCIDigest(parsing: digest), size: 10,
        platform: Platform(architecture: architecture, os: os))
    }
    let index = ImageIndex(manifests: [
      entry("linux", "amd64"), entry("wasi", "wasm"), entry("wasip1", "wasm"),
    ])
    #expect(
      try ModulePuller.wasmEntry(of: index).platform == Platform(architecture: "wasm", os: "wasi"))
    // A nested index is not a manifest to run.
    let nested = ImageIndex(manifests: [entry("wasip1", "wasm", type: MediaType.ociIndex)])
    #expect(throws: OCIError.self) { _ = try ModulePuller.wasmEntry(of: nested) }
    do {
      _ = try ModulePuller.wasmEntry(of: ImageIndex(manifests: [entry("linux", "arm64")]))
    } catch {
      #expect(error.kind == .noWasmPlatform)
      #expect(error.message.contains("linux/arm64"))
    }
  }
}
