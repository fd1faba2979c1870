// Round 6 (`shape2`, docs/performance.md): a step followed by a move (qsort's
// `p += 4; local.tee q; local.set p`, a call argument copied after a step), and a
// `br_if` on the value just computed (`n--; if (n) continue`, libc's byte loops;
// `p = p->next; if (p)` / `if (!p) break`, a linked list's walk). The tests pin
// each handler in translated code, where it must not fire, and check wrapping, a
// load trapping before its branch (with the stores before it visible) and fuel at
// the fused back-edges.

import Testing
import WasmCore

@testable import WasmInterp

private typealias H = ValueBranchHandlers
private let allValueBranches: [Handler] = [
  H.i32AddImmBrIf, H.i32AddImmBrIfLoop, H.i32LoadBrIf, H.i32LoadBrIfLoop, H.i32LoadBrIfZero,
  H.i32LoadBrIfZeroLoop, H.i32Load8UBrIf, H.i32Load8UBrIfLoop, H.i32Load8UBrIfZero,
  H.i32Load8UBrIfZeroLoop, H.i32Load16UBrIf, H.i32Load16UBrIfLoop, H.i32Load16UBrIfZero,
  H.i32Load16UBrIfZeroLoop,
]
private let block: [UInt8] = [0x02, 0x40], loop: [UInt8] = [0x03, 0x40], end: [UInt8] = [0x0B]
private let brIf: [UInt8] = [0x0D], br: [UInt8] = [0x0C], drop: [UInt8] = [0x1A]
private let i32Add: [UInt8] = [0x6A], i32Sub: [UInt8] = [0x6B], i32Eqz: [UInt8] = [0x45]
private let i32Load: [UInt8] = [0x28, 2, 0], i32Store: [UInt8] = [0x36, 2, 0]
private let i32Load8U: [UInt8] = [0x2D, 0, 0], i32Load8S: [UInt8] = [0x2C, 0, 0]

@Test func aStepThenAMoveIsOneHandler() throws {
  var b = ModuleBuilder()
  let t = b.type([i32T, i32T], [i32T])
  // `q = p - 3; r = q; return r + q`: the move reads the stepped value.
  let teed = b.function(
    t, locals: [(2, i32T)], export: "teed",
    localGet(0) + i32Const(-3) + i32Add + localTee(2) + localSet(3) + localGet(3) + localGet(2)
      + i32Add)
  // A call's argument copied into place right after a step: `f(y, x + 12)`.
  let callee = b.function(t, localGet(0) + localGet(1) + i32Sub)
  b.function(
    t, export: "caller", localGet(1) + localGet(0) + i32Const(12) + i32Add + call(callee))
  // Not fused: a step by a local; an i64 step; something between the step and the move.
  b.function(
    t, locals: [(2, i32T)], export: "byLocal",
    localGet(0) + localGet(1) + i32Add + localTee(2) + localSet(3) + localGet(3))
  let t64 = b.type([i64T, i64T], [i64T])
  b.function(
    t64, locals: [(2, i64T)], export: "wide",
    localGet(0) + i64Const(-1) + [0x7C] + localTee(2) + localSet(3) + localGet(3))
  b.function(
    t, locals: [(2, i32T)], export: "between",
    localGet(0) + i32Const(5) + i32Add + localSet(2) + i32Const(7) + localSet(3) + localGet(2)
      + localSet(1) + localGet(1) + localGet(3) + i32Add)
  _ = teed
  let instance = try instantiate(b)
  let fused = MoveBranchHandlers.i32AddImmCopy
  let values: [UInt32] = [0, 1, 2, 3, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFF4, 0xFFFF_FFFF]
  let f = try ["teed", "caller", "byLocal", "wide", "between"].map {
    try #require(instance.function($0))
  }
  for x in values {
    for y in values {
      #expect(try f[0].call(.i32(x), .i32(y)) == [.i32((x &- 3) &+ (x &- 3))])
      #expect(try f[1].call(.i32(x), .i32(y)) == [.i32(y &- (x &+ 12))])
      #expect(try f[2].call(.i32(x), .i32(y)) == [.i32(x &+ y)])
      #expect(try f[4].call(.i32(x), .i32(y)) == [.i32(x &+ 12)])
    }
  }
  #expect(try f[3].call(.i64(0), .i64(0)) == [.i64(UInt64.max)])
  #expect(try holds(f[0], fused))
  #expect(try holds(f[1], fused))
  for g in f[2...] { #expect(try !holds(g, fused)) }
}

@Test func aBranchOnAStepJustTakenIsOneHandler() throws {
  var b = ModuleBuilder()
  b.memory = (1, 1)
  let t = b.type([i32T, i32T], [i32T])
  // memcmp's count-down: `do { s += n; } while (--n)`; and a count up to 0 (wrapping).
  let countDown: [UInt8] =
    loop + localGet(1) + localGet(0) + i32Add + localSet(1)
    + localGet(0) + i32Const(-1) + i32Add + localTee(0) + brIf + [0] + end + localGet(1)
  b.function(t, export: "down", countDown)
  let countUp: [UInt8] =
    loop + localGet(1) + i32Const(1) + i32Add + localSet(1)
    + localGet(0) + i32Const(1) + i32Add + localTee(0) + brIf + [0] + end + localGet(1)
  b.function(t, export: "up", countUp)
  // A forward branch on a sum: `if ((a += 5) == 0) a = 100`.
  b.function(
    t, export: "forward",
    block + localGet(0) + i32Const(5) + i32Add + localTee(0) + brIf + [0]
      + i32Const(100) + localSet(0) + end + localGet(0))
  // Not fused: the branch reads another value; the branch carries a value.
  b.function(
    t, export: "other",
    block + localGet(0) + i32Const(1) + i32Add + localSet(0) + localGet(1) + brIf + [0]
      + localGet(0) + i32Const(10) + i32Add + localSet(0) + end + localGet(0))
  b.function(
    t, export: "carries",
    [0x02, 0x7F] + localGet(0) + localGet(0) + i32Const(1) + i32Add + localTee(0) + brIf + [0]
      + drop + i32Const(7) + end)
  let store = Store()
  let instance = try instantiate(b, store: store)
  let f = try ["down", "up", "forward", "other", "carries"].map {
    try #require(instance.function($0))
  }
  for n: UInt32 in [1, 2, 5, 100] {
    #expect(try f[0].call(.i32(n), .i32(0)) == [.i32(n * (n + 1) / 2)])
  }
  // 0xFFFF_FFFD + 1, + 1, + 1 wraps to 0: three iterations.
  #expect(try f[1].call(.i32(0xFFFF_FFFD), .i32(0)) == [.i32(3)])
  #expect(try f[1].call(.i32(0xFFFF_FFFF), .i32(0)) == [.i32(1)])
  #expect(try f[2].call(.i32(1), .i32(0)) == [.i32(6)])
  #expect(try f[2].call(.i32(0xFFFF_FFFB), .i32(0)) == [.i32(100)])
  #expect(try f[3].call(.i32(1), .i32(1)) == [.i32(2)])
  #expect(try f[3].call(.i32(1), .i32(0)) == [.i32(12)])
  #expect(try f[4].call(.i32(4), .i32(0)) == [.i32(4)])
  #expect(try f[4].call(.i32(0xFFFF_FFFF), .i32(0)) == [.i32(7)])
  #expect(try holds(f[0], H.i32AddImmBrIfLoop))
  #expect(try holds(f[1], H.i32AddImmBrIfLoop))
  #expect(try holds(f[2], H.i32AddImmBrIf))
  for g in f[3...] {
    for h in allValueBranches { #expect(try !holds(g, h)) }
  }
  // The fused back-edge counts fuel: counting up from 1 to 2^32 runs out.
  store.fuel = 10_000
  #expect { try f[1].call(.i32(1), .i32(0)) } throws: { trapKind($0) == .outOfFuel }
  #expect(store.fuel == 0)
}

@Test func aBranchOnAValueJustLoadedIsOneHandler() throws {
  var b = ModuleBuilder()
  b.memory = (1, 1)
  b.exports.append(("mem", 2, 0))
  let t = b.type([i32T], [i32T])
  // A list's walk, counting nodes and storing the count before each load of `next`:
  // `do { n++; mem[8] = n; } while ((p = p->next))`.
  let count: [UInt8] =
    loop + localGet(1) + i32Const(1) + i32Add + localSet(1)
    + i32Const(8) + localGet(1) + i32Store
    + localGet(0) + i32Load + localTee(0) + brIf + [0] + end + localGet(1)
  b.function(t, locals: [(1, i32T)], export: "count", count)
  // The sum of the keys: `for (;;) { s += p->key; if (!(p = p->next)) break; }`.
  let sum: [UInt8] =
    block + loop + localGet(1) + localGet(0) + [0x28, 2, 4] + i32Add + localSet(1)
    + localGet(0) + i32Load + localTee(0) + i32Eqz + brIf + [1] + br + [0] + end + end
    + localGet(1)
  b.function(t, locals: [(1, i32T)], export: "sum", sum)
  // strlen (a byte, `eqz`, a forward branch), and skipping zero bytes (a back-edge).
  let strlen: [UInt8] =
    localGet(0) + localSet(1) + block + loop + localGet(0) + i32Load8U + i32Eqz + brIf + [1]
    + localGet(0) + i32Const(1) + i32Add + localSet(0) + br + [0] + end + end
    + localGet(0) + localGet(1) + i32Sub
  b.function(t, locals: [(1, i32T)], export: "strlen", strlen)
  let skip: [UInt8] =
    loop + localGet(0) + i32Const(1) + i32Add + localTee(0) + i32Load8U + i32Eqz + brIf + [0]
    + end + localGet(0)
  b.function(t, export: "skip", skip)
  // Not fused: the `eqz` teed into a local (its value is used); a signed byte.
  b.function(
    t, locals: [(1, i32T)], export: "teedEqz",
    block + localGet(0) + i32Load + i32Eqz + localTee(1) + brIf + [0] + i32Const(9) + localSet(1)
      + end + localGet(1))
  b.function(
    t, locals: [(1, i32T)], export: "signed",
    block + localGet(0) + i32Load8S + localTee(1) + brIf + [0] + i32Const(9) + localSet(1)
      + end + localGet(1))
  let store = Store()
  let instance = try instantiate(b, store: store)
  let memory = try #require(instance.memory("mem"))
  func word(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
  // Nodes [next, key]: 16 → 32 → 48 → null, keys 5, 7, 11; 64 → 65534 (its next
  // is out of bounds for a word); 96 → 96 (a cycle).
  for (at, next, key) in [(16, 32, 5), (32, 48, 7), (48, 0, 11), (64, 65534, 1), (96, 96, 0)]
    as [(UInt64, UInt32, UInt32)]
  {
    try memory.write(word(next) + word(key), at: at)
  }
  try memory.write(Array("linked\0\0\0list\0".utf8), at: 200)
  try memory.write([0x80], at: 300)

  let f = try ["count", "sum", "strlen", "skip", "teedEqz", "signed"].map {
    try #require(instance.function($0))
  }
  #expect(try f[0].call(.i32(16)) == [.i32(3)])
  #expect(try f[0].call(.i32(48)) == [.i32(1)])
  #expect(try f[1].call(.i32(16)) == [.i32(23)])
  #expect(try f[1].call(.i32(32)) == [.i32(18)])
  #expect(try f[2].call(.i32(200)) == [.i32(6)])
  #expect(try f[2].call(.i32(206)) == [.i32(0)])
  #expect(try f[3].call(.i32(205)) == [.i32(209)])
  #expect(try f[3].call(.i32(199)) == [.i32(200)])
  #expect(try f[4].call(.i32(16)) == [.i32(9)])
  #expect(try f[4].call(.i32(48)) == [.i32(1)])
  #expect(try f[5].call(.i32(300)) == [.i32(0xFFFF_FF80)])
  #expect(try f[5].call(.i32(301)) == [.i32(9)])
  #expect(try holds(f[0], H.i32LoadBrIfLoop))
  #expect(try holds(f[1], H.i32LoadBrIfZero))
  #expect(try holds(f[2], H.i32Load8UBrIfZero))
  #expect(try holds(f[3], H.i32Load8UBrIfZeroLoop))
  for g in f[4...] {
    for h in allValueBranches { #expect(try !holds(g, h)) }
  }

  // The load of 65534's `next` traps after the count's second store, and no branch
  // is taken; a byte load at the last byte is in bounds, one past it traps.
  #expect { try f[0].call(.i32(64)) } throws: { trapKind($0) == .outOfBoundsMemoryAccess }
  #expect(try memory.read(at: 8, count: 4) == word(2))
  try memory.write([7], at: 65535)
  #expect(try f[3].call(.i32(65534)) == [.i32(65535)])
  try memory.write([0], at: 65535)
  #expect { try f[3].call(.i32(65534)) } throws: { trapKind($0) == .outOfBoundsMemoryAccess }

  // The fused back-edge counts fuel: walking a cycle runs out.
  store.fuel = 10_000
  #expect { try f[0].call(.i32(96)) } throws: { trapKind($0) == .outOfFuel }
  #expect(store.fuel == 0)
}

@Test func aBackEdgeAlsoWritesTheLoopsFirstConstant() throws {
  var b = ModuleBuilder()
  b.memory = (1, 1)
  b.exports.append(("mem", 2, 0))
  let t = b.type([i32T], [i32T])
  // strscan's wc loop cut down: `for (; *p; p++) { x = 0; x += *p; s += x; last = s; }`.
  // Without the constant written at each back-edge, `x` would sum the prefixes.
  let body: [UInt8] =
    block + loop + i32Const(0) + localSet(1)
    + localGet(0) + i32Load8U + i32Eqz + brIf + [1]
    + localGet(1) + localGet(0) + i32Load8U + i32Add + localSet(1)
    + localGet(2) + localGet(1) + i32Add + localSet(2)
    + localGet(0) + i32Const(1) + i32Add + localSet(0)
    + localGet(2) + localSet(3) + br + [0] + end + end + localGet(3)
  b.function(t, locals: [(3, i32T)], export: "sum", body)
  // Endless: `for (;;) { x = 7; p++; q = p; }`.
  let endless: [UInt8] =
    loop + i32Const(7) + localSet(1) + localGet(0) + i32Const(1) + i32Add + localSet(0)
    + localGet(0) + localSet(2) + br + [0] + end + i32Const(0)
  b.function(t, locals: [(2, i32T)], export: "endless", endless)
  let store = Store()
  let instance = try instantiate(b, store: store)
  let memory = try #require(instance.memory("mem"))
  let text = Array("count these bytes".utf8)
  try memory.write(text + [0], at: 100)
  let sum = try #require(instance.function("sum"))
  #expect(try sum.call(.i32(100)) == [.i32(text.reduce(0) { $0 + UInt32($1) })])
  #expect(try sum.call(.i32(117)) == [.i32(0)])
  #expect(try holds(sum, MoveBranchHandlers.i32AddImmCopyConstBranchLoop))
  #expect(try !holds(sum, MoveBranchHandlers.i32AddImmCopyBranchLoop))
  let loopForever = try #require(instance.function("endless"))
  store.fuel = 10_000
  #expect { try loopForever.call(.i32(0)) } throws: { trapKind($0) == .outOfFuel }
  #expect(store.fuel == 0)
  #expect(try holds(loopForever, MoveBranchHandlers.i32AddImmCopyConstBranchLoop))
}
