// Checked access to a guest's linear memory for the duration of one WASI call.
//
// A WASI function never calls back into the guest, so memory cannot grow (or move)
// while one runs: the core receives the memory's bytes once per call. Every guest
// pointer and length is checked as 64-bit arithmetic against the memory's size
// before it becomes an address (`GuestRange`); a bad one is `WasiErrno.fault`,
// never a host crash.

import WasmCore

/// A guest memory region valid for one WASI call.
public struct WasiMemory {
  /// The guest's whole linear memory.
  public let bytes: UnsafeMutableRawBufferPointer

  public init(bytes: UnsafeMutableRawBufferPointer) { self.bytes = bytes }

  /// The checked range `[address, address + length)`.
  func range(_ address: UInt32, _ length: UInt64) throws(WasiErrno) -> UnsafeMutableRawBufferPointer
  {
    guard let range = GuestRange(address: address, length: length, memoryBytes: bytes.count) else {
      throw .fault
    }
    guard range.count > 0, let base = bytes.baseAddress else {
      return UnsafeMutableRawBufferPointer(start: nil, count: 0)
    }
    return UnsafeMutableRawBufferPointer(start: base + range.offset, count: range.count)
  }

  func load<T: FixedWidthInteger>(_ type: T.Type, _ address: UInt32) throws(WasiErrno) -> T {
    let region = try range(address, UInt64(MemoryLayout<T>.size))
    return T(littleEndian: region.loadUnaligned(as: T.self))
  }

  func store<T: FixedWidthInteger>(_ value: T, _ address: UInt32) throws(WasiErrno) {
    let region = try range(address, UInt64(MemoryLayout<T>.size))
    region.storeBytes(of: value.littleEndian, as: T.self)
  }

  /// Copies `length` bytes at `address` (e.g. a path).
  func bytes(_ address: UInt32, _ length: UInt32) throws(WasiErrno) -> [UInt8] {
    Array(try range(address, UInt64(length)))
  }

  /// Writes `data` at `address`.
  func write(_ data: [UInt8], at address: UInt32) throws(WasiErrno) {
    let region = try range(address, UInt64(data.count))
    data.withUnsafeBytes { source in
      if let destination = region.baseAddress, let from = source.baseAddress {
        destination.copyMemory(from: from, byteCount: source.count)
      }
    }
  }

  /// Most buffers one call transfers (Linux's IOV_MAX). Further iovecs are checked but
  /// left for a later call: a short read or write, which callers must handle anyway.
  static let maximumIovecs = 1024

  /// The buffers of an `iovec`/`ciovec` array (8 bytes each: pointer, length), each
  /// checked; the total length must fit in a u32 (the count the call reports back).
  func iovecs(_ address: UInt32, _ count: UInt32) throws(WasiErrno)
    -> [UnsafeMutableRawBufferPointer]
  {
    let table = try range(address, UInt64(count) * 8)
    var buffers: [UnsafeMutableRawBufferPointer] = []
    buffers.reserveCapacity(min(Int(count), Self.maximumIovecs))
    var total: UInt64 = 0
    for index in 0..<Int(count) {
      let pointer = UInt32(
        littleEndian: table.loadUnaligned(fromByteOffset: index * 8, as: UInt32.self))
      let length = UInt32(
        littleEndian: table.loadUnaligned(fromByteOffset: index * 8 + 4, as: UInt32.self))
      let buffer = try range(pointer, UInt64(length))
      if index < Self.maximumIovecs {
        buffers.append(buffer)
        total += UInt64(length)
      }
    }
    guard total <= UInt64(UInt32.max) else { throw .inval }
    return buffers
  }
}
