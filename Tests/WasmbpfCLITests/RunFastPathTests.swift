// The fast path of `run`'s options (RunOptionValues.parseQuickly) must read every
// command line it accepts exactly as ArgumentParser does, and give up on the rest.

import Testing

@testable import WasmbpfCLI

@Suite struct RunFastPathTests {
  /// What ArgumentParser makes of a run command line.
  func parsedByArgumentParser(_ split: RunArguments) throws -> RunOptionValues? {
    let command = try RootCommand.parseAsRoot(split.parserArguments)
    guard var run = command as? RunSubcommand else { return nil }
    run.arguments = split.guest
    return run.values
  }

  func parsedQuickly(_ split: RunArguments) -> RunOptionValues? {
    guard var values = RunOptionValues.parseQuickly(split.parserArguments) else { return nil }
    values.arguments = split.guest
    return values
  }

  @Test(arguments: [
    ["app.wasm"],
    ["run", "app.wasm", "a", "--fuel", "-v"],
    ["--invoke", "add", "m.wasm", "2", "40"],
    ["--invoke=add", "m.wasm"],
    ["--dir", "data", "--dir=out::/out", "--ro-dir", "/etc::/etc", "--ro-dir=x", "app.wasm"],
    ["--env", "A=1", "--env=B", "--inherit-env", "--env", "A=2", "app.wasm"],
    ["--fuel", "5000000000", "--max-memory", "256MiB", "--max-stack=4MiB", "app.wasm"],
    ["--fuel=0", "--timeout", "30s", "app.wasm"],
    ["--bpf-policy", "observe", "-v", "--verifier-log", "tool.wasm", "-t", "5"],
    ["--bpf-policy=deny-all", "--verbose", "--defer-validation", "tool.wasm"],
    ["run", "--", "-odd-name.wasm", "--dir", "x"],
    ["--timeout", "500ms", "--", "app.wasm"],
  ])
  func acceptsWhatArgumentParserReadsTheSameWay(_ arguments: [String]) throws {
    let split = try #require(RunArguments.split(arguments))
    let quick = try #require(parsedQuickly(split))
    #expect(try parsedByArgumentParser(split) == quick)
    // And the values are usable settings.
    _ = try quick.settings()
  }

  @Test(arguments: [
    ["--help", "app.wasm"],
    ["run", "--help"],
    ["-vv", "app.wasm"],
    ["-v", "--verbose", "app.wasm"],
    ["--verbose=true", "app.wasm"],
    ["--fuel", "1", "--fuel", "2", "app.wasm"],
    ["--fuel", "-5", "app.wasm"],
    ["--fuel", "lots", "app.wasm"],
    ["--fuel"],
    ["--invoke", "f", "--invoke", "g", "m.wasm"],
    ["--no-such-option", "app.wasm"],
    ["-x", "app.wasm"],
    ["--dir", "--env", "app.wasm"],
    ["run"],
    ["--bpf-policy", "observe"],
  ])
  func givesUpOnTheRest(_ arguments: [String]) throws {
    let split = try #require(RunArguments.split(arguments))
    #expect(RunOptionValues.parseQuickly(split.parserArguments) == nil)
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

  @Test func everyFlagInTheHelpIsKnown() {
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
    let known = Set(RunOptionValues.Flag.allCases.map(\.rawValue))
    // Help and version are ArgumentParser's to answer: the fast path gives up on them.
    #expect(flags.subtracting(["-h", "--help", "--version"]) == known)
    #expect(RunOptionValues.parseQuickly(["run", "--version", "--", "a.wasm"]) == nil)
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in characters: String) -> String {
    var text = self
    while let last = text.last, characters.contains(last) { text = text.dropLast() }
    return String(text)
  }
}
