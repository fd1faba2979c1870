// Replays the fuzzer's findings (and hand-made malformed seeds) through decode +
// validate: each input must come back as a module or as a WasmError. A trap here
// crashes the test process, which is the failure this test exists to catch.

import Foundation
import Testing
import WasmCore

@Suite struct FuzzRegressionTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("FuzzRegressions")

  /// Every input file of the folder (the README excepted), sorted for stable output.
  static func inputs() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { !$0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted()
  }

  @Test func folderHasInputs() {
    #expect(Self.inputs().count >= 1, "no input in \(Self.folder.path)")
  }

  @Test(arguments: inputs())
  func decodeAndValidateReturnOrThrowWasmError(_ name: String) throws {
    let path = Self.folder.appendingPathComponent(name).path
    let data = try #require(FileManager.default.contents(atPath: path), "cannot read \(name)")
    let bytes = [UInt8](data)
    do {
      let module = try decodeModule(bytes)
      try validateModule(module)
    } catch {
      // Typed throws: `error` is a WasmError. Its offset must point into the input
      // (or at its end), or the error would send a reader to the wrong place.
      #expect(error.offset >= 0 && error.offset <= bytes.count, "\(name): \(error)")
      #expect(!error.message.isEmpty, "\(name): empty message")
    }
  }

  /// The hand-made seeds are malformed by construction: they must be rejected.
  @Test(arguments: inputs().filter { $0.hasPrefix("seed-") })
  func seedsAreRejected(_ name: String) throws {
    let path = Self.folder.appendingPathComponent(name).path
    let data = try #require(FileManager.default.contents(atPath: path))
    #expect(throws: WasmError.self, "\(name) was accepted") {
      let module = try decodeModule([UInt8](data))
      try validateModule(module)
    }
  }
}
