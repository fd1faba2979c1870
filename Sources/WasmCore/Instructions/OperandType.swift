// The compact value type the validator keeps on its operand stack.
// https://webassembly.github.io/spec/core/appendix/algorithm.html
//
// `ValueType` is an enum with payloads; comparing and copying it on every
// instruction costs more than a word. The validator (and a translator built on it)
// works with this 64-bit code instead, plus `unknown`, the bottom type that the
// spec's algorithm pops from an unreachable stack. Two operand types with the same
// code are the same type; different codes may still be subtypes (a concrete
// function type of `func`, a non-null reference of a nullable one, two equivalent
// type indices), which `TypeTable.isSubtype` decides off the fast path.
//
// Layout: bits 0-7 the kind (0 unknown, 1-5 i32 i64 f32 f64 v128, 6 reference);
// for references bit 8 is "nullable", bits 16-23 the heap type (`heapCode`) and
// bits 32-63 a concrete type index.

/// A value type as a 64-bit code, or `unknown` (the bottom type of unreachable code).
@usableFromInline package struct OperandType: Hashable, Sendable, CustomStringConvertible {
  @usableFromInline package let rawValue: UInt64

  @inlinable
  package init(rawValue: UInt64) { self.rawValue = rawValue }

  @usableFromInline package static let unknown = OperandType(rawValue: 0)
  @usableFromInline package static let i32 = OperandType(rawValue: 1)
  @usableFromInline package static let i64 = OperandType(rawValue: 2)
  @usableFromInline package static let f32 = OperandType(rawValue: 3)
  @usableFromInline package static let f64 = OperandType(rawValue: 4)
  @usableFromInline package static let v128 = OperandType(rawValue: 5)
  // Literal codes (see the layout above), so that no initialiser runs.
  @usableFromInline package static let funcRef = OperandType(rawValue: 0x1_0106)
  @usableFromInline package static let externRef = OperandType(rawValue: 0x3_0106)
  @usableFromInline package static let exnRef = OperandType(rawValue: 0x5_0106)

  @usableFromInline static let referenceKind: UInt64 = 6
  @usableFromInline static let nullableBit: UInt64 = 1 << 8

  /// The code of a value type.
  @inlinable
  package init(_ type: ValueType) {
    switch type {
    case .i32: self = .i32
    case .i64: self = .i64
    case .f32: self = .f32
    case .f64: self = .f64
    case .v128: self = .v128
    case .ref(let ref): self.init(ref)
    }
  }

  /// The code of a reference type.
  @inlinable
  package init(_ type: ReferenceType) {
    var raw = OperandType.referenceKind | (type.isNullable ? OperandType.nullableBit : 0)
    raw |= UInt64(OperandType.heapCode(type.heapType)) << 16
    if case .concrete(let index) = type.heapType { raw |= UInt64(index) << 32 }
    self.rawValue = raw
  }

  @inlinable
  static func heapCode(_ heap: HeapType) -> UInt8 {
    switch heap {
    case .concrete: return 0
    case .function: return 1
    case .noFunction: return 2
    case .extern: return 3
    case .noExtern: return 4
    case .exception: return 5
    case .noException: return 6
    case .any: return 7
    case .eq: return 8
    case .i31: return 9
    case .struct: return 10
    case .array: return 11
    case .noAny: return 12
    case .bottom: return 13
    }
  }

  /// The heap type of a reference code.
  @inlinable
  package var heapType: HeapType {
    switch (rawValue >> 16) & 0xFF {
    case 0: return .concrete(UInt32(truncatingIfNeeded: rawValue >> 32))
    case 1: return .function
    case 2: return .noFunction
    case 3: return .extern
    case 4: return .noExtern
    case 5: return .exception
    case 6: return .noException
    case 7: return .any
    case 8: return .eq
    case 9: return .i31
    case 10: return .struct
    case 11: return .array
    case 12: return .noAny
    default: return .bottom
    }
  }

  /// The reference type, for a reference code.
  @inlinable
  package var referenceType: ReferenceType? {
    guard isReference else { return nil }
    return ReferenceType(isNullable: isNullable, heapType: heapType)
  }

  /// The value type, or nil for `unknown`.
  @inlinable
  package var valueType: ValueType? {
    switch rawValue & 0xFF {
    case 1: return .i32
    case 2: return .i64
    case 3: return .f32
    case 4: return .f64
    case 5: return .v128
    case 6: return .ref(ReferenceType(isNullable: isNullable, heapType: heapType))
    default: return nil
    }
  }

  @inlinable package var isUnknown: Bool { rawValue == 0 }
  /// A reference type.
  @inlinable package var isReference: Bool { rawValue & 0xFF == OperandType.referenceKind }
  /// A number or vector type (what untyped `select` accepts).
  @inlinable package var isNumericOrVector: Bool {
    let kind = rawValue & 0xFF
    return kind >= 1 && kind <= 5
  }
  /// Whether a reference type admits null.
  @inlinable package var isNullable: Bool { rawValue & OperandType.nullableBit != 0 }

  /// The non-null version of a reference type (`ref.as_non_null`, `br_on_null`).
  @inlinable
  package var nonNullable: OperandType { OperandType(rawValue: rawValue & ~OperandType.nullableBit) }

  /// `(ref bot)`: what `ref.as_non_null` of an unknown operand pushes.
  @usableFromInline package static let bottomReference = OperandType(rawValue: 0xD_0006)

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

  @usableFromInline package static func == (a: InstructionSignature, b: InstructionSignature) -> Bool {
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
