// The handler of each numeric instruction, and its immediate-operand variant.
// Table-like code: one case a line. Reinterpretations are plain copies, as slots
// hold bit patterns.

import WasmCore

/// (handler, handler taking the second operand as an immediate).
func numericHandlers(_ op: NumericOp) -> (Handler, Handler?) {
  switch op {
  case .i32Eqz: return ({ i32Eqz($0, $1, $2, $3, $4) }, nil)
  case .i32Eq: return ({ i32Eq($0, $1, $2, $3, $4) }, { i32EqImm($0, $1, $2, $3, $4) })
  case .i32Ne: return ({ i32Ne($0, $1, $2, $3, $4) }, { i32NeImm($0, $1, $2, $3, $4) })
  case .i32LtS: return ({ i32LtS($0, $1, $2, $3, $4) }, { i32LtSImm($0, $1, $2, $3, $4) })
  case .i32LtU: return ({ i32LtU($0, $1, $2, $3, $4) }, { i32LtUImm($0, $1, $2, $3, $4) })
  case .i32GtS: return ({ i32GtS($0, $1, $2, $3, $4) }, { i32GtSImm($0, $1, $2, $3, $4) })
  case .i32GtU: return ({ i32GtU($0, $1, $2, $3, $4) }, { i32GtUImm($0, $1, $2, $3, $4) })
  case .i32LeS: return ({ i32LeS($0, $1, $2, $3, $4) }, { i32LeSImm($0, $1, $2, $3, $4) })
  case .i32LeU: return ({ i32LeU($0, $1, $2, $3, $4) }, { i32LeUImm($0, $1, $2, $3, $4) })
  case .i32GeS: return ({ i32GeS($0, $1, $2, $3, $4) }, { i32GeSImm($0, $1, $2, $3, $4) })
  case .i32GeU: return ({ i32GeU($0, $1, $2, $3, $4) }, { i32GeUImm($0, $1, $2, $3, $4) })
  case .i64Eqz: return ({ i64Eqz($0, $1, $2, $3, $4) }, nil)
  case .i64Eq: return ({ i64Eq($0, $1, $2, $3, $4) }, { i64EqImm($0, $1, $2, $3, $4) })
  case .i64Ne: return ({ i64Ne($0, $1, $2, $3, $4) }, { i64NeImm($0, $1, $2, $3, $4) })
  case .i64LtS: return ({ i64LtS($0, $1, $2, $3, $4) }, { i64LtSImm($0, $1, $2, $3, $4) })
  case .i64LtU: return ({ i64LtU($0, $1, $2, $3, $4) }, { i64LtUImm($0, $1, $2, $3, $4) })
  case .i64GtS: return ({ i64GtS($0, $1, $2, $3, $4) }, { i64GtSImm($0, $1, $2, $3, $4) })
  case .i64GtU: return ({ i64GtU($0, $1, $2, $3, $4) }, { i64GtUImm($0, $1, $2, $3, $4) })
  case .i64LeS: return ({ i64LeS($0, $1, $2, $3, $4) }, { i64LeSImm($0, $1, $2, $3, $4) })
  case .i64LeU: return ({ i64LeU($0, $1, $2, $3, $4) }, { i64LeUImm($0, $1, $2, $3, $4) })
  case .i64GeS: return ({ i64GeS($0, $1, $2, $3, $4) }, { i64GeSImm($0, $1, $2, $3, $4) })
  case .i64GeU: return ({ i64GeU($0, $1, $2, $3, $4) }, { i64GeUImm($0, $1, $2, $3, $4) })
  case .f32Eq: return ({ f32Eq($0, $1, $2, $3, $4) }, nil)
  case .f32Ne: return ({ f32Ne($0, $1, $2, $3, $4) }, nil)
  case .f32Lt: return ({ f32Lt($0, $1, $2, $3, $4) }, nil)
  case .f32Gt: return ({ f32Gt($0, $1, $2, $3, $4) }, nil)
  case .f32Le: return ({ f32Le($0, $1, $2, $3, $4) }, nil)
  case .f32Ge: return ({ f32Ge($0, $1, $2, $3, $4) }, nil)
  case .f64Eq: return ({ f64Eq($0, $1, $2, $3, $4) }, nil)
  case .f64Ne: return ({ f64Ne($0, $1, $2, $3, $4) }, nil)
  case .f64Lt: return ({ f64Lt($0, $1, $2, $3, $4) }, nil)
  case .f64Gt: return ({ f64Gt($0, $1, $2, $3, $4) }, nil)
  case .f64Le: return ({ f64Le($0, $1, $2, $3, $4) }, nil)
  case .f64Ge: return ({ f64Ge($0, $1, $2, $3, $4) }, nil)
  case .i32Clz: return ({ i32Clz($0, $1, $2, $3, $4) }, nil)
  case .i32Ctz: return ({ i32Ctz($0, $1, $2, $3, $4) }, nil)
  case .i32Popcnt: return ({ i32Popcnt($0, $1, $2, $3, $4) }, nil)
  case .i32Add: return ({ i32Add($0, $1, $2, $3, $4) }, { i32AddImm($0, $1, $2, $3, $4) })
  case .i32Sub: return ({ i32Sub($0, $1, $2, $3, $4) }, { i32SubImm($0, $1, $2, $3, $4) })
  case .i32Mul: return ({ i32Mul($0, $1, $2, $3, $4) }, { i32MulImm($0, $1, $2, $3, $4) })
  case .i32DivS: return ({ i32DivS($0, $1, $2, $3, $4) }, nil)
  case .i32DivU: return ({ i32DivU($0, $1, $2, $3, $4) }, nil)
  case .i32RemS: return ({ i32RemS($0, $1, $2, $3, $4) }, nil)
  case .i32RemU: return ({ i32RemU($0, $1, $2, $3, $4) }, nil)
  case .i32And: return ({ i32And($0, $1, $2, $3, $4) }, { i32AndImm($0, $1, $2, $3, $4) })
  case .i32Or: return ({ i32Or($0, $1, $2, $3, $4) }, { i32OrImm($0, $1, $2, $3, $4) })
  case .i32Xor: return ({ i32Xor($0, $1, $2, $3, $4) }, { i32XorImm($0, $1, $2, $3, $4) })
  case .i32Shl: return ({ i32Shl($0, $1, $2, $3, $4) }, { i32ShlImm($0, $1, $2, $3, $4) })
  case .i32ShrS: return ({ i32ShrS($0, $1, $2, $3, $4) }, { i32ShrSImm($0, $1, $2, $3, $4) })
  case .i32ShrU: return ({ i32ShrU($0, $1, $2, $3, $4) }, { i32ShrUImm($0, $1, $2, $3, $4) })
  case .i32Rotl: return ({ i32Rotl($0, $1, $2, $3, $4) }, { i32RotlImm($0, $1, $2, $3, $4) })
  case .i32Rotr: return ({ i32Rotr($0, $1, $2, $3, $4) }, { i32RotrImm($0, $1, $2, $3, $4) })
  case .i64Clz: return ({ i64Clz($0, $1, $2, $3, $4) }, nil)
  case .i64Ctz: return ({ i64Ctz($0, $1, $2, $3, $4) }, nil)
  case .i64Popcnt: return ({ i64Popcnt($0, $1, $2, $3, $4) }, nil)
  case .i64Add: return ({ i64Add($0, $1, $2, $3, $4) }, { i64AddImm($0, $1, $2, $3, $4) })
  case .i64Sub: return ({ i64Sub($0, $1, $2, $3, $4) }, { i64SubImm($0, $1, $2, $3, $4) })
  case .i64Mul: return ({ i64Mul($0, $1, $2, $3, $4) }, { i64MulImm($0, $1, $2, $3, $4) })
  case .i64DivS: return ({ i64DivS($0, $1, $2, $3, $4) }, nil)
  case .i64DivU: return ({ i64DivU($0, $1, $2, $3, $4) }, nil)
  case .i64RemS: return ({ i64RemS($0, $1, $2, $3, $4) }, nil)
  case .i64RemU: return ({ i64RemU($0, $1, $2, $3, $4) }, nil)
  case .i64And: return ({ i64And($0, $1, $2, $3, $4) }, { i64AndImm($0, $1, $2, $3, $4) })
  case .i64Or: return ({ i64Or($0, $1, $2, $3, $4) }, { i64OrImm($0, $1, $2, $3, $4) })
  case .i64Xor: return ({ i64Xor($0, $1, $2, $3, $4) }, { i64XorImm($0, $1, $2, $3, $4) })
  case .i64Shl: return ({ i64Shl($0, $1, $2, $3, $4) }, { i64ShlImm($0, $1, $2, $3, $4) })
  case .i64ShrS: return ({ i64ShrS($0, $1, $2, $3, $4) }, { i64ShrSImm($0, $1, $2, $3, $4) })
  case .i64ShrU: return ({ i64ShrU($0, $1, $2, $3, $4) }, { i64ShrUImm($0, $1, $2, $3, $4) })
  case .i64Rotl: return ({ i64Rotl($0, $1, $2, $3, $4) }, { i64RotlImm($0, $1, $2, $3, $4) })
  case .i64Rotr: return ({ i64Rotr($0, $1, $2, $3, $4) }, { i64RotrImm($0, $1, $2, $3, $4) })
  case .f32Abs: return ({ f32Abs($0, $1, $2, $3, $4) }, nil)
  case .f32Neg: return ({ f32Neg($0, $1, $2, $3, $4) }, nil)
  case .f32Ceil: return ({ f32Ceil($0, $1, $2, $3, $4) }, nil)
  case .f32Floor: return ({ f32Floor($0, $1, $2, $3, $4) }, nil)
  case .f32Trunc: return ({ f32Trunc($0, $1, $2, $3, $4) }, nil)
  case .f32Nearest: return ({ f32Nearest($0, $1, $2, $3, $4) }, nil)
  case .f32Sqrt: return ({ f32Sqrt($0, $1, $2, $3, $4) }, nil)
  case .f32Add: return ({ f32Add($0, $1, $2, $3, $4) }, nil)
  case .f32Sub: return ({ f32Sub($0, $1, $2, $3, $4) }, nil)
  case .f32Mul: return ({ f32Mul($0, $1, $2, $3, $4) }, nil)
  case .f32Div: return ({ f32Div($0, $1, $2, $3, $4) }, nil)
  case .f32Min: return ({ f32Min($0, $1, $2, $3, $4) }, nil)
  case .f32Max: return ({ f32Max($0, $1, $2, $3, $4) }, nil)
  case .f32Copysign: return ({ f32Copysign($0, $1, $2, $3, $4) }, nil)
  case .f64Abs: return ({ f64Abs($0, $1, $2, $3, $4) }, nil)
  case .f64Neg: return ({ f64Neg($0, $1, $2, $3, $4) }, nil)
  case .f64Ceil: return ({ f64Ceil($0, $1, $2, $3, $4) }, nil)
  case .f64Floor: return ({ f64Floor($0, $1, $2, $3, $4) }, nil)
  case .f64Trunc: return ({ f64Trunc($0, $1, $2, $3, $4) }, nil)
  case .f64Nearest: return ({ f64Nearest($0, $1, $2, $3, $4) }, nil)
  case .f64Sqrt: return ({ f64Sqrt($0, $1, $2, $3, $4) }, nil)
  case .f64Add: return ({ f64Add($0, $1, $2, $3, $4) }, nil)
  case .f64Sub: return ({ f64Sub($0, $1, $2, $3, $4) }, nil)
  case .f64Mul: return ({ f64Mul($0, $1, $2, $3, $4) }, nil)
  case .f64Div: return ({ f64Div($0, $1, $2, $3, $4) }, nil)
  case .f64Min: return ({ f64Min($0, $1, $2, $3, $4) }, nil)
  case .f64Max: return ({ f64Max($0, $1, $2, $3, $4) }, nil)
  case .f64Copysign: return ({ f64Copysign($0, $1, $2, $3, $4) }, nil)
  case .i32WrapI64: return ({ i32WrapI64($0, $1, $2, $3, $4) }, nil)
  case .i32TruncF32S: return ({ i32TruncF32S($0, $1, $2, $3, $4) }, nil)
  case .i32TruncF32U: return ({ i32TruncF32U($0, $1, $2, $3, $4) }, nil)
  case .i32TruncF64S: return ({ i32TruncF64S($0, $1, $2, $3, $4) }, nil)
  case .i32TruncF64U: return ({ i32TruncF64U($0, $1, $2, $3, $4) }, nil)
  case .i64ExtendI32S: return ({ i64ExtendI32S($0, $1, $2, $3, $4) }, nil)
  case .i64ExtendI32U: return ({ i64ExtendI32U($0, $1, $2, $3, $4) }, nil)
  case .i64TruncF32S: return ({ i64TruncF32S($0, $1, $2, $3, $4) }, nil)
  case .i64TruncF32U: return ({ i64TruncF32U($0, $1, $2, $3, $4) }, nil)
  case .i64TruncF64S: return ({ i64TruncF64S($0, $1, $2, $3, $4) }, nil)
  case .i64TruncF64U: return ({ i64TruncF64U($0, $1, $2, $3, $4) }, nil)
  case .f32ConvertI32S: return ({ f32ConvertI32S($0, $1, $2, $3, $4) }, nil)
  case .f32ConvertI32U: return ({ f32ConvertI32U($0, $1, $2, $3, $4) }, nil)
  case .f32ConvertI64S: return ({ f32ConvertI64S($0, $1, $2, $3, $4) }, nil)
  case .f32ConvertI64U: return ({ f32ConvertI64U($0, $1, $2, $3, $4) }, nil)
  case .f32DemoteF64: return ({ f32DemoteF64($0, $1, $2, $3, $4) }, nil)
  case .f64ConvertI32S: return ({ f64ConvertI32S($0, $1, $2, $3, $4) }, nil)
  case .f64ConvertI32U: return ({ f64ConvertI32U($0, $1, $2, $3, $4) }, nil)
  case .f64ConvertI64S: return ({ f64ConvertI64S($0, $1, $2, $3, $4) }, nil)
  case .f64ConvertI64U: return ({ f64ConvertI64U($0, $1, $2, $3, $4) }, nil)
  case .f64PromoteF32: return ({ f64PromoteF32($0, $1, $2, $3, $4) }, nil)
  case .i32ReinterpretF32: return ({ copyOp($0, $1, $2, $3, $4) }, nil)
  case .i64ReinterpretF64: return ({ copyOp($0, $1, $2, $3, $4) }, nil)
  case .f32ReinterpretI32: return ({ copyOp($0, $1, $2, $3, $4) }, nil)
  case .f64ReinterpretI64: return ({ copyOp($0, $1, $2, $3, $4) }, nil)
  case .i32Extend8S: return ({ i32Extend8S($0, $1, $2, $3, $4) }, nil)
  case .i32Extend16S: return ({ i32Extend16S($0, $1, $2, $3, $4) }, nil)
  case .i64Extend8S: return ({ i64Extend8S($0, $1, $2, $3, $4) }, nil)
  case .i64Extend16S: return ({ i64Extend16S($0, $1, $2, $3, $4) }, nil)
  case .i64Extend32S: return ({ i64Extend32S($0, $1, $2, $3, $4) }, nil)
  case .i32TruncSatF32S: return ({ i32TruncSatF32S($0, $1, $2, $3, $4) }, nil)
  case .i32TruncSatF32U: return ({ i32TruncSatF32U($0, $1, $2, $3, $4) }, nil)
  case .i32TruncSatF64S: return ({ i32TruncSatF64S($0, $1, $2, $3, $4) }, nil)
  case .i32TruncSatF64U: return ({ i32TruncSatF64U($0, $1, $2, $3, $4) }, nil)
  case .i64TruncSatF32S: return ({ i64TruncSatF32S($0, $1, $2, $3, $4) }, nil)
  case .i64TruncSatF32U: return ({ i64TruncSatF32U($0, $1, $2, $3, $4) }, nil)
  case .i64TruncSatF64S: return ({ i64TruncSatF64S($0, $1, $2, $3, $4) }, nil)
  case .i64TruncSatF64U: return ({ i64TruncSatF64U($0, $1, $2, $3, $4) }, nil)
  }
}

/// The fused compare-and-branch handlers (plain, loop back-edge) for an integer
/// comparison, or for its negation (used by `if`, which branches when false).
func fusedBranch(_ op: NumericOp, negated: Bool, immediate: Bool = false) -> (Handler, Handler)? {
  var op = op
  if negated {
    switch op {
    case .i32Eq: op = .i32Ne
    case .i32Ne: op = .i32Eq
    case .i32LtS: op = .i32GeS
    case .i32LtU: op = .i32GeU
    case .i32GtS: op = .i32LeS
    case .i32GtU: op = .i32LeU
    case .i32LeS: op = .i32GtS
    case .i32LeU: op = .i32GtU
    case .i32GeS: op = .i32LtS
    case .i32GeU: op = .i32LtU
    case .i64Eq: op = .i64Ne
    case .i64Ne: op = .i64Eq
    case .i64LtS: op = .i64GeS
    case .i64LtU: op = .i64GeU
    case .i64GtS: op = .i64LeS
    case .i64GtU: op = .i64LeU
    case .i64LeS: op = .i64GtS
    case .i64LeU: op = .i64GtU
    case .i64GeS: op = .i64LtS
    case .i64GeU: op = .i64LtU
    default: return nil
    }
  }
  switch op {
  case .i32Eq:
    return immediate
      ? ({ brIfI32EqImm($0, $1, $2, $3, $4) }, { brIfI32EqImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI32Eq($0, $1, $2, $3, $4) }, { brIfI32EqLoop($0, $1, $2, $3, $4) })
  case .i32Ne:
    return immediate
      ? ({ brIfI32NeImm($0, $1, $2, $3, $4) }, { brIfI32NeImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI32Ne($0, $1, $2, $3, $4) }, { brIfI32NeLoop($0, $1, $2, $3, $4) })
  case .i32LtS:
    return immediate
      ? ({ brIfI32LtSImm($0, $1, $2, $3, $4) }, { brIfI32LtSImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI32LtS($0, $1, $2, $3, $4) }, { brIfI32LtSLoop($0, $1, $2, $3, $4) })
  case .i32LtU:
    return immediate
      ? ({ brIfI32LtUImm($0, $1, $2, $3, $4) }, { brIfI32LtUImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI32LtU($0, $1, $2, $3, $4) }, { brIfI32LtULoop($0, $1, $2, $3, $4) })
  case .i32GtS:
    return immediate
      ? ({ brIfI32GtSImm($0, $1, $2, $3, $4) }, { brIfI32GtSImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI32GtS($0, $1, $2, $3, $4) }, { brIfI32GtSLoop($0, $1, $2, $3, $4) })
  case .i32GtU:
    return immediate
      ? ({ brIfI32GtUImm($0, $1, $2, $3, $4) }, { brIfI32GtUImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI32GtU($0, $1, $2, $3, $4) }, { brIfI32GtULoop($0, $1, $2, $3, $4) })
  case .i32LeS:
    return immediate
      ? ({ brIfI32LeSImm($0, $1, $2, $3, $4) }, { brIfI32LeSImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI32LeS($0, $1, $2, $3, $4) }, { brIfI32LeSLoop($0, $1, $2, $3, $4) })
  case .i32LeU:
    return immediate
      ? ({ brIfI32LeUImm($0, $1, $2, $3, $4) }, { brIfI32LeUImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI32LeU($0, $1, $2, $3, $4) }, { brIfI32LeULoop($0, $1, $2, $3, $4) })
  case .i32GeS:
    return immediate
      ? ({ brIfI32GeSImm($0, $1, $2, $3, $4) }, { brIfI32GeSImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI32GeS($0, $1, $2, $3, $4) }, { brIfI32GeSLoop($0, $1, $2, $3, $4) })
  case .i32GeU:
    return immediate
      ? ({ brIfI32GeUImm($0, $1, $2, $3, $4) }, { brIfI32GeUImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI32GeU($0, $1, $2, $3, $4) }, { brIfI32GeULoop($0, $1, $2, $3, $4) })
  case .i64Eq:
    return immediate
      ? ({ brIfI64EqImm($0, $1, $2, $3, $4) }, { brIfI64EqImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI64Eq($0, $1, $2, $3, $4) }, { brIfI64EqLoop($0, $1, $2, $3, $4) })
  case .i64Ne:
    return immediate
      ? ({ brIfI64NeImm($0, $1, $2, $3, $4) }, { brIfI64NeImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI64Ne($0, $1, $2, $3, $4) }, { brIfI64NeLoop($0, $1, $2, $3, $4) })
  case .i64LtS:
    return immediate
      ? ({ brIfI64LtSImm($0, $1, $2, $3, $4) }, { brIfI64LtSImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI64LtS($0, $1, $2, $3, $4) }, { brIfI64LtSLoop($0, $1, $2, $3, $4) })
  case .i64LtU:
    return immediate
      ? ({ brIfI64LtUImm($0, $1, $2, $3, $4) }, { brIfI64LtUImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI64LtU($0, $1, $2, $3, $4) }, { brIfI64LtULoop($0, $1, $2, $3, $4) })
  case .i64GtS:
    return immediate
      ? ({ brIfI64GtSImm($0, $1, $2, $3, $4) }, { brIfI64GtSImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI64GtS($0, $1, $2, $3, $4) }, { brIfI64GtSLoop($0, $1, $2, $3, $4) })
  case .i64GtU:
    return immediate
      ? ({ brIfI64GtUImm($0, $1, $2, $3, $4) }, { brIfI64GtUImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI64GtU($0, $1, $2, $3, $4) }, { brIfI64GtULoop($0, $1, $2, $3, $4) })
  case .i64LeS:
    return immediate
      ? ({ brIfI64LeSImm($0, $1, $2, $3, $4) }, { brIfI64LeSImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI64LeS($0, $1, $2, $3, $4) }, { brIfI64LeSLoop($0, $1, $2, $3, $4) })
  case .i64LeU:
    return immediate
      ? ({ brIfI64LeUImm($0, $1, $2, $3, $4) }, { brIfI64LeUImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI64LeU($0, $1, $2, $3, $4) }, { brIfI64LeULoop($0, $1, $2, $3, $4) })
  case .i64GeS:
    return immediate
      ? ({ brIfI64GeSImm($0, $1, $2, $3, $4) }, { brIfI64GeSImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI64GeS($0, $1, $2, $3, $4) }, { brIfI64GeSLoop($0, $1, $2, $3, $4) })
  case .i64GeU:
    return immediate
      ? ({ brIfI64GeUImm($0, $1, $2, $3, $4) }, { brIfI64GeUImmLoop($0, $1, $2, $3, $4) })
      : ({ brIfI64GeU($0, $1, $2, $3, $4) }, { brIfI64GeULoop($0, $1, $2, $3, $4) })
  default: return nil
  }
}

func loadHandler(_ op: LoadOp) -> Handler? {
  switch op {
  case .i32Load: return { i32Load($0, $1, $2, $3, $4) }
  case .i64Load: return { i64Load($0, $1, $2, $3, $4) }
  case .f32Load: return { f32Load($0, $1, $2, $3, $4) }
  case .f64Load: return { f64Load($0, $1, $2, $3, $4) }
  case .i32Load8S: return { i32Load8S($0, $1, $2, $3, $4) }
  case .i32Load8U: return { i32Load8U($0, $1, $2, $3, $4) }
  case .i32Load16S: return { i32Load16S($0, $1, $2, $3, $4) }
  case .i32Load16U: return { i32Load16U($0, $1, $2, $3, $4) }
  case .i64Load8S: return { i64Load8S($0, $1, $2, $3, $4) }
  case .i64Load8U: return { i64Load8U($0, $1, $2, $3, $4) }
  case .i64Load16S: return { i64Load16S($0, $1, $2, $3, $4) }
  case .i64Load16U: return { i64Load16U($0, $1, $2, $3, $4) }
  case .i64Load32S: return { i64Load32S($0, $1, $2, $3, $4) }
  case .i64Load32U: return { i64Load32U($0, $1, $2, $3, $4) }
  default: return nil
  }
}

func storeHandler(_ op: StoreOp) -> Handler? {
  switch op {
  case .i32Store: return { i32Store($0, $1, $2, $3, $4) }
  case .i64Store: return { i64Store($0, $1, $2, $3, $4) }
  case .f32Store: return { f32Store($0, $1, $2, $3, $4) }
  case .f64Store: return { f64Store($0, $1, $2, $3, $4) }
  case .i32Store8: return { i32Store8($0, $1, $2, $3, $4) }
  case .i32Store16: return { i32Store16($0, $1, $2, $3, $4) }
  case .i64Store8: return { i64Store8($0, $1, $2, $3, $4) }
  case .i64Store16: return { i64Store16($0, $1, $2, $3, $4) }
  case .i64Store32: return { i64Store32($0, $1, $2, $3, $4) }
  default: return nil
  }
}
