// Allocation and growth of memories and tables. On Linux a memory grows in place
// inside its reservation; elsewhere, and when the reservation is refused, growth
// reallocates, so handlers reload the base address after `memory.grow` and calls
// (see `MemoryState`). Tables always reallocate.
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
    let state: MemoryState
    let maxSize = maxPages * wasmPageSize
    if let base = reserve(size: size, maxSize: maxSize) {
      state = MemoryState(base: base, size: size, maxPages: maxPages, reserved: maxSize)
    } else {
      // calloc(…, 1) of at least one byte, so the base is never null.
      guard let base = calloc(max(size, 1), 1) else { return nil }
      state = MemoryState(base: base, size: size, maxPages: maxPages)
    }
    let p = UnsafeMutablePointer<MemoryState>.allocate(capacity: 1)
    p.initialize(to: state)
    return p
  }

  static func free(_ state: UnsafeMutablePointer<MemoryState>) {
    if state.pointee.reserved > 0 {
      release(state.pointee.base, reserved: state.pointee.reserved)
    } else {
      freeBytes(state.pointee.base)
    }
    state.deallocate()
  }

  /// `memory.grow`: the old page count, or -1 when the maximum or the host
  /// refuses. `delta` is the guest's (an i32, or an i64 for memory64).
  mutating func grow(by delta: UInt64) -> Int {
    let old = size / wasmPageSize
    guard delta <= UInt64(maxPages - old) else { return -1 }
    let new = old + Int(delta)
    if delta == 0 { return old }
    let newSize = new * wasmPageSize
    if reserved > 0 {
      // Pages past `size` were never accessible, so they are still the zero
      // pages mmap gave: no zeroing, and the base does not move.
      guard newSize <= reserved, commit(base + size, count: newSize - size) else { return -1 }
    } else {
      guard let newBase = realloc(base, newSize) else { return -1 }
      (newBase + size).initializeMemory(as: UInt8.self, repeating: 0, count: newSize - size)
      base = newBase
    }
    size = newSize
    return old
  }
}

// Linear memory on Linux: the address space up to the maximum is reserved
// (inaccessible, no memory committed), and growth makes the next pages
// accessible. Unlike malloc + realloc (the fallback), growth neither copies the
// memory nor zeroes it, and a page costs resident memory only once the guest
// touches it. Measured on QuickJS (Benchmarks/README.md, peak memory): realloc
// from the heap left each outgrown copy behind as free heap, and zeroing made
// every grown page resident.
#if os(Linux)
  /// The reserved base of a memory of `size` bytes that may grow to `maxSize`, or
  /// nil when the address space cannot be reserved (then malloc serves).
  private func reserve(size: Int, maxSize: Int) -> UnsafeMutableRawPointer? {
    guard maxSize > 0 else { return nil }
    guard
      let base = mmap(nil, maxSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
      base != MAP_FAILED
    else { return nil }
    if size > 0, !commit(base, count: size) {
      munmap(base, maxSize)
      return nil
    }
    return base
  }

  private func commit(_ start: UnsafeMutableRawPointer, count: Int) -> Bool {
    mprotect(start, count, PROT_READ | PROT_WRITE) == 0
  }

  private func release(_ base: UnsafeMutableRawPointer, reserved: Int) {
    munmap(base, reserved)
  }
#else
  private func reserve(size: Int, maxSize: Int) -> UnsafeMutableRawPointer? { nil }
  private func commit(_ start: UnsafeMutableRawPointer, count: Int) -> Bool { false }
  private func release(_ base: UnsafeMutableRawPointer, reserved: Int) {}
#endif

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

  /// `table.grow`: the old size, or -1. `delta` is the guest's (an i32, or an i64
  /// for table64).
  mutating func grow(by delta: UInt64, initial: UInt64) -> Int {
    let old = count
    guard delta <= UInt64(maxCount - old) else { return -1 }
    let new = old + Int(delta)
    if delta == 0 { return old }
    guard let raw = realloc(elements, new * MemoryLayout<UInt64>.stride) else { return -1 }
    let newElements = raw.bindMemory(to: UInt64.self, capacity: new)
    (newElements + old).update(repeating: initial, count: new - old)
    elements = newElements
    count = new
    return old
  }
}

@inline(__always) private func freeBytes(_ p: UnsafeMutableRawPointer?) { free(p) }

/// Zeroed memory for the interpreter's stacks, whose pages become resident only
/// as deep as guests actually go. On Linux a mapping of its own: calloc would
/// serve a stack from the heap once glibc's mmap threshold has risen (it does
/// when a large block is freed, e.g. a previous store's stack), and then clear
/// the reused part of it. nil if `byteCount` cannot be mapped.
func allocateStackPages(_ byteCount: Int) -> UnsafeMutableRawPointer? {
  #if os(Linux)
    return reserve(size: byteCount, maxSize: byteCount)
  #else
    return calloc(byteCount, 1)
  #endif
}

/// Frees what `allocateStackPages(byteCount)` returned.
func freeStackPages(_ p: UnsafeMutableRawPointer, byteCount: Int) {
  #if os(Linux)
    release(p, reserved: byteCount)
  #else
    free(p)
  #endif
}
