// Round 7 (`pair`, docs/performance.md): `i32.and` with a constant, then `br_if` on
// the masked value or on its `eqz`, as one handler (C's `if (x & FLAG)` and
// `if (!(x & FLAG))`). The tests pin each handler in translated code, where it must
// not fire, and check the value kept by `local.tee`, both senses of the branch, and
// fuel and an interrupt at the fused back-edges against the same loop unfused.

import Foundation
import Testing
import WasmCore

@testable import WasmInterp

private typealias H = BitTestBranchHandlers
private let allBitTests: [Handler] = [
  H.i32AndImmBrIf, H.i32AndImmBrIfLoop, H.i32AndImmBrIfZero, H.i32AndImmBrIfZeroLoop,
]

private func holdsAnyBitTest(_ f: Function) throws -> Bool {
  try allBitTests.contains { try holds(f, $0) }
}

private let module = """
  (module
    ;; if (x & 0x80) return 1; return 0
    (func (export "set") (param $x i32) (result i32)
      (block $b
        local.get $x
        i32.const 0x80
        i32.and
        br_if $b
        i32.const 0
        return)
      i32.const 1)
    ;; if (!(x & 0x8000_0001)) return 1; return 0
    (func (export "clear") (param $x i32) (result i32)
      (block $b
        local.get $x
        i32.const 0x80000001
        i32.and
        i32.eqz
        br_if $b
        i32.const 0
        return)
      i32.const 1)
    ;; The masked value kept by local.tee: returns m * 2 + (m != 0), m = x & 0xF0.
    (func (export "teed") (param $x i32) (result i32) (local $m i32)
      (block $b
        local.get $x
        i32.const 0xF0
        i32.and
        local.tee $m
        br_if $b
        local.get $m
        i32.const 2
        i32.mul
        return)
      local.get $m
      i32.const 2
      i32.mul
      i32.const 1
      i32.add)
    ;; The same kept value, then eqz.
    (func (export "teedZero") (param $x i32) (result i32) (local $m i32)
      (block $b
        local.get $x
        i32.const 0xF0
        i32.and
        local.tee $m
        i32.eqz
        br_if $b
        local.get $m
        return)
      local.get $m
      i32.const 1000
      i32.add)
    ;; Back-edges: shift x right while its low bit is set (count the ones), and while
    ;; it is clear (count trailing zeros, x != 0).
    (func (export "ones") (param $x i32) (result i32) (local $n i32)
      (loop $l
        local.get $n
        i32.const 1
        i32.add
        local.set $n
        local.get $x
        i32.const 1
        i32.shr_u
        local.tee $x
        i32.const 1
        i32.and
        br_if $l)
      local.get $n)
    (func (export "zeros") (param $x i32) (result i32) (local $n i32)
      (loop $l
        local.get $x
        i32.const 1
        i32.shr_u
        local.set $x
        local.get $n
        i32.const 1
        i32.add
        local.set $n
        local.get $x
        i32.const 1
        i32.and
        i32.eqz
        br_if $l)
      local.get $n)
    ;; Not fused: a mask from a local; a label between the and and the branch.
    (func (export "byLocal") (param $x i32) (param $m i32) (result i32)
      (block $b
        local.get $x
        local.get $m
        i32.and
        br_if $b
        i32.const 0
        return)
      i32.const 1)
    ;; Endless loops of the fused back-edges, and the first one unfused (a label).
    (func (export "forever") (param $x i32)
      (loop $l
        local.get $x
        i32.const 1
        i32.and
        br_if $l))
    (func (export "foreverZero") (param $x i32)
      (loop $l
        local.get $x
        i32.const 1
        i32.and
        i32.eqz
        br_if $l))
    (func (export "foreverRef") (param $x i32)
      (loop $l
        local.get $x
        i32.const 1
        i32.and
        (block)
        br_if $l)))
  """

@Test func aFlagTestThenABranchIsOneHandler() throws {
  let store = Store()
  let instance = try instantiate(text: module, store: store)

  let set = try #require(instance.function("set"))
  #expect(try set.call(.i32(0x80)) == [.i32(1)])
  #expect(try set.call(.i32(0xFFFF_FF7F)) == [.i32(0)])
  #expect(try holds(set, H.i32AndImmBrIf))

  let clear = try #require(instance.function("clear"))
  #expect(try clear.call(.i32(0x7FFF_FFFE)) == [.i32(1)])
  #expect(try clear.call(.i32(0x8000_0000)) == [.i32(0)])
  #expect(try clear.call(.i32(1)) == [.i32(0)])
  #expect(try holds(clear, H.i32AndImmBrIfZero))

  let teed = try #require(instance.function("teed"))
  #expect(try teed.call(.i32(0x1234_5678)) == [.i32(0xE1)])
  #expect(try teed.call(.i32(0x0F)) == [.i32(0)])
  #expect(try holds(teed, H.i32AndImmBrIf))

  let teedZero = try #require(instance.function("teedZero"))
  #expect(try teedZero.call(.i32(0x0F)) == [.i32(1000)])
  #expect(try teedZero.call(.i32(0x30)) == [.i32(0x30)])
  #expect(try holds(teedZero, H.i32AndImmBrIfZero))

  let ones = try #require(instance.function("ones"))
  #expect(try ones.call(.i32(0b0111)) == [.i32(3)])
  #expect(try ones.call(.i32(0xFFFF_FFFF)) == [.i32(32)])
  #expect(try holds(ones, H.i32AndImmBrIfLoop))

  let zeros = try #require(instance.function("zeros"))
  #expect(try zeros.call(.i32(0b1000)) == [.i32(3)])
  #expect(try zeros.call(.i32(0x8000_0000)) == [.i32(31)])
  #expect(try holds(zeros, H.i32AndImmBrIfZeroLoop))

  let byLocal = try #require(instance.function("byLocal"))
  #expect(try byLocal.call(.i32(6), .i32(2)) == [.i32(1)])
  #expect(try !holdsAnyBitTest(byLocal))
  let reference = try #require(instance.function("foreverRef"))
  #expect(try reference.call(.i32(0)) == [])
  #expect(try !holdsAnyBitTest(reference))
}

@Test func aFusedFlagTestBackEdgeStopsOnFuelAndInterrupt() throws {
  let store = Store()
  let instance = try instantiate(text: module, store: store)
  let forever = try #require(instance.function("forever"))
  let foreverZero = try #require(instance.function("foreverZero"))
  let reference = try #require(instance.function("foreverRef"))

  // Fuel: the fused loops stop with the fuel the unfused one leaves.
  for fuel in [0, 1, 2, 17, 500] {
    store.fuel = fuel
    #expect { try reference.call(.i32(1)) } throws: { trapKind($0) == .outOfFuel }
    let left = store.fuel
    store.fuel = fuel
    #expect { try forever.call(.i32(1)) } throws: { trapKind($0) == .outOfFuel }
    #expect(store.fuel == left, "fuel \(fuel)")
    store.fuel = fuel
    #expect { try foreverZero.call(.i32(2)) } throws: { trapKind($0) == .outOfFuel }
    #expect(store.fuel == left, "fuel \(fuel)")
  }
  store.fuel = nil
  #expect(try holds(forever, H.i32AndImmBrIfLoop))
  #expect(try holds(foreverZero, H.i32AndImmBrIfZeroLoop))

  // An interrupt from another thread stops each endless fused loop.
  for (f, argument) in [(forever, UInt32(1)), (foreverZero, UInt32(2))] {
    #expect(trapKindWhenInterrupted(f, [.i32(argument)], store: store) == .interrupted)
  }
}
