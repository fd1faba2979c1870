// The spec testsuite (Wasm 2.0 and Wasm 3.0) run through the WastRunner and the
// interpreter, straight from the .wast files, as an ordinary test.
//
// Reads ../shared/spec beside the repository (or WASMBPF_SPEC_DIR, the folder
// holding wasm-2.0/ and wasm-3.0/). Without it this test fails; it never skips.
//
// Checks, per suite:
// - nothing is skipped: every command of a .wast file can run;
// - Wasm 2.0 (decoded as 2.0 only): no assert_malformed or assert_invalid command
//   fails, and no file passes fewer commands than Expectations/wasm-2.0.txt records;
// - Wasm 3.0 (every script, subfolders included, decoded as 3.0): every file passes
//   completely, except those Expectations/wasm-3.0.txt marks `pending` (none since
//   GC, issue 19), which must not pass fewer commands than recorded.
// When a file passes more, the test says so; record the gain with
// `WASMBPF_UPDATE_EXPECTATIONS=1 swift test --filter SpecConformance`.

import Foundation
import Testing
import WasmCore
import WastRunner

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

func expectationsPath(_ suite: String) -> String {
  repositoryRoot + "/Tests/WastRunnerTests/Expectations/\(suite).txt"
}

/// The spec testsuite folder (holding wasm-2.0/ and wasm-3.0/).
func specDirectory() -> String {
  ProcessInfo.processInfo.environment["WASMBPF_SPEC_DIR"] ?? repositoryRoot + "/../shared/spec"
}

/// What a file is expected to pass: at least `passed` commands; `pending` files may
/// also fail some (a proposal not implemented yet).
struct Expectation {
  var passed: Int
  var pending: Bool
}

/// Expected passes, by script path relative to the suite folder.
func readExpectations(_ path: String) throws -> [String: Expectation] {
  let text = try String(contentsOfFile: path, encoding: .utf8)
  var expectations: [String: Expectation] = [:]
  for line in text.split(separator: "\n") where !line.hasPrefix("#") {
    let fields = line.split(separator: " ")
    guard fields.count == 2 || (fields.count == 3 && fields[2] == "pending"),
      let count = Int(fields[1])
    else {
      throw WastFormatError("bad expectations line: \(line)")
    }
    expectations[String(fields[0])] = Expectation(passed: count, pending: fields.count == 3)
  }
  return expectations
}

func writeExpectations(
  _ results: [(name: String, result: WastFileResult)], header: String,
  pending: (String) -> Bool, to path: String
) throws {
  var text = header
  for (name, result) in results.sorted(by: { $0.name < $1.name }) {
    text += "\(name) \(result.passed)\(pending(name) ? " pending" : "")\n"
  }
  try text.write(toFile: path, atomically: true, encoding: .utf8)
}

/// The .wast scripts of `directory`, with those of its subfolders when `recursive`,
/// as paths relative to it.
func scripts(in directory: String, recursive: Bool) -> [String] {
  let manager = FileManager.default
  let names: [String]
  if recursive {
    names = (manager.enumerator(atPath: directory)?.allObjects as? [String]) ?? []
  } else {
    names = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
  }
  return names.filter { $0.hasSuffix(".wast") }.sorted()
}

@Suite struct SpecConformanceTests {
  static let header2 = """
    # Wasm 2.0 spec conformance: commands passed per .wast script (interpreter).
    # SpecConformanceTests fails when a file passes fewer. Regenerate after a gain:
    #   WASMBPF_UPDATE_EXPECTATIONS=1 swift test --filter SpecConformance

    """

  static let header3 = """
    # Wasm 3.0 spec conformance: commands passed per .wast script (interpreter), every
    # script of wasm-3.0/ and its subfolders. A file must pass all its commands unless
    # marked `pending` (it may then fail some, never pass fewer than recorded).
    # Regenerate after a gain:
    #   WASMBPF_UPDATE_EXPECTATIONS=1 swift test --filter SpecConformance

    """

  @Test func wasm2() throws {
    let directory = specDirectory() + "/wasm-2.0"
    let files = scripts(in: directory, recursive: false)
    guard !files.isEmpty else {
      Issue.record("no spec scripts in \(directory): set WASMBPF_SPEC_DIR")
      return
    }
    let runner = WastRunner(features: .wasm2, makeExecutor: { InterpreterWastExecutor() })
    let results = files.map { (name: $0, result: runner.run(file: directory + "/" + $0)) }

    // Decoding, validation and the text parser: every assert_malformed and every
    // assert_invalid must pass.
    var rejections: [String] = []
    for (name, result) in results {
      for failure in result.failures
      where failure.commandType == "assert_invalid" || failure.commandType == "assert_malformed"
        || failure.commandType == "file"
      {
        guard case .failed(let expected, let got) = failure.outcome else { continue }
        rejections.append(
          "\(name):\(failure.line) \(failure.commandType): expected \"\(expected)\", got \"\(got)\""
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
    try compare(results, suite: "wasm-2.0", directory: directory, header: Self.header2)
  }

  @Test func wasm3() throws {
    let directory = specDirectory() + "/wasm-3.0"
    let files = scripts(in: directory, recursive: true)
    guard !files.isEmpty else {
      Issue.record("no spec scripts in \(directory): set WASMBPF_SPEC_DIR")
      return
    }
    let runner = WastRunner(features: .default, makeExecutor: { InterpreterWastExecutor() })
    let results = files.map { (name: $0, result: runner.run(file: directory + "/" + $0)) }
    try compare(results, suite: "wasm-3.0", directory: directory, header: Self.header3)
  }

  /// Checks `results` against the suite's expectations (or records them).
  func compare(
    _ results: [(name: String, result: WastFileResult)], suite: String, directory: String,
    header: String
  ) throws {
    let path = expectationsPath(suite)
    // Nothing may be skipped: every command of a .wast file can run.
    let skipped = results.reduce(0) { $0 + $1.result.skipped }
    #expect(skipped == 0)
    let existing = (try? readExpectations(path)) ?? [:]
    if ProcessInfo.processInfo.environment["WASMBPF_UPDATE_EXPECTATIONS"] == "1" {
      try writeExpectations(
        results, header: header, pending: { existing[$0]?.pending ?? false }, to: path)
      print("SpecConformance: wrote \(path)")
      return
    }
    guard FileManager.default.fileExists(atPath: path) else {
      Issue.record(
        "no \(path); create it with WASMBPF_UPDATE_EXPECTATIONS=1 swift test --filter SpecConformance"
      )
      return
    }
    let expected = try readExpectations(path)
    var gains: [String] = []
    for (name, result) in results {
      let expectation = expected[name] ?? Expectation(passed: 0, pending: false)
      let failures = result.failures.prefix(10).map { failure -> String in
        guard case .failed(let expected, let got) = failure.outcome else { return "" }
        return "  line \(failure.line) \(failure.commandType): expected \(expected); got \(got)"
      }
      if result.passed < expectation.passed {
        let message =
          "\(suite)/\(name): \(result.passed) passed, expected at least \(expectation.passed)\n"
          + failures.joined(separator: "\n")
        Issue.record(Comment(rawValue: message))
      } else if suite == "wasm-3.0", !expectation.pending, result.failed > 0 {
        let message =
          "\(suite)/\(name): \(result.failed) failed; it must pass completely\n"
          + failures.joined(separator: "\n")
        Issue.record(Comment(rawValue: message))
      } else if result.passed > expectation.passed {
        gains.append("\(name): \(expectation.passed) -> \(result.passed)")
      }
    }
    let names = Set(results.map(\.name))
    for name in expected.keys.sorted() where !names.contains(name) {
      Issue.record("\(name) is in the expectations but not in \(directory)")
    }
    if !gains.isEmpty {
      print(
        "SpecConformance: more passes than recorded in \(gains.count) file(s); update with "
          + "WASMBPF_UPDATE_EXPECTATIONS=1 swift test --filter SpecConformance\n  "
          + gains.joined(separator: "\n  "))
    }
    let passed = results.reduce(0) { $0 + $1.result.passed }
    let failed = results.reduce(0) { $0 + $1.result.failed }
    print(
      "SpecConformance \(suite): \(results.count) files: \(passed) passed, \(failed) failed, "
        + "\(skipped) skipped")
  }
}
