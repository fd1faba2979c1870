// Round 7 (`loop`, docs/performance.md): a loop whose body is a store then a pointer
// step, closed by a back-edge that steps a counter, runs as one self-looping handler
// (FillLoopHandlers.swift). The tests pin it in translated code, check where it must
// not fire, and check what stays observable against the same loop left unfused: the
// memory written, the locals after the loop, a trap in the n-th store (memory written
// up to it), fuel (the same iteration stops) and an interrupt from another thread.

import Foundation
import Testing
import WasmCore

@testable import WasmInterp

/// Whether the translated body of `f` holds any fill-loop handler.
private func holdsAnyFillLoop(_ f: Function) throws -> Bool {
  let all: [Handler] = [
    FillLoopHandlers.i32CountDown, FillLoopHandlers.i32Ne, FillLoopHandlers.i32LtU,
    FillLoopHandlers.i32LtS, FillLoopHandlers.i64Ne, FillLoopHandlers.i64LtU,
  ]
  for handler in all where try holds(f, handler) { return true }
  return false
}

private let module = """
  (module
    (memory (export "mem") 1 1)
    ;; sieve's marking loop as clang writes it: flags[p] = 1; p += step; n += s64
    ;; (i64) while n < limit. Returns p and n.
    (func (export "sieve2") (param $p i32) (param $step i32) (param $s64 i64) (param $n i64)
      (param $limit i64) (result i32 i64)
      (loop $l
        local.get $p
        i32.const 1
        i32.store8 offset=3
        local.get $p
        local.get $step
        i32.add
        local.set $p
        local.get $n
        local.get $s64
        i64.add
        local.tee $n
        local.get $limit
        i64.lt_u
        br_if $l)
      local.get $p
      local.get $n)
    ;; The reference: the same loop with a third local stepped first, which no fill
    ;; loop takes. Returns p and n, and counts iterations in $k (third result).
    (func (export "sieveRef") (param $p i32) (param $step i32) (param $s64 i64) (param $n i64)
      (param $limit i64) (result i32 i64 i32) (local $k i32)
      (loop $l
        local.get $k
        i32.const 1
        i32.add
        local.set $k
        local.get $p
        i32.const 1
        i32.store8 offset=3
        local.get $p
        local.get $step
        i32.add
        local.set $p
        local.get $n
        local.get $s64
        i64.add
        local.tee $n
        local.get $limit
        i64.lt_u
        br_if $l)
      local.get $p
      local.get $n
      local.get $k)
    ;; QuickJS's and SQLite's word fill: *p = v (i64 local); p += 8; while (--n).
    (func (export "fill") (param $p i32) (param $v i64) (param $n i32) (result i32 i32)
      (loop $l
        local.get $p
        local.get $v
        i64.store
        local.get $p
        i32.const 8
        i32.add
        local.set $p
        local.get $n
        i32.const -1
        i32.add
        local.tee $n
        br_if $l)
      local.get $p
      local.get $n)
    ;; i32 counter up to an immediate bound, signed; 16-bit stores of a constant.
    (func (export "halves") (param $p i32) (param $i i32) (result i32 i32)
      (loop $l
        local.get $p
        i32.const 0xBEEF
        i32.store16
        local.get $p
        i32.const 2
        i32.add
        local.set $p
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        i32.const 10
        i32.lt_s
        br_if $l)
      local.get $p
      local.get $i)
    ;; Not fused: the stored value is the counter (changes every iteration).
    (func (export "iota") (param $p i32) (param $i i32) (result i32)
      (loop $l
        local.get $p
        local.get $i
        i32.store
        local.get $p
        i32.const 4
        i32.add
        local.set $p
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        i32.const 8
        i32.ne
        br_if $l)
      local.get $i)
    ;; Not fused: the counter is the pointer's step.
    (func (export "growing") (param $p i32) (param $i i32) (result i32)
      (loop $l
        local.get $p
        i32.const 7
        i32.store8
        local.get $p
        local.get $i
        i32.add
        local.set $p
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        i32.const 6
        i32.lt_u
        br_if $l)
      local.get $p)
    ;; Endless unless stopped: the counter never reaches its bound (step 0).
    (func (export "forever") (param $p i32) (param $step i32) (param $n i64) (param $zero i64)
      (param $never i64)
      (loop $l
        local.get $p
        i32.const 9
        i32.store8
        local.get $p
        local.get $step
        i32.add
        local.set $p
        local.get $n
        local.get $zero
        i64.add
        local.tee $n
        local.get $never
        i64.ne
        br_if $l)))
  """

@Test func aFillLoopIsOneSelfLoopingHandler() throws {
  let store = Store()
  let instance = try instantiate(text: module, store: store)
  let memory = try #require(instance.memory("mem"))

  let sieve2 = try #require(instance.function("sieve2"))
  let reference = try #require(instance.function("sieveRef"))
  // Marks 10, 17, ... while n (from 49, step 7) stays below 100: the same bytes and
  // locals as the unfused loop.
  let fused = try sieve2.call(.i32(10), .i32(7), .i64(7), .i64(49), .i64(100))
  let marked = try memory.read(at: 0, count: 128)
  try memory.write([UInt8](repeating: 0, count: 128), at: 0)
  let plain = try reference.call(.i32(10), .i32(7), .i64(7), .i64(49), .i64(100))
  #expect(try memory.read(at: 0, count: 128) == marked)
  #expect(fused == Array(plain.prefix(2)))
  #expect(try holds(sieve2, FillLoopHandlers.i64LtU))
  #expect(try !holdsAnyFillLoop(reference))
  #expect(fused == [.i32(10 + 8 * 7), .i64(105)])
  #expect(
    marked.enumerated().filter { $0.element == 1 }.map(\.offset) == (0..<8).map { 13 + 7 * $0 })
  // The body runs once even when the bound is already passed.
  #expect(try sieve2.call(.i32(0), .i32(1), .i64(1), .i64(500), .i64(0)) == [.i32(1), .i64(501)])

  // A store that leaves the memory traps in the iteration it belongs to: the bytes
  // before it are written, as in the unfused loop.
  try memory.write([UInt8](repeating: 0, count: 64), at: 65536 - 64)
  #expect { try sieve2.call(.i32(65536 - 40), .i32(9), .i64(1), .i64(0), .i64(1000)) } throws: {
    trapKind($0) == .outOfBoundsMemoryAccess
  }
  let trapped = try memory.read(at: 65536 - 64, count: 64)
  try memory.write([UInt8](repeating: 0, count: 64), at: 65536 - 64)
  #expect { try reference.call(.i32(65536 - 40), .i32(9), .i64(1), .i64(0), .i64(1000)) } throws: {
    trapKind($0) == .outOfBoundsMemoryAccess
  }
  #expect(try memory.read(at: 65536 - 64, count: 64) == trapped)
  #expect(trapped.filter { $0 == 1 }.count == 5)  // 65496 + 3, ... + 9 * 4; + 45 leaves
  // The pointer wraps at 32 bits and the offset is added in 64 bits (no wrap back in).
  #expect { try sieve2.call(.i32(0xFFFF_FFFE), .i32(1), .i64(1), .i64(0), .i64(10)) } throws: {
    trapKind($0) == .outOfBoundsMemoryAccess
  }

  // Count-down fill of 8-byte words.
  let fill = try #require(instance.function("fill"))
  #expect(try fill.call(.i32(1000), .i64(0x1122_3344_5566_7788), .i32(3)) == [.i32(1024), .i32(0)])
  #expect(
    try memory.read(at: 1000, count: 25) == Array(
      repeating: [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11], count: 3
    ).flatMap { $0 } + [0])
  // n = 0 wraps to 2^32 - 1 first: the fill runs until the store leaves the memory.
  #expect { try fill.call(.i32(65536 - 16), .i64(UInt64.max), .i32(0)) } throws: {
    trapKind($0) == .outOfBoundsMemoryAccess
  }
  #expect(try memory.read(at: 65536 - 16, count: 16) == [UInt8](repeating: 0xFF, count: 16))
  #expect(try holds(fill, FillLoopHandlers.i32CountDown))

  let halves = try #require(instance.function("halves"))
  #expect(try halves.call(.i32(2000), .i32(0xFFFF_FFFD)) == [.i32(2026), .i32(10)])
  #expect(
    try memory.read(at: 2000, count: 28) == Array(repeating: [0xEF, 0xBE], count: 13).flatMap { $0 }
      + [0, 0])
  #expect(try holds(halves, FillLoopHandlers.i32LtS))

  // Where it must not fire.
  let iota = try #require(instance.function("iota"))
  #expect(try iota.call(.i32(3000), .i32(5)) == [.i32(8)])
  #expect(try memory.read(at: 3000, count: 12) == [5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0])
  #expect(try !holdsAnyFillLoop(iota))
  let growing = try #require(instance.function("growing"))
  #expect(try growing.call(.i32(4000), .i32(1)) == [.i32(4000 + 1 + 2 + 3 + 4 + 5)])
  #expect(try !holdsAnyFillLoop(growing))
}

@Test func aFillLoopStopsOnFuelAndInterruptLikeItsBackEdge() throws {
  let store = Store()
  let instance = try instantiate(text: module, store: store)
  let memory = try #require(instance.memory("mem"))
  let sieve2 = try #require(instance.function("sieve2"))
  let reference = try #require(instance.function("sieveRef"))

  // Fuel: both loops stop at the same iteration, having written the same bytes.
  for fuel in [0, 1, 2, 17, 500] {
    try memory.write([UInt8](repeating: 0, count: 1024), at: 0)
    store.fuel = fuel
    #expect { try sieve2.call(.i32(0), .i32(1), .i64(1), .i64(0), .i64(100_000)) } throws: {
      trapKind($0) == .outOfFuel
    }
    let fusedLeft = store.fuel
    let fused = try memory.read(at: 0, count: 1024)
    try memory.write([UInt8](repeating: 0, count: 1024), at: 0)
    store.fuel = fuel
    #expect { try reference.call(.i32(0), .i32(1), .i64(1), .i64(0), .i64(100_000)) } throws: {
      trapKind($0) == .outOfFuel
    }
    #expect(store.fuel == fusedLeft)
    #expect(try memory.read(at: 0, count: 1024) == fused, "fuel \(fuel)")
    #expect(fused.filter { $0 == 1 }.count >= min(fuel, 1000))
  }
  store.fuel = nil
  #expect(try holds(sieve2, FillLoopHandlers.i64LtU))

  // An interrupt from another thread stops an endless fill loop.
  let forever = try #require(instance.function("forever"))
  #expect(
    trapKindWhenInterrupted(
      forever, [.i32(100), .i32(0), .i64(0), .i64(0), .i64(1)], store: store) == .interrupted)
  #expect(try memory.read(at: 100, count: 1) == [9])
  #expect(try holds(forever, FillLoopHandlers.i64Ne))
}
