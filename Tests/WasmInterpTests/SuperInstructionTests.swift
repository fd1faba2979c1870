// The instruction sequences the translator fuses (SuperHandlers.swift) compute
// what the separate instructions do: expected values come from Swift arithmetic.

import Testing
import WasmCore
import WasmInterp

private let f64T: UInt8 = 0x7C

private func single(
  _ params: [UInt8], _ results: [UInt8], locals: [(UInt32, UInt8)] = [], _ body: [UInt8]
) throws -> Function {
  var b = ModuleBuilder()
  let t = b.type(params, results)
  b.function(t, locals: locals, export: "f", body)
  return try #require(try instantiate(b).function("f"))
}

private let samples: [UInt32] = [0, 1, 7, 0x8000_0000, 0xFFFF_FFFF, 0x1234_5678, 0xDEAD_BEEF]

@Test func shiftThenAddMatchesTheTwoInstructions() throws {
  // y + (x << 3): the shifted value is the second operand of the add.
  let second = try single(
    [i32T, i32T], [i32T], localGet(1) + localGet(0) + i32Const(3) + [0x74, 0x6A])
  // (x << 35) + y: the shift count is taken mod 32; the sum is the first operand.
  let first = try single(
    [i32T, i32T], [i32T], localGet(0) + i32Const(35) + [0x74] + localGet(1) + [0x6A])
  for x in samples {
    for y in samples {
      #expect(try second.call(.i32(x), .i32(y)) == [.i32(y &+ (x &<< 3))])
      #expect(try first.call(.i32(x), .i32(y)) == [.i32((x &<< 3) &+ y)])
    }
  }
}

@Test func multiplyThenAddRoundsTwiceLikeTheTwoInstructions() throws {
  // a * b + c and c + a * b, f64.
  let productFirst = try single(
    [f64T, f64T, f64T], [f64T], localGet(0) + localGet(1) + [0xA2] + localGet(2) + [0xA0])
  let productSecond = try single(
    [f64T, f64T, f64T], [f64T], localGet(2) + localGet(0) + localGet(1) + [0xA2, 0xA0])
  // 1 + 2^-30 times 1 - 2^-30 is 1 - 2^-60, which rounds to 1: the sum with -1 is 0,
  // where a fused multiply-add would give -2^-60.
  let cases: [(Double, Double, Double)] = [
    (1 + 0x1p-30, 1 - 0x1p-30, -1), (3, 4, 5), (-0.5, 1e308, 1e308), (2, .infinity, -.infinity),
  ]
  for (a, b, c) in cases {
    let args: [Value] = [.f64(a.bitPattern), .f64(b.bitPattern), .f64(c.bitPattern)]
    let product = a * b
    let r1 = try productFirst.call(args), r2 = try productSecond.call(args)
    let (e1, e2) = (product + c, c + product)
    #expect(
      r1.first?.doubleValue.map { $0.bitPattern == e1.bitPattern || $0.isNaN && e1.isNaN } == true)
    #expect(
      r2.first?.doubleValue.map { $0.bitPattern == e2.bitPattern || $0.isNaN && e2.isNaN } == true)
  }
}

@Test func rotationsByAConstant() throws {
  let rotl = try single([i32T], [i32T], localGet(0) + i32Const(7) + [0x77])
  let rotr = try single([i32T], [i32T], localGet(0) + i32Const(45) + [0x78])
  let rotl64 = try single([i64T], [i64T], localGet(0) + i64Const(13) + [0x89])
  let rotr64 = try single([i64T], [i64T], localGet(0) + i64Const(-1) + [0x8A])
  for x in samples {
    #expect(try rotl.call(.i32(x)) == [.i32((x &<< 7) | (x &>> 25))])
    #expect(try rotr.call(.i32(x)) == [.i32((x &>> 13) | (x &<< 19))])
    let w = UInt64(x) &* 0x9E37_79B9_7F4A_7C15
    #expect(try rotl64.call(.i64(w)) == [.i64((w &<< 13) | (w &>> 51))])
    #expect(try rotr64.call(.i64(w)) == [.i64((w &>> 63) | (w &<< 1))])
  }
}

@Test func eqzFusedIntoBranches() throws {
  // Count n down to zero: loop { n -= 1; k += 1; br_if exit (eqz n); br loop }.
  let countdown = try single(
    [i32T], [i32T], locals: [(1, i32T)],
    [0x02, 0x40, 0x03, 0x40]
      + localGet(0) + i32Const(1) + [0x6B] + localSet(0)
      + localGet(1) + i32Const(1) + [0x6A] + localSet(1)
      + localGet(0) + [0x45, 0x0D, 0x01, 0x0C, 0x00, 0x0B, 0x0B] + localGet(1))
  #expect(try countdown.call(.i32(5)) == [.i32(5)])
  #expect(try countdown.call(.i32(1)) == [.i32(1)])
  // On an i64: exit with br_if 1 (i64.eqz n), continue with br_if 0 (i32.eqz (i64.eqz n)),
  // a back-edge.
  let countdown64 = try single(
    [i64T], [i32T], locals: [(1, i32T)],
    [0x02, 0x40, 0x03, 0x40]
      + localGet(0) + i64Const(1) + [0x7D] + localSet(0)
      + localGet(1) + i32Const(1) + [0x6A] + localSet(1)
      + localGet(0) + [0x50, 0x0D, 0x01]
      + localGet(0) + [0x50, 0x45, 0x0D, 0x00, 0x0B, 0x0B] + localGet(1))
  #expect(try countdown64.call(.i64(7)) == [.i32(7)])
  // if (eqz x) 10 else 20, for i32 and i64.
  let arms = i32Const(10) + [0x05] + i32Const(20) + [0x0B]
  let choose = try single([i32T], [i32T], localGet(0) + [0x45, 0x04, i32T] + arms)
  let choose64 = try single([i64T], [i32T], localGet(0) + [0x50, 0x04, i32T] + arms)
  #expect(try choose.call(.i32(0)) == [.i32(10)])
  #expect(try choose.call(.i32(3)) == [.i32(20)])
  #expect(try choose64.call(.i64(0)) == [.i32(10)])
  #expect(try choose64.call(.i64(1 << 40)) == [.i32(20)])
}

@Test func consecutiveMovesKeepTheirOrder() throws {
  // t = a; a = b; b = t (the first two moves become one handler), then a * 1000 + b.
  let swap = try single(
    [i32T, i32T], [i32T], locals: [(1, i32T)],
    localGet(0) + localSet(2) + localGet(1) + localSet(0) + localGet(2) + localSet(1)
      + localGet(0) + i32Const(1000) + [0x6C] + localGet(1) + [0x6A])
  #expect(try swap.call(.i32(3), .i32(4)) == [.i32(4003)])
  // a = b; c = a: the second move reads what the first wrote.
  let chain = try single(
    [i32T, i32T], [i32T], locals: [(1, i32T)],
    localGet(1) + localSet(0) + localGet(0) + localSet(2)
      + localGet(2) + i32Const(1000) + [0x6C] + localGet(0) + [0x6A])
  #expect(try chain.call(.i32(3), .i32(4)) == [.i32(4004)])
}

@Test func shiftOrRotateThenXor() throws {
  // y ^ rotl(x, 7), rotr(x, 3) ^ y, y ^ (x >> 10): the shifted value as either operand.
  let rotl = try single(
    [i32T, i32T], [i32T], localGet(1) + localGet(0) + i32Const(7) + [0x77, 0x73])
  let rotr = try single(
    [i32T, i32T], [i32T], localGet(0) + i32Const(3) + [0x78] + localGet(1) + [0x73])
  let shr = try single(
    [i32T, i32T], [i32T], localGet(1) + localGet(0) + i32Const(42) + [0x76, 0x73])
  for x in samples {
    for y in samples {
      #expect(try rotl.call(.i32(x), .i32(y)) == [.i32(y ^ ((x &<< 7) | (x &>> 25)))])
      #expect(try rotr.call(.i32(x), .i32(y)) == [.i32(((x &>> 3) | (x &<< 29)) ^ y)])
      #expect(try shr.call(.i32(x), .i32(y)) == [.i32(y ^ (x &>> 10))])
    }
  }
}

@Test func twoOperationsWithConstantOperands() throws {
  // (x & 0xff) << 2, (x & -16) << 35 (count mod 32), (x >> 8) & 0xff00, (x >> 40) & -1,
  // x * 1664525 + 1013904223, x * -3 + -7.
  let andShl = try single(
    [i32T], [i32T], localGet(0) + i32Const(0xFF) + [0x71] + i32Const(2) + [0x74])
  let andShlWide = try single(
    [i32T], [i32T], localGet(0) + i32Const(-16) + [0x71] + i32Const(35) + [0x74])
  let shrAnd = try single(
    [i32T], [i32T], localGet(0) + i32Const(8) + [0x76] + i32Const(0xFF00) + [0x71])
  let shrAndWide = try single(
    [i32T], [i32T], localGet(0) + i32Const(40) + [0x76] + i32Const(-1) + [0x71])
  let lcg = try single(
    [i32T], [i32T], localGet(0) + i32Const(1_664_525) + [0x6C] + i32Const(1_013_904_223) + [0x6A])
  let negative = try single(
    [i32T], [i32T], localGet(0) + i32Const(-3) + [0x6C] + i32Const(-7) + [0x6A])
  // The pair's result stored to a local, then used twice: (x & 7) << 1 + itself.
  let retargeted = try single(
    [i32T], [i32T], locals: [(1, i32T)],
    localGet(0) + i32Const(7) + [0x71] + i32Const(1) + [0x74] + localSet(1) + localGet(1)
      + localGet(1)
      + [0x6A])
  for x in samples {
    #expect(try andShl.call(.i32(x)) == [.i32((x & 0xFF) &<< 2)])
    #expect(try andShlWide.call(.i32(x)) == [.i32((x & 0xFFFF_FFF0) &<< 3)])
    #expect(try shrAnd.call(.i32(x)) == [.i32((x &>> 8) & 0xFF00)])
    #expect(try shrAndWide.call(.i32(x)) == [.i32(x &>> 8)])
    #expect(try lcg.call(.i32(x)) == [.i32(x &* 1_664_525 &+ 1_013_904_223)])
    #expect(try negative.call(.i32(x)) == [.i32(x &* 0xFFFF_FFFD &+ 0xFFFF_FFF9)])
    #expect(try retargeted.call(.i32(x)) == [.i32(((x & 7) &<< 1) &* 2)])
  }
}

@Test func twoBitwiseOrAddOperationsInARow() throws {
  // op2(op1(x, y), z) and op2(z, op1(x, y)) for add/add, xor/xor, xor/and, and/xor.
  let pairs: [(UInt8, UInt8, (UInt32, UInt32) -> UInt32, (UInt32, UInt32) -> UInt32)] = [
    (0x6A, 0x6A, { $0 &+ $1 }, { $0 &+ $1 }), (0x73, 0x73, { $0 ^ $1 }, { $0 ^ $1 }),
    (0x73, 0x71, { $0 ^ $1 }, { $0 & $1 }), (0x71, 0x73, { $0 & $1 }, { $0 ^ $1 }),
  ]
  let xyz = [i32T, i32T, i32T]
  for (op1, op2, f1, f2) in pairs {
    let first = try single(xyz, [i32T], localGet(0) + localGet(1) + [op1] + localGet(2) + [op2])
    let second = try single(xyz, [i32T], localGet(2) + localGet(0) + localGet(1) + [op1, op2])
    for x in samples {
      for (y, z) in [(UInt32(0x0F0F_0F0F), UInt32(0xFFFF_0000)), (x &* 3, 0x8000_0001)] {
        #expect(try first.call(.i32(x), .i32(y), .i32(z)) == [.i32(f2(f1(x, y), z))])
        #expect(try second.call(.i32(x), .i32(y), .i32(z)) == [.i32(f2(z, f1(x, y)))])
      }
    }
  }
}

@Test func zeroingALocalThatIsStillZeroIsDroppedOnlyWhenSafe() throws {
  // acc = 0 at the top of each iteration (kept: a back-edge brings acc = 5), acc += 5.
  let loop = try single(
    [i32T], [i32T], locals: [(1, i32T)],
    [0x03, 0x40] + i32Const(0) + localSet(1) + localGet(1) + i32Const(5) + [0x6A] + localSet(1)
      + localGet(0) + i32Const(1) + [0x6B] + localTee(0) + [0x0D, 0x00, 0x0B] + localGet(1))
  #expect(try loop.call(.i32(4)) == [.i32(5)])
  // x = 7 (when p), then x = 0 (kept: x may be 7), then x + 0 and the i64 y = 0
  // (dropped: still zero) plus 3.
  let branchy = try single(
    [i32T], [i32T], locals: [(1, i32T), (1, i64T)],
    i64Const(0) + localSet(2) + localGet(0) + [0x04, 0x40] + i32Const(7) + localSet(1) + [0x0B]
      + i32Const(0) + localSet(1) + localGet(1) + localGet(2) + [0xA7, 0x6A] + i32Const(3) + [0x6A])
  #expect(try branchy.call(.i32(1)) == [.i32(3)])
  #expect(try branchy.call(.i32(0)) == [.i32(3)])
  // Called repeatedly: every call starts with zeroed locals, so a dropped `x = 0`
  // still reads 0 after an earlier call left x = 9.
  let reuse = try single(
    [i32T], [i32T], locals: [(1, i32T)],
    i32Const(0) + localSet(1) + localGet(1) + localGet(0) + [0x6A] + i32Const(9) + localSet(1))
  #expect(try reuse.call(.i32(4)) == [.i32(4)])
  #expect(try reuse.call(.i32(6)) == [.i32(6)])
}

@Test func bitFieldAndByteClassPairs() throws {
  // (x << 2) & 4, (x & 255) > 200, (x & 255) < 64, and (x + y) ^ z with the sum as
  // either operand of the xor.
  let shlAnd = try single([i32T], [i32T], localGet(0) + i32Const(2) + [0x74] + i32Const(4) + [0x71])
  let gtU = try single(
    [i32T], [i32T], localGet(0) + i32Const(255) + [0x71] + i32Const(200) + [0x4B])
  let ltU = try single([i32T], [i32T], localGet(0) + i32Const(-2) + [0x71] + i32Const(-7) + [0x49])
  // A byte class chosen by select, as clang writes `b < 64 ? 1 : 2`.
  let pick = try single(
    [i32T], [i32T],
    i32Const(1) + i32Const(2) + localGet(0) + i32Const(255) + [0x71] + i32Const(64)
      + [0x49, 0x1B])
  let xyz = [i32T, i32T, i32T]
  let addXor = try single(xyz, [i32T], localGet(0) + localGet(1) + [0x6A] + localGet(2) + [0x73])
  let xorAdd = try single(xyz, [i32T], localGet(2) + localGet(0) + localGet(1) + [0x6A, 0x73])
  for x in samples + [200, 201, 63, 64, 0xFFFF_FFF9, 0xFFFF_FFF8] {
    #expect(try shlAnd.call(.i32(x)) == [.i32((x &<< 2) & 4)])
    #expect(try gtU.call(.i32(x)) == [.i32(x & 255 > 200 ? 1 : 0)])
    #expect(try ltU.call(.i32(x)) == [.i32(x & 0xFFFF_FFFE < 0xFFFF_FFF9 ? 1 : 0)])
    #expect(try pick.call(.i32(x)) == [.i32(x & 255 < 64 ? 1 : 2)])
    for y in samples {
      let z = y ^ 0x5A5A_5A5A
      #expect(try addXor.call(.i32(x), .i32(y), .i32(z)) == [.i32((x &+ y) ^ z)])
      #expect(try xorAdd.call(.i32(x), .i32(y), .i32(z)) == [.i32(z ^ (x &+ y))])
    }
  }
}

@Test func twoF64AdditionsKeepTheirOrderAndRounding() throws {
  // (x + y) + z and z + (x + y): 1e16 + 1 rounds back to 1e16, so the order shows.
  let xyz = [f64T, f64T, f64T]
  let first = try single(xyz, [f64T], localGet(0) + localGet(1) + [0xA0] + localGet(2) + [0xA0])
  let second = try single(xyz, [f64T], localGet(2) + localGet(0) + localGet(1) + [0xA0, 0xA0])
  let cases: [(Double, Double, Double)] = [
    (1e16, 1, -1e16), (1, 1e16, -1e16), (0.1, 0.2, 0.3), (.infinity, -.infinity, 1),
    (-0.0, -0.0, 0.0),
    (1e308, 1e308, -1e308),
  ]
  for (x, y, z) in cases {
    let args: [Value] = [.double(x), .double(y), .double(z)]
    let (e1, e2) = ((x + y) + z, z + (x + y))
    let r1 = try first.call(args).first?.doubleValue, r2 = try second.call(args).first?.doubleValue
    #expect(r1.map { $0.bitPattern == e1.bitPattern || $0.isNaN && e1.isNaN } == true)
    #expect(r2.map { $0.bitPattern == e2.bitPattern || $0.isNaN && e2.isNaN } == true)
  }
}
