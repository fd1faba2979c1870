// The commands of a `.wast` spec script.
// https://github.com/WebAssembly/spec/tree/main/interpreter#scripts

import WasmCore

/// A module of a script command, already encoded to binary (or why it is not).
public struct ScriptModule: Sendable {
  /// `$name`, if given.
  public var name: String?
  /// Written as `(module quote ...)`: text only a text parser can read.
  public var isQuote: Bool
  /// Written as `(module binary ...)`.
  public var isBinary: Bool
  /// The binary module, or the text error that stopped its encoding.
  public var bytes: Result<[UInt8], TextError>
}

/// A value: an argument, or an exact result.
public enum ScriptValue: Hashable, Sendable {
  case i32(UInt32)
  case i64(UInt64)
  case f32(UInt32)
  case f64(UInt64)
  case v128(V128)
  /// `ref.null func` / `ref.null extern` / `ref.null exn`.
  case nullFunctionReference
  case nullExternalReference
  case nullExceptionReference
  /// `ref.extern N`.
  case externalReference(UInt32)
  /// `ref.host N` (GC tests): a host reference as an `anyref`.
  case hostReference(UInt32)
  /// `ref.null any` (and the other GC heap types): a null of the `any` hierarchy.
  case nullAnyReference
}

/// One lane of an expected v128.
public enum ScriptLane: Hashable, Sendable {
  case bits(UInt64)
  /// `nan:canonical` (true) or `nan:arithmetic` (false).
  case nan(canonical: Bool)
}

/// What an assert_return expects of one result.
public indirect enum ScriptResult: Hashable, Sendable {
  case value(ScriptValue)
  case f32NaN(canonical: Bool)
  case f64NaN(canonical: Bool)
  /// Lane shape (`"i8"`...`"f64"`) and lanes, some of them NaN patterns.
  case v128(lane: String, [ScriptLane])
  /// `(ref.func)`, `(ref.extern)`, `(ref.exn)`: any non-null reference.
  case anyFunctionReference
  case anyExternalReference
  case anyExceptionReference
  /// `(ref.null)`, or a null of a GC heap type: any null reference.
  case anyNullReference
  /// A reference of a kind the runner has no values for (`ref.struct`, `ref.i31`,
  /// `ref.host 1`, ...): matches nothing the runner can return.
  case unsupportedReference(String)
  case either([ScriptResult])
}

public enum ScriptAction: Sendable {
  case invoke(module: String?, field: String, arguments: [ScriptValue])
  case get(module: String?, field: String)
}

/// One command and its line.
public struct ScriptCommand: Sendable {
  public enum Kind: Sendable {
    case module(ScriptModule)
    /// `(module definition $M? ...)`: a module checked but not instantiated.
    case moduleDefinition(ScriptModule)
    /// `(module instance $I? $M?)`: an instance of a defined module (the last one
    /// when `definition` is nil).
    case moduleInstance(name: String?, definition: String?)
    case register(name: String?, as: String)
    case action(ScriptAction)
    case assertReturn(ScriptAction, [ScriptResult])
    case assertTrap(ScriptAction, message: String)
    case assertExhaustion(ScriptAction, message: String)
    /// The action throws a Wasm exception that nothing catches.
    case assertException(ScriptAction)
    case assertMalformed(ScriptModule, message: String)
    case assertInvalid(ScriptModule, message: String)
    case assertUnlinkable(ScriptModule, message: String)
    /// `assert_trap` of a module: instantiation traps.
    case assertUninstantiable(ScriptModule, message: String)
    /// A command this parser reads but no runner implements (`assert_suspension`,
    /// `module instance`, ...): its name.
    case unsupported(String)
  }

  public var line: Int
  public var kind: Kind
}

/// A parsed `.wast` file.
public struct TextScript: Sendable {
  public var commands: [ScriptCommand]

  /// The first module of the script that did not encode, if any.
  public var firstModuleError: TextError? {
    for command in commands {
      let module: ScriptModule
      switch command.kind {
      case .module(let m), .moduleDefinition(let m), .assertInvalid(let m, _),
        .assertUnlinkable(let m, _), .assertUninstantiable(let m, _):
        module = m
      default: continue
      }
      if case .failure(let error) = module.bytes { return error }
    }
    return nil
  }
}
