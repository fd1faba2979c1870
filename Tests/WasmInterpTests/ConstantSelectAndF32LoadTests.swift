// Round 4d's fusions (docs/performance.md): f32 `add`/`mul` with an operand loaded
// just before (simd_scalar's `vy + y[i]`), and `select` with a constant operand
// (strscan's `in_word ? 0 : letter`), and float `add`/`mul` with a constant as
// their immediate (simd_scalar's `vy * 0.5f`). Each test pins that the fused handler is in
// the translated code where it should be, and not where a peephole must not fire,
// and checks the results against Swift arithmetic: NaN bits, traps, 64-bit values.

import Testing
import WasmCore

@testable import WasmInterp

private let f64T: UInt8 = 0x7C
private let select: [UInt8] = [0x1B]
private let drop: [UInt8] = [0x1A]

private func memarg(_ offset: UInt32) -> [UInt8] { [2] + ModuleBuilder.leb(UInt64(offset)) }

private func isOutOfBounds(_ error: any Error) -> Bool {
  (error as? Trap)?.kind == .outOfBoundsMemoryAccess
}

/// Same bits, or both NaN (the hardware may keep either operand's payload).
private func same(_ r: [Value], _ e: Float) -> Bool {
  guard let f = r.first?.floatValue else { return false }
  return f.bitPattern == e.bitPattern || f.isNaN && e.isNaN
}

@Test func f32ArithmeticWithALoadedOperandIsOneHandler() throws {
  var b = ModuleBuilder()
  b.memory = (1, 1)
  b.exports.append(("mem", 2, 0))
  let t = b.type([f32T, i32T], [f32T])
  let addressed = localGet(1) + i32Const(4) + [0x6A]
  let load: [UInt8] = [0x2A]
  // x * load(a + 4), load(a) offset 8 * x, x + load(a + 4), load(a) offset 8 + x.
  b.function(t, export: "mulLoad", localGet(0) + addressed + load + memarg(0) + [0x94])
  b.function(t, export: "loadMul", localGet(1) + load + memarg(8) + localGet(0) + [0x94])
  b.function(t, export: "addLoad", localGet(0) + addressed + load + memarg(0) + [0x92])
  b.function(t, export: "loadAdd", localGet(1) + load + memarg(8) + localGet(0) + [0x92])
  // The load's value teed into a local is not the operator's own temporary: no fusion.
  b.function(
    t, locals: [(1, f32T)], export: "teed",
    localGet(0) + addressed + load + memarg(0) + localTee(2) + [0x92])
  let instance = try instantiate(b)
  let memory = try #require(instance.memory("mem"))
  let floats: [Float] = [
    1.5, -0.0, .infinity, Float(bitPattern: 0x7FA0_0001), 3e38, 3, -2.25,
    Float(bitPattern: 0xFFC0_1234), .leastNonzeroMagnitude, 0.1,
  ]
  var bytes: [UInt8] = []
  for f in floats { bytes += (0..<4).map { UInt8(truncatingIfNeeded: f.bitPattern >> (8 * $0)) } }
  try memory.write(bytes, at: 0)
  func at(_ address: Int) -> Float { floats[address / 4] }
  let cases: [(String, Handler?, (Float, Int) -> Float)] = [
    ("mulLoad", LoadOperandHandlers.f32MulLoad, { x, a in x * at(a + 4) }),
    ("loadMul", LoadOperandHandlers.f32LoadMul, { x, a in at(a + 8) * x }),
    ("addLoad", LoadOperandHandlers.f32AddLoad, { x, a in x + at(a + 4) }),
    ("loadAdd", LoadOperandHandlers.f32LoadAdd, { x, a in at(a + 8) + x }),
    ("teed", nil, { x, a in x + at(a + 4) }),
  ]
  let xs: [Float] = [2, -1, 0, .nan, Float(bitPattern: 0x7F80_0042), 1e30, -.infinity]
  for (name, handler, expected) in cases {
    let f = try #require(instance.function(name))
    for x in xs {
      for a in stride(from: 0, through: 28, by: 4) {
        #expect(same(try f.call(.float(x), .i32(UInt32(a))), expected(x, a)), "\(name) \(x) \(a)")
      }
      // The loaded operand out of bounds, and an address sum that wraps past 2^32.
      #expect { try f.call(.float(x), .i32(65532)) } throws: { isOutOfBounds($0) }
      #expect { try f.call(.float(x), .i32(0xFFFF_FFF0)) } throws: { isOutOfBounds($0) }
    }
    if let handler {
      #expect(try holds(f, handler), "\(name) is fused")
    } else {
      for h in [LoadOperandHandlers.f32AddLoad, LoadOperandHandlers.f32LoadAdd] {
        #expect(try !holds(f, h), "\(name) is not fused")
      }
    }
  }
  // x + load(a + 4) with a = 0xFFFF_FFFC: the i32 sum wraps to address 0.
  let addLoad = try #require(instance.function("addLoad"))
  #expect(same(try addLoad.call(.float(2), .i32(0xFFFF_FFFC)), 2 + at(0)))
}

@Test func selectWithAConstantOperandIsOneHandler() throws {
  var b = ModuleBuilder()
  let i32Select = b.type([i32T, i32T], [i32T])
  let i64Select = b.type([i64T, i32T], [i64T])
  let f64Select = b.type([f64T, i32T], [f64T])
  // c ? 0 : x (strscan's wc loop), c ? x : 7.
  b.function(i32Select, export: "first", i32Const(0) + localGet(0) + localGet(1) + select)
  b.function(i32Select, export: "second", localGet(0) + i32Const(7) + localGet(1) + select)
  // 64-bit constants keep all their bits; an f64 NaN constant keeps its payload.
  let big: Int64 = -0x1234_5678_9ABC
  b.function(i64Select, export: "first64", i64Const(big) + localGet(0) + localGet(1) + select)
  let nan: UInt64 = 0x7FF0_0000_0000_0004
  let f64Const = [0x44] + (0..<8).map { UInt8(truncatingIfNeeded: nan >> (8 * $0)) }
  b.function(f64Select, export: "secondNaN", localGet(0) + f64Const + localGet(1) + select)
  // Not fusable: the condition is computed after the constant, or the constant
  // just emitted was dropped and the first operand is an older constant.
  b.function(
    i32Select, export: "computed",
    i32Const(3) + localGet(0) + localGet(0) + localGet(1) + [0x48] + select)
  b.function(
    i32Select, export: "dropped",
    i32Const(9) + i32Const(5) + drop + localGet(0) + localGet(1) + select)
  let instance = try instantiate(b)
  let samples: [UInt32] = [0, 1, 0x8000_0000, 0xFFFF_FFFF, 42]
  let first = try #require(instance.function("first"))
  let second = try #require(instance.function("second"))
  let computed = try #require(instance.function("computed"))
  let dropped = try #require(instance.function("dropped"))
  for x in samples {
    for c in samples {
      #expect(try first.call(.i32(x), .i32(c)) == [.i32(c != 0 ? 0 : x)])
      #expect(try second.call(.i32(x), .i32(c)) == [.i32(c != 0 ? x : 7)])
      let less = Int32(bitPattern: x) < Int32(bitPattern: c)
      #expect(try computed.call(.i32(x), .i32(c)) == [.i32(less ? 3 : x)])
      #expect(try dropped.call(.i32(x), .i32(c)) == [.i32(c != 0 ? 9 : x)])
    }
  }
  let first64 = try #require(instance.function("first64"))
  let secondNaN = try #require(instance.function("secondNaN"))
  for c in samples {
    let x: UInt64 = 0xFFFF_0000_FFFF_0001
    #expect(try first64.call(.i64(x), .i32(c)) == [.i64(c != 0 ? UInt64(bitPattern: big) : x)])
    let result = try secondNaN.call(.f64(0x4000_0000_0000_0000), .i32(c))
    guard case .f64(let bits) = result.first else {
      Issue.record("not an f64: \(result)")
      continue
    }
    #expect(bits == (c != 0 ? 0x4000_0000_0000_0000 : nan))
  }
  #expect(try holds(first, SelectHandlers.constFirst))
  #expect(try holds(first64, SelectHandlers.constFirst))
  #expect(try holds(second, SelectHandlers.constSecond))
  #expect(try holds(secondNaN, SelectHandlers.constSecond))
  for f in [computed, dropped] {
    #expect(try !holds(f, SelectHandlers.constFirst))
    #expect(try !holds(f, SelectHandlers.constSecond))
  }
}

@Test func floatAddAndMulTakeAConstantAsTheirImmediate() throws {
  var b = ModuleBuilder()
  let f32Unary = b.type([f32T], [f32T])
  let f64Unary = b.type([f64T], [f64T])
  func f32Const(_ bits: UInt32) -> [UInt8] {
    [0x43] + (0..<4).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
  }
  func f64Const(_ bits: UInt64) -> [UInt8] {
    [0x44] + (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
  }
  // x * k and x + k for each k (NaN payloads, -0, infinities, a subnormal).
  let f32Ks: [Float] = [
    0.5, -0.0, .infinity, Float(bitPattern: 0x7FC0_0123), .leastNonzeroMagnitude,
  ]
  let f64Ks: [Double] = [0.5, -0.0, -.infinity, Double(bitPattern: 0x7FF8_0000_0000_0042), 1e308]
  for (i, k) in f32Ks.enumerated() {
    b.function(f32Unary, export: "f32mul\(i)", localGet(0) + f32Const(k.bitPattern) + [0x94])
    b.function(f32Unary, export: "f32add\(i)", localGet(0) + f32Const(k.bitPattern) + [0x92])
  }
  for (i, k) in f64Ks.enumerated() {
    b.function(f64Unary, export: "f64mul\(i)", localGet(0) + f64Const(k.bitPattern) + [0xA2])
    b.function(f64Unary, export: "f64add\(i)", localGet(0) + f64Const(k.bitPattern) + [0xA0])
  }
  let instance = try instantiate(b)
  let f32Xs: [Float] = [3, -0.0, .nan, -.infinity, 1e38, Float(bitPattern: 0xFF80_0001)]
  let f64Xs: [Double] = [3, -0.0, .nan, .infinity, 1e308, -0x1p-1074]
  for (i, k) in f32Ks.enumerated() {
    let mul = try #require(instance.function("f32mul\(i)"))
    let add = try #require(instance.function("f32add\(i)"))
    for x in f32Xs {
      #expect(same(try mul.call(.float(x)), x * k))
      #expect(same(try add.call(.float(x)), x + k))
    }
    #expect(try holds(mul, try #require(numericHandlers(.f32Mul).1)))
    #expect(try holds(add, try #require(numericHandlers(.f32Add).1)))
  }
  func same64(_ r: [Value], _ e: Double) -> Bool {
    guard let d = r.first?.doubleValue else { return false }
    return d.bitPattern == e.bitPattern || d.isNaN && e.isNaN
  }
  for (i, k) in f64Ks.enumerated() {
    let mul = try #require(instance.function("f64mul\(i)"))
    let add = try #require(instance.function("f64add\(i)"))
    for x in f64Xs {
      #expect(same64(try mul.call(.double(x)), x * k))
      #expect(same64(try add.call(.double(x)), x + k))
    }
    #expect(try holds(mul, try #require(numericHandlers(.f64Mul).1)))
    #expect(try holds(add, try #require(numericHandlers(.f64Add).1)))
  }
}
