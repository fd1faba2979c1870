// Memory access instructions and their `memarg` immediate.
// https://webassembly.github.io/spec/core/binary/instructions.html#memory-instructions
//
// Raw values are the encodings: the opcode byte for scalar loads and stores and
// `0xFD00 | subopcode` for the vector ones.

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

/// A load: scalar, vector, extending vector, splat or zero-extending.
public enum LoadOp: UInt16, Hashable, Sendable, CaseIterable {
  case i32Load = 0x28
  case i64Load = 0x29
  case f32Load = 0x2A
  case f64Load = 0x2B
  case i32Load8S = 0x2C
  case i32Load8U = 0x2D
  case i32Load16S = 0x2E
  case i32Load16U = 0x2F
  case i64Load8S = 0x30
  case i64Load8U = 0x31
  case i64Load16S = 0x32
  case i64Load16U = 0x33
  case i64Load32S = 0x34
  case i64Load32U = 0x35
  case v128Load = 0xFD00
  case v128Load8x8S = 0xFD01
  case v128Load8x8U = 0xFD02
  case v128Load16x4S = 0xFD03
  case v128Load16x4U = 0xFD04
  case v128Load32x2S = 0xFD05
  case v128Load32x2U = 0xFD06
  case v128Load8Splat = 0xFD07
  case v128Load16Splat = 0xFD08
  case v128Load32Splat = 0xFD09
  case v128Load64Splat = 0xFD0A
  case v128Load32Zero = 0xFD5C
  case v128Load64Zero = 0xFD5D

  /// log2 of the number of bytes read: the largest valid alignment.
  @inlinable
  public var naturalAlignment: UInt32 {
    switch self {
    case .i32Load8S, .i32Load8U, .i64Load8S, .i64Load8U, .v128Load8Splat: return 0
    case .i32Load16S, .i32Load16U, .i64Load16S, .i64Load16U, .v128Load16Splat: return 1
    case .i32Load, .f32Load, .i64Load32S, .i64Load32U, .v128Load32Splat, .v128Load32Zero: return 2
    case .i64Load, .f64Load, .v128Load8x8S, .v128Load8x8U, .v128Load16x4S, .v128Load16x4U,
      .v128Load32x2S, .v128Load32x2U, .v128Load64Splat, .v128Load64Zero:
      return 3
    case .v128Load: return 4
    }
  }

  /// The type of the loaded value.
  @inlinable
  public var resultType: OperandType {
    switch self {
    case .i32Load, .i32Load8S, .i32Load8U, .i32Load16S, .i32Load16U: return .i32
    case .i64Load, .i64Load8S, .i64Load8U, .i64Load16S, .i64Load16U, .i64Load32S, .i64Load32U:
      return .i64
    case .f32Load: return .f32
    case .f64Load: return .f64
    default: return .v128
    }
  }
}

/// A store: scalar, wrapping or vector.
public enum StoreOp: UInt16, Hashable, Sendable, CaseIterable {
  case i32Store = 0x36
  case i64Store = 0x37
  case f32Store = 0x38
  case f64Store = 0x39
  case i32Store8 = 0x3A
  case i32Store16 = 0x3B
  case i64Store8 = 0x3C
  case i64Store16 = 0x3D
  case i64Store32 = 0x3E
  case v128Store = 0xFD0B

  /// log2 of the number of bytes written: the largest valid alignment.
  @inlinable
  public var naturalAlignment: UInt32 {
    switch self {
    case .i32Store8, .i64Store8: return 0
    case .i32Store16, .i64Store16: return 1
    case .i32Store, .f32Store, .i64Store32: return 2
    case .i64Store, .f64Store: return 3
    case .v128Store: return 4
    }
  }

  /// The type of the stored value.
  @inlinable
  public var valueType: OperandType {
    switch self {
    case .i32Store, .i32Store8, .i32Store16: return .i32
    case .i64Store, .i64Store8, .i64Store16, .i64Store32: return .i64
    case .f32Store: return .f32
    case .f64Store: return .f64
    case .v128Store: return .v128
    }
  }
}

/// `v128.loadN_lane` / `v128.storeN_lane`: a memory access of one lane.
/// Raw values are the 0xFD sub-opcodes.
public enum MemoryLaneOp: UInt16, Hashable, Sendable, CaseIterable {
  case v128Load8Lane = 0x54
  case v128Load16Lane = 0x55
  case v128Load32Lane = 0x56
  case v128Load64Lane = 0x57
  case v128Store8Lane = 0x58
  case v128Store16Lane = 0x59
  case v128Store32Lane = 0x5A
  case v128Store64Lane = 0x5B

  @inlinable
  public var isStore: Bool { rawValue >= 0x58 }

  /// log2 of the lane size in bytes: the largest valid alignment.
  @inlinable
  public var naturalAlignment: UInt32 { UInt32(truncatingIfNeeded: (rawValue - 0x54) & 3) }

  /// Number of lanes of this size in a v128 (lane immediates must be below it).
  @inlinable
  public var laneCount: UInt8 { UInt8(truncatingIfNeeded: 16 >> ((rawValue - 0x54) & 3)) }
}
