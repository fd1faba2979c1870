import Foundation
import Testing
import WasmbpfCLI

/// Runs the command line in-process and captures what it prints.
func runCLI(_ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
  var output = ""
  var errors = ""
  let status = WasmbpfCLI.run(arguments: arguments, stdout: &output, stderr: &errors)
  return (status, output, errors)
}

func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
  let directory = NSTemporaryDirectory() + "wasmbpf-cli-\(UInt64.random(in: 0...UInt64.max))"
  try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  let path = directory + "/" + name
  try Data(bytes).write(to: URL(fileURLWithPath: path))
  return path
}

let emptyModule: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

@Suite struct ValidateCommandTests {
  @Test func aValidModuleIsSilent() throws {
    let path = try temporaryFile("ok.wasm", emptyModule)
    let result = runCLI(["validate", path])
    #expect(result.status == 0)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.isEmpty)
  }

  @Test func aMalformedModuleNamesKindOffsetAndMessage() throws {
    let path = try temporaryFile("bad.wasm", [0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00])
    let result = runCLI(["validate", path])
    #expect(result.status == 1)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("error: malformed at offset 0x"))
    #expect(result.stderr.contains("unknown binary version"))
  }

  @Test func anInvalidModuleSaysInvalid() throws {
    // (module (func (result i32))): the body leaves no i32 behind.
    let bytes =
      emptyModule + [
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x04, 0x01, 0x02,
        0x00, 0x0B,
      ]
    let result = runCLI(["validate", try temporaryFile("invalid.wasm", bytes)])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: invalid at offset 0x"))
    #expect(result.stderr.contains("type mismatch"))
  }

  @Test func aMissingFileIsAnError() {
    let result = runCLI(["validate", "/nonexistent/x.wasm"])
    #expect(result.status == 1)
    #expect(result.stderr == "error: cannot read /nonexistent/x.wasm: No such file or directory\n")
  }
}

@Suite struct WastCommandLineTests {
  func script() throws -> String {
    let json = #"""
      {"commands": [
        {"type": "module", "line": 1, "filename": "ok.wasm"},
        {"type": "assert_malformed", "line": 2, "filename": "ok.wasm", "text": "unexpected end", "module_type": "binary"},
        {"type": "assert_malformed", "line": 3, "filename": "x.wat", "text": "unknown operator", "module_type": "text"}
      ]}
      """#
    let path = try temporaryFile("t.json", Array(json.utf8))
    try Data(emptyModule).write(
      to: URL(fileURLWithPath: (path as NSString).deletingLastPathComponent + "/ok.wasm"))
    return path
  }

  @Test func printsALinePerFileAndATotal() throws {
    let path = try script()
    let result = runCLI(["wast", path, path])
    #expect(result.status == 1)
    #expect(
      result.stdout == """
        \(path): 1 passed, 1 failed, 1 skipped
        \(path): 1 passed, 1 failed, 1 skipped
        2 passed, 2 failed, 2 skipped

        """)
  }

  @Test func verboseListsFailures() throws {
    let path = try script()
    let result = runCLI(["wast", "-v", path])
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(
      lines[1]
        == "  line 2 assert_malformed: expected unexpected end; got module decoded and validated")
    #expect(lines[2] == "1 passed, 1 failed, 1 skipped")
  }

  @Test func exitsZeroWhenNothingFails() throws {
    let json = #"{"commands": [{"type": "module", "line": 1, "filename": "ok.wasm"}]}"#
    let path = try temporaryFile("ok.json", Array(json.utf8))
    try Data(emptyModule).write(
      to: URL(fileURLWithPath: (path as NSString).deletingLastPathComponent + "/ok.wasm"))
    let result = runCLI(["wast", path])
    #expect(result.status == 0)
    #expect(result.stdout.hasSuffix("\n1 passed, 0 failed, 0 skipped\n"))
  }
}

@Suite struct UsageTests {
  @Test func helpGoesToStandardOutput() {
    let result = runCLI(["--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("USAGE: wasmbpf-run"))
    #expect(result.stdout.contains("validate"))
  }

  @Test func anUnknownSubcommandIsAUsageError() {
    let result = runCLI(["frobnicate"])
    #expect(result.status != 0)
    #expect(!result.stderr.isEmpty)
  }

  @Test func wastNeedsFiles() {
    let result = runCLI(["wast"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("files"))
  }
}
