// The `wasmbpf-run` command line, as a function the tests can call: `main` only
// forwards the process's arguments and standard streams here.

import ArgumentParser

/// The `wasmbpf-run` command line.
public enum WasmbpfCLI {
  /// Parses `arguments` (without the program name), runs the command and returns
  /// the process exit status. Output goes to `stdout` and `stderr` only.
  public static func run<Output: TextOutputStream, Errors: TextOutputStream>(
    arguments: [String], stdout: inout Output, stderr: inout Errors
  ) -> Int32 {
    do {
      var command = try RootCommand.parseAsRoot(arguments)
      if let subcommand = command as? any CLISubcommand {
        return subcommand.execute(stdout: &stdout, stderr: &stderr)
      }
      if command is RootCommand {
        // No subcommand given. A later `run` subcommand becomes the default here.
        stderr.write(RootCommand.helpMessage() + "\n")
        return ExitCode.validationFailure.rawValue
      }
      // The library's own commands (`help`, `--help`) report what to print by
      // throwing, which the catch below turns into output and a status.
      try command.run()
      return ExitCode.success.rawValue
    } catch {
      let status = RootCommand.exitCode(for: error).rawValue
      let message = RootCommand.fullMessage(for: error)
      if status == 0 {
        stdout.write(message + "\n")
      } else {
        stderr.write(message + "\n")
      }
      return status
    }
  }
}

/// A subcommand that runs against explicit streams instead of the process's.
protocol CLISubcommand: ParsableCommand {
  func execute<Output: TextOutputStream, Errors: TextOutputStream>(
    stdout: inout Output, stderr: inout Errors
  ) -> Int32
}

struct RootCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "wasmbpf-run",
    abstract: "A WebAssembly runtime with a host library for eBPF.",
    // `run` (execute app.wasm with WASI and wasm_bpf) joins these as the default
    // subcommand once the interpreter exists.
    subcommands: [WastSubcommand.self, ValidateSubcommand.self]
  )
}
