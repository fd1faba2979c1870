// Fused compare-and-branch handlers (`iNN.cmp` + `br_if`, and `if` with the
// inverted comparison): one dispatch instead of two for most loop conditions.
// Table-like code, one line per handler.

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
