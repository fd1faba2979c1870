// The view of a guest's linear memory that the wasm_bpf functions need, so the BPF
// host logic does not depend on one interpreter's types. Every guest pointer and
// length goes through `GuestRange` (WasmCore) before it becomes an address: 64-bit
// arithmetic, checked against the memory's size at the moment of use (memory may
// grow, and move, whenever the guest runs).

import WasmCore

/// A guest's linear memory. The interpreter's `Memory` (a two-word struct) conforms,
/// so passing one to the host allocates nothing.
public protocol GuestMemory {
  /// Current size in bytes.
  var byteCount: Int { get }
  /// Calls `body` with the memory's bytes. The pointer is valid only during the call:
  /// a guest call may grow (and so move) the memory.
  func withBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R
}

extension GuestMemory {
  /// The NUL-terminated string at `address`, at most `limit` bytes long; nil when it
  /// runs past the end of memory or the limit without a NUL.
  public func readCString(address: UInt32, limit: Int = 4096) -> String? {
    withBytes { bytes in
      guard limit >= 0, UInt64(address) < UInt64(bytes.count) else { return nil }
      let available = UInt64(bytes.count) - UInt64(address)
      guard
        let range = GuestRange(
          address: address, length: min(UInt64(limit), available), memoryBytes: bytes.count),
        let nul = bytes[range.offset..<range.end].firstIndex(of: 0)
      else { return nil }
      return String(decoding: bytes[range.offset..<nul], as: UTF8.self)
    }
  }
}

/// A guest memory held in a host buffer (tests, and embedders without an interpreter).
public final class BufferGuestMemory: GuestMemory {
  public private(set) var storage: [UInt8]
  public init(size: Int) { storage = [UInt8](repeating: 0, count: size) }
  public var byteCount: Int { storage.count }
  public func withBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
    try storage.withUnsafeMutableBytes { try body($0) }
  }
}
