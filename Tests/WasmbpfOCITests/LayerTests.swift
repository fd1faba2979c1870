// Reading image layers: tar archives written by GNU tar (plain and gzip, long names
// through PAX headers, whiteouts across layers), and hostile ones (a bad checksum, a
// size beyond the stream, a number that overflows, a gzip bomb, a gzip stream cut
// short), each refused with its reason.

import Foundation
import Testing

@testable import WasmbpfOCI

@Suite struct LayerTests {
  /// A layer made by GNU tar from `files` (path → contents), gzipped when asked.
  func makeLayer(_ folder: String, _ name: String, files: [String: [UInt8]], gzip: Bool) throws
    -> Descriptor
  {
    let root = folder + "/" + name + "-root"
    for (path, bytes) in files {
      let full = root + "/" + path
      try FileManager.default.createDirectory(
        atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try writeFile(full, bytes)
    }
    let tar = try tool("tar", package: "tar")
    let output = folder + "/" + name + (gzip ? ".tar.gz" : ".tar")
    let result = try run(
      [tar, "--format=pax", gzip ? "-czf" : "-cf", output, "-C", root, "."])
    try #require(result.status == 0, "\(result.stderr)")
    let bytes = try readBytes(output)
    return Descriptor(
      mediaType: gzip ? MediaType.ociLayerTarGzip : MediaType.ociLayerTar,
      digest: OCIDigest.of(bytes), size: Int64(bytes.count))
  }

  /// Blobs from files named by digest in a folder.
  struct FolderBlobs: BlobAccess {
    var folder: String
    var paths: [OCIDigest: String]
    func path(_ descriptor: Descriptor) throws(OCIError) -> String {
      guard let path = paths[descriptor.digest] else { throw OCIError(.notFound, "no blob") }
      return path
    }
    func bytes(_ descriptor: Descriptor, limit: Int64) throws(OCIError) -> [UInt8] {
      try readFileBounded(try path(descriptor), limit: limit)
    }
  }

  @Test func findsTheTopmostCopyAndHonoursWhiteouts() throws {
    let folder = try temporaryFolder("layers")
    defer { removeFolder(folder) }
    let longName = "deep/" + String(repeating: "d", count: 120) + "/module.wasm"
    let lower = try makeLayer(
      folder, "lower",
      files: [
        "app/tool.wasm": Array("old".utf8), "gone/tool.wasm": Array("x".utf8),
        longName: Array("long".utf8),
      ],
      gzip: true)
    let upper = try makeLayer(
      folder, "upper",
      files: [
        "app/tool.wasm": Array("new".utf8), "gone/.wh.tool.wasm": [], "other/.wh..wh..opq": [],
      ],
      gzip: false)
    let blobs = FolderBlobs(
      folder: folder,
      paths: [lower.digest: folder + "/lower.tar.gz", upper.digest: folder + "/upper.tar"])
    let layers = [lower, upper]
    #expect(
      try ModuleArtifact.findInLayers(
        layers, path: "/app/tool.wasm", blobs: blobs, limits: Limits()) == Array("new".utf8))
    #expect(
      try ModuleArtifact.findInLayers(layers, path: longName, blobs: blobs, limits: Limits())
        == Array("long".utf8))
    do {
      _ = try ModuleArtifact.findInLayers(
        layers, path: "gone/tool.wasm", blobs: blobs, limits: Limits())
      Issue.record("found a whited-out file")
    } catch {
      #expect(error.message.contains("deleted by a whiteout"))
    }
    do {
      _ = try ModuleArtifact.findInLayers(
        layers, path: "/nowhere.wasm", blobs: blobs, limits: Limits())
      Issue.record("found a missing file")
    } catch {
      #expect(error.kind == .notFound)
    }
    // A layer whose bytes do not match its digest is refused even though the file was found.
    var tampered = try readBytes(folder + "/upper.tar")
    tampered[tampered.count - 1] ^= 1
    try writeFile(folder + "/upper.tar", tampered)
    do {
      _ = try ModuleArtifact.findInLayers(
        layers, path: "/app/tool.wasm", blobs: blobs, limits: Limits())
      Issue.record("read a tampered layer")
    } catch {
      #expect(error.kind == .digestMismatch)
    }
  }

  /// A ustar header for `name` of `size` bytes, with a correct checksum unless told.
  func header(
    _ name: String, size: String, checksum: Bool = true, type: UInt8 = 0x30,
    patch: (inout [UInt8]) -> Void = { _ in }
  ) -> [UInt8] {
    var block = [UInt8](repeating: 0, count: 512)
    for (index, byte) in name.utf8.enumerated() { block[index] = byte }
    for (index, byte) in size.utf8.enumerated() { block[124 + index] = byte }
    patch(&block)
    block[156] = type
    for (index, byte) in "ustar\u{0}00".utf8.enumerated() { block[257 + index] = byte }
    if checksum {
      var sum = 0
      for (index, byte) in block.enumerated() {
        sum += (148..<156).contains(index) ? 0x20 : Int(byte)
      }
      for (index, byte) in String(format: "%06o\u{0} ", sum).utf8.enumerated() {
        block[148 + index] = byte
      }
    }
    return block
  }

  func scan(_ bytes: [UInt8], gzip: Bool = false, limits: Limits = Limits()) throws -> [UInt8] {
    let folder = try temporaryFolder("hostile")
    defer { removeFolder(folder) }
    try writeFile(folder + "/layer", bytes)
    let descriptor = Descriptor(
      mediaType: gzip ? MediaType.ociLayerTarGzip : MediaType.ociLayerTar,
      digest: OCIDigest.of(bytes),
      size: Int64(bytes.count))
    return try ModuleArtifact.findInLayers(
      [descriptor], path: "m.wasm",
      blobs: FolderBlobs(folder: folder, paths: [descriptor.digest: folder + "/layer"]),
      limits: limits)
  }

  func expectRefusal(
    _ bytes: [UInt8], gzip: Bool = false, limits: Limits = Limits(), _ text: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    do {
      _ = try scan(bytes, gzip: gzip, limits: limits)
      Issue.record("accepted", sourceLocation: sourceLocation)
    } catch let error as OCIError {
      #expect(error.message.contains(text), "\(error)", sourceLocation: sourceLocation)
    }
  }

  func gzipped(_ bytes: [UInt8]) throws -> [UInt8] {
    let folder = try temporaryFolder("gz")
    defer { removeFolder(folder) }
    try writeFile(folder + "/data", bytes)
    let gzip = try tool("gzip", package: "gzip")
    #expect(try run([gzip, "-9", folder + "/data"]).status == 0)
    return try readBytes(folder + "/data.gz")
  }

  @Test func hostileArchivesAreRefused() throws {
    let good =
      header("m.wasm", size: "00000000004") + Array("\0asm".utf8)
      + [UInt8](repeating: 0, count: 508)
    #expect(try scan(good) == Array("\0asm".utf8))
    try expectRefusal(
      header("m.wasm", size: "00000000004", checksum: false) + [UInt8](repeating: 0, count: 512),
      "checksum")
    try expectRefusal(
      header("m.wasm", size: "00000010000") + [UInt8](repeating: 1, count: 512),
      "ends inside a file")
    try expectRefusal(header("m.wasm", size: "9999999999z"), "not octal")
    let base256 = header("m.wasm", size: "") { block in
      block[124] = 0x80
      for index in 125..<136 { block[index] = 0xFF }
    }
    try expectRefusal(base256, "out of range")
    // A base-256 size that fits is read as such, and bounded like any other.
    let hugeButValid = header("m.wasm", size: "") { block in
      block[124] = 0x80
      block[130] = 0x7F
    }
    try expectRefusal(hugeButValid, "an entry of")
    try expectRefusal(Array(good.prefix(300)), "ends inside a header")
    var limits = Limits()
    limits.unpackedModuleBytes = 3
    try expectRefusal(good, limits: limits, "more than the limit of 3")
    // 64 MiB of zeros gzip to about 64 KiB: over a 16 MiB unpacking limit.
    let bomb = try gzipped(
      header("pad", size: "00400000000") + [UInt8](repeating: 0, count: 64 << 20))
    limits = Limits()
    limits.unpackedLayerBytes = 16 << 20
    try expectRefusal(bomb, gzip: true, limits: limits, "unpacks to more than 16777216 bytes")
    let compressed = try gzipped(good)
    try expectRefusal(
      Array(compressed.prefix(compressed.count / 2)), gzip: true, "gzip stream ends early")
    try expectRefusal(Array("not gzip at all".utf8), gzip: true, "not valid gzip data")
    #expect(try scan(compressed, gzip: true) == Array("\0asm".utf8))
    // Two gzip members, as concatenated archives are: read as one stream.
    let split = try gzipped(Array(good.prefix(512))) + (try gzipped(Array(good.dropFirst(512))))
    #expect(try scan(split, gzip: true) == Array("\0asm".utf8))
  }
}
