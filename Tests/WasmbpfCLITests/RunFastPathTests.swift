// The reader of `run` command lines (RunCommandLine.read) must read every command line
// it accepts exactly as ArgumentParser does, and leave the rest to it.

import Testing

@testable import WasmbpfCLI

@Suite struct RunFastPathTests {
  /// What ArgumentParser makes of a run command line.
  func parsedByArgumentParser(_ parserArguments: [String], guest: [String]) throws
    -> RunCommandLine?
  {
    let command = try RootCommand.parseAsRoot(parserArguments)
    guard let run = command as? RunSubcommand else { return nil }
    var line = run.commandLine(
      directories: RunCommandLine.directoryOrder(in: Array(parserArguments.dropFirst())))
    line.guestArguments = guest
    return line
  }

  @Test(arguments: [
    ["app.wasm"],
    ["run", "app.wasm", "a", "--fuel", "-v"],
    ["--invoke", "add", "m.wasm", "2", "40"],
    ["--invoke=add", "m.wasm"],
    ["--dir", "data", "--dir=out::/out", "--ro-dir", "/etc::/etc", "--ro-dir=x", "app.wasm"],
    ["--ro-dir", "/etc::/etc", "--dir", "data", "app.wasm"],
    ["--env", "A=1", "--env=B", "--inherit-env", "--env", "A=2", "app.wasm"],
    ["--fuel", "5000000000", "--max-memory", "256MiB", "--max-stack=4MiB", "app.wasm"],
    ["--fuel=0", "--timeout", "30s", "--grace-period", "500ms", "app.wasm"],
    ["--bpf-policy", "observe", "-v", "--verifier-log", "tool.wasm", "-t", "5"],
    ["--bpf-policy=deny-all", "--verbose", "--defer-validation", "tool.wasm"],
    ["--bpf-host-paths", "tool.wasm"],
    ["--fuel", "1", "--fuel", "2", "app.wasm"],
    ["--invoke", "f", "--invoke", "g", "m.wasm"],
    ["-v", "--verbose", "app.wasm"],
    ["run", "--", "-odd-name.wasm", "--dir", "x"],
    ["--timeout", "500ms", "--", "app.wasm"],
  ])
  func readsWhatArgumentParserReadsTheSameWay(_ arguments: [String]) throws {
    guard
      case .run(let line, let parserArguments) = RunCommandLine.read(
        arguments, subcommands: RootCommand.subcommandNames)
    else {
      Issue.record("not read: \(arguments)")
      return
    }
    #expect(try parsedByArgumentParser(parserArguments, guest: line.guestArguments) == line)
    // And the values make a guest.
    _ = try line.guestConfiguration()
  }

  @Test(arguments: [
    ["--help", "app.wasm"],
    ["run", "--help"],
    ["-vv", "app.wasm"],
    ["--verbose=true", "app.wasm"],
    ["--fuel", "lots", "app.wasm"],
    ["--fuel"],
    ["--no-such-option", "app.wasm"],
    ["-x", "app.wasm"],
    ["--dir", "--env", "app.wasm"],
    ["run"],
    ["--bpf-policy", "observe"],
  ])
  func leavesTheRestToArgumentParser(_ arguments: [String]) throws {
    guard case .parser = RunCommandLine.read(arguments, subcommands: RootCommand.subcommandNames)
    else {
      Issue.record("read: \(arguments)")
      return
    }
  }

  @Test func badValuesStillGetArgumentParsersMessages() {
    // Accepted by the fast path's reading, refused by the settings: the command
    // line goes to ArgumentParser, which reports the usage error.
    let result = runCLI(["--max-memory", "12parsecs", "app.wasm"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("--max-memory"))
    let repeated = runCLI(["--fuel", "1", "--fuel", "x", "app.wasm"])
    #expect(repeated.status == 2)
  }

  @Test func everyFlagInTheHelpIsInTheTable() {
    var output = ""
    var errors = ""
    _ = WasmbpfCLI.run(arguments: ["help", "run"], stdout: &output, stderr: &errors)
    var flags = Set<String>()
    for line in output.split(separator: "\n") where line.hasPrefix("  -") {
      let words = line.split(separator: " ").map { $0.trimmingCharacters(in: ",") }
      for (index, word) in words.enumerated() where word.hasPrefix("-") {
        let takesValue = index + 1 < words.count && words[index + 1].hasPrefix("<")
        if !takesValue { flags.insert(word) }
      }
    }
    let known = RunOption.allCases.filter { !$0.takesValue }.flatMap { option in
      ["--" + option.name] + (option.shortName.map { ["-\($0)"] } ?? [])
    }
    // Help and version are ArgumentParser's to answer: the reader leaves them to it.
    #expect(flags.subtracting(["-h", "--help", "--version"]) == Set(known))
    guard case .parser = RunCommandLine.read(["--version", "a.wasm"], subcommands: [])
    else {
      Issue.record("--version read as a run option")
      return
    }
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in characters: String) -> String {
    var text = self
    while let last = text.last, characters.contains(last) { text = text.dropLast() }
    return String(text)
  }
}
