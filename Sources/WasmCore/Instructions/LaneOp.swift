// Vector lane access with a lane-index immediate: extract_lane and replace_lane.
// https://webassembly.github.io/spec/core/valid/instructions.html#vector-instructions

/// `extract_lane` / `replace_lane` of a shape. Raw values are the 0xFD sub-opcodes.
public enum LaneOp: UInt16, Hashable, Sendable, CaseIterable {
  case i8x16ExtractLaneS = 0x15
  case i8x16ExtractLaneU = 0x16
  case i8x16ReplaceLane = 0x17
  case i16x8ExtractLaneS = 0x18
  case i16x8ExtractLaneU = 0x19
  case i16x8ReplaceLane = 0x1A
  case i32x4ExtractLane = 0x1B
  case i32x4ReplaceLane = 0x1C
  case i64x2ExtractLane = 0x1D
  case i64x2ReplaceLane = 0x1E
  case f32x4ExtractLane = 0x1F
  case f32x4ReplaceLane = 0x20
  case f64x2ExtractLane = 0x21
  case f64x2ReplaceLane = 0x22

  /// Number of lanes of the shape (lane immediates must be below it).
  @inlinable
  public var laneCount: UInt8 {
    switch self {
    case .i8x16ExtractLaneS, .i8x16ExtractLaneU, .i8x16ReplaceLane: return 16
    case .i16x8ExtractLaneS, .i16x8ExtractLaneU, .i16x8ReplaceLane: return 8
    case .i32x4ExtractLane, .i32x4ReplaceLane, .f32x4ExtractLane, .f32x4ReplaceLane: return 4
    case .i64x2ExtractLane, .i64x2ReplaceLane, .f64x2ExtractLane, .f64x2ReplaceLane: return 2
    }
  }

  /// The scalar type of a lane (what extract pushes and replace pops).
  @inlinable
  public var laneType: OperandType {
    switch self {
    case .i8x16ExtractLaneS, .i8x16ExtractLaneU, .i8x16ReplaceLane, .i16x8ExtractLaneS,
      .i16x8ExtractLaneU, .i16x8ReplaceLane, .i32x4ExtractLane, .i32x4ReplaceLane:
      return .i32
    case .i64x2ExtractLane, .i64x2ReplaceLane: return .i64
    case .f32x4ExtractLane, .f32x4ReplaceLane: return .f32
    case .f64x2ExtractLane, .f64x2ReplaceLane: return .f64
    }
  }

  @inlinable
  public var isReplace: Bool {
    switch self {
    case .i8x16ReplaceLane, .i16x8ReplaceLane, .i32x4ReplaceLane, .i64x2ReplaceLane,
      .f32x4ReplaceLane, .f64x2ReplaceLane:
      return true
    default: return false
    }
  }

  /// The operand and result types.
  @inlinable
  public var signature: InstructionSignature {
    isReplace
      ? InstructionSignature(.v128, laneType, .v128) : InstructionSignature(.v128, laneType)
  }
}
