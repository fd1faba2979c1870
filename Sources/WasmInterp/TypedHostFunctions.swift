// Host functions with Swift signatures: `(Caller, Int32, Int64) throws -> Float`
// instead of arrays of `Value`, for embedders (in the spirit of wazero's
// `WithFunc` and wasmtime's `func_wrap`). The Wasm type follows from the Swift
// types.

import WasmCore

/// A Swift type that maps to one Wasm value type.
public protocol WasmValueConvertible {
  static var wasmType: ValueType { get }
  init?(wasmValue: Value)
  var wasmValue: Value { get }
}

extension Int32: WasmValueConvertible {
  public static var wasmType: ValueType { .i32 }
  public init?(wasmValue: Value) {
    guard let v = wasmValue.int32 else { return nil }
    self = v
  }
  public var wasmValue: Value { .int32(self) }
}

extension UInt32: WasmValueConvertible {
  public static var wasmType: ValueType { .i32 }
  public init?(wasmValue: Value) {
    guard case .i32(let v) = wasmValue else { return nil }
    self = v
  }
  public var wasmValue: Value { .i32(self) }
}

extension Int64: WasmValueConvertible {
  public static var wasmType: ValueType { .i64 }
  public init?(wasmValue: Value) {
    guard let v = wasmValue.int64 else { return nil }
    self = v
  }
  public var wasmValue: Value { .int64(self) }
}

extension UInt64: WasmValueConvertible {
  public static var wasmType: ValueType { .i64 }
  public init?(wasmValue: Value) {
    guard case .i64(let v) = wasmValue else { return nil }
    self = v
  }
  public var wasmValue: Value { .i64(self) }
}

extension Float: WasmValueConvertible {
  public static var wasmType: ValueType { .f32 }
  public init?(wasmValue: Value) {
    guard let v = wasmValue.floatValue else { return nil }
    self = v
  }
  public var wasmValue: Value { .float(self) }
}

extension Double: WasmValueConvertible {
  public static var wasmType: ValueType { .f64 }
  public init?(wasmValue: Value) {
    guard let v = wasmValue.doubleValue else { return nil }
    self = v
  }
  public var wasmValue: Value { .double(self) }
}

/// Reads argument `index` as `T` and advances; the runtime has checked the types.
func argument<T: WasmValueConvertible>(_ type: T.Type, _ arguments: [Value], _ index: inout Int)
  throws -> T
{
  defer { index += 1 }
  guard index < arguments.count, let v = T(wasmValue: arguments[index]) else {
    throw Trap(.hostError, hostError: "host function argument \(index) is not a \(T.wasmType)")
  }
  return v
}

extension Store {
  /// A host function with one result, its Wasm type derived from the Swift types.
  public func hostFunction<each P: WasmValueConvertible, R: WasmValueConvertible>(
    _ body: @escaping (Caller, repeat each P) throws -> R
  ) -> Function {
    var parameters: [ValueType] = []
    for type in repeat (each P).self { parameters.append(type.wasmType) }
    let type = FunctionType(parameters: parameters, results: [R.wasmType])
    return hostFunction(type: type) { caller, arguments in
      var index = 0
      return [try body(caller, repeat try argument((each P).self, arguments, &index)).wasmValue]
    }
  }

  /// A host function without results, its Wasm type derived from the Swift types.
  public func hostFunction<each P: WasmValueConvertible>(
    _ body: @escaping (Caller, repeat each P) throws -> Void
  ) -> Function {
    var parameters: [ValueType] = []
    for type in repeat (each P).self { parameters.append(type.wasmType) }
    let type = FunctionType(parameters: parameters, results: [])
    return hostFunction(type: type) { caller, arguments in
      var index = 0
      try body(caller, repeat try argument((each P).self, arguments, &index))
      return []
    }
  }
}

extension Linker {
  /// Defines `module`.`name` as a typed host function with one result.
  public mutating func defineFunction<each P: WasmValueConvertible, R: WasmValueConvertible>(
    module: String, name: String, in store: Store,
    _ body: @escaping (Caller, repeat each P) throws -> R
  ) {
    define(module: module, name: name, .function(store.hostFunction(body)))
  }

  /// Defines `module`.`name` as a typed host function without results.
  public mutating func defineFunction<each P: WasmValueConvertible>(
    module: String, name: String, in store: Store,
    _ body: @escaping (Caller, repeat each P) throws -> Void
  ) {
    define(module: module, name: name, .function(store.hostFunction(body)))
  }
}

extension Function {
  /// Calls the function with Swift-typed arguments and a single result of type
  /// `R`: `try add.call(returning: Int32.self, Int32(2), Int32(3))`. Throws a
  /// `Trap` (kind `.hostError`) if the types do not match the function's.
  public func call<each P: WasmValueConvertible, R: WasmValueConvertible>(
    returning: R.Type, _ arguments: repeat each P
  ) throws(Trap) -> R {
    var values: [Value] = []
    for argument in repeat each arguments { values.append(argument.wasmValue) }
    let results = try call(values)
    guard results.count == 1, let result = R(wasmValue: results[0]) else {
      throw Trap(.hostError, hostError: "the function does not return one \(R.wasmType)")
    }
    return result
  }
}
