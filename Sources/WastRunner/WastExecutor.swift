// The hook through which an execution engine runs a script's modules and actions.
//
// The runner owns parsing, decoding, validation and result comparison; an engine
// (the interpreter) only instantiates, registers, invokes and reads globals. One
// executor serves one script file: module names (`$M`) and registrations are
// per script, as in the reference interpreter.

import WasmCore

/// How executing a command failed.
public struct WastExecutionError: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    /// Linking failed: an unknown import or one of the wrong type (assert_unlinkable).
    case link
    /// Execution trapped, including in a start function or segment initialisation.
    case trap
    /// The call stack (or another resource) ran out (assert_exhaustion).
    case exhaustion
    /// A Wasm exception left the guest (assert_exception).
    case exception
    /// The executor cannot do this (an unknown module or export, an unsupported
    /// feature); never what an assertion expects.
    case unsupported
  }

  public var kind: Kind
  /// A spec-style message, for example "integer divide by zero" or "unknown import".
  public var message: String

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String {
    let kindText: String
    switch kind {
    case .link: kindText = "link error"
    case .trap: kindText = "trap"
    case .exhaustion: kindText = "exhaustion"
    case .exception: kindText = "uncaught exception"
    case .unsupported: kindText = "unsupported"
    }
    return "\(kindText): \(message)"
  }
}

/// An execution engine for spec scripts.
///
/// The runner calls `instantiate` for `module` commands and for the modules of
/// `assert_unlinkable` / `assert_uninstantiable` (which must fail), after decoding
/// and validating them itself. A module name of nil means "the most recent module".
/// The executor provides the `spectest` host module itself.
public protocol WastExecutor: AnyObject {
  /// Links and instantiates a validated module. On success it becomes the current
  /// module, and is also reachable as `name` when that is given.
  func instantiate(_ module: Module, name: String?) throws(WastExecutionError)

  /// Makes the exports of module `name` (the current module when nil) importable
  /// under the module name `alias`.
  func register(name: String?, as alias: String) throws(WastExecutionError)

  /// Calls an exported function.
  func invoke(module: String?, field: String, arguments: [WastValue]) throws(WastExecutionError)
    -> [WastValue]

  /// Reads an exported global.
  func get(module: String?, field: String) throws(WastExecutionError) -> WastValue
}

extension WastExecutor {
  /// Performs an action.
  public func perform(_ action: WastAction) throws(WastExecutionError) -> [WastValue] {
    switch action {
    case .invoke(let module, let field, let arguments):
      return try invoke(module: module, field: field, arguments: arguments)
    case .get(let module, let field):
      return [try get(module: module, field: field)]
    }
  }
}
