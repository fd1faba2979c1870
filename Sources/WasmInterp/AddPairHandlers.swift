// Round 6 (branch `shape`, docs/performance.md): two `i32.add`s in a row, the second
// into a local, as one handler. Loops with several induction variables step them
// one after another (sieve's `i += 1; p += q; q += 2`, strength-reduced pointers
// beside a counter). The first add is written before the second reads its
// operands, as the two instructions do, so the pair means the same when the second
// reads the first's result. Operands: [d1, a1, b1, d2, a2, b2], each `b` a slot or
// an immediate as the handler says. Table-like code.

/// `d1 = u32(a1 + b1)`, then `d2 = u32(a2 + b2)`.
@inline(__always)
func addPair(
  _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, firstImmediate: Bool, secondImmediate: Bool
) -> Exit {
  let b1 = firstImmediate ? UInt32(truncatingIfNeeded: pc[3]) : u32(fp[pc[3]])
  fp[pc[1]] = cell(u32(fp[pc[2]]) &+ b1)
  let b2 = secondImmediate ? UInt32(truncatingIfNeeded: pc[6]) : u32(fp[pc[6]])
  fp[pc[4]] = cell(u32(fp[pc[5]]) &+ b2)
  return next(pc + 7, fp, md, ms, c)
}

/// The fused pairs, by which of the two adds has an immediate.
enum AddPairHandlers {
  static let addAdd: Handler = {
    addPair($0, $1, $2, $3, $4, firstImmediate: false, secondImmediate: false)
  }
  static let addAddImm: Handler = {
    addPair($0, $1, $2, $3, $4, firstImmediate: false, secondImmediate: true)
  }
  static let addImmAdd: Handler = {
    addPair($0, $1, $2, $3, $4, firstImmediate: true, secondImmediate: false)
  }
  static let addImmAddImm: Handler = {
    addPair($0, $1, $2, $3, $4, firstImmediate: true, secondImmediate: true)
  }

  static func handler(firstImmediate: Bool, secondImmediate: Bool) -> Handler {
    switch (firstImmediate, secondImmediate) {
    case (false, false): return addAdd
    case (false, true): return addAddImm
    case (true, false): return addImmAdd
    case (true, true): return addImmAddImm
    }
  }
}
