// Numeric handlers, one per Wasm numeric instruction (and `…Imm` variants whose
// second operand is an immediate). Table-like code, generated once by a throwaway
// script and kept by hand since; long by design.
// https://webassembly.github.io/spec/core/exec/numerics.html

// MARK: i32

func i32Add(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) &+ u32(b)) }
}

func i32Sub(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) &- u32(b)) }
}

func i32Mul(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) &* u32(b)) }
}

func i32And(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) & u32(b)) }
}

func i32Or(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) | u32(b)) }
}

func i32Xor(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) ^ u32(b)) }
}

func i32Shl(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) &<< u32(b)) }
}

func i32ShrS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in
    cell(UInt32(bitPattern: Int32(bitPattern: u32(a)) &>> Int32(bitPattern: u32(b))))
  }
}

func i32ShrU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) &>> u32(b)) }
}

func i32Rotl(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a).rotl(u32(b))) }
}

func i32Rotr(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a).rotr(u32(b))) }
}

func i32Eq(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) == u32(b)) }
}

func i32Ne(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) != u32(b)) }
}

func i32LtS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(Int32(bitPattern: u32(a)) < Int32(bitPattern: u32(b))) }
}

func i32LtU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) < u32(b)) }
}

func i32GtS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(Int32(bitPattern: u32(a)) > Int32(bitPattern: u32(b))) }
}

func i32GtU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) > u32(b)) }
}

func i32LeS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(Int32(bitPattern: u32(a)) <= Int32(bitPattern: u32(b))) }
}

func i32LeU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) <= u32(b)) }
}

func i32GeS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(Int32(bitPattern: u32(a)) >= Int32(bitPattern: u32(b))) }
}

func i32GeU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(u32(a) >= u32(b)) }
}

func i32AddImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) &+ u32(b)) }
}

func i32SubImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) &- u32(b)) }
}

func i32MulImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) &* u32(b)) }
}

func i32AndImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) & u32(b)) }
}

func i32OrImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) | u32(b)) }
}

func i32XorImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) ^ u32(b)) }
}

func i32ShlImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) &<< u32(b)) }
}

func i32ShrSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in
    cell(UInt32(bitPattern: Int32(bitPattern: u32(a)) &>> Int32(bitPattern: u32(b))))
  }
}

func i32ShrUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) &>> u32(b)) }
}

func i32EqImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) == u32(b)) }
}

func i32NeImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) != u32(b)) }
}

func i32LtSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(Int32(bitPattern: u32(a)) < Int32(bitPattern: u32(b)))
  }
}

func i32LtUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) < u32(b)) }
}

func i32GtSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(Int32(bitPattern: u32(a)) > Int32(bitPattern: u32(b)))
  }
}

func i32GtUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) > u32(b)) }
}

func i32LeSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in
    cell(Int32(bitPattern: u32(a)) <= Int32(bitPattern: u32(b)))
  }
}

func i32LeUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) <= u32(b)) }
}

func i32GeSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in
    cell(Int32(bitPattern: u32(a)) >= Int32(bitPattern: u32(b)))
  }
}

func i32GeUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(u32(a) >= u32(b)) }
}

func i32DivS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryTrapping(pc, fp, md, ms, c) { a, b in divS32(a, b) }
}

func i32DivU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryTrapping(pc, fp, md, ms, c) { a, b in divU32(a, b) }
}

func i32RemS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryTrapping(pc, fp, md, ms, c) { a, b in remS32(a, b) }
}

func i32RemU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryTrapping(pc, fp, md, ms, c) { a, b in remU32(a, b) }
}

func i32Eqz(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(u32(a) == 0) }
}

func i32Clz(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in UInt64(u32(a).leadingZeroBitCount) }
}

func i32Ctz(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in UInt64(u32(a).trailingZeroBitCount) }
}

func i32Popcnt(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in UInt64(u32(a).nonzeroBitCount) }
}

func i32Extend8S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: a)))) }
}

func i32Extend16S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: a)))) }
}

// MARK: i64

func i64Add(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in a &+ b }
}

func i64Sub(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in a &- b }
}

func i64Mul(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in a &* b }
}

func i64And(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in a & b }
}

func i64Or(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in a | b }
}

func i64Xor(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in a ^ b }
}

func i64Shl(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in a &<< b }
}

func i64ShrS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in
    UInt64(bitPattern: Int64(bitPattern: a) &>> Int64(bitPattern: b))
  }
}

func i64ShrU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in a &>> b }
}

func i64Rotl(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in a.rotl(b) }
}

func i64Rotr(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in a.rotr(b) }
}

func i64Eq(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(a == b) }
}

func i64Ne(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(a != b) }
}

func i64LtS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(Int64(bitPattern: a) < Int64(bitPattern: b)) }
}

func i64LtU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(a < b) }
}

func i64GtS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(Int64(bitPattern: a) > Int64(bitPattern: b)) }
}

func i64GtU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(a > b) }
}

func i64LeS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(Int64(bitPattern: a) <= Int64(bitPattern: b)) }
}

func i64LeU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(a <= b) }
}

func i64GeS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(Int64(bitPattern: a) >= Int64(bitPattern: b)) }
}

func i64GeU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(a >= b) }
}

func i64AddImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in a &+ b }
}

func i64SubImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in a &- b }
}

func i64MulImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in a &* b }
}

func i64AndImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in a & b }
}

func i64OrImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in a | b }
}

func i64XorImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in a ^ b }
}

func i64ShlImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in a &<< b }
}

func i64ShrSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in
    UInt64(bitPattern: Int64(bitPattern: a) &>> Int64(bitPattern: b))
  }
}

func i64ShrUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in a &>> b }
}

func i64EqImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(a == b) }
}

func i64NeImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(a != b) }
}

func i64LtSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(Int64(bitPattern: a) < Int64(bitPattern: b)) }
}

func i64LtUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(a < b) }
}

func i64GtSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(Int64(bitPattern: a) > Int64(bitPattern: b)) }
}

func i64GtUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(a > b) }
}

func i64LeSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(Int64(bitPattern: a) <= Int64(bitPattern: b)) }
}

func i64LeUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(a <= b) }
}

func i64GeSImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(Int64(bitPattern: a) >= Int64(bitPattern: b)) }
}

func i64GeUImm(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryImm(pc, fp, md, ms, c) { a, b in cell(a >= b) }
}

func i64DivS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryTrapping(pc, fp, md, ms, c) { a, b in divS64(a, b) }
}

func i64DivU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryTrapping(pc, fp, md, ms, c) { a, b in divU64(a, b) }
}

func i64RemS(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryTrapping(pc, fp, md, ms, c) { a, b in remS64(a, b) }
}

func i64RemU(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binaryTrapping(pc, fp, md, ms, c) { a, b in remU64(a, b) }
}

func i64Eqz(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(a == 0) }
}

func i64Clz(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in UInt64(a.leadingZeroBitCount) }
}

func i64Ctz(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in UInt64(a.trailingZeroBitCount) }
}

func i64Popcnt(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in UInt64(a.nonzeroBitCount) }
}

func i64Extend8S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: a))) }
}

func i64Extend16S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: a))) }
}

func i64Extend32S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: a))) }
}

// MARK: f32

func f32Add(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f32(a) + f32(b)) }
}

func f32Sub(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f32(a) - f32(b)) }
}

func f32Mul(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f32(a) * f32(b)) }
}

func f32Div(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f32(a) / f32(b)) }
}

func f32Min(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(wasmMin(f32(a), f32(b))) }
}

func f32Max(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(wasmMax(f32(a), f32(b))) }
}

func f32Eq(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f32(a) == f32(b)) }
}

func f32Ne(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f32(a) != f32(b)) }
}

func f32Lt(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f32(a) < f32(b)) }
}

func f32Gt(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f32(a) > f32(b)) }
}

func f32Le(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f32(a) <= f32(b)) }
}

func f32Ge(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f32(a) >= f32(b)) }
}

func f32Copysign(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in (a & 0x7fff_ffff) | (b & 0x8000_0000) }
}

func f32Abs(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in a & 0x7fff_ffff }
}

func f32Neg(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in (a ^ 0x8000_0000) & 0xffff_ffff }
}

func f32Ceil(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(f32(a).rounded(.up)) }
}

func f32Floor(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(f32(a).rounded(.down)) }
}

func f32Trunc(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(f32(a).rounded(.towardZero)) }
}

func f32Nearest(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(f32(a).rounded(.toNearestOrEven)) }
}

func f32Sqrt(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(f32(a).squareRoot()) }
}

// MARK: f64

func f64Add(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f64(a) + f64(b)) }
}

func f64Sub(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f64(a) - f64(b)) }
}

func f64Mul(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f64(a) * f64(b)) }
}

func f64Div(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f64(a) / f64(b)) }
}

func f64Min(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(wasmMin(f64(a), f64(b))) }
}

func f64Max(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(wasmMax(f64(a), f64(b))) }
}

func f64Eq(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f64(a) == f64(b)) }
}

func f64Ne(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f64(a) != f64(b)) }
}

func f64Lt(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f64(a) < f64(b)) }
}

func f64Gt(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f64(a) > f64(b)) }
}

func f64Le(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f64(a) <= f64(b)) }
}

func f64Ge(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in cell(f64(a) >= f64(b)) }
}

func f64Copysign(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  binary(pc, fp, md, ms, c) { a, b in (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000) }
}

func f64Abs(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in a & 0x7fff_ffff_ffff_ffff }
}

func f64Neg(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in a ^ 0x8000_0000_0000_0000 }
}

func f64Ceil(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(f64(a).rounded(.up)) }
}

func f64Floor(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(f64(a).rounded(.down)) }
}

func f64Trunc(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(f64(a).rounded(.towardZero)) }
}

func f64Nearest(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(f64(a).rounded(.toNearestOrEven)) }
}

func f64Sqrt(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(f64(a).squareRoot()) }
}

// MARK: conversions

func i32WrapI64(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in a & 0xffff_ffff }
}

func i64ExtendI32S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: a))) }
}

func i64ExtendI32U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in a & 0xffff_ffff }
}

func i32TruncF32S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unaryTrapping(pc, fp, md, ms, c) { a in truncateS32(f32(a)) }
}

func i32TruncSatF32S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in truncateSatS32(f32(a)) }
}

func i32TruncF32U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unaryTrapping(pc, fp, md, ms, c) { a in truncateU32(f32(a)) }
}

func i32TruncSatF32U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in truncateSatU32(f32(a)) }
}

func i64TruncF32S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unaryTrapping(pc, fp, md, ms, c) { a in truncateS64(f32(a)) }
}

func i64TruncSatF32S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in truncateSatS64(f32(a)) }
}

func i64TruncF32U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unaryTrapping(pc, fp, md, ms, c) { a in truncateU64(f32(a)) }
}

func i64TruncSatF32U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in truncateSatU64(f32(a)) }
}

func i32TruncF64S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unaryTrapping(pc, fp, md, ms, c) { a in truncateS32(f64(a)) }
}

func i32TruncSatF64S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in truncateSatS32(f64(a)) }
}

func i32TruncF64U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unaryTrapping(pc, fp, md, ms, c) { a in truncateU32(f64(a)) }
}

func i32TruncSatF64U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in truncateSatU32(f64(a)) }
}

func i64TruncF64S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unaryTrapping(pc, fp, md, ms, c) { a in truncateS64(f64(a)) }
}

func i64TruncSatF64S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in truncateSatS64(f64(a)) }
}

func i64TruncF64U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unaryTrapping(pc, fp, md, ms, c) { a in truncateU64(f64(a)) }
}

func i64TruncSatF64U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in truncateSatU64(f64(a)) }
}

func f32ConvertI32S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(Float(Int32(truncatingIfNeeded: a))) }
}

func f32ConvertI32U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(Float(UInt32(truncatingIfNeeded: a))) }
}

func f32ConvertI64S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(Float(Int64(bitPattern: a))) }
}

func f32ConvertI64U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(Float(a)) }
}

func f64ConvertI32S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(Double(Int32(truncatingIfNeeded: a))) }
}

func f64ConvertI32U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(Double(UInt32(truncatingIfNeeded: a))) }
}

func f64ConvertI64S(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(Double(Int64(bitPattern: a))) }
}

func f64ConvertI64U(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(Double(a)) }
}

func f32DemoteF64(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(Float(f64(a))) }
}

func f64PromoteF32(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  unary(pc, fp, md, ms, c) { a in cell(Double(f32(a))) }
}
