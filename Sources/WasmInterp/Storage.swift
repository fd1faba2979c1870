// Allocation and growth of memories and tables. Growth reallocates, so handlers
// reload the base address after `memory.grow` and calls (see `MemoryState`).
// https://webassembly.github.io/spec/core/exec/modules.html#growing-memories

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

let wasmPageSize = 65536

extension MemoryState {
  /// A zeroed memory of `pages` pages (the caller checked `pages <= maxPages`).
  static func allocate(pages: Int, maxPages: Int) -> UnsafeMutablePointer<MemoryState>? {
    let size = pages * wasmPageSize
    // calloc(…, 1) of at least one byte, so the base is never null.
    guard let base = calloc(max(size, 1), 1) else { return nil }
    let state = UnsafeMutablePointer<MemoryState>.allocate(capacity: 1)
    state.initialize(to: MemoryState(base: base, size: size, maxPages: maxPages))
    return state
  }

  static func free(_ state: UnsafeMutablePointer<MemoryState>) {
    freeBytes(state.pointee.base)
    state.deallocate()
  }

  /// `memory.grow`: the old page count, or -1 when the maximum or the host
  /// refuses.
  mutating func grow(by delta: UInt32) -> Int32 {
    let old = size / wasmPageSize
    let new = old + Int(delta)
    guard new <= maxPages else { return -1 }
    if delta == 0 { return Int32(truncatingIfNeeded: old) }
    let newSize = new * wasmPageSize
    guard let newBase = realloc(base, newSize) else { return -1 }
    (newBase + size).initializeMemory(as: UInt8.self, repeating: 0, count: newSize - size)
    base = newBase
    size = newSize
    return Int32(truncatingIfNeeded: old)
  }
}

extension TableState {
  static func allocate(count: Int, maxCount: Int, initial: UInt64) -> UnsafeMutablePointer<
    TableState
  >? {
    guard let raw = calloc(max(count, 1), MemoryLayout<UInt64>.stride) else { return nil }
    let elements = raw.bindMemory(to: UInt64.self, capacity: max(count, 1))
    elements.update(repeating: initial, count: count)
    let state = UnsafeMutablePointer<TableState>.allocate(capacity: 1)
    state.initialize(to: TableState(elements: elements, count: count, maxCount: maxCount))
    return state
  }

  static func free(_ state: UnsafeMutablePointer<TableState>) {
    freeBytes(state.pointee.elements)
    state.deallocate()
  }

  /// `table.grow`: the old size, or -1.
  mutating func grow(by delta: UInt32, initial: UInt64) -> Int32 {
    let old = count
    let new = old + Int(delta)
    guard new <= maxCount else { return -1 }
    if delta == 0 { return Int32(truncatingIfNeeded: old) }
    guard let raw = realloc(elements, new * MemoryLayout<UInt64>.stride) else { return -1 }
    let newElements = raw.bindMemory(to: UInt64.self, capacity: new)
    (newElements + old).update(repeating: initial, count: new - old)
    elements = newElements
    count = new
    return Int32(truncatingIfNeeded: old)
  }
}

@inline(__always) private func freeBytes(_ p: UnsafeMutableRawPointer?) { free(p) }

/// The value stack: zeroed, lazily committed memory (calloc maps fresh pages).
func allocateZeroedSlots(_ count: Int) -> UnsafeMutablePointer<UInt64>? {
  calloc(count, MemoryLayout<UInt64>.stride)?.bindMemory(to: UInt64.self, capacity: count)
}

func freeZeroedSlots(_ p: UnsafeMutablePointer<UInt64>) { free(p) }
