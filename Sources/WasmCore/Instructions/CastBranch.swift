// The immediates of GC's `br_on_cast` and `br_on_cast_fail`.
// https://webassembly.github.io/spec/core/binary/instructions.html#control-instructions

/// A conditional branch on a cast: the label, the type of the operand (`source`)
/// and the type it is tested against (`target`).
public struct CastBranch: Hashable, Sendable {
  public var depth: UInt32
  public var source: ReferenceType
  public var target: ReferenceType

  @inlinable
  public init(depth: UInt32, source: ReferenceType, target: ReferenceType) {
    self.depth = depth
    self.source = source
    self.target = target
  }
}

extension InstructionDecoder {
  /// The reference type of `ref.test` / `ref.cast`: a heap type whose nullability
  /// the opcode gives.
  @inlinable
  mutating func readCastType(nullable: Bool) throws(WasmError) -> ReferenceType {
    ReferenceType(isNullable: nullable, heapType: try reader.readHeapType(features: features))
  }

  /// `br_on_cast` / `br_on_cast_fail`: a flags byte (bit 0: the source is nullable,
  /// bit 1: the target is), the label, then both heap types.
  @inlinable
  mutating func readCastBranch() throws(WasmError) -> CastBranch {
    let start = reader.offset
    let flags = try reader.readByte()
    guard flags & ~0x03 == 0 else { throw .malformed("malformed cast flags", at: start) }
    let depth = try reader.readU32()
    let source = try reader.readHeapType(features: features)
    let target = try reader.readHeapType(features: features)
    return CastBranch(
      depth: depth, source: ReferenceType(isNullable: flags & 1 != 0, heapType: source),
      target: ReferenceType(isNullable: flags & 2 != 0, heapType: target))
  }
}
