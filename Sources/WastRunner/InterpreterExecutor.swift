// The spec-script executor backed by the interpreter (WasmInterp), with the
// standard `spectest` host module.
// https://github.com/WebAssembly/spec/tree/main/interpreter#spectest-host-module

import WasmCore
import WasmInterp

/// Runs a script's modules and actions in one interpreter store.
public final class InterpreterWastExecutor: WastExecutor {
  let store: Store
  var linker = Linker()
  var current: Instance?
  var named: [String: Instance] = [:]
  let limits: WastCommandLimits
  private let watchdog: CommandWatchdog?

  /// `limits` bound each instantiation and invocation: out of fuel or past the
  /// deadline, the command fails with a trap ("all fuel consumed", "interrupted:
  /// command took longer than N ms") and the script goes on.
  public init(
    configuration: InterpreterConfiguration = InterpreterConfiguration(),
    limits: WastCommandLimits = .defaults
  ) {
    let store = Store(configuration: configuration)
    self.store = store
    self.limits = limits
    watchdog = limits.timeoutMilliseconds.map { _ in
      CommandWatchdog(interrupt: store.interruptHandle)
    }
    defineSpectest()
  }

  deinit { watchdog?.stop() }

  /// Runs one command's execution under the limits.
  func bounded<R>(_ body: () throws(Trap) -> R) throws(WastExecutionError) -> R {
    store.fuel = limits.fuel
    do {
      if let watchdog, let milliseconds = limits.timeoutMilliseconds {
        return try watchdog.run(milliseconds: milliseconds, body)
      }
      return try body()
    } catch {
      if error.kind == .interrupted, let milliseconds = limits.timeoutMilliseconds,
        watchdog?.expired == true
      {
        throw WastExecutionError(.trap, "interrupted: command took longer than \(milliseconds) ms")
      }
      throw Self.error(error)
    }
  }

  func defineSpectest() {
    let printTypes: [(String, [ValueType])] = [
      ("print", []), ("print_i32", [.i32]), ("print_i64", [.i64]), ("print_f32", [.f32]),
      ("print_f64", [.f64]), ("print_i32_f32", [.i32, .f32]), ("print_f64_f64", [.f64, .f64]),
    ]
    for (name, parameters) in printTypes {
      linker.defineFunction(
        module: "spectest", name: name, in: store, parameters: parameters, results: []
      ) { _, _ in [] }
    }
    let globals: [(String, ValueType, Value)] = [
      ("global_i32", .i32, .i32(666)), ("global_i64", .i64, .i64(666)),
      ("global_f32", .f32, .float(666.6)), ("global_f64", .f64, .double(666.6)),
    ]
    for (name, type, value) in globals {
      // Numbers of their own type: the store cannot refuse them.
      if let global = try? store.global(
        GlobalType(mutability: .constant, valueType: type), value: value)
      {
        linker.define(module: "spectest", name: name, .global(global))
      }
    }
    if let table = try? store.table(
      TableType(elementType: .funcRef, limits: Limits(min: 10, max: 20)))
    {
      linker.define(module: "spectest", name: "table", .table(table))
    }
    if let table = try? store.table(
      TableType(elementType: .funcRef, limits: Limits(min: 10, max: 20, is64: true)))
    {
      linker.define(module: "spectest", name: "table64", .table(table))
    }
    if let memory = try? store.memory(MemoryType(limits: Limits(min: 1, max: 2))) {
      linker.define(module: "spectest", name: "memory", .memory(memory))
    }
  }

  public func instantiate(_ module: Module, name: String?) throws(WastExecutionError) {
    // A start function runs under the limits; link errors pass through untouched.
    var failure: InstantiationError?
    let instance = try bounded { () throws(Trap) -> Instance? in
      do throws(InstantiationError) {
        return try linker.instantiate(ValidatedModule(alreadyValidated: module), in: store)
      } catch {
        if case .trap(let trap) = error { throw trap }
        failure = error
        return nil
      }
    }
    if let failure {
      switch failure {
      case .unknownImport: throw WastExecutionError(.link, "unknown import")
      case .incompatibleImportType: throw WastExecutionError(.link, "incompatible import type")
      case .trap(let trap): throw Self.error(trap)
      case .resourceLimit(let text): throw WastExecutionError(.trap, "resource limit: \(text)")
      case .unsupported(let text): throw WastExecutionError(.unsupported, text)
      case .invalidValue(let text): throw WastExecutionError(.link, "invalid value: \(text)")
      }
    }
    guard let instance else { return }
    current = instance
    if let name { named[name] = instance }
  }

  func instance(_ name: String?) throws(WastExecutionError) -> Instance {
    if let name {
      guard let instance = named[name] else {
        throw WastExecutionError(.unsupported, "unknown module \(name)")
      }
      return instance
    }
    guard let current else { throw WastExecutionError(.unsupported, "no module") }
    return current
  }

  public func register(name: String?, as alias: String) throws(WastExecutionError) {
    linker.define(instance: try instance(name), as: alias)
  }

  public func invoke(module: String?, field: String, arguments: [WastValue])
    throws(WastExecutionError)
    -> [WastValue]
  {
    guard let function = try instance(module).function(field) else {
      throw WastExecutionError(.unsupported, "unknown export \(field)")
    }
    var values: [Value] = []
    for argument in arguments { values.append(try value(argument)) }
    return try bounded { () throws(Trap) in try function.call(values) }.map(Self.wastValue)
  }

  public func get(module: String?, field: String) throws(WastExecutionError) -> WastValue {
    guard let global = try instance(module).global(field) else {
      throw WastExecutionError(.unsupported, "unknown global \(field)")
    }
    return Self.wastValue(global.value)
  }

  static func error(_ trap: Trap) -> WastExecutionError {
    switch trap.kind {
    case .callStackExhausted: return WastExecutionError(.exhaustion, trap.message)
    case .uncaughtException: return WastExecutionError(.exception, trap.message)
    default: return WastExecutionError(.trap, trap.message)
    }
  }

  func value(_ v: WastValue) throws(WastExecutionError) -> Value {
    switch v {
    case .i32(let x): return .i32(x)
    case .i64(let x): return .i64(x)
    case .f32(let x): return .f32(x)
    case .f64(let x): return .f64(x)
    case .v128(let x): return .v128(x)
    case .funcRef(let id):
      guard let id else { return .funcRef(nil) }
      guard let f = store.function(storeIndex: Int(id)) else {
        throw WastExecutionError(.unsupported, "unknown function reference")
      }
      return .funcRef(f.reference)
    case .externRef(let x): return .externRef(x.map(UInt64.init))
    case .exnRef(let x):
      guard x == nil else { throw WastExecutionError(.unsupported, "exception reference argument") }
      return .exnRef(nil)
    case .anyRef(let x):
      switch x {
      case nil: return .anyRef(nil)
      case .i31(let v)?: return .anyRef(.i31(v))
      default: throw WastExecutionError(.unsupported, "GC object argument")
      }
    }
  }

  static func wastValue(_ v: Value) -> WastValue {
    switch v {
    case .i32(let x): return .i32(x)
    case .i64(let x): return .i64(x)
    case .f32(let x): return .f32(x)
    case .f64(let x): return .f64(x)
    case .funcRef(let r): return .funcRef(r.map { UInt32(truncatingIfNeeded: $0.storeIndex) })
    case .externRef(let x): return .externRef(x.map { UInt32(truncatingIfNeeded: $0) })
    case .v128(let x): return .v128(x)
    case .exnRef(let x): return .exnRef(x.map { UInt32(truncatingIfNeeded: $0.hashValue) })
    case .anyRef(let x):
      return .anyRef(
        x.map {
          switch $0.kind {
          case .i31(let v): return .i31(v)
          case .structure: return .structure
          case .array: return .array
          }
        })
    }
  }
}
