// Scalar numeric instructions: no immediates, a fixed signature.
// https://webassembly.github.io/spec/core/binary/instructions.html#numeric-instructions
//
// Raw values are the encodings: the opcode byte for 0x45...0xC4 (comparisons,
// arithmetic, conversions, sign extension) and `0xFC00 | subopcode` for the
// saturating truncations (0xFC 0...7). Table-like code: one case a line.

/// A scalar numeric instruction (comparison, arithmetic, conversion, sign
/// extension or saturating truncation).
public enum NumericOp: UInt16, Hashable, Sendable, CaseIterable {
  case i32Eqz = 0x45
  case i32Eq = 0x46
  case i32Ne = 0x47
  case i32LtS = 0x48
  case i32LtU = 0x49
  case i32GtS = 0x4A
  case i32GtU = 0x4B
  case i32LeS = 0x4C
  case i32LeU = 0x4D
  case i32GeS = 0x4E
  case i32GeU = 0x4F
  case i64Eqz = 0x50
  case i64Eq = 0x51
  case i64Ne = 0x52
  case i64LtS = 0x53
  case i64LtU = 0x54
  case i64GtS = 0x55
  case i64GtU = 0x56
  case i64LeS = 0x57
  case i64LeU = 0x58
  case i64GeS = 0x59
  case i64GeU = 0x5A
  case f32Eq = 0x5B
  case f32Ne = 0x5C
  case f32Lt = 0x5D
  case f32Gt = 0x5E
  case f32Le = 0x5F
  case f32Ge = 0x60
  case f64Eq = 0x61
  case f64Ne = 0x62
  case f64Lt = 0x63
  case f64Gt = 0x64
  case f64Le = 0x65
  case f64Ge = 0x66
  case i32Clz = 0x67
  case i32Ctz = 0x68
  case i32Popcnt = 0x69
  case i32Add = 0x6A
  case i32Sub = 0x6B
  case i32Mul = 0x6C
  case i32DivS = 0x6D
  case i32DivU = 0x6E
  case i32RemS = 0x6F
  case i32RemU = 0x70
  case i32And = 0x71
  case i32Or = 0x72
  case i32Xor = 0x73
  case i32Shl = 0x74
  case i32ShrS = 0x75
  case i32ShrU = 0x76
  case i32Rotl = 0x77
  case i32Rotr = 0x78
  case i64Clz = 0x79
  case i64Ctz = 0x7A
  case i64Popcnt = 0x7B
  case i64Add = 0x7C
  case i64Sub = 0x7D
  case i64Mul = 0x7E
  case i64DivS = 0x7F
  case i64DivU = 0x80
  case i64RemS = 0x81
  case i64RemU = 0x82
  case i64And = 0x83
  case i64Or = 0x84
  case i64Xor = 0x85
  case i64Shl = 0x86
  case i64ShrS = 0x87
  case i64ShrU = 0x88
  case i64Rotl = 0x89
  case i64Rotr = 0x8A
  case f32Abs = 0x8B
  case f32Neg = 0x8C
  case f32Ceil = 0x8D
  case f32Floor = 0x8E
  case f32Trunc = 0x8F
  case f32Nearest = 0x90
  case f32Sqrt = 0x91
  case f32Add = 0x92
  case f32Sub = 0x93
  case f32Mul = 0x94
  case f32Div = 0x95
  case f32Min = 0x96
  case f32Max = 0x97
  case f32Copysign = 0x98
  case f64Abs = 0x99
  case f64Neg = 0x9A
  case f64Ceil = 0x9B
  case f64Floor = 0x9C
  case f64Trunc = 0x9D
  case f64Nearest = 0x9E
  case f64Sqrt = 0x9F
  case f64Add = 0xA0
  case f64Sub = 0xA1
  case f64Mul = 0xA2
  case f64Div = 0xA3
  case f64Min = 0xA4
  case f64Max = 0xA5
  case f64Copysign = 0xA6
  case i32WrapI64 = 0xA7
  case i32TruncF32S = 0xA8
  case i32TruncF32U = 0xA9
  case i32TruncF64S = 0xAA
  case i32TruncF64U = 0xAB
  case i64ExtendI32S = 0xAC
  case i64ExtendI32U = 0xAD
  case i64TruncF32S = 0xAE
  case i64TruncF32U = 0xAF
  case i64TruncF64S = 0xB0
  case i64TruncF64U = 0xB1
  case f32ConvertI32S = 0xB2
  case f32ConvertI32U = 0xB3
  case f32ConvertI64S = 0xB4
  case f32ConvertI64U = 0xB5
  case f32DemoteF64 = 0xB6
  case f64ConvertI32S = 0xB7
  case f64ConvertI32U = 0xB8
  case f64ConvertI64S = 0xB9
  case f64ConvertI64U = 0xBA
  case f64PromoteF32 = 0xBB
  case i32ReinterpretF32 = 0xBC
  case i64ReinterpretF64 = 0xBD
  case f32ReinterpretI32 = 0xBE
  case f64ReinterpretI64 = 0xBF
  case i32Extend8S = 0xC0
  case i32Extend16S = 0xC1
  case i64Extend8S = 0xC2
  case i64Extend16S = 0xC3
  case i64Extend32S = 0xC4
  case i32TruncSatF32S = 0xFC00
  case i32TruncSatF32U = 0xFC01
  case i32TruncSatF64S = 0xFC02
  case i32TruncSatF64U = 0xFC03
  case i64TruncSatF32S = 0xFC04
  case i64TruncSatF32U = 0xFC05
  case i64TruncSatF64S = 0xFC06
  case i64TruncSatF64U = 0xFC07

  /// The operand and result types.
  @inlinable
  public var signature: InstructionSignature {
    let code = rawValue
    switch code {
    case 0x45: return InstructionSignature(.i32, .i32)
    case 0x46...0x4F: return InstructionSignature(.i32, .i32, .i32)
    case 0x50: return InstructionSignature(.i64, .i32)
    case 0x51...0x5A: return InstructionSignature(.i64, .i64, .i32)
    case 0x5B...0x60: return InstructionSignature(.f32, .f32, .i32)
    case 0x61...0x66: return InstructionSignature(.f64, .f64, .i32)
    case 0x67...0x69: return InstructionSignature(.i32, .i32)
    case 0x6A...0x78: return InstructionSignature(.i32, .i32, .i32)
    case 0x79...0x7B: return InstructionSignature(.i64, .i64)
    case 0x7C...0x8A: return InstructionSignature(.i64, .i64, .i64)
    case 0x8B...0x91: return InstructionSignature(.f32, .f32)
    case 0x92...0x98: return InstructionSignature(.f32, .f32, .f32)
    case 0x99...0x9F: return InstructionSignature(.f64, .f64)
    case 0xA0...0xA6: return InstructionSignature(.f64, .f64, .f64)
    case 0xA7: return InstructionSignature(.i64, .i32)
    case 0xA8, 0xA9: return InstructionSignature(.f32, .i32)
    case 0xAA, 0xAB: return InstructionSignature(.f64, .i32)
    case 0xAC, 0xAD: return InstructionSignature(.i32, .i64)
    case 0xAE, 0xAF: return InstructionSignature(.f32, .i64)
    case 0xB0, 0xB1: return InstructionSignature(.f64, .i64)
    case 0xB2, 0xB3: return InstructionSignature(.i32, .f32)
    case 0xB4, 0xB5: return InstructionSignature(.i64, .f32)
    case 0xB6: return InstructionSignature(.f64, .f32)
    case 0xB7, 0xB8: return InstructionSignature(.i32, .f64)
    case 0xB9, 0xBA: return InstructionSignature(.i64, .f64)
    case 0xBB: return InstructionSignature(.f32, .f64)
    case 0xBC: return InstructionSignature(.f32, .i32)
    case 0xBD: return InstructionSignature(.f64, .i64)
    case 0xBE: return InstructionSignature(.i32, .f32)
    case 0xBF: return InstructionSignature(.i64, .f64)
    case 0xC0, 0xC1: return InstructionSignature(.i32, .i32)
    case 0xC2...0xC4: return InstructionSignature(.i64, .i64)
    case 0xFC00, 0xFC01: return InstructionSignature(.f32, .i32)
    case 0xFC02, 0xFC03: return InstructionSignature(.f64, .i32)
    case 0xFC04, 0xFC05: return InstructionSignature(.f32, .i64)
    default: return InstructionSignature(.f64, .i64)  // 0xFC06, 0xFC07
    }
  }
}
