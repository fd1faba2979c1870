// The command line reads the text format: `.wat` modules and `.wast` scripts.

import Testing
import WasmbpfCLI

@Suite struct TextModuleTests {
  @Test func runsAWatModule() throws {
    let path = try temporaryFile(
      "add.wat",
      Array(
        """
        (module
          (func (export "add") (param $a i32) (param $b i32) (result i32)
            (i32.add (local.get $a) (local.get $b))))
        """.utf8))
    let result = runCLI(["--invoke", "add", path, "2", "40"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("42"))
  }

  @Test func aTextErrorNamesFileLineAndColumn() throws {
    let path = try temporaryFile("bad.wat", Array("(module (func\n  i32.bogus))".utf8))
    let result = runCLI(["validate", path])
    #expect(result.status != 0)
    #expect(result.stderr.contains("bad.wat:2:3: unknown operator \"i32.bogus\""))
  }

  @Test func runsAWastScriptDirectly() throws {
    let path = try temporaryFile(
      "small.wast",
      Array(
        """
        (module (func (export "f") (result i32) (i32.const 7)))
        (assert_return (invoke "f") (i32.const 7))
        (assert_malformed (module quote "(func i32.bogus)") "unknown operator")
        (assert_invalid (module (func (result i32))) "type mismatch")
        """.utf8))
    let result = runCLI(["wast", path])
    #expect(result.status == 0)
    #expect(result.stdout.contains("4 passed, 0 failed, 0 skipped"))
  }

  @Test func deferredValidationRunsUntilAnInvalidBodyIsCalled() throws {
    let path = try temporaryFile(
      "onebad.wat",
      Array(
        """
        (module
          (func $bad (result i32) (i64.const 1))
          (func (export "ok") (result i32) (i32.const 5))
          (func (export "callsBad") (result i32) (call $bad)))
        """.utf8))
    // By default every body is validated at load.
    let eager = runCLI(["--invoke", "ok", path])
    #expect(eager.status == 1)
    #expect(eager.stderr.contains("type mismatch"))
    // Deferred: the valid function runs; calling the invalid one traps (134).
    let deferred = runCLI(["--defer-validation", "--invoke", "ok", path])
    #expect(deferred.status == 0)
    #expect(deferred.stdout.contains("5"))
    let trapped = runCLI(["--defer-validation", "--invoke", "callsBad", path])
    #expect(trapped.status == 134)
    #expect(trapped.stderr.contains("invalid function body"))
    #expect(trapped.stderr.contains("type mismatch"))
  }
}
