// The options of `run` as typed, and a parser for them that does not need
// ArgumentParser.
//
// ArgumentParser builds its model of a command by reflection on every parse; for
// `wasmbpf-run app.wasm` that was two thirds of the instructions the whole process
// executes (10.1 of 15.5 million, callgrind), about 3 ms of a 6 ms start. The
// common command lines are read here directly instead. The fast path accepts only
// what it reads exactly as ArgumentParser would (a test compares the two on every
// option and form); for anything else (help, an unknown or repeated option, a
// missing value, a bad value) it gives up and ArgumentParser parses, so every
// message and status stays ArgumentParser's.

/// The raw values of `run`'s options, filled by `RunSubcommand` (ArgumentParser) or
/// by `parseQuickly`, and turned into `RunSettings` by one function.
struct RunOptionValues: Equatable {
  var module: String
  var arguments: [String] = []
  var invoke: String?
  var directories: [String] = []
  var readOnlyDirectories: [String] = []
  var environment: [String] = []
  var inheritEnvironment = false
  var fuel: Int?
  var maxMemory: String?
  var maxStack: String?
  var timeout: String?
  var bpfPolicy = "unrestricted"
  var deferValidation = false
  var verifierLog = false
  var verbose = false
  var insecureRegistries: [String] = []

  /// The options as values the run needs; a bad value is a usage error.
  func settings() throws(UsageError) -> RunSettings {
    var settings = RunSettings(modulePath: module, guestArguments: arguments)
    settings.invoke = invoke
    for (list, readOnly) in [(directories, false), (readOnlyDirectories, true)] {
      for text in list {
        let option = readOnly ? "--ro-dir" : "--dir"
        settings.preopens.append(try parsePreopen(text, option: option, readOnly: readOnly))
      }
    }
    settings.inheritEnvironment = inheritEnvironment
    for text in environment {
      settings.environment.append(try parseEnvironmentSetting(text))
    }
    if let fuel {
      guard fuel >= 0 else { throw UsageError("--fuel must be 0 or more, not \(fuel)") }
      settings.fuel = fuel
    }
    if let maxMemory {
      let bytes = try parseSize(maxMemory, option: "--max-memory")
      settings.maxMemoryPages = Int(min(bytes / 65536, 65536))
    }
    if let maxStack {
      let bytes = try parseSize(maxStack, option: "--max-stack")
      guard bytes >= 8 else { throw UsageError("--max-stack must be at least 8 bytes") }
      settings.valueStackSlots = Int(min(bytes / 8, UInt64(Int32.max)))
    }
    if let timeout {
      settings.timeoutMilliseconds = try parseDuration(timeout)
    }
    settings.policySource = bpfPolicy
    settings.verifierLog = verifierLog
    settings.deferBodyValidation = deferValidation
    settings.verbose = verbose
    settings.insecureRegistries = insecureRegistries
    return settings
  
  }

  /// Reads `RunArguments.parserArguments` (`run`, options, `--`, module path); nil
  /// for anything the fast path does not read exactly like ArgumentParser.
  static func parseQuickly(_ parserArguments: [String]) -> RunOptionValues? {
    guard parserArguments.first == "run" else { return nil }
    var values = RunOptionValues(module: "")
    var module: String?
    // Names already given. An array, not a Set: the first Set<String> of a process
    // costs a scan of every protocol conformance in the binary (~0.25 M
    // instructions, callgrind), a few percent of an empty run.
    var seen: [String] = []
    var index = 1
    while index < parserArguments.count {
      var name = parserArguments[index]
      index += 1
      if name == "--" {
        // The split puts exactly the module path after `--`.
        guard index == parserArguments.count - 1 else { return nil }
        module = parserArguments[index]
        break
      }
      var value: String?
      if let equals = name.firstIndex(of: "="), name.hasPrefix("--") {
        value = String(name[name.index(after: equals)...])
        name = String(name[..<equals])
      }
      if let flag = Flag(rawValue: name) {
        // Repeats are left to ArgumentParser.
        guard value == nil, !seen.contains(flag.canonical) else { return nil }
        seen.append(flag.canonical)
        switch flag {
        case .inheritEnvironment: values.inheritEnvironment = true
        case .deferValidation: values.deferValidation = true
        case .verifierLog: values.verifierLog = true
        case .verbose, .verboseShort: values.verbose = true
        }
        continue
      }
      guard let option = Option(rawValue: name) else { return nil }
      if value == nil {
        // A value that looks like an option is ArgumentParser's to judge.
        guard index < parserArguments.count, !parserArguments[index].hasPrefix("-") else {
          return nil
        }
        value = parserArguments[index]
        index += 1
      }
      guard let value else { return nil }
      switch option {
      case .directory: values.directories.append(value)
      case .readOnlyDirectory: values.readOnlyDirectories.append(value)
      case .environment: values.environment.append(value)
      case .insecureRegistry: values.insecureRegistries.append(value)
      default:
        guard !seen.contains(option.rawValue) else { return nil }
        seen.append(option.rawValue)
        switch option {
        case .invoke: values.invoke = value
        case .fuel:
          guard let fuel = Int(value) else { return nil }
          values.fuel = fuel
        case .maxMemory: values.maxMemory = value
        case .maxStack: values.maxStack = value
        case .timeout: values.timeout = value
        case .bpfPolicy: values.bpfPolicy = value
        case .directory, .readOnlyDirectory, .environment, .insecureRegistry: return nil
        }
      }
    }
    guard let module else { return nil }
    values.module = module
    return values
  }

  /// Options taking a value (`--name value` or `--name=value`).
  enum Option: String, CaseIterable {
    case invoke = "--invoke"
    case directory = "--dir"
    case readOnlyDirectory = "--ro-dir"
    case environment = "--env"
    case fuel = "--fuel"
    case maxMemory = "--max-memory"
    case maxStack = "--max-stack"
    case timeout = "--timeout"
    case bpfPolicy = "--bpf-policy"
    case insecureRegistry = "--insecure-registry"
  }

  /// Options without a value.
  enum Flag: String, CaseIterable {
    case inheritEnvironment = "--inherit-env"
    case deferValidation = "--defer-validation"
    case verifierLog = "--verifier-log"
    case verbose = "--verbose"
    case verboseShort = "-v"

    /// One name per flag, for repeats written both ways.
    var canonical: String { self == .verboseShort ? Flag.verbose.rawValue : rawValue }
  }
}
