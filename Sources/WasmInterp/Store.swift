// The embedding API's root objects: the store that owns everything a guest
// touches, and the handle that stops a running guest from another thread.

import Synchronization
import WasmCore

/// Owns instances, functions, memories, tables and globals, and the stacks
/// guests run on. A store is used by one thread at a time; only its
/// `interruptHandle` may be used from others.
public final class Store {
  let runtime: StoreRuntime

  public init(configuration: InterpreterConfiguration = InterpreterConfiguration()) {
    runtime = StoreRuntime(configuration: configuration)
  }

  public var configuration: InterpreterConfiguration { runtime.configuration }

  /// The instruction budget: decremented at every call and loop back-edge; when it
  /// runs out the guest traps with `.outOfFuel`. nil (the default) means unmetered:
  /// nothing is counted then (set `Int.max - 1` to count work without a limit).
  public var fuel: Int? {
    get { runtime.context.pointee.fuel == .max ? nil : max(runtime.context.pointee.fuel, 0) }
    set {
      let fuel = newValue.map { max($0, 0) } ?? .max
      runtime.context.pointee.fuel = fuel
      if fuel == .max {
        runtime.interruptFlag.pointee.bitwiseAnd(~BudgetFlag.metered, ordering: .relaxed)
      } else {
        runtime.interruptFlag.pointee.bitwiseOr(BudgetFlag.metered, ordering: .relaxed)
      }
    }
  }

  /// Called on the guest's thread before each host function a guest calls (not for
  /// calls the host makes): where an embedder samples what only that thread may read
  /// (fuel, memory size) to publish it to other threads. nil by default; keep it cheap.
  public var hostCallObserver: ((Caller) -> Void)? {
    get { runtime.hostCallObserver }
    set { runtime.hostCallObserver = newValue }
  }

  /// A handle another thread can use to stop guests running in this store.
  public var interruptHandle: InterruptHandle { InterruptHandle(runtime: runtime) }

  /// The GC heap's counters: bytes allocated, collections and their pauses, and
  /// the objects the host holds.
  public var gcStatistics: GCStatistics {
    var statistics = runtime.gcStatistics
    statistics.hostHeldObjects = runtime.hostHandles.count
    return statistics
  }

  /// A host function that guests can import.
  public func hostFunction(type: FunctionType, _ body: @escaping HostFunctionBody) -> Function {
    let f = runtime.addFunction(
      type: type, host: body, instance: nil, functionIndex: 0, memory: nil)
    return Function(store: self, instance: f)
  }

  /// A new memory that guests can import.
  public func memory(_ type: MemoryType) throws(InstantiationError) -> Memory {
    let maxPages = min(
      Int(clamping: type.limits.max ?? (type.limits.is64 ? 1 << 48 : 65536)),
      runtime.configuration.maxMemoryPages)
    let pages = Int(clamping: type.limits.min)
    guard pages <= maxPages, let state = MemoryState.allocate(pages: pages, maxPages: maxPages)
    else {
      throw .resourceLimit("memory of \(pages) pages")
    }
    return Memory(store: self, instance: MemoryInstance(state: state, type: type))
  }

  /// A new table that guests can import, filled with `initial` (which must have the
  /// element type and belong to this store).
  public func table(_ type: TableType, initial: Value? = nil) throws(InstantiationError) -> Table {
    if let initial, !runtime.admits(initial, as: .ref(type.elementType)) {
      throw .invalidValue("\(initial) is not a \(type.elementType) of this store")
    }
    let maxCount = min(
      Int(clamping: type.limits.max ?? UInt64(UInt32.max)), runtime.configuration.maxTableElements)
    let count = Int(clamping: type.limits.min)
    let cell = initial.map { runtime.encode($0) } ?? 0
    guard count <= maxCount,
      let state = TableState.allocate(count: count, maxCount: maxCount, initial: cell)
    else {
      throw .resourceLimit("table of \(count) elements")
    }
    return Table(store: self, instance: TableInstance(state: state, type: type))
  }

  /// A new global that guests can import; `value` must have the type and belong to
  /// this store.
  public func global(_ type: GlobalType, value: Value) throws(InstantiationError) -> Global {
    guard runtime.admits(value, as: type.valueType) else {
      throw .invalidValue("\(value) is not a \(type.valueType) of this store")
    }
    return Global(
      store: self,
      instance: GlobalInstance(type: type, value: runtime.encode(value), high: value.v128High))
  }

  /// A new exception tag whose exceptions carry values of `parameters`' types.
  public func tag(parameters: [ValueType]) -> Tag {
    let type = FunctionType(parameters: parameters, results: [])
    return Tag(
      runtime: runtime, instance: runtime.addTag(type: type, typeID: runtime.types.id(of: type)))
  }

  /// The function with index `storeIndex` in this store (see `FunctionReference`).
  package func function(storeIndex: Int) -> Function? {
    guard storeIndex >= 0, storeIndex < runtime.functions.count else { return nil }
    return Function(store: self, instance: runtime.functions[storeIndex])
  }

  /// The function a reference value designates.
  public func function(_ reference: FunctionReference) -> Function? {
    guard reference.storeIndex >= 0, reference.storeIndex < runtime.functions.count else {
      return nil
    }
    return Function(store: self, instance: runtime.functions[reference.storeIndex])
  }
}

/// Stops guests of a store from any thread: the running guest traps with
/// `.interrupted` at its next call or loop back-edge, and later calls trap at
/// once until `reset()`.
public struct InterruptHandle: @unchecked Sendable {
  // The runtime is kept alive by the handle; only the atomic flag is touched.
  let runtime: StoreRuntime

  public func interrupt() {
    runtime.interruptFlag.pointee.bitwiseOr(BudgetFlag.interrupted, ordering: .relaxed)
  }
  public func reset() {
    runtime.interruptFlag.pointee.bitwiseAnd(~BudgetFlag.interrupted, ordering: .relaxed)
  }
}

/// What a host function knows about its caller.
public struct Caller {
  let runtime: StoreRuntime
  let instance: InstanceRuntime?

  /// The store's remaining fuel (`Store.fuel`); `Int.max` when fuel is not metered,
  /// which counts nothing (a budget of `Int.max - 1` counts the work without a
  /// practical limit).
  public var remainingFuel: Int { runtime.context.pointee.fuel }

  /// The calling instance's memory 0, if any (nil when called from the host).
  public var memory: Memory? {
    guard let m = instance?.memories.first else { return nil }
    return Memory(runtime: runtime, instance: m)
  }

  /// An export of the calling instance.
  public func export(_ name: String) -> Extern? {
    guard let value = instance?.exports[Name(name)] else { return nil }
    return Extern(value, runtime: runtime)
  }
}
