// Handles on a store's functions, memories, tables and globals: what instances
// export and import. Each keeps its store alive.

import WasmCore

/// An exported or importable entity.
public enum Extern {
  case function(Function)
  case table(Table)
  case memory(Memory)
  case global(Global)

  init(_ value: ExternalValue, runtime: StoreRuntime) {
    switch value {
    case .function(let f): self = .function(Function(runtime: runtime, instance: f))
    case .table(let t): self = .table(Table(runtime: runtime, instance: t))
    case .memory(let m): self = .memory(Memory(runtime: runtime, instance: m))
    case .global(let g): self = .global(Global(runtime: runtime, instance: g))
    }
  }

  var value: ExternalValue {
    switch self {
    case .function(let f): return .function(f.instance)
    case .table(let t): return .table(t.instance)
    case .memory(let m): return .memory(m.instance)
    case .global(let g): return .global(g.instance)
    }
  }

  var runtime: StoreRuntime {
    switch self {
    case .function(let f): return f.runtime
    case .table(let t): return t.runtime
    case .memory(let m): return m.runtime
    case .global(let g): return g.runtime
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
    FunctionReference(storeIndex: instance.entry.pointee.storeIndex)
  }

  /// Calls the function. Throws a `Trap` if the guest traps, or if the arguments
  /// do not match the function's parameter types (kind `.hostError`).
  @discardableResult
  public func call(_ arguments: [Value]) throws(Trap) -> [Value] {
    let params = instance.type.parameters
    guard arguments.count == params.count, zip(arguments, params).allSatisfy({ $0.hasType($1) })
    else {
      throw Trap(.hostError, hostError: "arguments do not match the function type \(params)")
    }
    return try runtime.invoke(instance, arguments)
  }

  @discardableResult
  public func call(_ arguments: Value...) throws(Trap) -> [Value] { try call(arguments) }
}

/// A linear memory. Access goes through bounds-checked methods or a `MemoryView`.
public struct Memory {
  let runtime: StoreRuntime
  let instance: MemoryInstance

  init(runtime: StoreRuntime, instance: MemoryInstance) {
    self.runtime = runtime
    self.instance = instance
  }
  init(store: Store, instance: MemoryInstance) {
    self.init(runtime: store.runtime, instance: instance)
  }

  public var type: MemoryType { instance.type }
  /// Current size in 64 KiB pages.
  public var pageCount: Int { instance.pages }
  /// Current size in bytes.
  public var byteCount: Int { instance.state.pointee.size }

  /// Grows by `pages`; returns the old page count, or nil if the limit forbids.
  @discardableResult
  public func grow(by pages: Int) -> Int? {
    guard pages >= 0, pages <= Int(UInt32.max) else { return nil }
    let old = instance.state.pointee.grow(by: UInt32(pages))
    return old < 0 ? nil : Int(old)
  }

  /// Runs `body` with a bounds-checked view of the memory. The view is valid only
  /// during the call (a later `grow` may move the memory).
  public func withView<R>(_ body: (MemoryView) throws -> R) rethrows -> R {
    try body(MemoryView(base: instance.state.pointee.base, count: instance.state.pointee.size))
  }

  /// Copies `count` bytes at `offset` out of the memory.
  public func read(at offset: UInt64, count: Int) throws(MemoryAccessError) -> [UInt8] {
    try view.bytes(at: offset, count: count)
  }

  /// Copies `bytes` into the memory at `offset`.
  public func write(_ bytes: [UInt8], at offset: UInt64) throws(MemoryAccessError) {
    try view.write(bytes, at: offset)
  }

  var view: MemoryView {
    MemoryView(base: instance.state.pointee.base, count: instance.state.pointee.size)
  }
}

/// An access outside a memory's bounds, from the host.
public struct MemoryAccessError: Error, Hashable, Sendable, CustomStringConvertible {
  public var offset: UInt64
  public var count: UInt64
  public var description: String { "out of bounds memory access: \(count) bytes at \(offset)" }
}

/// A bounds-checked window on a memory's bytes; every access checks
/// `offset + size <= count` in 64-bit arithmetic that cannot wrap.
public struct MemoryView {
  let base: UnsafeMutableRawPointer
  /// Size of the memory in bytes.
  public let count: Int

  /// The memory's bytes, for host code that hands guest buffers to system calls
  /// (WASI's readv/writev). Valid only during `withView`; the caller bounds-checks.
  public var unsafeBuffer: UnsafeMutableRawBufferPointer {
    UnsafeMutableRawBufferPointer(start: base, count: count)
  }

  func check(_ offset: UInt64, _ size: Int) throws(MemoryAccessError) -> Int {
    guard size >= 0, offset <= UInt64(count), UInt64(size) <= UInt64(count) - offset else {
      throw MemoryAccessError(offset: offset, count: UInt64(max(size, 0)))
    }
    return Int(offset)
  }

  /// A little-endian integer at `offset`.
  public func load<T: FixedWidthInteger>(_ type: T.Type = T.self, at offset: UInt64)
    throws(MemoryAccessError) -> T
  {
    let o = try check(offset, MemoryLayout<T>.size)
    return T(littleEndian: base.loadUnaligned(fromByteOffset: o, as: T.self))
  }

  /// Stores a little-endian integer at `offset`.
  public func store<T: FixedWidthInteger>(_ value: T, at offset: UInt64) throws(MemoryAccessError) {
    let o = try check(offset, MemoryLayout<T>.size)
    base.storeBytes(of: value.littleEndian, toByteOffset: o, as: T.self)
  }

  public func bytes(at offset: UInt64, count n: Int) throws(MemoryAccessError) -> [UInt8] {
    let o = try check(offset, n)
    return Array(UnsafeRawBufferPointer(start: base + o, count: n))
  }

  public func write(_ bytes: [UInt8], at offset: UInt64) throws(MemoryAccessError) {
    let o = try check(offset, bytes.count)
    bytes.withUnsafeBytes { (base + o).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
  }
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

  /// Sets the element at `index`; false when out of bounds or of the wrong type.
  @discardableResult
  public func set(_ index: Int, _ value: Value) -> Bool {
    guard index >= 0, index < count, value.hasType(.ref(instance.type.elementType)) else {
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

  public var value: Value { runtime.decode(instance.cell.pointee, as: instance.type.valueType) }

  /// Sets a mutable global; false when constant or of the wrong type.
  @discardableResult
  public func set(_ value: Value) -> Bool {
    guard instance.type.mutability == .variable, value.hasType(instance.type.valueType) else {
      return false
    }
    instance.cell.pointee = runtime.encode(value)
    return true
  }
}
