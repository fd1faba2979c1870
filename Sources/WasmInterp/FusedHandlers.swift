// Fused compare-and-branch handlers (`iNN.cmp` + `br_if`, and `if` with the
// inverted comparison): one dispatch instead of two for most loop conditions.
// Table-like code, one line per handler.

import WasmCore

func brIfI32Eq(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) == UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32EqLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) == UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32Ne(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) != UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32NeLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) != UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32LtS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in Int32(truncatingIfNeeded: a) < Int32(truncatingIfNeeded: b)
  }
}
func brIfI32LtSLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    Int32(truncatingIfNeeded: a) < Int32(truncatingIfNeeded: b)
  }
}
func brIfI32LtU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) < UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32LtULoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) < UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32GtS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in Int32(truncatingIfNeeded: a) > Int32(truncatingIfNeeded: b)
  }
}
func brIfI32GtSLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    Int32(truncatingIfNeeded: a) > Int32(truncatingIfNeeded: b)
  }
}
func brIfI32GtU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) > UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32GtULoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) > UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32LeS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in Int32(truncatingIfNeeded: a) <= Int32(truncatingIfNeeded: b)
  }
}
func brIfI32LeSLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    Int32(truncatingIfNeeded: a) <= Int32(truncatingIfNeeded: b)
  }
}
func brIfI32LeU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) <= UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32LeULoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) <= UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32GeS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in Int32(truncatingIfNeeded: a) >= Int32(truncatingIfNeeded: b)
  }
}
func brIfI32GeSLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    Int32(truncatingIfNeeded: a) >= Int32(truncatingIfNeeded: b)
  }
}
func brIfI32GeU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) >= UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32GeULoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) >= UInt32(truncatingIfNeeded: b)
  }
}
func brIfI64Eq(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) == UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64EqLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) == UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64Ne(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) != UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64NeLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) != UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64LtS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in Int64(truncatingIfNeeded: a) < Int64(truncatingIfNeeded: b)
  }
}
func brIfI64LtSLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    Int64(truncatingIfNeeded: a) < Int64(truncatingIfNeeded: b)
  }
}
func brIfI64LtU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) < UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64LtULoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) < UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64GtS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in Int64(truncatingIfNeeded: a) > Int64(truncatingIfNeeded: b)
  }
}
func brIfI64GtSLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    Int64(truncatingIfNeeded: a) > Int64(truncatingIfNeeded: b)
  }
}
func brIfI64GtU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) > UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64GtULoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) > UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64LeS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in Int64(truncatingIfNeeded: a) <= Int64(truncatingIfNeeded: b)
  }
}
func brIfI64LeSLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    Int64(truncatingIfNeeded: a) <= Int64(truncatingIfNeeded: b)
  }
}
func brIfI64LeU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) <= UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64LeULoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) <= UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64GeS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in Int64(truncatingIfNeeded: a) >= Int64(truncatingIfNeeded: b)
  }
}
func brIfI64GeSLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    Int64(truncatingIfNeeded: a) >= Int64(truncatingIfNeeded: b)
  }
}
func brIfI64GeU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIf(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) >= UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64GeULoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfLoop(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) >= UInt64(truncatingIfNeeded: b)
  }
}

// Comparisons against an immediate (`local.get i; i32.const 100; i32.lt_s; br_if`).
func brIfI32EqImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) == UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32EqImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) == UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32NeImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) != UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32NeImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) != UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32LtSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    Int32(truncatingIfNeeded: a) < Int32(truncatingIfNeeded: b)
  }
}
func brIfI32LtSImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    Int32(truncatingIfNeeded: a) < Int32(truncatingIfNeeded: b)
  }
}
func brIfI32LtUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) < UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32LtUImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) < UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32GtSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    Int32(truncatingIfNeeded: a) > Int32(truncatingIfNeeded: b)
  }
}
func brIfI32GtSImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    Int32(truncatingIfNeeded: a) > Int32(truncatingIfNeeded: b)
  }
}
func brIfI32GtUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) > UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32GtUImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) > UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32LeSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    Int32(truncatingIfNeeded: a) <= Int32(truncatingIfNeeded: b)
  }
}
func brIfI32LeSImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    Int32(truncatingIfNeeded: a) <= Int32(truncatingIfNeeded: b)
  }
}
func brIfI32LeUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) <= UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32LeUImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) <= UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32GeSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    Int32(truncatingIfNeeded: a) >= Int32(truncatingIfNeeded: b)
  }
}
func brIfI32GeSImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    Int32(truncatingIfNeeded: a) >= Int32(truncatingIfNeeded: b)
  }
}
func brIfI32GeUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) >= UInt32(truncatingIfNeeded: b)
  }
}
func brIfI32GeUImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    UInt32(truncatingIfNeeded: a) >= UInt32(truncatingIfNeeded: b)
  }
}
func brIfI64EqImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) == UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64EqImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) == UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64NeImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) != UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64NeImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) != UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64LtSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    Int64(truncatingIfNeeded: a) < Int64(truncatingIfNeeded: b)
  }
}
func brIfI64LtSImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    Int64(truncatingIfNeeded: a) < Int64(truncatingIfNeeded: b)
  }
}
func brIfI64LtUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) < UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64LtUImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) < UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64GtSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    Int64(truncatingIfNeeded: a) > Int64(truncatingIfNeeded: b)
  }
}
func brIfI64GtSImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    Int64(truncatingIfNeeded: a) > Int64(truncatingIfNeeded: b)
  }
}
func brIfI64GtUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) > UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64GtUImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) > UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64LeSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    Int64(truncatingIfNeeded: a) <= Int64(truncatingIfNeeded: b)
  }
}
func brIfI64LeSImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    Int64(truncatingIfNeeded: a) <= Int64(truncatingIfNeeded: b)
  }
}
func brIfI64LeUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) <= UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64LeUImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) <= UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64GeSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    Int64(truncatingIfNeeded: a) >= Int64(truncatingIfNeeded: b)
  }
}
func brIfI64GeSImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    Int64(truncatingIfNeeded: a) >= Int64(truncatingIfNeeded: b)
  }
}
func brIfI64GeUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImm(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) >= UInt64(truncatingIfNeeded: b)
  }
}
func brIfI64GeUImmLoop(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  branchIfImmLoop(pc, fp, md, ms, c) { a, b in
    UInt64(truncatingIfNeeded: a) >= UInt64(truncatingIfNeeded: b)
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
