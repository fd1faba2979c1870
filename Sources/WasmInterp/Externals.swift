// Handles on a store's functions, memories, tables and globals: what instances
// export and import. Each keeps its store alive.

import WasmCore

/// An exported or importable entity.
public enum Extern {
  case function(Function)
  case table(Table)
  case memory(Memory)
  case global(Global)
  /// An exception tag (Wasm 3.0).
  case tag(Tag)

  init(_ value: ExternalValue, runtime: StoreRuntime) {
    switch value {
    case .function(let f): self = .function(Function(runtime: runtime, instance: f))
    case .table(let t): self = .table(Table(runtime: runtime, instance: t))
    case .memory(let m): self = .memory(Memory(runtime: runtime, instance: m))
    case .global(let g): self = .global(Global(runtime: runtime, instance: g))
    case .tag(let t): self = .tag(Tag(runtime: runtime, instance: t))
    }
  }

  var value: ExternalValue {
    switch self {
    case .function(let f): return .function(f.instance)
    case .table(let t): return .table(t.instance)
    case .memory(let m): return .memory(m.instance)
    case .global(let g): return .global(g.instance)
    case .tag(let t): return .tag(t.instance)
    }
  }

  var runtime: StoreRuntime {
    switch self {
    case .function(let f): return f.runtime
    case .table(let t): return t.runtime
    case .memory(let m): return m.runtime
    case .global(let g): return g.runtime
    case .tag(let t): return t.runtime
    }
  }
}

/// A function: defined by a module or by the host.
public struct Function {
  let runtime: StoreRuntime
  let instance: FunctionInstance

  init(runtime: StoreRuntime, instance: FunctionInstance) {
    self.runtime = runtime
    self.instance = instance
  }
  init(store: Store, instance: FunctionInstance) {
    self.init(runtime: store.runtime, instance: instance)
  }

  public var type: FunctionType { instance.type }

  /// A reference to this function, to pass as a `funcref` value.
  public var reference: FunctionReference {
    FunctionReference(storeIndex: instance.entry.pointee.storeIndex, storeSerial: runtime.serial)
  }

  /// Calls the function. Throws a `Trap` if the guest traps, or if the arguments
  /// do not match the function's parameter types (kind `.hostError`): a reference
  /// must also be of this function's store, not released, and of the parameter's
  /// concrete type.
  @discardableResult
  public func call(_ arguments: [Value]) throws(Trap) -> [Value] {
    let params = instance.type.parameters
    let storeForm = runtime.types.storeFunctionType(instance.entry.pointee.typeID).parameters
    guard runtime.admits(arguments, as: storeForm) else {
      throw Trap(
        .hostError,
        hostError: "arguments do not match the function type \(params) (or are of another store)")
    }
    return try runtime.invoke(instance, arguments)
  }

  @discardableResult
  public func call(_ arguments: Value...) throws(Trap) -> [Value] { try call(arguments) }
}

/// A table of references.
public struct Table {
  let runtime: StoreRuntime
  let instance: TableInstance

  init(runtime: StoreRuntime, instance: TableInstance) {
    self.runtime = runtime
    self.instance = instance
  }
  init(store: Store, instance: TableInstance) {
    self.init(runtime: store.runtime, instance: instance)
  }

  public var type: TableType { instance.type }
  public var count: Int { instance.state.pointee.count }

  /// The element at `index`, or nil when out of bounds.
  public subscript(index: Int) -> Value? {
    guard index >= 0, index < count else { return nil }
    return runtime.decode(
      instance.state.pointee.elements[index], as: .ref(instance.type.elementType))
  }

  /// Sets the element at `index`; false when out of bounds, of the wrong type or of
  /// another store.
  @discardableResult
  public func set(_ index: Int, _ value: Value) -> Bool {
    guard index >= 0, index < count, runtime.admits(value, as: .ref(instance.type.elementType))
    else {
      return false
    }
    instance.state.pointee.elements[index] = runtime.encode(value)
    return true
  }
}

/// A global variable.
public struct Global {
  let runtime: StoreRuntime
  let instance: GlobalInstance

  init(runtime: StoreRuntime, instance: GlobalInstance) {
    self.runtime = runtime
    self.instance = instance
  }
  init(store: Store, instance: GlobalInstance) {
    self.init(runtime: store.runtime, instance: instance)
  }

  public var type: GlobalType { instance.type }

  public var value: Value { runtime.load(from: instance.cell, as: instance.type.valueType) }

  /// Sets a mutable global; false when constant, of the wrong type or of another store.
  @discardableResult
  public func set(_ value: Value) -> Bool {
    guard instance.type.mutability == .variable, runtime.admits(value, as: instance.type.valueType)
    else {
      return false
    }
    runtime.store(value, to: instance.cell)
    return true
  }
}
