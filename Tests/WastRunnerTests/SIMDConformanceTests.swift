// The spec's SIMD scripts executed on the interpreter, straight from the .wast
// files: every `simd_*` script of Wasm 2.0 and every relaxed-SIMD script of
// Wasm 3.0 must pass completely, with nothing skipped.
//
// Reads ../shared/spec beside the repository (or WASMBPF_SPEC_DIR); without it
// the tests fail, they never skip.

import Foundation
import Testing
import WasmCore
import WastRunner

@Suite struct SIMDConformanceTests {
  /// Runs every .wast script of `directory` whose name starts with `prefix`;
  /// records each failure and each skip; returns (files, passed).
  func runAll(in directory: String, prefix: String, features: Features) -> (files: Int, passed: Int) {
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
      .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".wast") }.sorted()
    guard !files.isEmpty else {
      Issue.record("no spec scripts \(prefix)*.wast in \(directory): set WASMBPF_SPEC_DIR")
      return (0, 0)
    }
    let runner = WastRunner(features: features, makeExecutor: { InterpreterWastExecutor() })
    var passed = 0
    for file in files {
      let result = runner.run(file: directory + "/" + file)
      passed += result.passed
      for command in result.results {
        switch command.outcome {
        case .passed: continue
        case .failed(let expected, let got):
          Issue.record("\(file):\(command.line) \(command.commandType): expected \(expected); got \(got)")
        case .skipped(let reason):
          Issue.record("\(file):\(command.line) \(command.commandType) skipped: \(reason)")
        }
      }
    }
    return (files.count, passed)
  }

  @Test func wasm2SIMDScriptsPass() {
    let (files, passed) = runAll(
      in: specDirectory() + "/wasm-2.0", prefix: "simd_", features: .wasm2)
    // 58 scripts; the count of passes guards against a silently empty run.
    #expect(files == 58)
    #expect(passed > 25_000)
  }

  @Test func relaxedSIMDScriptsPass() {
    let (files, passed) = runAll(
      in: specDirectory() + "/wasm-3.0/relaxed-simd", prefix: "", features: .relaxedSIMD)
    #expect(files == 7)
    #expect(passed >= 77)
  }
}
