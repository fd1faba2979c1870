// The spec testsuite (Wasm 2.0) run through the WastRunner, as an ordinary test.
//
// Needs the converted scripts: Scripts/convert-spec.sh writes them to
// .spec-json/wasm-2.0 (or set WASMBPF_SPEC_JSON to another folder). Without them
// this test fails; it never skips.
//
// Two checks:
// - no assert_malformed (binary) or assert_invalid command fails, anywhere;
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

/// Expected passed counts, by JSON file name.
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
    # Wasm 2.0 spec conformance: commands passed per converted script.
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
    let directory = environment["WASMBPF_SPEC_JSON"] ?? repositoryRoot + "/.spec-json/wasm-2.0"
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
      .filter { $0.hasSuffix(".json") }.sorted()
    guard !files.isEmpty else {
      Issue.record("no converted spec scripts in \(directory): run Scripts/convert-spec.sh first")
      return
    }

    let runner = WastRunner()
    let results = files.map { runner.run(file: directory + "/" + $0) }

    // (a) Decoding and validation: every binary assert_malformed and every
    // assert_invalid must pass.
    var rejections: [String] = []
    for result in results {
      for failure in result.failures
      where failure.commandType == "assert_invalid"
        || (failure.commandType == "assert_malformed" && failure.moduleFormat == .binary)
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
      Issue.record("\(name) is in the expectations but was not converted (\(directory))")
    }
    if !gains.isEmpty {
      print(
        "SpecConformance: more passes than recorded in \(gains.count) file(s); update with "
          + "WASMBPF_UPDATE_EXPECTATIONS=1 swift test --filter SpecConformance\n  "
          + gains.joined(separator: "\n  "))
    }
    let passed = results.reduce(0) { $0 + $1.passed }
    let failed = results.reduce(0) { $0 + $1.failed }
    let skipped = results.reduce(0) { $0 + $1.skipped }
    print(
      "SpecConformance: \(files.count) files: \(passed) passed, \(failed) failed, \(skipped) skipped"
    )
  }
}
