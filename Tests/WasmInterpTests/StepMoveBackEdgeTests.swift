// Round 5 (`shape2`, docs/performance.md): a loop's last steps as clang writes them,
// `x += k; a = b; br loop` (strscan's `b++; in_word = letter`), as one handler. The
// test pins it in translated code, where it must not fire, and checks results,
// 32-bit wrapping, the order of the two writes, traps in the body and fuel.

import Testing
import WasmCore

@testable import WasmInterp

private let fused = MoveBranchHandlers.i32AddImmCopyBranchLoop
private let block: [UInt8] = [0x02, 0x40], loop: [UInt8] = [0x03, 0x40], end: [UInt8] = [0x0B]
private let brIf: [UInt8] = [0x0D], br: [UInt8] = [0x0C]
private let i32Add: [UInt8] = [0x6A], i32Eq: [UInt8] = [0x46], i32Eqz: [UInt8] = [0x45]

@Test func aStepAMoveAndABackEdgeAreOneHandler() throws {
  var b = ModuleBuilder()
  b.memory = (1, 1)
  b.exports.append(("mem", 2, 0))
  let t = b.type([i32T, i32T, i32T], [i32T])
  // strscan's wc loop, cut down: `for (p = a; *p; p++) { s -= *p; last = s; }`,
  // returning `last`. The step `p += 1`, the move `last = s`, then `br`. (With
  // `s += *p` the two adds into locals would be one handler, AddPairHandlers.swift,
  // and the move and branch `copyBranchLoop`: as many handlers.)
  let sum: [UInt8] =
    block + loop
    + localGet(0) + [0x2D, 0, 0] + i32Eqz + brIf + [1]
    + localGet(2) + localGet(0) + [0x2D, 0, 0] + [0x6B] + localSet(2)
    + localGet(0) + i32Const(1) + i32Add + localSet(0)
    + localGet(2) + localSet(1) + br + [0] + end + end + localGet(1)
  b.function(t, export: "sum", sum)
  // The move reads the stepped local (it must see the new value); the step is by a
  // negative constant and wraps: `do { if (a == b) break; a -= 3; c = a; }`.
  let stepThenRead: [UInt8] =
    block + loop
    + localGet(0) + localGet(1) + i32Eq + brIf + [1]
    + localGet(0) + i32Const(-3) + i32Add + localSet(0)
    + localGet(0) + localSet(2) + br + [0] + end + end + localGet(2)
  b.function(t, export: "stepThenRead", stepThenRead)
  // A trap in the body after some back-edges: `for (;;) { mem[0] = n; n++; last = n; load(a + n) }`,
  // storing the count first, so the memory shows how many steps ran before the trap.
  let trapping: [UInt8] =
    loop
    + i32Const(0) + localGet(1) + [0x36, 2, 0]
    + localGet(0) + localGet(1) + i32Add + [0x2D, 0, 0] + [0x1A]
    + localGet(1) + i32Const(1) + i32Add + localSet(1)
    + localGet(1) + localSet(2) + br + [0] + end + i32Const(0)
  b.function(t, export: "trapping", trapping)
  // Not fused: a forward `br` (a block, not a loop); a step by a local; an i64 step;
  // a step whose result is then moved twice (two moves are one `copyPair`).
  let forward: [UInt8] =
    block + localGet(0) + i32Const(5) + i32Add + localSet(0)
    + localGet(0) + localSet(1) + br + [0] + end + localGet(1)
  b.function(t, export: "forward", forward)
  let byLocal: [UInt8] =
    block + loop
    + localGet(0) + localGet(1) + i32Eq + brIf + [1]
    + localGet(0) + localGet(2) + i32Add + localSet(0)
    + localGet(0) + localSet(3) + br + [0] + end + end + localGet(3)
  b.function(t, locals: [(1, i32T)], export: "byLocal", byLocal)
  let t64 = b.type([i64T, i64T], [i64T])
  let wide: [UInt8] =
    block + loop
    + localGet(0) + i64Const(10) + [0x51] + brIf + [1]
    + localGet(0) + i64Const(1) + [0x7C] + localSet(0)
    + localGet(0) + localSet(1) + br + [0] + end + end + localGet(1)
  b.function(t64, export: "wide", wide)

  let store = Store()
  let instance = try instantiate(b, store: store)
  let memory = try #require(instance.memory("mem"))
  let text: [UInt8] = Array("wc counts words".utf8) + [0]
  try memory.write(text, at: 100)
  try memory.write([0xFF, 0xFE, 0], at: 65533)

  let sumF = try #require(instance.function("sum"))
  #expect(
    try sumF.call(.i32(100), .i32(7), .i32(0)) == [.i32(text.reduce(0) { $0 &- UInt32($1) })])
  #expect(try sumF.call(.i32(115), .i32(7), .i32(0)) == [.i32(7)])  // the NUL: no step
  #expect(try sumF.call(.i32(65533), .i32(7), .i32(1)) == [.i32(1 &- 0xFF &- 0xFE)])
  #expect(try holds(sumF, fused))

  let read = try #require(instance.function("stepThenRead"))
  for (a, stop) in [(9, 0), (5, 0xFFFF_FFFF), (1, 0xFFFF_FFFE), (0, 0xFFFF_FFF4)]
    as [(UInt32, UInt32)]
  {
    // Expected by Swift's wrapping arithmetic: every value left in the moved local.
    var x = a, last: UInt32 = 77
    while x != stop {
      x = x &- 3
      last = x
    }
    #expect(try read.call(.i32(a), .i32(stop), .i32(77)) == [.i32(last)], "from \(a) to \(stop)")
  }
  #expect(try holds(read, fused))

  let trap = try #require(instance.function("trapping"))
  #expect { try trap.call(.i32(65530), .i32(0), .i32(0)) } throws: {
    trapKind($0) == .outOfBoundsMemoryAccess
  }
  // Loads at 65530 + 0...5 are in bounds; the seventh, at 65536, traps after six
  // fused back-edges and its own store of 6.
  #expect(try memory.read(at: 0, count: 4) == [6, 0, 0, 0])
  // Round 6: this loop starts with a constant (the store's address), so its back-edge
  // is the variant that writes it too (`i32AddImmCopyConstBranchLoop`).
  #expect(try holds(trap, MoveBranchHandlers.i32AddImmCopyConstBranchLoop))

  let fwd = try #require(instance.function("forward"))
  #expect(try fwd.call(.i32(0xFFFF_FFFD), .i32(0), .i32(0)) == [.i32(2)])
  #expect(try !holds(fwd, fused))
  // Round 6: the step and the move are one handler (`i32AddImmCopy`) before the `br`.
  #expect(try holds(fwd, MoveBranchHandlers.i32AddImmCopy))
  let local = try #require(instance.function("byLocal"))
  #expect(try local.call(.i32(1), .i32(13), .i32(3)) == [.i32(13)])
  #expect(try !holds(local, fused))
  #expect(try holds(local, MoveBranchHandlers.copyBranchLoop))
  let wideF = try #require(instance.function("wide"))
  #expect(try wideF.call(.i64(0), .i64(99)) == [.i64(10)])
  #expect(try !holds(wideF, fused))

  // The fused back-edge counts fuel: an endless loop of it runs out.
  store.fuel = 10_000
  #expect { try read.call(.i32(1), .i32(2), .i32(0)) } throws: { trapKind($0) == .outOfFuel }
  #expect(store.fuel == 0)
}

@Test func anAdditionOfASelectedValueIsOneHandler() throws {
  var b = ModuleBuilder()
  let t = b.type([i32T, i32T, i32T], [i32T])
  let select: [UInt8] = [0x1B], sub: [UInt8] = [0x6B]
  // strscan's `words += letter & !in_word`: `(in_word ? 0 : letter) + words`.
  b.function(
    t, export: "constFirst", i32Const(0) + localGet(1) + localGet(2) + select + localGet(0) + i32Add
  )
  // The selected value as the second operand, the constant second: `y + (c ? x : -7)`.
  b.function(
    t, export: "constSecond",
    localGet(0) + localGet(1) + i32Const(-7) + localGet(2) + select + i32Add)
  // Not fused: the selected value teed into a local first; a `sub`; a plain `select`;
  // an i64 `select` and `add`.
  b.function(
    t, locals: [(1, i32T)], export: "teed",
    i32Const(0) + localGet(1) + localGet(2) + select + localTee(3) + localGet(0) + i32Add
      + localGet(3) + i32Add)
  b.function(
    t, export: "sub", i32Const(0) + localGet(1) + localGet(2) + select + localGet(0) + sub)
  b.function(
    t, export: "plain", localGet(0) + localGet(1) + localGet(2) + select + localGet(0) + i32Add)
  let t64 = b.type([i64T, i64T, i32T], [i64T])
  b.function(
    t64, export: "wide",
    i64Const(0) + localGet(1) + localGet(2) + select + localGet(0) + [0x7C])
  let instance = try instantiate(b)
  let names = ["constFirst", "constSecond", "teed", "sub", "plain"]
  let f = try names.map { try #require(instance.function($0)) }
  let values: [UInt32] = [0, 1, 2, 7, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFF9, 0xFFFF_FFFF]
  for x in values {
    for y in values {
      for c: UInt32 in [0, 1, 0x8000_0000] {
        let args: [Value] = [.i32(y), .i32(x), .i32(c)]
        let chosenFirst = c != 0 ? 0 : x
        let chosenSecond = c != 0 ? x : UInt32(bitPattern: -7)
        #expect(try f[0].call(args) == [.i32(chosenFirst &+ y)])
        #expect(try f[1].call(args) == [.i32(y &+ chosenSecond)])
        #expect(try f[2].call(args) == [.i32(chosenFirst &+ y &+ chosenFirst)])
        #expect(try f[3].call(args) == [.i32(chosenFirst &- y)])
        #expect(try f[4].call(args) == [.i32((c != 0 ? y : x) &+ y)])
      }
    }
  }
  let wide = try #require(instance.function("wide"))
  #expect(try wide.call(.i64(UInt64.max), .i64(5), .i32(0)) == [.i64(4)])
  #expect(try wide.call(.i64(UInt64.max), .i64(5), .i32(1)) == [.i64(UInt64.max)])
  #expect(try holds(f[0], SelectAddHandlers.i32AddSelectConstFirst))
  #expect(try holds(f[1], SelectAddHandlers.i32AddSelectConstSecond))
  for g in f[2...] + [wide] {
    #expect(try !holds(g, SelectAddHandlers.i32AddSelectConstFirst))
    #expect(try !holds(g, SelectAddHandlers.i32AddSelectConstSecond))
  }
  #expect(try holds(f[2], SelectHandlers.constFirst))
}
