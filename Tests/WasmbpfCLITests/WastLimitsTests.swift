// `wasmbpf-run wast` bounds each command (issue 22): a function that loops forever
// fails its command, out of fuel or past its deadline, and the script goes on.

import Testing

@Suite struct WastLimitsTests {
  static let script = """
    (module
      (func (export "spin") (result i32) (loop (br 0)) (i32.const 1))
      (func (export "one") (result i32) (i32.const 1)))
    (assert_return (invoke "spin") (i32.const 1))
    (assert_return (invoke "one") (i32.const 1))
    (module (func $f (loop (br 0))) (start $f))
    (module (func (export "two") (result i32) (i32.const 2)))
    (assert_return (invoke "two") (i32.const 2))
    """

  @Test func aLoopingCommandRunsOutOfFuelAndTheRunGoesOn() throws {
    let path = try temporaryFile("loop.wast", Array(Self.script.utf8))
    let result = runCLI(["wast", "-v", "--fuel", "100000", "--timeout", "none", path])
    #expect(result.status == 1)
    #expect(
      result.stdout.contains("line 4 assert_return: expected success; got trap: all fuel consumed"))
    // The looping start function fails its module command; the next module runs.
    #expect(result.stdout.contains("line 6 module:"))
    #expect(result.stdout.contains("\(path): 4 passed, 2 failed, 0 skipped"))
  }

  @Test func aLoopingCommandPastItsDeadlineIsInterrupted() throws {
    let path = try temporaryFile("loop.wast", Array(Self.script.utf8))
    let started = monotonicMilliseconds()
    let result = runCLI(["wast", "-v", "--fuel", "0", "--timeout", "200ms", path])
    #expect(result.status == 1)
    #expect(
      result.stdout.contains(
        "line 4 assert_return: expected success; got trap: interrupted: command took longer than 200 ms"
      ))
    #expect(result.stdout.contains("\(path): 4 passed, 2 failed, 0 skipped"))
    // Two commands of 200 ms each, not forever.
    #expect(monotonicMilliseconds() - started < 20_000)
  }

  @Test func badLimitsAreUsageErrors() throws {
    let path = try temporaryFile("loop.wast", Array(Self.script.utf8))
    #expect(runCLI(["wast", "--fuel", "-1", path]).status == 2)
    #expect(runCLI(["wast", "--timeout", "soon", path]).status == 2)
  }
}
