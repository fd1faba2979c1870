// Traps: the typed way a Wasm computation ends abnormally.
// https://webassembly.github.io/spec/core/intro/overview.html#trap
//
// Handlers in the hot loop never throw (a throwing handler type loses the sibling
// calls, see docs/interpreter.md); they return a `TrapKind` raw value, and the
// entry point turns it into a `Trap` with a backtrace built from the interpreter's
// own call stack.

/// Why execution trapped. The descriptions are the spec testsuite's messages.
public enum TrapKind: UInt8, Hashable, Sendable, CustomStringConvertible {
  case unreachable = 1
  case integerDivideByZero
  case integerOverflow
  case invalidConversionToInteger
  case outOfBoundsMemoryAccess
  case outOfBoundsTableAccess
  case indirectCallTypeMismatch
  case uninitializedElement
  case undefinedElement
  case callStackExhausted
  case outOfFuel
  case interrupted
  /// A host function failed (its error is in `Trap.hostError`).
  case hostError
  /// The guest used a feature this interpreter does not execute, or a body exceeds
  /// the translator's limits.
  case unsupported
  /// A function body validated at its first call (deferred body validation) is
  /// invalid; `Trap.detail` has the validation error.
  case invalidFunctionBody
  /// `call_ref` / `return_call_ref` of a null reference.
  case nullFunctionReference
  /// `ref.as_non_null` of a null reference.
  case nullReference
  /// `throw_ref` of a null exception reference.
  case nullExceptionReference
  /// A Wasm exception was thrown and nothing in the guest caught it; `Trap.exception`
  /// carries it (tag and values), so the host can catch or rethrow it.
  case uncaughtException
  /// GC (Wasm 3.0): a struct access through a null reference.
  case nullStructureReference
  /// GC: an array access through a null reference.
  case nullArrayReference
  /// GC: `i31.get_s`/`_u` of a null reference.
  case nullI31Reference
  /// GC: `ref.cast` of a value that is not of the target type.
  case castFailure
  /// GC: an array index or range beyond the array's length.
  case outOfBoundsArrayAccess
  /// GC: an allocation beyond the store's GC heap limit.
  case allocationTooLarge

  public var description: String {
    switch self {
    case .unreachable: return "unreachable"
    case .integerDivideByZero: return "integer divide by zero"
    case .integerOverflow: return "integer overflow"
    case .invalidConversionToInteger: return "invalid conversion to integer"
    case .outOfBoundsMemoryAccess: return "out of bounds memory access"
    case .outOfBoundsTableAccess: return "out of bounds table access"
    case .indirectCallTypeMismatch: return "indirect call type mismatch"
    case .uninitializedElement: return "uninitialized element"
    case .undefinedElement: return "undefined element"
    case .callStackExhausted: return "call stack exhausted"
    case .outOfFuel: return "all fuel consumed"
    case .interrupted: return "interrupted"
    case .hostError: return "host function failed"
    case .unsupported: return "unsupported instruction"
    case .invalidFunctionBody: return "invalid function body"
    case .nullFunctionReference: return "null function reference"
    case .nullReference: return "null reference"
    case .nullExceptionReference: return "null exception reference"
    case .uncaughtException: return "uncaught exception"
    case .nullStructureReference: return "null structure reference"
    case .nullArrayReference: return "null array reference"
    case .nullI31Reference: return "null i31 reference"
    case .castFailure: return "cast failure"
    case .outOfBoundsArrayAccess: return "out of bounds array access"
    case .allocationTooLarge: return "allocation too large"
    }
  }
}

/// One frame of a Wasm backtrace, innermost first.
public struct BacktraceFrame: Hashable, Sendable, CustomStringConvertible {
  /// Index of the function in its module's function index space.
  public var functionIndex: Int
  /// The function's name from the module's `name` section, if any.
  public var functionName: String?
  /// The module's name from its `name` section, if any.
  public var moduleName: String?

  public init(functionIndex: Int, functionName: String?, moduleName: String?) {
    self.functionIndex = functionIndex
    self.functionName = functionName
    self.moduleName = moduleName
  }

  public var description: String {
    let module = moduleName.map { "\($0)!" } ?? ""
    return module + (functionName ?? "func[\(functionIndex)]")
  }
}

/// A trap: a Wasm computation ended abnormally. Thrown by calls into the guest.
public struct Trap: Error, Sendable, CustomStringConvertible {
  public var kind: TrapKind
  /// The guest's call stack when the trap happened, innermost first.
  public var backtrace: [BacktraceFrame]
  /// The description of the error a host function threw, for `.hostError`.
  public var hostError: String?
  /// The table index of an `.uninitializedElement` trap.
  public var elementIndex: Int?
  /// For `.invalidFunctionBody`: the validation error, with its byte offset.
  public var detail: String?
  /// For `.uncaughtException`: the exception the guest threw.
  public var exception: WasmException?

  public init(_ kind: TrapKind, backtrace: [BacktraceFrame] = [], hostError: String? = nil) {
    self.kind = kind
    self.backtrace = backtrace
    self.hostError = hostError
  }

  /// The spec message, e.g. "integer divide by zero" or "uninitialized element 2".
  public var message: String {
    if let elementIndex { return "\(kind) \(elementIndex)" }
    return kind.description
  }

  public var description: String {
    var text = "wasm trap: \(message)"
    if let hostError { text += ": \(hostError)" }
    if let detail { text += ": \(detail)" }
    if let exception { text += ": \(exception)" }
    for (i, frame) in backtrace.enumerated() { text += "\n  \(i): \(frame)" }
    return text
  }
}
