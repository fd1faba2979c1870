// Every script of the spec testsuite parses, and every module in it encodes,
// unless the file is listed in Expectations/wasm-3.0-unparsed.txt with the
// feature it needs (Wasm 3.0 proposals the text parser does not read yet).
//
// Reads ../shared/spec beside the repository (or WASMBPF_SPEC_DIR). Without it
// this test fails; it never skips.

import Foundation
import Testing
import WasmText

let textTestsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let unparsedListPath = textTestsDirectory + "/Expectations/wasm-3.0-unparsed.txt"

func specRoot() -> String {
  ProcessInfo.processInfo.environment["WASMBPF_SPEC_DIR"]
    ?? textTestsDirectory + "/../../../shared/spec"
}

/// `.wast` files under `directory`, as paths relative to it.
func scripts(under directory: String) -> [String] {
  guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
  var files: [String] = []
  while let path = enumerator.nextObject() as? String {
    if path.hasSuffix(".wast") { files.append(path) }
  }
  return files.sorted()
}

/// The first problem of a script: its own syntax, or a module that did not encode.
func firstProblem(_ path: String) -> String? {
  guard let data = FileManager.default.contents(atPath: path) else { return "unreadable" }
  do {
    let script = try WasmText.parseScript(source: [UInt8](data))
    return script.firstModuleError.map { "\($0)" }
  } catch {
    return "\(error)"
  }
}

@Suite struct SpecParseTests {
  @Test func wasm2ParsesCompletely() {
    let directory = specRoot() + "/wasm-2.0"
    let files = scripts(under: directory)
    guard !files.isEmpty else {
      Issue.record("no spec scripts in \(directory): set WASMBPF_SPEC_DIR")
      return
    }
    #expect(files.count == 148)
    for file in files {
      if let problem = firstProblem(directory + "/" + file) {
        Issue.record("\(file): \(problem)")
      }
    }
  }

  @Test func wasm3ParsesExceptListedFeatures() throws {
    let directory = specRoot() + "/wasm-3.0"
    let files = scripts(under: directory)
    guard !files.isEmpty else {
      Issue.record("no spec scripts in \(directory): set WASMBPF_SPEC_DIR")
      return
    }
    var listed: [String: String] = [:]
    let text = try String(contentsOfFile: unparsedListPath, encoding: .utf8)
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      guard let space = line.firstIndex(of: " ") else { continue }
      listed[String(line[..<space])] = String(line[line.index(after: space)...])
    }
    var parsed = 0
    var report: [String] = []
    for file in files {
      let problem = firstProblem(directory + "/" + file)
      switch (problem, listed[file]) {
      case (nil, nil): parsed += 1
      case (nil, _?):
        Issue.record("\(file) parses now: remove it from \(unparsedListPath)")
      case (let problem?, nil):
        Issue.record("\(file) does not parse and is not listed: \(problem)")
      case (_?, let reason?):
        report.append("\(file) (\(reason))")
      }
    }
    for name in listed.keys.sorted() where !files.contains(name) {
      Issue.record("\(name) is listed but not in \(directory)")
    }
    print(
      "SpecParse: wasm-3.0: \(parsed) of \(files.count) files parse; unsupported:\n  "
        + report.joined(separator: "\n  "))
  }
}
