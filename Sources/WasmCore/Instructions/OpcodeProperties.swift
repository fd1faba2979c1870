// Properties of the opcode enums derived from the generated ones (Opcodes.swift).

extension LaneOp {
  /// Whether it replaces a lane (`replace_lane`) rather than extracting one.
  @inlinable
  public var isReplace: Bool { signature.operandCount == 2 }

  /// The scalar type of a lane (what extract pushes and replace pops).
  @inlinable
  package var laneType: OperandType { isReplace ? signature.operands.1 : signature.result }
}

extension SIMDOp {
  /// Whether it belongs to relaxed SIMD (Wasm 3.0).
  @inlinable
  public var isRelaxed: Bool { requiredFeatures.contains(.relaxedSIMD) }
}
