// The shell completions and the man page are generated from the argument parser
// (Scripts/generate-docs.sh, run by the install step). These check what they are made
// from: the options ArgumentParser answers for the whole command tree must reach it,
// not be taken for a module path by the run command's argument split.

import Foundation
import Testing

@Suite struct GeneratedDocsTests {
  @Test(arguments: ["bash", "zsh", "fish"])
  func completionScriptsCoverEverySubcommandAndRunOption(shell: String) {
    let result = runCLI(["--generate-completion-script", shell])
    #expect(result.status == 0, "\(result.stderr)")
    // Without dashes: fish names long options bare (`-l 'bpf-policy'`).
    for word in ["inspect", "validate", "wast", "bpf-policy", "ro-dir", "timeout"] {
      #expect(result.stdout.contains(word), "the \(shell) script does not offer \(word)")
    }
    let equalsForm = runCLI(["--generate-completion-script=\(shell)"])
    #expect(equalsForm.stdout == result.stdout)
  }

  @Test func theBashScriptParses() throws {
    let script = try temporaryFile(
      "wasmbpf-run.bash", Array(runCLI(["--generate-completion-script", "bash"]).stdout.utf8))
    let check = Process()
    check.executableURL = URL(fileURLWithPath: "/bin/bash")
    check.arguments = ["-n", script]
    try check.run()
    check.waitUntilExit()
    #expect(check.terminationStatus == 0)
  }

  /// What generate-manual reads: the root command with every subcommand, not `run`.
  @Test func theToolDescriptionIsTheWholeCommand() throws {
    let result = runCLI(["--experimental-dump-help"])
    #expect(result.status == 0)
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let command = try #require(json["command"] as? [String: Any])
    #expect(command["commandName"] as? String == "wasmbpf-run")
    let subcommands = (command["subcommands"] as? [[String: Any]] ?? []).compactMap {
      $0["commandName"] as? String
    }
    #expect(Set(["run", "inspect", "validate", "wast"]).isSubset(of: Set(subcommands)))
  }
}
