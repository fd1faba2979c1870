// The one bounds check for host code reading or writing a guest's linear memory
// (the interpreter's embedding API, WASI, the wasm_bpf imports): a pointer and a
// length from the guest become an index range only through here.
//
// Both numbers are hostile. The check is done in 64-bit arithmetic that cannot wrap
// (`length <= size - address` once `address <= size`), so no pair of values, however
// large, passes unless every byte of the range lies inside the memory.

/// A range `[offset, offset + count)` of a linear memory, checked against the memory's
/// size when it was made. Memory never shrinks, so a range stays inside it; host code
/// that lets the guest run in between must still re-read the memory's base address.
public struct GuestRange: Hashable, Sendable {
  /// Index of the first byte.
  public let offset: Int
  /// Number of bytes.
  public let count: Int

  /// The range of `length` bytes at `address` when it lies inside a memory of
  /// `memoryBytes` bytes; nil otherwise.
  @inlinable
  public init?(address: UInt64, length: UInt64, memoryBytes: Int) {
    guard memoryBytes >= 0 else { return nil }
    let size = UInt64(memoryBytes)
    guard address <= size, length <= size - address else { return nil }
    offset = Int(address)
    count = Int(length)
  }

  /// The range of `length` bytes at the wasm32 pointer `address`.
  @inlinable
  public init?(address: UInt32, length: UInt64, memoryBytes: Int) {
    self.init(address: UInt64(address), length: length, memoryBytes: memoryBytes)
  }

  /// One past the last byte.
  @inlinable
  public var end: Int { offset + count }
}
