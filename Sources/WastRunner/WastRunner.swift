// Runs converted spec scripts against WasmCore (decode + validate) and, when one is
// plugged in, an execution engine (`WastExecutor`).
//
// What each command checks: https://github.com/WebAssembly/spec/tree/main/interpreter#scripts
// A failure's expected text must be a prefix of our message, as the reference
// interpreter's own runner requires.

import HostIO
import WasmCore
import WasmText

/// The outcome of one command.
public struct WastCommandResult: Hashable, Sendable {
  public enum Outcome: Hashable, Sendable {
    case passed
    case failed(expected: String, got: String)
    /// Not run, and why (a text module, no execution engine, ...).
    case skipped(reason: String)
  }

  /// Line of the command in the `.wast` file (0 for a problem with the file itself).
  public var line: Int
  /// The command's type (`"assert_invalid"`, ...).
  public var commandType: String
  /// The format of the command's module, for commands that name one.
  public var moduleFormat: WastModuleFile.Format?
  public var outcome: Outcome

  public init(
    line: Int, commandType: String, moduleFormat: WastModuleFile.Format?, outcome: Outcome
  ) {
    self.line = line
    self.commandType = commandType
    self.moduleFormat = moduleFormat
    self.outcome = outcome
  }

  public var isPassed: Bool { outcome == .passed }
  public var isFailed: Bool {
    if case .failed = outcome { return true }
    return false
  }
  public var isSkipped: Bool {
    if case .skipped = outcome { return true }
    return false
  }
}

/// The outcome of one command file.
public struct WastFileResult: Sendable {
  /// The JSON file that was run.
  public var path: String
  /// One result per command, in script order (a single line-0 failure when the
  /// file itself could not be read).
  public var results: [WastCommandResult]

  public init(path: String, results: [WastCommandResult]) {
    self.path = path
    self.results = results
  }

  public var passed: Int { results.count { $0.isPassed } }
  public var failed: Int { results.count { $0.isFailed } }
  public var skipped: Int { results.count { $0.isSkipped } }
  public var failures: [WastCommandResult] { results.filter(\.isFailed) }

  /// `N passed, N failed, N skipped`.
  public var summary: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }
}

/// Runs command files.
public struct WastRunner {
  /// Proposals the decoder and validator accept.
  public var features: Features
  /// Makes a fresh executor for each file; nil runs decoding and validation only
  /// and counts every execution command as skipped.
  public var makeExecutor: (() -> any WastExecutor)?

  public init(features: Features = .default, makeExecutor: (() -> any WastExecutor)? = nil) {
    self.features = features
    self.makeExecutor = makeExecutor
  }

  /// Runs one script: a `.wast` file, or a JSON command file whose modules are
  /// beside it.
  public func run(file path: String) -> WastFileResult {
    let script: WastScript
    do {
      let bytes = try readFile(path)
      if path.hasSuffix(".wast") {
        script = try WastScript(wast: bytes, sourceFilename: path)
      } else {
        script = try WastScript(json: bytes)
      }
    } catch let error as FileReadError {
      return fileFailure(path, error.description)
    } catch let error as TextError {
      return fileFailure(path, "\(path):\(error)")
    } catch {
      return fileFailure(path, "\(error)")
    }
    return run(script, directory: directoryName(path), path: path)
  }

  /// Runs a parsed script whose module files are in `directory`.
  public func run(_ script: WastScript, directory: String, path: String) -> WastFileResult {
    var state = ScriptState(runner: self, directory: directory, executor: makeExecutor?())
    let results = script.commands.map { state.run($0) }
    return WastFileResult(path: path, results: results)
  }

  func fileFailure(_ path: String, _ message: String) -> WastFileResult {
    let result = WastCommandResult(
      line: 0, commandType: "file", moduleFormat: nil,
      outcome: .failed(expected: "a readable command file", got: message))
    return WastFileResult(path: path, results: [result])
  }

  /// Reads, decodes and validates a binary module.
  public func load(_ path: String) -> Result<Module, LoadError> {
    let bytes: [UInt8]
    do {
      bytes = try readFile(path)
    } catch {
      return .failure(.file(error))
    }
    return load(bytes: bytes)
  }

  /// Decodes and validates a module the script carries (or its text error).
  public func load(contents: Result<[UInt8], TextError>) -> Result<Module, LoadError> {
    switch contents {
    case .success(let bytes): return load(bytes: bytes)
    case .failure(let error): return .failure(.text(error))
    }
  }

  /// Decodes and validates module bytes.
  public func load(bytes: [UInt8]) -> Result<Module, LoadError> {
    do {
      let module = try decodeModule(bytes, features: features)
      try validateModule(module)
      return .success(module)
    } catch {
      return .failure(.wasm(error))
    }
  }

  /// Why a module could not be loaded.
  public enum LoadError: Error, CustomStringConvertible {
    case file(FileReadError)
    /// A text module that did not parse or encode.
    case text(TextError)
    case wasm(WasmError)

    public var description: String {
      switch self {
      case .file(let error): return error.description
      case .text(let error): return "text module: \(error)"
      case .wasm(let error): return error.description
      }
    }
  }
}

/// The state of a script being run: which modules exist and whether they work.
struct ScriptState {
  /// Whether a module can serve actions, and if not why.
  enum ModuleState {
    case ready
    /// Decoded and validated, but there is no executor to instantiate it.
    case notInstantiated
    case failed(line: Int)
    case skipped(line: Int)
  }

  let runner: WastRunner
  let directory: String
  let executor: (any WastExecutor)?
  var current: ModuleState?
  var named: [String: ModuleState] = [:]
  /// Modules of `module definition` commands, by name and the last one.
  var definitions: [String: Result<Module, WastRunner.LoadError>] = [:]
  var lastDefinition: Result<Module, WastRunner.LoadError>?

  init(runner: WastRunner, directory: String, executor: (any WastExecutor)?) {
    self.runner = runner
    self.directory = directory
    self.executor = executor
  }

  mutating func run(_ command: WastCommand) -> WastCommandResult {
    var format: WastModuleFile.Format?
    let outcome: WastCommandResult.Outcome
    switch command.kind {
    case .module(let file, let name):
      format = file.format
      let (result, state) = defineModule(file, name: name, line: command.line)
      current = state
      if let name { named[name] = state }
      outcome = result
    case .moduleDefinition(let file, let name):
      format = file.format
      let loaded = load(file)
      lastDefinition = loaded
      if let name { definitions[name] = loaded }
      switch loaded {
      case .success: outcome = .passed
      case .failure(let error):
        outcome = .failed(expected: "module decodes and validates", got: error.description)
      }
    case .moduleInstance(let name, let definition):
      let (result, state) = instantiateDefinition(definition, name: name, line: command.line)
      current = state
      if let name { named[name] = state }
      outcome = result
    case .register(let name, let alias):
      outcome = withModule(name) {
        (executor) throws(WastExecutionError) -> WastCommandResult.Outcome in
        try executor.register(name: name, as: alias)
        return .passed
      }
    case .action(let action):
      outcome = withModule(action.module) {
        (executor) throws(WastExecutionError) -> WastCommandResult.Outcome in
        _ = try executor.perform(action)
        return .passed
      }
    case .assertReturn(let action, let expected):
      outcome = withModule(action.module) {
        (executor) throws(WastExecutionError) -> WastCommandResult.Outcome in
        compare(try executor.perform(action), expected)
      }
    case .assertTrap(let action, let message):
      outcome = expectFailure(of: action, kind: .trap, message: message)
    case .assertExhaustion(let action, let message):
      outcome = expectFailure(of: action, kind: .exhaustion, message: message)
    case .assertException(let action):
      outcome = expectFailure(of: action, kind: .exception, message: "")
    case .assertMalformed(let file, let message):
      format = file.format
      outcome = expectRejected(file, message: message, malformed: true)
    case .assertInvalid(let file, let message):
      format = file.format
      outcome = expectRejected(file, message: message, malformed: false)
    case .assertUnlinkable(let file, let message):
      format = file.format
      outcome = expectInstantiationFailure(file, kind: .link, message: message)
    case .assertUninstantiable(let file, let message):
      format = file.format
      outcome = expectInstantiationFailure(file, kind: .trap, message: message)
    case .unknown(let type):
      outcome = .failed(expected: "a known command", got: "unsupported command type \"\(type)\"")
    }
    return WastCommandResult(
      line: command.line, commandType: command.typeName, moduleFormat: format, outcome: outcome)
  }

  func path(of file: WastModuleFile) -> String {
    file.filename.hasPrefix("/") ? file.filename : directory + "/" + file.filename
  }

  /// Whether the module can be read: binary, or text the script carries encoded.
  func isReadable(_ file: WastModuleFile) -> Bool {
    file.format == .binary || file.contents != nil
  }

  func load(_ file: WastModuleFile) -> Result<Module, WastRunner.LoadError> {
    if let contents = file.contents { return runner.load(contents: contents) }
    return runner.load(path(of: file))
  }

  func defineModule(_ file: WastModuleFile, name: String?, line: Int) -> (
    WastCommandResult.Outcome, ModuleState
  ) {
    guard isReadable(file) else {
      return (.skipped(reason: "text-format module"), .skipped(line: line))
    }
    let module: Module
    switch load(file) {
    case .success(let loaded): module = loaded
    case .failure(let error):
      return (
        .failed(expected: "module decodes and validates", got: error.description),
        .failed(line: line)
      )
    }
    guard let executor else { return (.passed, .notInstantiated) }
    do throws(WastExecutionError) {
      try executor.instantiate(module, name: name)
      return (.passed, .ready)
    } catch {
      return (.failed(expected: "module instantiates", got: error.description), .failed(line: line))
    }
  }

  /// Instantiates a module of a `module definition` command.
  func instantiateDefinition(_ definition: String?, name: String?, line: Int) -> (
    WastCommandResult.Outcome, ModuleState
  ) {
    guard let loaded = definition.map({ definitions[$0] }) ?? lastDefinition else {
      return (
        .failed(expected: "a defined module", got: "no module definition \(definition ?? "")"),
        .failed(line: line)
      )
    }
    guard case .success(let module) = loaded else {
      return (
        .failed(expected: "a usable module", got: "its definition failed"), .failed(line: line)
      )
    }
    guard let executor else { return (.passed, .notInstantiated) }
    do throws(WastExecutionError) {
      try executor.instantiate(module, name: name)
      return (.passed, .ready)
    } catch {
      return (.failed(expected: "module instantiates", got: error.description), .failed(line: line))
    }
  }

  /// Runs `body` against the module an action or registration names, when it is
  /// usable; otherwise says why not.
  func withModule(
    _ name: String?,
    _ body: (any WastExecutor) throws(WastExecutionError) -> WastCommandResult.Outcome
  ) -> WastCommandResult.Outcome {
    guard let executor else { return .skipped(reason: "no execution engine") }
    let state = name.map { named[$0] } ?? current
    switch state {
    case .failed(let line)?:
      return .failed(expected: "a usable module", got: "the module of line \(line) failed")
    case .skipped(let line)?:
      return .skipped(reason: "the module of line \(line) was skipped")
    case .notInstantiated?:
      return .skipped(reason: "module not instantiated")
    case .ready?, nil:
      // An unknown name is left to the executor, which reports it.
      do throws(WastExecutionError) {
        return try body(executor)
      } catch {
        return .failed(expected: "success", got: error.description)
      }
    }
  }

  func compare(_ actual: [WastValue], _ expected: [WastExpectedValue]) -> WastCommandResult.Outcome
  {
    let matches =
      actual.count == expected.count && zip(expected, actual).allSatisfy { $0.matches($1) }
    if matches { return .passed }
    return .failed(
      expected: "[" + expected.map(\.description).joined(separator: ", ") + "]",
      got: "[" + actual.map(\.description).joined(separator: ", ") + "]")
  }

  func expectFailure(of action: WastAction, kind: WastExecutionError.Kind, message: String)
    -> WastCommandResult.Outcome
  {
    let expectedText = "\(WastExecutionError(kind, message))"
    return withModule(action.module) {
      (executor) throws(WastExecutionError) -> WastCommandResult.Outcome in
      do throws(WastExecutionError) {
        let results = try executor.perform(action)
        return .failed(
          expected: expectedText,
          got: "returned [" + results.map(\.description).joined(separator: ", ") + "]")
      } catch {
        return error.kind == kind && error.message.hasPrefix(message)
          ? .passed : .failed(expected: expectedText, got: error.description)
      }
    }
  }

  /// assert_malformed / assert_invalid: decoding or validation must fail with a
  /// message that starts with the expected text.
  func expectRejected(_ file: WastModuleFile, message: String, malformed: Bool)
    -> WastCommandResult.Outcome
  {
    guard isReadable(file) else { return .skipped(reason: "text-format module") }
    switch load(file) {
    case .success:
      return .failed(expected: message, got: "module decoded and validated")
    case .failure(.file(let error)):
      return .failed(expected: message, got: error.description)
    case .failure(.text(let error)):
      // Text a parser must refuse: any text error will do; an invalid module
      // must first parse.
      return malformed ? .passed : .failed(expected: message, got: "text module: \(error)")
    case .failure(.wasm(let error)) where malformed && file.format == .text:
      // Malformed text the decoder catches (for example a bad UTF-8 name).
      return error.kind == .malformed
        ? .passed : .failed(expected: message, got: error.description)
    case .failure(.wasm(let error)):
      return error.message.hasPrefix(message)
        ? .passed : .failed(expected: message, got: error.description)
    }
  }

  /// assert_unlinkable / assert_uninstantiable: the module must validate, and
  /// instantiating it must fail in the expected way.
  func expectInstantiationFailure(
    _ file: WastModuleFile, kind: WastExecutionError.Kind, message: String
  )
    -> WastCommandResult.Outcome
  {
    guard isReadable(file) else { return .skipped(reason: "text-format module") }
    guard let executor else { return .skipped(reason: "no execution engine") }
    let expectedText = "\(WastExecutionError(kind, message))"
    switch load(file) {
    case .failure(let error):
      return .failed(expected: expectedText, got: error.description)
    case .success(let module):
      do throws(WastExecutionError) {
        try executor.instantiate(module, name: nil)
        return .failed(expected: expectedText, got: "module instantiated")
      } catch {
        return error.kind == kind && error.message.hasPrefix(message)
          ? .passed : .failed(expected: expectedText, got: error.description)
      }
    }
  }
}

/// The directory part of a path ("." when it has none): where a JSON command file's
/// modules are.
private func directoryName(_ path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return "." }
  if slash == path.startIndex { return "/" }
  return String(path[..<slash])
}
