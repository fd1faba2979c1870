// The `wasmbpf-run` command line, as a function the tests can call: `main` only
// forwards the process's arguments and standard streams here.
//
// `run` is the default subcommand, and everything after the module path belongs to
// the guest, flags included. ArgumentParser has no "stop at the first positional"
// mode, so the arguments are split here first (`RunArguments.split`) and only the
// runtime's own options reach the parser.

import ArgumentParser

/// The `wasmbpf-run` command line.
public enum WasmbpfCLI {
  /// The version `--version` prints.
  public static let version = "0.1.0"

  /// Parses `arguments` (without the program name), runs the command and returns
  /// the process exit status (see `ExitStatus`). Output goes to `stdout` and
  /// `stderr`, except what a guest writes to its inherited standard streams.
  ///
  /// - Parameter handlesSignals: install SIGINT/SIGTERM handlers that stop a running
  ///   guest (the executable sets this; in-process callers such as tests do not).
  ///
  /// - Parameter registry: how `push`, `pull`, `cache` and runs of `oci:` references
  ///   are served (RegistrySupport.swift).
  public static func run<Output: TextOutputStream, Errors: TextOutputStream>(
    arguments: [String], stdout: inout Output, stderr: inout Errors, handlesSignals: Bool = false,
    registry: RegistrySupport = .unavailable
  ) -> Int32 {
    // wasmbpf-oci parses with a root that also has the registry's subcommands.
    var registryCommands: (any RegistryCommands)?
    if case .inProcess(let commands) = registry { registryCommands = commands }
    let root = registryCommands?.rootCommand ?? RootCommand.self
    do {
      let command: ParsableCommand
      let reading = RunCommandLine.read(
        arguments,
        subcommands: registryCommands == nil
          ? RootCommand.subcommandNames
          : RootCommand.subcommandNames + RegistrySupport.subcommandNames)
      if registryCommands == nil, RegistrySupport.isNeeded(arguments, reading: reading) {
        if case .execSibling = registry {
          stderr.write("error: " + RegistrySupport.execSibling(arguments) + "\n")
        } else {
          stderr.write("error: registry commands and oci: references need wasmbpf-oci\n")
        }
        return ExitStatus.failure
      }
      switch reading {
      case .run(let line, let parserArguments):
        // The common run command lines skip ArgumentParser (RunCommandLine.swift); a
        // bad value goes to it below, for its message.
        if let configuration = try? line.guestConfiguration(), let grace = try? line.grace() {
          return line.execute(
            configuration, grace: grace, stdout: &stdout, stderr: &stderr,
            handlesSignals: handlesSignals, registry: registryCommands)
        }
        command = try root.parseAsRoot(parserArguments)
      case .parser(let parserArguments, let guestArguments):
        command = try root.parseAsRoot(parserArguments)
        if let run = command as? RunSubcommand {
          var line = run.commandLine(
            directories: RunCommandLine.directoryOrder(in: Array(parserArguments.dropFirst())))
          line.guestArguments = guestArguments
          return line.execute(
            stdout: &stdout, stderr: &stderr, handlesSignals: handlesSignals,
            registry: registryCommands)
        }
      case .notRun:
        command = try root.parseAsRoot(arguments)
      }
      if let subcommand = command as? any CLISubcommand {
        return subcommand.execute(stdout: &stdout, stderr: &stderr)
      }
      if let registryCommands {
        var errorText = ""
        var outputText = ""
        let status = registryCommands.execute(
          command, output: { outputText += $0 + "\n";  }, errors: { errorText += $0 + "\n" })
        stdout.write(outputText)
        stderr.write(errorText)
        if let status { return status }
      }
      if type(of: command) == root {
        // Nothing to run: a usage error, with the overview of what can be run.
        stderr.write(root.helpMessage() + "\n")
        return ExitStatus.usage
      }
      // The library's own commands (`help`, `--help`, `--version`) report what to
      // print by throwing, which the catch below turns into output and a status.
      var mutable = command
      try mutable.run()
      return ExitStatus.success
    } catch {
      var status = root.exitCode(for: error).rawValue
      let message = root.fullMessage(for: error)
      if status == 0 {
        stdout.write(message + "\n")
        return 0
      }
      // ArgumentParser says EX_USAGE (64); the documented status of a usage error is 2.
      if status == ExitCode.validationFailure.rawValue { status = ExitStatus.usage }
      stderr.write(message + "\n")
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

package struct RootCommand: ParsableCommand {
  package init() {}

  package static let configuration = CommandConfiguration(
    commandName: "wasmbpf-run",
    abstract: "Run WebAssembly programs, including eBPF tools built for wasm-bpf.",
    usage: """
      wasmbpf-run [<options>] <module> [<guest-arguments> ...]
        wasmbpf-run <subcommand> ...
      """,
    discussion: """
      With a module path and no subcommand, `run` is implied: the module runs as a \
      WASI command with its `wasm_bpf` imports (eBPF) under a policy, and everything \
      after the module path is passed to the guest untouched.

      EXAMPLES:
        wasmbpf-run app.wasm --its-own-flag input.txt
        wasmbpf-run --dir .::/work --env LANG=C app.wasm
        wasmbpf-run --bpf-policy observe execsnoop.wasm -t 5000
        wasmbpf-run inspect execsnoop.wasm --policy > execsnoop.toml
        wasmbpf-run validate app.wasm
        wasmbpf-run wast spec/i32.json
        wasmbpf-run push --policy tool.toml tool.wasm 127.0.0.1:5000/tools/tool:1.0
        wasmbpf-run --bpf-policy artifact oci://127.0.0.1:5000/tools/tool:1.0

      Registry subcommands (served by wasmbpf-oci, installed beside wasmbpf-run):
        push, pull, cache      `wasmbpf-run help push` and so on

      See `wasmbpf-run help run` for every option of `run` and the exit statuses.
      """,
    version: WasmbpfCLI.version,
    subcommands: [
      RunSubcommand.self, InspectSubcommand.self, ValidateSubcommand.self, WastSubcommand.self,
    ]
  )

  /// The first words that name a subcommand rather than a module path: those of
  /// `configuration.subcommands` (a test keeps them equal; reading them from there
  /// costs every run 1% of its start-up) and ArgumentParser's own `help`.
  static let subcommandNames = ["run", "inspect", "validate", "wast", "help"]
}
