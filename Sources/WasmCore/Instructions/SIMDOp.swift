// 128-bit SIMD instructions without immediates, with a fixed signature.
// https://webassembly.github.io/spec/core/binary/instructions.html#vector-instructions
//
// Raw values are the sub-opcodes after the 0xFD prefix. Instructions with
// immediates (loads, stores, `v128.const`, `i8x16.shuffle`, lane accesses) have their
// own types. Table-like code: one case a line. Relaxed SIMD (Wasm 3.0, sub-opcodes
// 0x100-0x113) extends this enum, gated by `Features.relaxedSIMD`.
// https://github.com/WebAssembly/relaxed-simd/blob/main/proposals/relaxed-simd/Overview.md

/// A v128 instruction without immediates.
public enum SIMDOp: UInt16, Hashable, Sendable, CaseIterable {
  case i8x16Swizzle = 0x0E
  case i8x16Splat = 0x0F
  case i16x8Splat = 0x10
  case i32x4Splat = 0x11
  case i64x2Splat = 0x12
  case f32x4Splat = 0x13
  case f64x2Splat = 0x14
  case i8x16Eq = 0x23
  case i8x16Ne = 0x24
  case i8x16LtS = 0x25
  case i8x16LtU = 0x26
  case i8x16GtS = 0x27
  case i8x16GtU = 0x28
  case i8x16LeS = 0x29
  case i8x16LeU = 0x2A
  case i8x16GeS = 0x2B
  case i8x16GeU = 0x2C
  case i16x8Eq = 0x2D
  case i16x8Ne = 0x2E
  case i16x8LtS = 0x2F
  case i16x8LtU = 0x30
  case i16x8GtS = 0x31
  case i16x8GtU = 0x32
  case i16x8LeS = 0x33
  case i16x8LeU = 0x34
  case i16x8GeS = 0x35
  case i16x8GeU = 0x36
  case i32x4Eq = 0x37
  case i32x4Ne = 0x38
  case i32x4LtS = 0x39
  case i32x4LtU = 0x3A
  case i32x4GtS = 0x3B
  case i32x4GtU = 0x3C
  case i32x4LeS = 0x3D
  case i32x4LeU = 0x3E
  case i32x4GeS = 0x3F
  case i32x4GeU = 0x40
  case f32x4Eq = 0x41
  case f32x4Ne = 0x42
  case f32x4Lt = 0x43
  case f32x4Gt = 0x44
  case f32x4Le = 0x45
  case f32x4Ge = 0x46
  case f64x2Eq = 0x47
  case f64x2Ne = 0x48
  case f64x2Lt = 0x49
  case f64x2Gt = 0x4A
  case f64x2Le = 0x4B
  case f64x2Ge = 0x4C
  case v128Not = 0x4D
  case v128And = 0x4E
  case v128AndNot = 0x4F
  case v128Or = 0x50
  case v128Xor = 0x51
  case v128Bitselect = 0x52
  case v128AnyTrue = 0x53
  case f32x4DemoteF64x2Zero = 0x5E
  case f64x2PromoteLowF32x4 = 0x5F
  case i8x16Abs = 0x60
  case i8x16Neg = 0x61
  case i8x16Popcnt = 0x62
  case i8x16AllTrue = 0x63
  case i8x16Bitmask = 0x64
  case i8x16NarrowI16x8S = 0x65
  case i8x16NarrowI16x8U = 0x66
  case f32x4Ceil = 0x67
  case f32x4Floor = 0x68
  case f32x4Trunc = 0x69
  case f32x4Nearest = 0x6A
  case i8x16Shl = 0x6B
  case i8x16ShrS = 0x6C
  case i8x16ShrU = 0x6D
  case i8x16Add = 0x6E
  case i8x16AddSatS = 0x6F
  case i8x16AddSatU = 0x70
  case i8x16Sub = 0x71
  case i8x16SubSatS = 0x72
  case i8x16SubSatU = 0x73
  case f64x2Ceil = 0x74
  case f64x2Floor = 0x75
  case i8x16MinS = 0x76
  case i8x16MinU = 0x77
  case i8x16MaxS = 0x78
  case i8x16MaxU = 0x79
  case f64x2Trunc = 0x7A
  case i8x16AvgrU = 0x7B
  case i16x8ExtaddPairwiseI8x16S = 0x7C
  case i16x8ExtaddPairwiseI8x16U = 0x7D
  case i32x4ExtaddPairwiseI16x8S = 0x7E
  case i32x4ExtaddPairwiseI16x8U = 0x7F
  case i16x8Abs = 0x80
  case i16x8Neg = 0x81
  case i16x8Q15mulrSatS = 0x82
  case i16x8AllTrue = 0x83
  case i16x8Bitmask = 0x84
  case i16x8NarrowI32x4S = 0x85
  case i16x8NarrowI32x4U = 0x86
  case i16x8ExtendLowI8x16S = 0x87
  case i16x8ExtendHighI8x16S = 0x88
  case i16x8ExtendLowI8x16U = 0x89
  case i16x8ExtendHighI8x16U = 0x8A
  case i16x8Shl = 0x8B
  case i16x8ShrS = 0x8C
  case i16x8ShrU = 0x8D
  case i16x8Add = 0x8E
  case i16x8AddSatS = 0x8F
  case i16x8AddSatU = 0x90
  case i16x8Sub = 0x91
  case i16x8SubSatS = 0x92
  case i16x8SubSatU = 0x93
  case f64x2Nearest = 0x94
  case i16x8Mul = 0x95
  case i16x8MinS = 0x96
  case i16x8MinU = 0x97
  case i16x8MaxS = 0x98
  case i16x8MaxU = 0x99
  case i16x8AvgrU = 0x9B
  case i16x8ExtmulLowI8x16S = 0x9C
  case i16x8ExtmulHighI8x16S = 0x9D
  case i16x8ExtmulLowI8x16U = 0x9E
  case i16x8ExtmulHighI8x16U = 0x9F
  case i32x4Abs = 0xA0
  case i32x4Neg = 0xA1
  case i32x4AllTrue = 0xA3
  case i32x4Bitmask = 0xA4
  case i32x4ExtendLowI16x8S = 0xA7
  case i32x4ExtendHighI16x8S = 0xA8
  case i32x4ExtendLowI16x8U = 0xA9
  case i32x4ExtendHighI16x8U = 0xAA
  case i32x4Shl = 0xAB
  case i32x4ShrS = 0xAC
  case i32x4ShrU = 0xAD
  case i32x4Add = 0xAE
  case i32x4Sub = 0xB1
  case i32x4Mul = 0xB5
  case i32x4MinS = 0xB6
  case i32x4MinU = 0xB7
  case i32x4MaxS = 0xB8
  case i32x4MaxU = 0xB9
  case i32x4DotI16x8S = 0xBA
  case i32x4ExtmulLowI16x8S = 0xBC
  case i32x4ExtmulHighI16x8S = 0xBD
  case i32x4ExtmulLowI16x8U = 0xBE
  case i32x4ExtmulHighI16x8U = 0xBF
  case i64x2Abs = 0xC0
  case i64x2Neg = 0xC1
  case i64x2AllTrue = 0xC3
  case i64x2Bitmask = 0xC4
  case i64x2ExtendLowI32x4S = 0xC7
  case i64x2ExtendHighI32x4S = 0xC8
  case i64x2ExtendLowI32x4U = 0xC9
  case i64x2ExtendHighI32x4U = 0xCA
  case i64x2Shl = 0xCB
  case i64x2ShrS = 0xCC
  case i64x2ShrU = 0xCD
  case i64x2Add = 0xCE
  case i64x2Sub = 0xD1
  case i64x2Mul = 0xD5
  case i64x2Eq = 0xD6
  case i64x2Ne = 0xD7
  case i64x2LtS = 0xD8
  case i64x2GtS = 0xD9
  case i64x2LeS = 0xDA
  case i64x2GeS = 0xDB
  case i64x2ExtmulLowI32x4S = 0xDC
  case i64x2ExtmulHighI32x4S = 0xDD
  case i64x2ExtmulLowI32x4U = 0xDE
  case i64x2ExtmulHighI32x4U = 0xDF
  case f32x4Abs = 0xE0
  case f32x4Neg = 0xE1
  case f32x4Sqrt = 0xE3
  case f32x4Add = 0xE4
  case f32x4Sub = 0xE5
  case f32x4Mul = 0xE6
  case f32x4Div = 0xE7
  case f32x4Min = 0xE8
  case f32x4Max = 0xE9
  case f32x4Pmin = 0xEA
  case f32x4Pmax = 0xEB
  case f64x2Abs = 0xEC
  case f64x2Neg = 0xED
  case f64x2Sqrt = 0xEF
  case f64x2Add = 0xF0
  case f64x2Sub = 0xF1
  case f64x2Mul = 0xF2
  case f64x2Div = 0xF3
  case f64x2Min = 0xF4
  case f64x2Max = 0xF5
  case f64x2Pmin = 0xF6
  case f64x2Pmax = 0xF7
  case i32x4TruncSatF32x4S = 0xF8
  case i32x4TruncSatF32x4U = 0xF9
  case f32x4ConvertI32x4S = 0xFA
  case f32x4ConvertI32x4U = 0xFB
  case i32x4TruncSatF64x2SZero = 0xFC
  case i32x4TruncSatF64x2UZero = 0xFD
  case f64x2ConvertLowI32x4S = 0xFE
  case f64x2ConvertLowI32x4U = 0xFF
  // Relaxed SIMD (Wasm 3.0): decoded only with `Features.relaxedSIMD`.
  case i8x16RelaxedSwizzle = 0x100
  case i32x4RelaxedTruncF32x4S = 0x101
  case i32x4RelaxedTruncF32x4U = 0x102
  case i32x4RelaxedTruncF64x2SZero = 0x103
  case i32x4RelaxedTruncF64x2UZero = 0x104
  case f32x4RelaxedMadd = 0x105
  case f32x4RelaxedNmadd = 0x106
  case f64x2RelaxedMadd = 0x107
  case f64x2RelaxedNmadd = 0x108
  case i8x16RelaxedLaneselect = 0x109
  case i16x8RelaxedLaneselect = 0x10A
  case i32x4RelaxedLaneselect = 0x10B
  case i64x2RelaxedLaneselect = 0x10C
  case f32x4RelaxedMin = 0x10D
  case f32x4RelaxedMax = 0x10E
  case f64x2RelaxedMin = 0x10F
  case f64x2RelaxedMax = 0x110
  case i16x8RelaxedQ15mulrS = 0x111
  case i16x8RelaxedDotI8x16I7x16S = 0x112
  case i32x4RelaxedDotI8x16I7x16AddS = 0x113

  /// Whether the instruction belongs to relaxed SIMD (`Features.relaxedSIMD`).
  @inlinable
  public var isRelaxed: Bool { rawValue >= 0x100 }

  /// The operand and result types.
  @inlinable
  public var signature: InstructionSignature {
    switch self {
    case .i8x16Splat, .i16x8Splat, .i32x4Splat:
      return InstructionSignature(.i32, .v128)
    case .i64x2Splat:
      return InstructionSignature(.i64, .v128)
    case .f32x4Splat:
      return InstructionSignature(.f32, .v128)
    case .f64x2Splat:
      return InstructionSignature(.f64, .v128)
    case .v128AnyTrue, .i8x16AllTrue, .i8x16Bitmask, .i16x8AllTrue, .i16x8Bitmask, .i32x4AllTrue,
      .i32x4Bitmask, .i64x2AllTrue, .i64x2Bitmask:
      return InstructionSignature(.v128, .i32)
    case .i8x16Shl, .i8x16ShrS, .i8x16ShrU, .i16x8Shl, .i16x8ShrS, .i16x8ShrU, .i32x4Shl,
      .i32x4ShrS, .i32x4ShrU, .i64x2Shl, .i64x2ShrS, .i64x2ShrU:
      return InstructionSignature(.v128, .i32, .v128)
    case .v128Bitselect, .f32x4RelaxedMadd, .f32x4RelaxedNmadd, .f64x2RelaxedMadd,
      .f64x2RelaxedNmadd, .i8x16RelaxedLaneselect, .i16x8RelaxedLaneselect,
      .i32x4RelaxedLaneselect, .i64x2RelaxedLaneselect, .i32x4RelaxedDotI8x16I7x16AddS:
      return InstructionSignature(.v128, .v128, .v128, .v128)
    case .v128Not, .f32x4DemoteF64x2Zero, .f64x2PromoteLowF32x4, .i8x16Abs, .i8x16Neg, .i8x16Popcnt,
      .f32x4Ceil, .f32x4Floor, .f32x4Trunc, .f32x4Nearest, .f64x2Ceil, .f64x2Floor, .f64x2Trunc,
      .i16x8ExtaddPairwiseI8x16S, .i16x8ExtaddPairwiseI8x16U, .i32x4ExtaddPairwiseI16x8S,
      .i32x4ExtaddPairwiseI16x8U, .i16x8Abs, .i16x8Neg, .i16x8ExtendLowI8x16S,
      .i16x8ExtendHighI8x16S, .i16x8ExtendLowI8x16U, .i16x8ExtendHighI8x16U, .f64x2Nearest,
      .i32x4Abs, .i32x4Neg, .i32x4ExtendLowI16x8S, .i32x4ExtendHighI16x8S, .i32x4ExtendLowI16x8U,
      .i32x4ExtendHighI16x8U, .i64x2Abs, .i64x2Neg, .i64x2ExtendLowI32x4S, .i64x2ExtendHighI32x4S,
      .i64x2ExtendLowI32x4U, .i64x2ExtendHighI32x4U, .f32x4Abs, .f32x4Neg, .f32x4Sqrt, .f64x2Abs,
      .f64x2Neg, .f64x2Sqrt, .i32x4TruncSatF32x4S, .i32x4TruncSatF32x4U, .f32x4ConvertI32x4S,
      .f32x4ConvertI32x4U, .i32x4TruncSatF64x2SZero, .i32x4TruncSatF64x2UZero,
      .f64x2ConvertLowI32x4S, .f64x2ConvertLowI32x4U, .i32x4RelaxedTruncF32x4S,
      .i32x4RelaxedTruncF32x4U, .i32x4RelaxedTruncF64x2SZero, .i32x4RelaxedTruncF64x2UZero:
      return InstructionSignature(.v128, .v128)
    default:
      return InstructionSignature(.v128, .v128, .v128)  // the binary operators
    }
  }
}
