// The Wasm 2.0 spec testsuite executed by the interpreter, as an ordinary test:
// every command of every non-SIMD script must pass (text-format modules, which a
// binary-only runtime cannot read, are the only skips).
//
// Needs the converted scripts (Scripts/convert-spec.sh, or WASMBPF_SPEC_JSON);
// without them this test fails, it never skips.

import Foundation
import Testing
import WastRunner

@Suite struct InterpreterSpecTests {
  @Test func wasm2ScalarScriptsAllPass() throws {
    let environment = ProcessInfo.processInfo.environment
    let directory = environment["WASMBPF_SPEC_JSON"] ?? repositoryRoot + "/.spec-json/wasm-2.0"
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
      .filter { $0.hasSuffix(".json") && !$0.hasPrefix("simd_") }.sorted()
    guard !files.isEmpty else {
      Issue.record("no converted spec scripts in \(directory): run Scripts/convert-spec.sh first")
      return
    }
    let runner = WastRunner(makeExecutor: { InterpreterWastExecutor() })
    var passed = 0
    for file in files {
      let result = runner.run(file: directory + "/" + file)
      passed += result.passed
      for failure in result.failures.prefix(5) {
        guard case .failed(let expected, let got) = failure.outcome else { continue }
        Issue.record(
          "\(file):\(failure.line) \(failure.commandType): expected \(expected); got \(got)")
      }
      if result.failed > 5 { Issue.record("\(file): \(result.failed - 5) more failures") }
    }
    // The 90 scalar scripts of wg-2.0 hold 27,437 binary-module commands.
    #expect(passed >= 27_437)
  }
}
