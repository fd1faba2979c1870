// Round 7 (branch `pair`, docs/performance.md): `i32.and` with a constant mask, then
// `br_if` on the masked value (or on its `eqz`), as one handler: C's flag tests,
// `if (x & FLAG)` / `if (!(x & FLAG))`, which clang writes as `i32.const m; i32.and;
// br_if` or `i32.const m; i32.and; i32.eqz; br_if` (SQLite's and QuickJS's bodies
// hold 3,430 and 566 of them; strscan's byte classes and the loops of the kernels'
// libc too). The masked value is written first, as the separate instructions do (a
// `local.tee` may have redirected it into a local); a taken back-edge checks the
// budget like every back-edge. Table-like code.

// MARK: `x & m`, then `br_if` on the result

/// Operands: [dst, x, m, target]: `dst = x & m` (i32), then branches to `target`
/// (relative to this instruction) when it is not zero (`zero`: when it is zero).
/// `loop`: a back-edge, which checks fuel and interruption when taken.
@inline(__always)
func i32AndImmBrIf(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx, zero: Bool, loop: Bool)
  -> Exit
{
  let v = u32(fp[pc[2]]) & UInt32(truncatingIfNeeded: pc[3])
  fp[pc[1]] = cell(v)
  if (v == 0) == zero {
    if loop, let kind = budgetExceeded(c) { return .trap(kind) }
    return next(pc + pc[4], fp, md, ms, c)
  }
  return next(pc + 5, fp, md, ms, c)
}

/// The fused handlers, by the branch's sense and whether it is a back-edge.
enum BitTestBranchHandlers {
  static let i32AndImmBrIf: Handler = {
    WasmInterp.i32AndImmBrIf($0, $1, $2, $3, $4, zero: false, loop: false)
  }
  static let i32AndImmBrIfLoop: Handler = {
    WasmInterp.i32AndImmBrIf($0, $1, $2, $3, $4, zero: false, loop: true)
  }
  static let i32AndImmBrIfZero: Handler = {
    WasmInterp.i32AndImmBrIf($0, $1, $2, $3, $4, zero: true, loop: false)
  }
  static let i32AndImmBrIfZeroLoop: Handler = {
    WasmInterp.i32AndImmBrIf($0, $1, $2, $3, $4, zero: true, loop: true)
  }

  static func handler(zero: Bool, loop: Bool) -> Handler {
    switch (zero, loop) {
    case (false, false): return i32AndImmBrIf
    case (false, true): return i32AndImmBrIfLoop
    case (true, false): return i32AndImmBrIfZero
    case (true, true): return i32AndImmBrIfZeroLoop
    }
  }
}
