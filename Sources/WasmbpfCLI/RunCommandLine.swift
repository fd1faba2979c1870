// A `run` command line as typed, and how one is read: split at the module path
// (everything after it is the guest's, even what looks like an option of ours), then
// the options before it read from the `RunOption` table.
//
// ArgumentParser builds its model of a command by reflection on every parse; for
// `wasmbpf-run app.wasm` that was two thirds of the instructions of the whole process
// (10.1 of 15.5 million, callgrind), so `run` command lines are read here. What this
// reader does not read exactly as ArgumentParser would (help, an unknown option, a
// missing or option-like value) goes to ArgumentParser, so every message and status
// stays ArgumentParser's; a test compares the two readers on every option and form.

/// One `--dir` or `--ro-dir`, as typed, in command-line order.
struct DirectoryGrant: Equatable {
  var text: String
  var isReadOnly: Bool
}

/// The options, module path and guest arguments of one `run`.
struct RunCommandLine: Equatable {
  var module: String
  var guestArguments: [String] = []
  var invoke: String?
  /// `--dir` and `--ro-dir` in the order given: the guest's fds 3, 4, ... follow it.
  var directories: [DirectoryGrant] = []
  var environment: [String] = []
  var inheritEnvironment = false
  var fuel: Int?
  var maxMemory: String?
  var maxStack: String?
  var timeout: String?
  var gracePeriod: String?
  var bpfPolicy = "unrestricted"
  /// `--insecure-registry`: registries an `oci://` module may come from over plain HTTP.
  var insecureRegistries: [String] = []
  var bpfHostPaths = false
  var deferValidation = false
  var verifierLog = false
  var verbose = false

  /// How a command line is to be handled.
  enum Reading: Equatable {
    /// Another subcommand, or the root command's own options: ArgumentParser's.
    case notRun
    /// A `run`, read completely. `parserArguments` are what ArgumentParser would read
    /// (`run`, the options, `--` and the module path), for the message of a bad value.
    case run(RunCommandLine, parserArguments: [String])
    /// A `run` this reader leaves to ArgumentParser; `guestArguments` come after
    /// `parserArguments`.
    case parser(parserArguments: [String], guestArguments: [String])
  }

  /// Options the root command answers itself when no module is given.
  static let rootOptions = ["-h", "--help", "-help", "--version"]

  /// ArgumentParser's own options for the whole command line: shell completion
  /// scripts, and the description of every command that the man page generator reads.
  /// Their values are never a module path.
  static let toolOptions = ["--generate-completion-script", "--experimental-dump-help"]

  /// Reads a whole command line (without the program name).
  static func read(_ arguments: [String], subcommands: [String]) -> Reading {
    guard let first = arguments.first else { return .notRun }
    if first != "run" && subcommands.contains(first) { return .notRun }
    if toolOptions.contains(where: { first == $0 || first.hasPrefix($0 + "=") }) { return .notRun }
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
        // An option taking a value takes the next argument with it.
        if RunOption(commandLineName: argument)?.takesValue == true, index + 1 < rest.count {
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
      return .notRun
    }
    var parserArguments = ["run"] + options
    if let module { parserArguments += ["--", module] }
    guard let module, var line = readOptions(options, module: module) else {
      return .parser(parserArguments: parserArguments, guestArguments: guest)
    }
    line.guestArguments = guest
    return .run(line, parserArguments: parserArguments)
  }

  /// One option as written: its name, and its value when given as `--name=value`.
  private struct Written {
    var option: RunOption?
    var name: String
    var inlineValue: String?

    init(_ text: String) {
      name = text
      if text.hasPrefix("--"), let equals = text.firstIndex(of: "=") {
        inlineValue = String(text[text.index(after: equals)...])
        name = String(text[..<equals])
      }
      option = RunOption(commandLineName: name)
    }
  }

  /// Walks `options` (as `read` split them), giving each option and its value (the
  /// next argument when not inline, unless `strict` and it looks like an option).
  /// Returns false, having stopped, when `body` does, or when `strict` and an option
  /// is unknown or its value missing.
  private static func walk(
    _ options: [String], strict: Bool, _ body: (RunOption, String?) -> Bool
  ) -> Bool {
    var index = 0
    while index < options.count {
      let written = Written(options[index])
      index += 1
      guard let option = written.option else {
        if strict { return false }
        continue
      }
      var value = written.inlineValue
      if option.takesValue && value == nil {
        // A value that looks like an option is ArgumentParser's to judge.
        let next = index < options.count ? options[index] : nil
        if let next, !(strict && next.hasPrefix("-")) {
          value = next
          index += 1
        } else if strict {
          return false
        }
      }
      guard body(option, value) else { return false }
    }
    return true
  }

  /// The options before the module path; nil for anything not read exactly as
  /// ArgumentParser reads it.
  private static func readOptions(_ options: [String], module: String) -> RunCommandLine? {
    var line = RunCommandLine(module: module)
    let complete = walk(options, strict: true) { option, value in
      // A flag given a value (`--verbose=true`) is ArgumentParser's to refuse.
      if !option.takesValue && value != nil { return false }
      return line.set(option, value ?? "")
    }
    return complete ? line : nil
  }

  /// Sets one option as ArgumentParser would (the last of a repeated single value
  /// wins); false for a value it would refuse.
  private mutating func set(_ option: RunOption, _ value: String) -> Bool {
    switch option {
    case .invoke: invoke = value
    case .directory: directories.append(DirectoryGrant(text: value, isReadOnly: false))
    case .readOnlyDirectory: directories.append(DirectoryGrant(text: value, isReadOnly: true))
    case .environment: environment.append(value)
    case .inheritEnvironment: inheritEnvironment = true
    case .fuel:
      guard let number = Int(value) else { return false }
      fuel = number
    case .maxMemory: maxMemory = value
    case .maxStack: maxStack = value
    case .timeout: timeout = value
    case .gracePeriod: gracePeriod = value
    case .bpfPolicy: bpfPolicy = value
    case .insecureRegistry: insecureRegistries.append(value)
    case .bpfHostPaths: bpfHostPaths = true
    case .deferValidation: deferValidation = true
    case .verifierLog: verifierLog = true
    case .verbose: verbose = true
    }
    return true
  }

  /// The order of `--dir`/`--ro-dir` in `options` (as `read` split them), for a
  /// command line ArgumentParser read: it keeps each option's values apart.
  static func directoryOrder(in options: [String]) -> [DirectoryGrant] {
    var grants: [DirectoryGrant] = []
    _ = walk(options, strict: false) { option, value in
      if option == .directory || option == .readOnlyDirectory, let value {
        grants.append(DirectoryGrant(text: value, isReadOnly: option == .readOnlyDirectory))
      }
      return true
    }
    return grants
  }
}
