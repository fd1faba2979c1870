// `wasmbpf-run wast FILE...`: run converted spec scripts (wast2json output).

import ArgumentParser
import WastRunner

struct WastSubcommand: CLISubcommand {
  static let configuration = CommandConfiguration(
    commandName: "wast",
    abstract: "Run spec test scripts converted to JSON (Scripts/convert-spec.sh).",
    discussion: """
      Prints one line per file and a total; exits with 1 when any command failed.
      Text-format modules and, until the interpreter lands, execution commands \
      are counted as skipped.
      """
  )

  @Argument(help: "JSON command files, with their modules beside them.")
  var files: [String]

  @Flag(name: .shortAndLong, help: "List every failure.")
  var verbose = false

  func execute<Output: TextOutputStream, Errors: TextOutputStream>(
    stdout: inout Output, stderr: inout Errors
  ) -> Int32 {
    let runner = WastRunner(makeExecutor: { InterpreterWastExecutor() })
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
