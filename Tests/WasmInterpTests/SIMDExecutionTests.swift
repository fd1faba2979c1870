// v128 execution beyond the spec scripts: the wide slot layout at function
// boundaries (wide bodies of narrow types, wide callers of narrow callees,
// multi-value), v128 across the host boundary, and the relaxed-SIMD choices.

import Testing
import WasmCore
import WasmInterp

let v128T: UInt8 = 0x7B
let f32T: UInt8 = 0x7D
func simd(_ op: UInt32, _ immediates: [UInt8] = []) -> [UInt8] {
  [0xFD] + ModuleBuilder.leb(UInt64(op)) + immediates
}

func i32Lanes(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> Value {
  .v128(V128(low: UInt64(a) | UInt64(b) << 32, high: UInt64(c) | UInt64(d) << 32))
}
func f32Lanes(_ a: Float, _ b: Float, _ c: Float, _ d: Float) -> Value {
  i32Lanes(a.bitPattern, b.bitPattern, c.bitPattern, d.bitPattern)
}

/// `spread(a, b, c) -> (2c, 2b, 2a)`: a wide body (it uses a v128 local) of a narrow
/// type with several parameters and results.
func spreadModule() -> (ModuleBuilder, UInt32) {
  var b = ModuleBuilder()
  let t = b.type([i32T, i32T, i32T], [i32T, i32T, i32T])
  let f = b.function(
    t, locals: [(1, v128T)], export: "spread",
    localGet(0) + simd(0x11) + localGet(1) + simd(0x1C, [1]) + localGet(2) + simd(0x1C, [2])
      + localTee(3) + localGet(3) + simd(0xAE) + localSet(3)
      + localGet(3) + simd(0x1B, [2]) + localGet(3) + simd(0x1B, [1]) + localGet(3)
      + simd(0x1B, [0]))
  return (b, f)
}

@Test func wideBodyOfANarrowType() throws {
  let (b, _) = spreadModule()
  let instance = try instantiate(b)
  let f = try #require(instance.function("spread"))
  #expect(try f.call(.int32(1), .int32(-2), .int32(300)) == [.int32(600), .int32(-4), .int32(2)])
}

@Test func narrowAndWideFunctionsCallEachOther() throws {
  var (b, spread) = spreadModule()
  // A narrow callee with several parameters and results: (p, q, r) -> (p - q, 2r).
  let t3 = b.type([i32T, i32T, i32T], [i32T, i32T])
  let narrow = b.function(
    t3, localGet(0) + localGet(1) + [0x6B] + localGet(2) + localGet(2) + [0x6A])
  // A wide caller: x -> lane 0 of splat(x) - 10 + 2 * lane 3, via the narrow callee.
  let t1 = b.type([i32T], [i32T])
  b.function(
    t1, locals: [(1, v128T)], export: "wideCaller",
    localGet(0) + simd(0x11) + localSet(1)
      + localGet(1) + simd(0x1B, [0]) + i32Const(10) + localGet(1) + simd(0x1B, [3])
      + call(narrow) + [0x6A])
  // A narrow caller of the wide `spread`: sums its three results.
  b.function(
    t1, export: "narrowCaller",
    localGet(0) + localGet(0) + i32Const(1) + [0x6A] + localGet(0) + i32Const(2) + [0x6A]
      + call(spread) + [0x6A, 0x6A])
  let instance = try instantiate(b)
  #expect(try instance.function("wideCaller")?.call(.int32(7)) == [.int32(7 - 10 + 14)])
  #expect(try instance.function("narrowCaller")?.call(.int32(5)) == [.int32(2 * (5 + 6 + 7))])
}

@Test func v128CrossesTheHostBoundary() throws {
  var b = ModuleBuilder()
  let hostType = b.type([v128T], [v128T])
  let host = b.importFunction("env", "reverse", type: hostType)
  // f(v, s) -> (reverse(v) + v, s + 1)
  let t = b.type([v128T, i32T], [v128T, i32T])
  b.function(
    t, export: "f",
    localGet(0) + call(host) + localGet(0) + simd(0xAE) + localGet(1) + i32Const(1) + [0x6A])
  let store = Store()
  var linker = Linker()
  linker.defineFunction(
    module: "env", name: "reverse", in: store, parameters: [.v128], results: [.v128]
  ) {
    _, args in
    guard case .v128(let v) = args.first else { return [] }
    let lanes = [
      UInt32(truncatingIfNeeded: v.low), UInt32(truncatingIfNeeded: v.low >> 32),
      UInt32(truncatingIfNeeded: v.high), UInt32(truncatingIfNeeded: v.high >> 32),
    ]
    return [i32Lanes(lanes[3], lanes[2], lanes[1], lanes[0])]
  }
  let instance = try instantiate(b, store: store, linker: linker)
  let f = try #require(instance.function("f"))
  #expect(try f.call(i32Lanes(1, 2, 3, 4), .int32(41)) == [i32Lanes(5, 5, 5, 5), .int32(42)])
}

/// A module of one-instruction functions `(param v128...) (result v128)`.
func relaxedModule(_ ops: [(String, UInt32, Int)]) throws -> Instance {
  var b = ModuleBuilder()
  for (name, op, arity) in ops {
    let t = b.type(Array(repeating: v128T, count: arity), [v128T])
    b.function(t, export: name, (0..<arity).flatMap { localGet(UInt32($0)) } + simd(op))
  }
  let module = try ValidatedModule(bytes: b.bytes, features: .relaxedSIMD)
  return try Linker().instantiate(module, in: Store())
}

@Test func relaxedSIMDTakesTheDeterministicChoices() throws {
  let instance = try relaxedModule([
    ("truncS", 0x101, 1), ("truncU", 0x102, 1), ("madd", 0x105, 3), ("swizzle", 0x100, 2),
    ("laneselect", 0x10B, 3), ("dot", 0x112, 2),
  ])
  // Truncation saturates and maps NaN to 0, like trunc_sat.
  #expect(
    try instance.function("truncS")?.call(f32Lanes(.nan, 3e9, -3e9, -1.5))
      == [i32Lanes(0, UInt32(Int32.max), UInt32(bitPattern: Int32.min), UInt32(bitPattern: -1))])
  #expect(
    try instance.function("truncU")?.call(f32Lanes(.nan, -1, 5e9, 2.7)) == [i32Lanes(0, 0, .max, 2)]
  )
  // Unfused: (1 + 2^-12)^2 rounds to 1 + 2^-11 before the add, so the result is 0
  // (a fused multiply-add would give 2^-24).
  let x: Float = 1 + 0x1p-12
  let y: Float = -(1 + 0x1p-11)
  #expect(
    try instance.function("madd")?.call(
      f32Lanes(x, 1, 1, 1), f32Lanes(x, 1, 1, 1), f32Lanes(y, 0, 0, 0))
      == [f32Lanes(0, 1, 1, 1)])
  // Swizzle indices past 15 give 0 (also when their top bit is clear).
  let bytes = V128(low: 0x0706_0504_0302_0100, high: 0x0F0E_0D0C_0B0A_0908)
  let indices = V128(low: 0x1F10_8000_0001_0F05, high: 0)
  #expect(
    try instance.function("swizzle")?.call(.v128(bytes), .v128(indices))
      == [.v128(V128(low: 0x0000_0000_0001_0F05, high: 0))])
  // Lane select is a bit select: a mask mixing bits is not widened.
  #expect(
    try instance.function("laneselect")?.call(
      i32Lanes(0xFFFF_FFFF, 0, 0, 0), i32Lanes(0, 0xFFFF_FFFF, 0, 0), i32Lanes(0x8000_0001, 0, 0, 0)
    )
      == [i32Lanes(0x8000_0001, 0xFFFF_FFFF, 0, 0)])
  // The dot product reads both operands as signed: (-128)(-128) * 2 saturates.
  let minus128 = V128(low: 0x8080_8080_8080_8080, high: 0x8080_8080_8080_8080)
  let expected = V128(low: 0x7FFF_7FFF_7FFF_7FFF, high: 0x7FFF_7FFF_7FFF_7FFF)
  #expect(try instance.function("dot")?.call(.v128(minus128), .v128(minus128)) == [.v128(expected)])
}

@Test func relaxedOpcodesNeedTheFeature() throws {
  var b = ModuleBuilder()
  let t = b.type([v128T], [v128T])
  b.function(t, localGet(0) + simd(0x101))
  #expect(throws: WasmError.self) { try ValidatedModule(bytes: b.bytes, features: .wasm2) }
  // Wasm 3.0, the default, includes relaxed SIMD.
  _ = try ValidatedModule(bytes: b.bytes)
}

@Test func shiftsByConstantsTakeTheCountModuloTheLaneWidth() throws {
  var b = ModuleBuilder()
  let t = b.type([v128T], [v128T])
  // i32x4.shl by 33 (= 1), then i8x16.shr_s by -1 (= 7), then i16x8.shr_u by 16 (= 0).
  b.function(t, export: "shl33", localGet(0) + i32Const(33) + simd(0xAB))
  b.function(t, export: "shrS-1", localGet(0) + i32Const(-1) + simd(0x6C))
  b.function(t, export: "shrU16", localGet(0) + i32Const(16) + simd(0x8D))
  let instance = try instantiate(b)
  #expect(
    try instance.function("shl33")?.call(i32Lanes(1, 0x8000_0001, 3, 4)) == [i32Lanes(2, 2, 6, 8)])
  let bytes = V128(low: 0x7F80_0001_FF00_8001, high: 0x0102_0304_0506_0708)
  #expect(
    try instance.function("shrS-1")?.call(.v128(bytes))
      == [.v128(V128(low: 0x00FF_0000_FF00_FF00, high: 0))])
  #expect(try instance.function("shrU16")?.call(.v128(bytes)) == [.v128(bytes)])
}
