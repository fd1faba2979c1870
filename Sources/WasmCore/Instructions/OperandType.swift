// The compact value type the validator keeps on its operand stack.
// https://webassembly.github.io/spec/core/appendix/algorithm.html
//
// `ValueType` is an enum with a payload; comparing and copying it on every
// instruction costs more than a byte. The validator (and a translator built on it)
// works with this one-byte code instead, plus `unknown`, the bottom type that the
// spec's algorithm pops from an unreachable stack.
//
// Wasm 3.0 typed references will need a type index beside the code; the struct
// can then widen without changing its users.

/// A value type as a one-byte code, or `unknown` (the bottom type of unreachable code).
@usableFromInline package struct OperandType: Hashable, Sendable, CustomStringConvertible {
  @usableFromInline package let rawValue: UInt8

  @inlinable
  package init(rawValue: UInt8) { self.rawValue = rawValue }

  @usableFromInline package static let unknown = OperandType(rawValue: 0)
  @usableFromInline package static let i32 = OperandType(rawValue: 1)
  @usableFromInline package static let i64 = OperandType(rawValue: 2)
  @usableFromInline package static let f32 = OperandType(rawValue: 3)
  @usableFromInline package static let f64 = OperandType(rawValue: 4)
  @usableFromInline package static let v128 = OperandType(rawValue: 5)
  @usableFromInline package static let funcRef = OperandType(rawValue: 6)
  @usableFromInline package static let externRef = OperandType(rawValue: 7)

  /// The code of a value type.
  @inlinable
  package init(_ type: ValueType) {
    switch type {
    case .i32: self = .i32
    case .i64: self = .i64
    case .f32: self = .f32
    case .f64: self = .f64
    case .v128: self = .v128
    case .ref(let ref):
      switch ref.heapType {
      case .function: self = .funcRef
      case .extern: self = .externRef
      }
    }
  }

  /// The value type, or nil for `unknown`.
  @inlinable
  package var valueType: ValueType? {
    switch rawValue {
    case 1: return .i32
    case 2: return .i64
    case 3: return .f32
    case 4: return .f64
    case 5: return .v128
    case 6: return .funcRef
    case 7: return .externRef
    default: return nil
    }
  }

  @inlinable package var isUnknown: Bool { rawValue == 0 }
  /// A reference type (funcref or externref).
  @inlinable package var isReference: Bool { rawValue >= 6 }

  @usableFromInline package var description: String {
    valueType.map { "\($0)" } ?? "unknown"
  }
}

/// The operand and result types of an instruction with a fixed signature: up to
/// three operands (popped last-first) and at most one result.
@usableFromInline package struct InstructionSignature: Hashable, Sendable {
  @usableFromInline package var operands: (OperandType, OperandType, OperandType)
  @usableFromInline package var operandCount: UInt8
  /// The result type, or `unknown` when the instruction has no result.
  @usableFromInline package var result: OperandType

  @inlinable
  package init(_ operand: OperandType, _ result: OperandType) {
    self.operands = (operand, .unknown, .unknown)
    self.operandCount = 1
    self.result = result
  }

  @inlinable
  package init(_ first: OperandType, _ second: OperandType, _ result: OperandType) {
    self.operands = (first, second, .unknown)
    self.operandCount = 2
    self.result = result
  }

  @inlinable
  package init(
    _ first: OperandType, _ second: OperandType, _ third: OperandType, _ result: OperandType
  ) {
    self.operands = (first, second, third)
    self.operandCount = 3
    self.result = result
  }

  @usableFromInline package static func == (a: InstructionSignature, b: InstructionSignature)
    -> Bool
  {
    a.operands.0 == b.operands.0 && a.operands.1 == b.operands.1 && a.operands.2 == b.operands.2
      && a.operandCount == b.operandCount && a.result == b.result
  }

  @usableFromInline package func hash(into hasher: inout Hasher) {
    hasher.combine(operands.0)
    hasher.combine(operands.1)
    hasher.combine(operands.2)
    hasher.combine(operandCount)
    hasher.combine(result)
  }
}
