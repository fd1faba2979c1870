// The `memarg` immediate of memory accesses.
// https://webassembly.github.io/spec/core/binary/instructions.html#memory-instructions

/// The immediate of a memory access: static offset, alignment and memory.
public struct MemArg: Hashable, Sendable {
  /// The static offset added to the dynamic address. A u32 in Wasm 2.0; memory64
  /// makes it a u64.
  public var offset: UInt64
  /// log2 of the alignment hint.
  public var alignment: UInt32
  /// The memory accessed (always 0 without multi-memory).
  public var memory: UInt32

  @inlinable
  public init(offset: UInt64, alignment: UInt32, memory: UInt32 = 0) {
    self.offset = offset
    self.alignment = alignment
    self.memory = memory
  }
}
