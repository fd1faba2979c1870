// The fuzzer's bytes read as decisions: structured harnesses (sequences of wasm_bpf
// or WASI calls) take each choice from the input in order, and read zeros once it
// runs out, so every input, however short, is a complete and replayable run.

/// A cursor over one fuzz input.
package struct FuzzInput {
  package let bytes: [UInt8]
  package private(set) var position = 0

  package init(_ bytes: [UInt8]) { self.bytes = bytes }

  package var isAtEnd: Bool { position >= bytes.count }

  package mutating func byte() -> UInt8 {
    guard position < bytes.count else { return 0 }
    defer { position += 1 }
    return bytes[position]
  }

  package mutating func bool() -> Bool { byte() & 1 == 1 }

  package mutating func u16() -> UInt16 { UInt16(byte()) | UInt16(byte()) << 8 }

  package mutating func u32() -> UInt32 { UInt32(u16()) | UInt32(u16()) << 16 }

  package mutating func u64() -> UInt64 { UInt64(u32()) | UInt64(u32()) << 32 }

  /// A number in `0..<count` (0 when `count` is 0).
  package mutating func index(_ count: Int) -> Int {
    guard count > 0 else { return 0 }
    return Int(u16()) % count
  }

  /// One of `choices` (which must not be empty).
  package mutating func pick<T>(_ choices: [T]) -> T { choices[index(choices.count)] }

  /// Up to `limit` bytes, the count taken from the input.
  package mutating func data(limit: Int) -> [UInt8] {
    let count = min(index(limit + 1), bytes.count - min(position, bytes.count))
    defer { position += count }
    return Array(bytes[position..<position + count])
  }

  /// Everything not read yet.
  package mutating func rest() -> [UInt8] {
    guard position < bytes.count else { return [] }
    defer { position = bytes.count }
    return Array(bytes[position...])
  }
}

/// Writes choices in the order a harness reads them: how seed inputs are made.
package struct FuzzInputBuilder {
  package private(set) var bytes: [UInt8] = []
  package init() {}
  package mutating func byte(_ value: UInt8) { bytes.append(value) }
  package mutating func u16(_ value: UInt16) {
    bytes.append(UInt8(truncatingIfNeeded: value))
    bytes.append(UInt8(truncatingIfNeeded: value >> 8))
  }
  package mutating func u32(_ value: UInt32) {
    u16(UInt16(truncatingIfNeeded: value))
    u16(UInt16(truncatingIfNeeded: value >> 16))
  }
  package mutating func u64(_ value: UInt64) {
    u32(UInt32(truncatingIfNeeded: value))
    u32(UInt32(truncatingIfNeeded: value >> 32))
  }
  /// The choice `FuzzInput.index(count)` reads back as `value`.
  package mutating func index(_ value: Int) { u16(UInt16(value)) }
  package mutating func bool(_ value: Bool) { byte(value ? 1 : 0) }
}
