// The rules that keep the translator's peepholes from reading a stale record of
// the code just emitted (CodeBuffer.swift): instructions that move the operand
// stack without emitting code sit between a producer and the instruction that
// would absorb it, and each case must compute what the instructions say. Also dead
// code, which the translator skips: nothing of it may be emitted or disturb the
// blocks around it.

import Testing
import WasmCore
import WasmInterp

private func single(
  _ params: [UInt8], _ results: [UInt8], locals: [(UInt32, UInt8)] = [], _ body: [UInt8]
) throws -> Function {
  var b = ModuleBuilder()
  let t = b.type(params, results)
  b.function(t, locals: locals, export: "f", body)
  return try #require(try instantiate(b).function("f"))
}

private let drop: [UInt8] = [0x1A]
private let i32Add: [UInt8] = [0x6A]
private let i32Eqz: [UInt8] = [0x45]
private let i32LtS: [UInt8] = [0x48]
private let end: [UInt8] = [0x0B]

@Test func aDroppedConstantIsNotTakenForTheNextOperand() throws {
  // a; b; const 99; drop; add → a + b (not a + 99).
  let f = try single(
    [i32T, i32T], [i32T], localGet(0) + localGet(1) + i32Const(99) + drop + i32Add)
  #expect(try f.call(.i32(5), .i32(7)) == [.i32(12)])
}

@Test func aComputedConstantDroppedBeforeAnAddIsNotTheImmediate() throws {
  // x; (a + b) stays; const 3; drop; add: the add's second operand is a + b.
  let f = try single(
    [i32T, i32T, i32T], [i32T],
    localGet(0) + localGet(1) + localGet(2) + i32Add + i32Const(3) + drop + i32Add)
  #expect(try f.call(.i32(100), .i32(20), .i32(3)) == [.i32(123)])
}

@Test func aBranchReadsItsOwnConditionNotARedirectedComparison() throws {
  // block: (a + b) in a temporary; (b == 0) → local z; br_if 0 on a + b; return 1;
  // end; return 2. The eqz just emitted writes z, so br_if must not take it.
  let body =
    [0x02, 0x40] + localGet(0) + localGet(1) + i32Add + localGet(1) + i32Eqz + localSet(2)
    + [0x0D, 0x00] + i32Const(1) + [0x0F] + end + i32Const(2)
  let f = try single([i32T, i32T], [i32T], locals: [(1, i32T)], body)
  #expect(try f.call(.i32(0), .i32(0)) == [.i32(1)])  // a + b = 0: no branch
  #expect(try f.call(.i32(1), .i32(5)) == [.i32(2)])  // a + b != 0: branch
  #expect(try f.call(.i32(3), .i32(0)) == [.i32(2)])
  #expect(try f.call(.i32(5), .i32(0xFFFF_FFFB)) == [.i32(1)])  // 5 + -5 = 0
}

@Test func anIfReadsItsOwnConditionNotAnEarlierComparison() throws {
  // (x + x) in a temporary; (a < b) → local c; if on x + x, then c is added.
  let body =
    localGet(0) + localGet(0) + i32Add + localGet(1) + localGet(2) + i32LtS + localSet(3)
    + [0x04, 0x7F] + i32Const(10) + [0x05] + i32Const(20) + end
    + localGet(3) + i32Add
  let f = try single([i32T, i32T, i32T], [i32T], locals: [(1, i32T)], body)
  #expect(try f.call(.i32(1), .i32(1), .i32(2)) == [.i32(11)])  // x + x != 0, 1 < 2
  #expect(try f.call(.i32(0), .i32(1), .i32(2)) == [.i32(21)])
  #expect(try f.call(.i32(1), .i32(3), .i32(2)) == [.i32(10)])
  #expect(try f.call(.i32(0), .i32(3), .i32(2)) == [.i32(20)])
}

@Test func aZeroStoreDroppedForAFreshLocalLeavesTheValueBelowIt() throws {
  // (a + b); const 0; local.set z (z still zero: both dropped); local.set y; y + z.
  let body =
    localGet(0) + localGet(1) + i32Add + i32Const(0) + localSet(3) + localSet(2)
    + localGet(2) + localGet(3) + i32Add
  let f = try single([i32T, i32T], [i32T], locals: [(2, i32T)], body)
  #expect(try f.call(.i32(40), .i32(2)) == [.i32(42)])
}

@Test func aRedirectedResultIsNotAbsorbedAgain() throws {
  // const 5 → local x; x; add: the constant now writes x, it must stay.
  let body = localGet(0) + i32Const(5) + localSet(1) + localGet(1) + i32Add + localGet(1) + i32Add
  let f = try single([i32T], [i32T], locals: [(1, i32T)], body)
  #expect(try f.call(.i32(10)) == [.i32(20)])
}

@Test func deadCodeEmitsNothingAndKeepsTheBlocksAroundIt() throws {
  // block (result i32): const 1; br 0; then dead code with nested blocks, an
  // if/else, a loop, calls to nothing that exists at run time; end; + 10.
  let dead =
    i32Const(2) + i32Const(3) + i32Add + drop
    + [0x02, 0x40] + [0x03, 0x40] + [0x0C, 0x00] + end + end
    + i32Const(0) + [0x04, 0x7F] + i32Const(4) + [0x05] + i32Const(5) + end + drop
    + [0x00]
  let body =
    [0x02, 0x7F] + i32Const(1) + [0x0C, 0x00] + dead + end + i32Const(10) + i32Add
  let f = try single([], [i32T], body)
  #expect(try f.call() == [.i32(11)])
}

@Test func anIfWhoseThenArmEndsUnreachableStillRunsItsElseArm() throws {
  // if (result i32) unreachable (dead: const 1) else const 7 end.
  let body =
    localGet(0) + [0x04, 0x7F] + [0x00] + i32Const(1) + [0x05] + i32Const(7) + end
  let f = try single([i32T], [i32T], body)
  #expect(try f.call(.i32(0)) == [.i32(7)])
  #expect(throws: Trap.self) { try f.call(.i32(1)) }
}

@Test func codeAfterAReturnInsideNestedBlocksIsSkipped() throws {
  // block; block; return 3; (dead) end; the rest is translated but never runs.
  let body =
    [0x02, 0x40, 0x02, 0x40] + i32Const(3) + [0x0F] + i32Const(9) + drop + end
    + i32Const(8) + drop + end + i32Const(4)
  let f = try single([], [i32T], body)
  #expect(try f.call() == [.i32(3)])
}
