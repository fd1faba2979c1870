// Host access to linear memories: a handle, and a bounds-checked view whose every
// access is checked in 64-bit arithmetic before it touches a byte.

import WasmCore

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
  /// Whether addresses into this memory are i64 (memory64).
  public var is64: Bool { instance.type.limits.is64 }
  /// Current size in 64 KiB pages.
  public var pageCount: Int { instance.pages }
  /// Current size in bytes.
  public var byteCount: Int { instance.state.pointee.size }

  /// Grows by `pages`; returns the old page count, or nil if the limit forbids.
  @discardableResult
  public func grow(by pages: Int) -> Int? {
    guard pages >= 0 else { return nil }
    let old = instance.state.pointee.grow(by: UInt64(pages))
    return old < 0 ? nil : old
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

/// A bounds-checked window on a memory's bytes; every access is a `GuestRange`
/// (`offset + size <= count` in 64-bit arithmetic that cannot wrap).
public struct MemoryView {
  let base: UnsafeMutableRawPointer
  /// Size of the memory in bytes.
  public let count: Int

  /// The memory's bytes, for host code that hands guest buffers to system calls
  /// (WASI's readv/writev). Valid only during `withView`; the caller bounds-checks.
  package var unsafeBuffer: UnsafeMutableRawBufferPointer {
    UnsafeMutableRawBufferPointer(start: base, count: count)
  }

  func check(_ offset: UInt64, _ size: Int) throws(MemoryAccessError) -> Int {
    guard size >= 0,
      let range = GuestRange(address: offset, length: UInt64(size), memoryBytes: count)
    else { throw MemoryAccessError(offset: offset, count: UInt64(max(size, 0))) }
    return range.offset
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
