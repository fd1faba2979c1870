import Foundation
import Testing
import WasmCore

@testable import WastRunner

/// An executor with a fixed set of exports, which records what the runner asks.
final class ScriptedExecutor: WastExecutor {
  var instantiated: [String?] = []
  var registered: [(String?, String)] = []
  /// Modules instantiated with this many bytes are refused as unlinkable.
  var unlinkableSize: Int?

  func instantiate(_ module: Module, name: String?) throws(WastExecutionError) {
    if module.bytes.count == unlinkableSize {
      throw WastExecutionError(.link, "unknown import \"m\" \"f\"")
    }
    instantiated.append(name)
  }

  func register(name: String?, as alias: String) throws(WastExecutionError) {
    registered.append((name, alias))
  }

  func invoke(module: String?, field: String, arguments: [WastValue]) throws(WastExecutionError)
    -> [WastValue]
  {
    switch field {
    case "add":
      guard arguments.count == 2, case .i32(let a) = arguments[0], case .i32(let b) = arguments[1]
      else {
        throw WastExecutionError(.unsupported, "add takes two i32")
      }
      return [.i32(a &+ b)]
    case "div0": throw WastExecutionError(.trap, "integer divide by zero")
    case "nan": return [.f32(0xFFC0_0000)]
    case "runaway": throw WastExecutionError(.exhaustion, "call stack exhausted")
    default: throw WastExecutionError(.unsupported, "unknown export \(field)")
    }
  }

  func get(module: String?, field: String) throws(WastExecutionError) -> WastValue {
    guard field == "g" else { throw WastExecutionError(.unsupported, "unknown global \(field)") }
    return .i64(42)
  }
}

/// A temporary folder holding a script's JSON and modules.
struct ScriptFolder {
  let path: String

  init(modules: [String: [UInt8]], json: String) throws {
    path = NSTemporaryDirectory() + "wastrunner-\(UInt64.random(in: 0...UInt64.max))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    for (name, bytes) in modules {
      try Data(bytes).write(to: URL(fileURLWithPath: path + "/" + name))
    }
    try Data(json.utf8).write(to: URL(fileURLWithPath: path + "/script.json"))
  }

  var scriptPath: String { path + "/script.json" }

  func remove() { try? FileManager.default.removeItem(atPath: path) }
}

let emptyModule: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
let badMagic: [UInt8] = [0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00]
/// `(module (func (result i32)))`: the body leaves nothing for its i32 result.
let missingResult: [UInt8] =
  emptyModule + [
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x04, 0x01, 0x02, 0x00,
    0x0B,
  ]

func outcomes(_ result: WastFileResult) -> [Int: WastCommandResult.Outcome] {
  Dictionary(uniqueKeysWithValues: result.results.map { ($0.line, $0.outcome) })
}

@Suite struct WastRunnerTests {
  let script = #"""
    {"source_filename": "t.wast", "commands": [
      {"type": "module", "line": 1, "filename": "ok.wasm"},
      {"type": "assert_return", "line": 2, "action": {"type": "invoke", "field": "add",
        "args": [{"type": "i32", "value": "1"}, {"type": "i32", "value": "2"}]}, "expected": [{"type": "i32", "value": "3"}]},
      {"type": "assert_return", "line": 3, "action": {"type": "invoke", "field": "add",
        "args": [{"type": "i32", "value": "1"}, {"type": "i32", "value": "2"}]}, "expected": [{"type": "i32", "value": "4"}]},
      {"type": "assert_trap", "line": 4, "action": {"type": "invoke", "field": "div0", "args": []}, "text": "integer divide", "expected": []},
      {"type": "assert_trap", "line": 5, "action": {"type": "invoke", "field": "div0", "args": []}, "text": "unreachable", "expected": []},
      {"type": "assert_return", "line": 6, "action": {"type": "invoke", "field": "nan", "args": []}, "expected": [{"type": "f32", "value": "nan:canonical"}]},
      {"type": "assert_exhaustion", "line": 7, "action": {"type": "invoke", "field": "runaway", "args": []}, "text": "call stack exhausted", "expected": []},
      {"type": "assert_return", "line": 8, "action": {"type": "get", "module": "$m", "field": "g"}, "expected": [{"type": "i64", "value": "42"}]},
      {"type": "register", "line": 9, "as": "reg"},
      {"type": "assert_malformed", "line": 10, "filename": "magic.wasm", "text": "magic header not detected", "module_type": "binary"},
      {"type": "assert_malformed", "line": 11, "filename": "magic.wasm", "text": "unexpected end", "module_type": "binary"},
      {"type": "assert_malformed", "line": 12, "filename": "x.wat", "text": "unknown operator", "module_type": "text"},
      {"type": "assert_malformed", "line": 13, "filename": "ok.wasm", "text": "unexpected end", "module_type": "binary"},
      {"type": "assert_unlinkable", "line": 14, "filename": "link.wasm", "text": "unknown import", "module_type": "binary"},
      {"type": "module", "line": 15, "filename": "magic.wasm"},
      {"type": "action", "line": 16, "action": {"type": "invoke", "field": "add", "args": []}, "expected": []},
      {"type": "module", "line": 17, "filename": "text.wat", "module_type": "text"},
      {"type": "action", "line": 18, "action": {"type": "invoke", "field": "add", "args": []}, "expected": []},
      {"type": "module", "line": 19, "filename": "missing.wasm"},
      {"type": "module_definition", "line": 20}
    ]}
    """#

  func folder() throws -> ScriptFolder {
    try ScriptFolder(
      modules: [
        "ok.wasm": emptyModule, "magic.wasm": badMagic, "link.wasm": emptyModule + [0, 1, 0],
      ], json: script)
  }

  @Test func decodesAndValidatesWithoutAnExecutor() throws {
    let folder = try folder()
    defer { folder.remove() }
    let result = WastRunner().run(file: folder.scriptPath)
    let outcome = outcomes(result)
    #expect(outcome[1] == .passed)
    for line in [2, 3, 4, 5, 6, 7, 8, 9, 14, 16] {
      #expect(outcome[line] == .skipped(reason: "no execution engine"), "line \(line)")
    }
    #expect(outcome[10] == .passed)
    #expect(
      outcome[11]
        == .failed(
          expected: "unexpected end",
          got: "malformed module at offset 0x0: magic header not detected"))
    #expect(outcome[12] == .skipped(reason: "text-format module"))
    #expect(outcome[13] == .failed(expected: "unexpected end", got: "module decoded and validated"))
    guard case .failed(_, let got)? = outcome[15] else {
      Issue.record("a module that does not decode must fail: \(String(describing: outcome[15]))")
      return
    }
    #expect(got.contains("magic header not detected"))
    #expect(outcome[17] == .skipped(reason: "text-format module"))
    guard case .failed(_, let missing)? = outcome[19] else {
      Issue.record("a missing module file must fail")
      return
    }
    #expect(missing.contains("missing.wasm"))
    #expect(
      outcome[20]
        == .failed(
          expected: "a known command", got: "unsupported command type \"module_definition\""))
    #expect(result.passed == 2)
    #expect(result.failed == 5)
    #expect(result.skipped == 13)
    #expect(result.summary == "2 passed, 5 failed, 13 skipped")
    #expect(result.failures.map(\.line) == [11, 13, 15, 19, 20])
  }

  @Test func runsExecutionCommandsThroughTheExecutor() throws {
    let folder = try folder()
    defer { folder.remove() }
    let executor = ScriptedExecutor()
    executor.unlinkableSize = emptyModule.count + 3
    let result = WastRunner(makeExecutor: { executor }).run(file: folder.scriptPath)
    let outcome = outcomes(result)
    for line in [1, 2, 4, 6, 7, 8, 9, 10, 14] {
      #expect(outcome[line] == .passed, "line \(line): \(String(describing: outcome[line]))")
    }
    #expect(outcome[3] == .failed(expected: "[i32:4]", got: "[i32:3]"))
    #expect(
      outcome[5] == .failed(expected: "trap: unreachable", got: "trap: integer divide by zero"))
    // The module of line 15 did not decode, so actions on "the current module" fail...
    #expect(
      outcome[16] == .failed(expected: "a usable module", got: "the module of line 15 failed"))
    // ...and after a skipped text module they are skipped.
    #expect(outcome[18] == .skipped(reason: "the module of line 17 was skipped"))
    #expect(executor.instantiated == [nil])
    #expect(executor.registered.count == 1)
    #expect(executor.registered.first?.1 == "reg")
  }

  @Test func requiresTheExpectedTextAsAPrefixForInvalidModules() throws {
    let json = #"""
      {"commands": [
        {"type": "assert_invalid", "line": 1, "filename": "bad.wasm", "text": "type mismatch", "module_type": "binary"},
        {"type": "assert_invalid", "line": 2, "filename": "bad.wasm", "text": "unknown local", "module_type": "binary"},
        {"type": "assert_invalid", "line": 3, "filename": "ok.wasm", "text": "type mismatch", "module_type": "binary"}
      ]}
      """#
    let folder = try ScriptFolder(
      modules: ["bad.wasm": missingResult, "ok.wasm": emptyModule], json: json)
    defer { folder.remove() }
    let outcome = outcomes(WastRunner().run(file: folder.scriptPath))
    #expect(outcome[1] == .passed)
    guard case .failed(let expected, let got)? = outcome[2] else {
      Issue.record("a different message must fail: \(String(describing: outcome[2]))")
      return
    }
    #expect(expected == "unknown local")
    #expect(got.contains("type mismatch"))
    #expect(outcome[3] == .failed(expected: "type mismatch", got: "module decoded and validated"))
  }

  @Test func reportsAnUnreadableOrBrokenFileAsOneFailure() throws {
    let missing = WastRunner().run(file: "/nonexistent/script.json")
    #expect(missing.failed == 1)
    #expect(missing.results.first?.line == 0)
    let folder = try ScriptFolder(modules: [:], json: #"{"commands": [{"type": "module"}]}"#)
    defer { folder.remove() }
    let broken = WastRunner().run(file: folder.scriptPath)
    #expect(broken.failed == 1)
    #expect(broken.passed == 0)
  }
}
