// The spec testsuite (Wasm 2.0) run through the WastRunner and the interpreter,
// straight from the .wast files, as an ordinary test.
//
// Reads ../shared/spec/wasm-2.0 beside the repository (or WASMBPF_SPEC_DIR, the
// folder holding wasm-2.0/). Without it this test fails; it never skips.
//
// Two checks:
// - no assert_malformed or assert_invalid command fails, binary or text, anywhere;
// - no file passes fewer commands than Expectations/wasm-2.0.txt records. When a
//   file passes more, the test says so; record the gain with
//   `WASMBPF_UPDATE_EXPECTATIONS=1 swift test --filter SpecConformance`.

import Foundation
import Testing
import WastRunner

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

let expectationsPath = repositoryRoot + "/Tests/WastRunnerTests/Expectations/wasm-2.0.txt"

/// The spec testsuite folder (holding wasm-2.0/ and wasm-3.0/).
func specDirectory() -> String {
  ProcessInfo.processInfo.environment["WASMBPF_SPEC_DIR"] ?? repositoryRoot + "/../shared/spec"
}

/// Expected passed counts, by script name.
func readExpectations(_ path: String) throws -> [String: Int] {
  let text = try String(contentsOfFile: path, encoding: .utf8)
  var counts: [String: Int] = [:]
  for line in text.split(separator: "\n") where !line.hasPrefix("#") {
    let fields = line.split(separator: " ")
    guard fields.count == 2, let count = Int(fields[1]) else {
      throw WastFormatError("bad expectations line: \(line)")
    }
    counts[String(fields[0])] = count
  }
  return counts
}

func writeExpectations(_ results: [WastFileResult], to path: String) throws {
  var text = """
    # Wasm 2.0 spec conformance: commands passed per .wast script (interpreter).
    # SpecConformanceTests fails when a file passes fewer. Regenerate after a gain:
    #   WASMBPF_UPDATE_EXPECTATIONS=1 swift test --filter SpecConformance

    """
  for result in results.sorted(by: { $0.path < $1.path }) {
    text += "\((result.path as NSString).lastPathComponent) \(result.passed)\n"
  }
  try text.write(toFile: path, atomically: true, encoding: .utf8)
}

@Suite struct SpecConformanceTests {
  @Test func wasm2() throws {
    let environment = ProcessInfo.processInfo.environment
    let directory = specDirectory() + "/wasm-2.0"
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
      .filter { $0.hasSuffix(".wast") }.sorted()
    guard !files.isEmpty else {
      Issue.record("no spec scripts in \(directory): set WASMBPF_SPEC_DIR")
      return
    }

    let runner = WastRunner(makeExecutor: { InterpreterWastExecutor() })
    let results = files.map { runner.run(file: directory + "/" + $0) }

    // (a) Decoding, validation and the text parser: every assert_malformed and
    // every assert_invalid must pass.
    var rejections: [String] = []
    for result in results {
      for failure in result.failures
      where failure.commandType == "assert_invalid" || failure.commandType == "assert_malformed"
        || failure.commandType == "file"
      {
        guard case .failed(let expected, let got) = failure.outcome else { continue }
        rejections.append(
          "\((result.path as NSString).lastPathComponent):\(failure.line) \(failure.commandType): expected \"\(expected)\", got \"\(got)\""
        )
      }
    }
    // Each failure is its own issue, up to a point where the log stays readable.
    for message in rejections.prefix(50) {
      Issue.record(Comment(rawValue: message))
    }
    if rejections.count > 50 {
      Issue.record("... and \(rejections.count - 50) more assert_malformed/assert_invalid failures")
    }
    // Nothing may be skipped: every command of a .wast file can run.
    let skipped = results.reduce(0) { $0 + $1.skipped }
    #expect(skipped == 0)

    // (b) No regression against the recorded passes.
    if environment["WASMBPF_UPDATE_EXPECTATIONS"] == "1" {
      try writeExpectations(results, to: expectationsPath)
      print("SpecConformance: wrote \(expectationsPath)")
      return
    }
    guard FileManager.default.fileExists(atPath: expectationsPath) else {
      Issue.record(
        "no \(expectationsPath); create it with WASMBPF_UPDATE_EXPECTATIONS=1 swift test --filter SpecConformance"
      )
      return
    }
    let expected = try readExpectations(expectationsPath)
    var gains: [String] = []
    for result in results {
      let name = (result.path as NSString).lastPathComponent
      let recorded = expected[name] ?? 0
      if result.passed < recorded {
        let lines = result.failures.prefix(10).map { failure -> String in
          guard case .failed(let expected, let got) = failure.outcome else { return "" }
          return "  line \(failure.line) \(failure.commandType): expected \(expected); got \(got)"
        }
        Issue.record(
          "\(name): \(result.passed) passed, expected at least \(recorded)\n\(lines.joined(separator: "\n"))"
        )
      } else if result.passed > recorded {
        gains.append("\(name): \(recorded) -> \(result.passed)")
      }
    }
    for name in expected.keys.sorted() where !files.contains(name) {
      Issue.record("\(name) is in the expectations but not in \(directory)")
    }
    if !gains.isEmpty {
      print(
        "SpecConformance: more passes than recorded in \(gains.count) file(s); update with "
          + "WASMBPF_UPDATE_EXPECTATIONS=1 swift test --filter SpecConformance\n  "
          + gains.joined(separator: "\n  "))
    }
    let passed = results.reduce(0) { $0 + $1.passed }
    let failed = results.reduce(0) { $0 + $1.failed }
    print(
      "SpecConformance: \(files.count) files: \(passed) passed, \(failed) failed, \(skipped) skipped"
    )
  }
}
