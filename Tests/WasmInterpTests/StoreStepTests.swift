// Round 6 (`shape`, docs/performance.md): a store then an `i32.add` into a local as one
// handler (sieve's `flags[j] = 1; j += i`, simd_scalar's next element address
// `local.tee a (i32.add i k)`). The tests pin the fused handlers in translated code,
// where they must not fire, and check results, 32-bit wrapping, the order of the
// store and the add, a trap in the store before the add and fuel in a loop of them.

import Testing
import WasmCore

@testable import WasmInterp

/// Whether the translated body of `f` holds any of the store-then-add handlers.
private func holdsAnyStoreStep(_ f: Function) throws -> Bool {
  for width in [1, 2, 4, 8] {
    for constant in [false, true] {
      for immediate in [false, true] {
        let handler = try #require(
          StoreStepHandlers.handler(width: width, constant: constant, immediate: immediate))
        if try holds(f, handler) { return true }
      }
    }
  }
  return false
}

private let module = """
  (module
    (memory (export "mem") 1 1)
    ;; sieve's inner loop: flags[j] = 1; j += step while j < n (store8 of a constant,
    ;; then an add of two locals into the address's own local). Returns the last j.
    (func (export "mark") (param $j i32) (param $step i32) (param $n i32) (result i32)
      (loop $l
        local.get $j
        i32.const 1
        i32.store8 offset=16
        local.get $j
        local.get $step
        i32.add
        local.set $j
        local.get $j
        local.get $n
        i32.lt_u
        br_if $l)
      local.get $j)
    ;; simd_scalar's shape: store a value at a, then the next address a = i + k by
    ;; local.tee, which the next store uses. Returns a.
    (func (export "pairs") (param $i i32) (param $v i32) (result i32) (local $a i32)
      local.get $i
      local.set $a
      local.get $a
      local.get $v
      i32.store
      local.get $i
      i32.const 4
      i32.add
      local.tee $a
      local.get $v
      i32.const 1
      i32.add
      i32.store offset=0
      local.get $a)
    ;; The add writes the stored value's local and wraps: store v, then v += k.
    (func (export "valueStep") (param $p i32) (param $v i32) (param $k i32) (result i32)
      local.get $p
      local.get $v
      i32.store16
      local.get $v
      local.get $k
      i32.add
      local.set $v
      local.get $v)
    ;; An i64 store of a constant, then a step by an immediate.
    (func (export "wide") (param $p i32) (result i32)
      local.get $p
      i64.const 0x0102030405060708
      i64.store
      local.get $p
      i32.const -8
      i32.add
      local.set $p
      local.get $p)
    ;; Not fused: the add stays a temporary (a load's address, fused with it).
    (func (export "addressOnly") (param $p i32) (result i32)
      local.get $p
      i32.const 9
      i32.store8
      local.get $p
      i32.const 1
      i32.add
      i32.load8_u)
    ;; Not fused: an i64 add after the store.
    (func (export "wideAdd") (param $p i32) (param $x i64) (result i64)
      local.get $p
      local.get $x
      i64.store
      local.get $x
      i64.const 1
      i64.add
      local.set $x
      local.get $x)
    ;; Not fused: a label between the store and the add.
    (func (export "labelled") (param $p i32) (result i32)
      local.get $p
      i32.const 5
      i32.store8
      (loop $l
        local.get $p
        i32.const 1
        i32.add
        local.set $p)
      local.get $p)
    ;; Not fused: the store's address is itself an add (a store of a local at
    ;; `x + k`, fused with that add).
    (func (export "addedStore") (param $p i32) (result i32)
      local.get $p
      i32.const 4
      i32.add
      local.get $p
      i32.store8
      local.get $p
      i32.const 1
      i32.add
      local.set $p
      local.get $p)
    ;; An endless loop of the fused pair and a plain back-edge, for fuel.
    (func (export "forever") (param $p i32)
      (loop $l
        local.get $p
        i32.const 0
        i32.store8
        local.get $p
        i32.const 1
        i32.add
        local.set $p
        br $l)))
  """

@Test func aStoreThenAnAddIntoALocalIsOneHandler() throws {
  let store = Store()
  let instance = try instantiate(text: module, store: store)
  let memory = try #require(instance.memory("mem"))

  // sieve: marks j, j + step, ... below n at offset 16.
  let mark = try #require(instance.function("mark"))
  #expect(try mark.call(.i32(3), .i32(5), .i32(40)) == [.i32(43)])
  let marked = try memory.read(at: 16, count: 48)
  for (index, byte) in marked.enumerated() {
    let expected: UInt8 = index >= 3 && index < 40 && (index - 3) % 5 == 0 ? 1 : 0
    #expect(byte == expected, "byte \(index)")
  }
  #expect(try holds(mark, StoreStepHandlers.store8ConstantAdd))
  // The address plus the offset does not wrap: from 0xFFFF_FFF0 + 16 the first store
  // leaves the memory and traps before any add.
  #expect { try mark.call(.i32(0xFFFF_FFF0), .i32(0x20), .i32(0x11)) } throws: {
    trapKind($0) == .outOfBoundsMemoryAccess
  }

  let pairs = try #require(instance.function("pairs"))
  #expect(try pairs.call(.i32(100), .i32(0xAABB_CCDD)) == [.i32(104)])
  #expect(try memory.read(at: 100, count: 8) == [0xDD, 0xCC, 0xBB, 0xAA, 0xDE, 0xCC, 0xBB, 0xAA])
  #expect(try holds(pairs, StoreStepHandlers.store32AddImm))

  let valueStep = try #require(instance.function("valueStep"))
  // The store writes the old value; the add wraps.
  #expect(try valueStep.call(.i32(200), .i32(0xFFFF_1234), .i32(0x0001_0000)) == [.i32(0x1234)])
  #expect(try memory.read(at: 200, count: 2) == [0x34, 0x12])
  #expect(try holds(valueStep, StoreStepHandlers.store16Add))

  let wide = try #require(instance.function("wide"))
  #expect(try wide.call(.i32(300)) == [.i32(292)])
  #expect(try memory.read(at: 300, count: 8) == [8, 7, 6, 5, 4, 3, 2, 1])
  #expect(try holds(wide, StoreStepHandlers.store64ConstantAddImm))
  // Wrapping of an immediate step below zero.
  #expect(try wide.call(.i32(0)) == [.i32(0xFFFF_FFF8)])

  // A trap in the store: nothing is stored, the call traps (the add never runs).
  #expect { try pairs.call(.i32(65533), .i32(1)) } throws: {
    trapKind($0) == .outOfBoundsMemoryAccess
  }
  #expect { try wide.call(.i32(65529)) } throws: { trapKind($0) == .outOfBoundsMemoryAccess }
  #expect(try memory.read(at: 65528, count: 8) == [0, 0, 0, 0, 0, 0, 0, 0])
  // The last byte of the memory is in bounds; its stride then leaves it, which only
  // the next store notices.
  #expect { try mark.call(.i32(65535 - 16), .i32(1), .i32(0xFFFF_FFFF)) } throws: {
    trapKind($0) == .outOfBoundsMemoryAccess
  }
  #expect(try memory.read(at: 65535, count: 1) == [1])

  // Where it must not fire.
  let addressOnly = try #require(instance.function("addressOnly"))
  try memory.write([0, 0x77], at: 400)
  #expect(try addressOnly.call(.i32(400)) == [.i32(0x77)])
  #expect(try memory.read(at: 400, count: 1) == [9])
  #expect(try !holdsAnyStoreStep(addressOnly))
  let wideAdd = try #require(instance.function("wideAdd"))
  #expect(try wideAdd.call(.i32(500), .i64(UInt64.max)) == [.i64(0)])
  #expect(try !holdsAnyStoreStep(wideAdd))
  let labelled = try #require(instance.function("labelled"))
  #expect(try labelled.call(.i32(600)) == [.i32(601)])
  #expect(try memory.read(at: 600, count: 1) == [5])
  #expect(try !holdsAnyStoreStep(labelled))
  let addedStore = try #require(instance.function("addedStore"))
  #expect(try addedStore.call(.i32(700)) == [.i32(701)])
  #expect(try memory.read(at: 704, count: 1) == [0xBC])  // 700's low byte
  #expect(try !holdsAnyStoreStep(addedStore))

  // A loop of the fused pair still runs out of fuel at its back-edge.
  let forever = try #require(instance.function("forever"))
  store.fuel = 10_000
  #expect { try forever.call(.i32(800)) } throws: { trapKind($0) == .outOfFuel }
  #expect(store.fuel == 0)
  store.fuel = nil
  #expect(try holds(forever, StoreStepHandlers.store8ConstantAddImm))
}

/// Whether the translated body of `f` holds any of the add-pair handlers.
private func holdsAnyAddPair(_ f: Function) throws -> Bool {
  for first in [false, true] {
    for second in [false, true] {
      let handler = AddPairHandlers.handler(firstImmediate: first, secondImmediate: second)
      if try holds(f, handler) { return true }
    }
  }
  return false
}

private let addPairs = """
  (module
    ;; sieve's outer loop steps: i += 1; p += q; q += 2 (the first two fused), then
    ;; a 64-bit counter closes the loop. Returns i * 1000003 + p * 31 + q.
    (func (export "steps") (param $i i32) (param $p i32) (param $q i32) (param $n i64)
      (result i32) (local $c i64)
      (loop $l
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        local.get $p
        local.get $q
        i32.add
        local.set $p
        local.get $q
        i32.const 2
        i32.add
        local.set $q
        local.get $c
        i64.const 1
        i64.add
        local.tee $c
        local.get $n
        i64.ne
        br_if $l)
      local.get $i
      i32.const 1000003
      i32.mul
      local.get $p
      i32.const 31
      i32.mul
      i32.add
      local.get $q
      i32.add)
    ;; The second reads the first's result: x = a + b; y = x + k. Returns y ^ x.
    (func (export "dependent") (param $a i32) (param $b i32) (result i32) (local $x i32)
      (local $y i32)
      local.get $a
      local.get $b
      i32.add
      local.set $x
      local.get $x
      i32.const -7
      i32.add
      local.set $y
      local.get $y
      local.get $x
      i32.xor)
    ;; A chain through a temporary, s = a + b + c: `i32AddAdd` (no pair).
    (func (export "chain") (param $a i32) (param $b i32) (param $c i32) (result i32)
      (local $s i32)
      local.get $a
      local.get $b
      i32.add
      local.get $c
      i32.add
      local.set $s
      local.get $s)
    ;; A counted loop: the add before the teed step is not paired with it, the step
    ;; stays with the back-edge. Sums k = 1, 2, ... into s until k == n.
    (func (export "sum") (param $n i32) (result i32) (local $s i32) (local $k i32)
      (loop $l
        local.get $s
        local.get $k
        i32.add
        local.set $s
        local.get $k
        i32.const 1
        i32.add
        local.tee $k
        local.get $n
        i32.ne
        br_if $l)
      local.get $s
      local.get $k
      i32.add)
    ;; Not fused: i64 adds; an add then a sub.
    (func (export "wide") (param $a i64) (param $b i64) (result i64) (local $x i64)
      local.get $a
      local.get $b
      i64.add
      local.set $x
      local.get $x
      i64.const 1
      i64.add
      local.set $a
      local.get $a)
    (func (export "sub") (param $a i32) (param $b i32) (result i32)
      local.get $a
      i32.const 3
      i32.add
      local.set $a
      local.get $a
      local.get $b
      i32.sub
      local.set $b
      local.get $b))
  """

@Test func twoAddsIntoLocalsAreOneHandler() throws {
  let store = Store()
  let instance = try instantiate(text: addPairs, store: store)
  let steps = try #require(instance.function("steps"))
  for (i, p, q, n) in [(0, 7, 3, 5), (0xFFFF_FFFE, 0xFFFF_FFF0, 0x7FFF_FFFF, 9)]
    as [(UInt32, UInt32, UInt32, UInt64)]
  {
    var (ei, ep, eq) = (i, p, q)
    for _ in 0..<n {
      ei &+= 1
      ep &+= eq
      eq &+= 2
    }
    let expected = ei &* 1_000_003 &+ ep &* 31 &+ eq
    #expect(try steps.call(.i32(i), .i32(p), .i32(q), .i64(n)) == [.i32(expected)])
  }
  #expect(try holds(steps, AddPairHandlers.addImmAdd))

  let dependent = try #require(instance.function("dependent"))
  for (a, b) in [(1, 2), (0xFFFF_FFFF, 3), (0x8000_0000, 0x8000_0000)] as [(UInt32, UInt32)] {
    let x = a &+ b, y = x &- 7
    #expect(try dependent.call(.i32(a), .i32(b)) == [.i32(y ^ x)])
  }
  #expect(try holds(dependent, AddPairHandlers.addAddImm))

  let chain = try #require(instance.function("chain"))
  #expect(try chain.call(.i32(0xFFFF_FFFF), .i32(2), .i32(0x8000_0000)) == [.i32(0x8000_0001)])
  // An add into a temporary and the add reading it are already one handler.
  #expect(try holds(chain, SharedHandlers.i32AddAdd))
  #expect(try !holdsAnyAddPair(chain))

  let sum = try #require(instance.function("sum"))
  #expect(try sum.call(.i32(100)) == [.i32(4950 + 100)])
  // The teed step `k += 1` is left to the stepped back-edge: no pair.
  #expect(try !holdsAnyAddPair(sum))
  let stepped = try #require(
    stepThenBranchLoopHandler(
      step: .i32Add, stepImmediate: true, compare: .i32Ne, boundImmediate: false))
  #expect(try holds(sum, stepped))
  // The loop still counts fuel at its back-edge (n = 0 never ends: k wraps first).
  store.fuel = 10_000
  #expect { try sum.call(.i32(0)) } throws: { trapKind($0) == .outOfFuel }
  #expect(store.fuel == 0)
  store.fuel = nil

  let wide = try #require(instance.function("wide"))
  #expect(try wide.call(.i64(UInt64.max), .i64(1)) == [.i64(1)])
  #expect(try !holdsAnyAddPair(wide))
  let sub = try #require(instance.function("sub"))
  #expect(try sub.call(.i32(1), .i32(10)) == [.i32(0xFFFF_FFFA)])
  #expect(try !holdsAnyAddPair(sub))
}
