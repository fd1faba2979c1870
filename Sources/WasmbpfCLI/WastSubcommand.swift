// `wasmbpf-run wast FILE...`: run spec scripts (.wast, or wast2json's JSON).

import ArgumentParser
import WasmCore
import WastRunner

struct WastSubcommand: CLISubcommand {
  static let configuration = CommandConfiguration(
    commandName: "wast",
    abstract: "Run spec test scripts (.wast files, or JSON from wast2json).",
    discussion: """
      Prints one line per file and a total; exits with 1 when any command failed.
      Each instantiation and invocation runs with its own fuel and deadline, so a \
      command that loops forever fails (all fuel consumed, or interrupted) and the \
      script goes on.
      A .wast file is read directly (text modules, `module binary` and `module \
      quote` included); a JSON command file finds its modules beside it and \
      counts its text-format modules as skipped.
      """
  )

  @Argument(help: ".wast scripts, or JSON command files with their modules beside them.")
  var files: [String]

  @Flag(name: .shortAndLong, help: "List every failure.")
  var verbose = false

  @Flag(help: "Accept Wasm 2.0 only (the default is Wasm 3.0), e.g. for the wasm-2.0 scripts.")
  var wasm2 = false

  @Option(
    help: ArgumentHelp(
      "Units of work (calls and loop iterations) each command may use; 0: unmetered. "
        + "Default: 1000000000.",
      valueName: "n"))
  var fuel: Int = WastCommandLimits.defaults.fuel!

  @Option(
    help: ArgumentHelp(
      "Time each command may take (e.g. 500ms, 10s, 2m; a bare number is seconds); "
        + "`none`: no deadline. Default: 10s.",
      valueName: "duration"))
  var timeout: String = "10s"

  func execute<Output: TextOutputStream, Errors: TextOutputStream>(
    stdout: inout Output, stderr: inout Errors
  ) -> Int32 {
    guard fuel >= 0 else {
      stderr.write("error: --fuel expects a count >= 0, not \(fuel)\n")
      return ExitStatus.usage
    }
    var limits = WastCommandLimits(fuel: fuel == 0 ? nil : fuel, timeoutMilliseconds: nil)
    if timeout != "none" {
      do {
        limits.timeoutMilliseconds = try parseDuration(timeout)
      } catch {
        stderr.write("error: \(error.message)\n")
        return ExitStatus.usage
      }
    }
    let runner = WastRunner(
      features: wasm2 ? .wasm2 : .default,
      makeExecutor: { InterpreterWastExecutor(limits: limits) })
    var passed = 0
    var failed = 0
    var skipped = 0
    for file in files {
      let result = runner.run(file: file)
      stdout.write("\(file): \(result.summary)\n")
      if verbose {
        for failure in result.failures {
          guard case .failed(let expected, let got) = failure.outcome else { continue }
          stdout.write(
            "  line \(failure.line) \(failure.commandType): expected \(expected); got \(got)\n")
        }
      }
      passed += result.passed
      failed += result.failed
      skipped += result.skipped
    }
    stdout.write("\(passed) passed, \(failed) failed, \(skipped) skipped\n")
    return failed > 0 ? 1 : 0
  }
}
