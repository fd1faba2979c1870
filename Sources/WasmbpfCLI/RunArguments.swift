// Splits a `run` command line into the runtime's options, the module path and the
// guest's arguments, before ArgumentParser sees it: the guest's arguments must reach
// the guest untouched even when they look like the runtime's own flags.

struct RunArguments: Equatable {
  /// What ArgumentParser parses: `run`, the runtime's options, `--`, the module path.
  var parserArguments: [String]
  /// Everything after the module path.
  var guest: [String]

  /// The other subcommands: a first argument naming one is not a module path.
  static let otherSubcommands = ["wast", "validate", "inspect", "help", "push", "pull", "cache"]

  /// Options the root command answers itself when no module is given.
  static let rootOptions = ["-h", "--help", "-help", "--version"]

  /// nil when the command line is not a `run` (another subcommand, or only
  /// `--help` / `--version` / nothing at all).
  static func split(_ arguments: [String]) -> RunArguments? {
    guard let first = arguments.first else { return nil }
    if otherSubcommands.contains(first) { return nil }
    let explicitRun = first == "run"
    let rest = explicitRun ? Array(arguments.dropFirst()) : arguments
    var options: [String] = []
    var module: String?
    var guest: [String] = []
    var index = 0
    while index < rest.count {
      let argument = rest[index]
      if argument == "--" {
        if index + 1 < rest.count {
          module = rest[index + 1]
          guest = Array(rest[(index + 2)...])
        }
        break
      }
      if argument.hasPrefix("-") && argument != "-" {
        options.append(argument)
        // An option of `run` taking a value (`RunOptionValues.Option`, kept in step
        // with the help by a test) takes the next argument with it.
        if RunOptionValues.Option(rawValue: argument) != nil, index + 1 < rest.count {
          options.append(rest[index + 1])
          index += 2
        } else {
          index += 1
        }
        continue
      }
      module = argument
      guest = Array(rest[(index + 1)...])
      break
    }
    if !explicitRun && module == nil && options.allSatisfy({ rootOptions.contains($0) }) {
      return nil
    }
    var parser = ["run"] + options
    if let module { parser += ["--", module] }
    return RunArguments(parserArguments: parser, guest: guest)
  }
}
