// Round 6 (`shape`, docs/performance.md): `br_if` on a value just loaded, directly or
// through `i32.eqz`, as one handler (sieve's `if (flags[i]) continue;`, `while (*p)`).
// The tests pin the fused handlers in translated code, where they must not fire, and
// check results, the loaded value left in a teed local, 32-bit address wrapping, a
// trap before any branch and fuel at a fused back-edge.

import Testing
import WasmCore

@testable import WasmInterp

/// Whether the translated body of `f` (called at least once) holds `handler`.
private func holds(_ f: Function, _ handler: Handler) throws -> Bool {
  let code = try #require(f.instance.code)
  let words = UnsafeBufferPointer(start: code, count: f.instance.codeCount)
  return words.contains(word(handler))
}

/// Whether the translated body of `f` holds any of the load-then-branch handlers.
private func holdsAnyLoadBranch(_ f: Function) throws -> Bool {
  for op in [LoadOp.i32Load, .i32Load8U, .i32Load16U] {
    for ifZero in [false, true] {
      for loop in [false, true] {
        let handler = try #require(LoadBranchHandlers.handler(op, ifZero: ifZero, loop: loop))
        if try holds(f, handler) { return true }
      }
    }
  }
  return false
}

private func trapKind(_ error: any Error) -> TrapKind? { (error as? Trap)?.kind }

private let module = """
  (module
    (memory (export "mem") 1 1)
    ;; sieve's `if (flags[i]) continue;`: 1 when the byte at p + 16 is zero.
    (func (export "isClear") (param $p i32) (result i32)
      (block
        local.get $p
        i32.load8_u offset=16
        br_if 0
        i32.const 1
        return)
      i32.const 0)
    ;; strlen: `while (*p) p++;` as clang writes it (`eqz; br_if` out of the loop).
    (func (export "strlen") (param $p i32) (result i32) (local $s i32)
      local.get $p
      local.set $s
      (block $done
        (loop $l
          local.get $p
          i32.load8_u
          i32.eqz
          br_if $done
          local.get $p
          i32.const 1
          i32.add
          local.set $p
          br $l))
      local.get $p
      local.get $s
      i32.sub)
    ;; `do p += 2; while (*(u16 *)p)`: a back-edge on a loaded halfword.
    (func (export "skipHalves") (param $p i32) (result i32)
      (loop $l
        local.get $p
        i32.const 2
        i32.add
        local.set $p
        local.get $p
        i32.load16_u
        br_if $l)
      local.get $p)
    ;; `do p += 4; while (!*(u32 *)(p + 4))`: an added address, a zero-test back-edge.
    (func (export "skipZeroWords") (param $p i32) (result i32)
      (loop $l
        local.get $p
        i32.const 4
        i32.add
        local.set $p
        local.get $p
        i32.const 4
        i32.add
        i32.load
        i32.eqz
        br_if $l)
      local.get $p)
    ;; The loaded value teed into a local, which the code after the branch reads.
    (func (export "teed") (param $p i32) (result i32) (local $v i32)
      (block
        local.get $p
        i32.load
        local.tee $v
        br_if 0
        i32.const -1
        return)
      local.get $v)
    ;; Not fused: a signed byte, a 64-bit zero test, a value computed after the load.
    (func (export "signed") (param $p i32) (result i32)
      (block
        local.get $p
        i32.load8_s
        br_if 0
        i32.const 1
        return)
      i32.const 0)
    (func (export "wide") (param $p i32) (result i32)
      (block
        local.get $p
        i64.load
        i64.eqz
        br_if 0
        i32.const 1
        return)
      i32.const 0)
    (func (export "computed") (param $p i32) (result i32)
      (block
        local.get $p
        i32.load8_u
        i32.const 1
        i32.sub
        br_if 0
        i32.const 1
        return)
      i32.const 0)
    ;; An endless fused back-edge (the byte at p stays non-zero), for fuel.
    (func (export "spin") (param $p i32)
      (loop $l
        local.get $p
        i32.load8_u
        br_if $l)))
  """

@Test func aBranchOnALoadedValueIsOneHandler() throws {
  let store = Store()
  let instance = try instantiate(text: module, store: store)
  let memory = try #require(instance.memory("mem"))
  try memory.write([0, 3, 0, 0xFF], at: 16)

  let isClear = try #require(instance.function("isClear"))
  #expect(try isClear.call(.i32(0)) == [.i32(1)])
  #expect(try isClear.call(.i32(1)) == [.i32(0)])
  #expect(try isClear.call(.i32(3)) == [.i32(0)])
  #expect(try isClear.call(.i32(65519)) == [.i32(1)])
  #expect { try isClear.call(.i32(65520)) } throws: { trapKind($0) == .outOfBoundsMemoryAccess }
  #expect(try holds(isClear, LoadBranchHandlers.i32Load8UBrIf))

  let strlen = try #require(instance.function("strlen"))
  let text = Array("sieve of eratosthenes".utf8)
  try memory.write(text + [0], at: 1000)
  #expect(try strlen.call(.i32(1000)) == [.i32(UInt32(text.count))])
  #expect(try strlen.call(.i32(1000 + UInt32(text.count))) == [.i32(0)])
  // No NUL before the end: the load past the last byte traps.
  try memory.write([7, 7, 7, 7], at: 65532)
  #expect { try strlen.call(.i32(65532)) } throws: { trapKind($0) == .outOfBoundsMemoryAccess }
  #expect(try holds(strlen, LoadBranchHandlers.i32Load8UBrIfZero))

  let skipHalves = try #require(instance.function("skipHalves"))
  try memory.write([0, 0, 1, 0, 0, 1, 0, 0], at: 2000)
  #expect(try skipHalves.call(.i32(2000)) == [.i32(2006)])
  #expect(try holds(skipHalves, LoadBranchHandlers.i32Load16UBrIfLoop))

  let skipZeroWords = try #require(instance.function("skipZeroWords"))
  try memory.write([UInt8](repeating: 0, count: 12) + [0, 0, 0, 1], at: 3000)
  // p = 2996 + 4k; the word at p + 4 is first non-zero at 3012.
  #expect(try skipZeroWords.call(.i32(2992)) == [.i32(3008)])
  // The address `p + 4` wraps at 32 bits: from p = 0xFFFF_FFF4 the first step gives
  // p = 0xFFFF_FFF8 and reads the word at 0xFFFF_FFFC (out of bounds: a trap).
  #expect { try skipZeroWords.call(.i32(0xFFFF_FFF4)) } throws: {
    trapKind($0) == .outOfBoundsMemoryAccess
  }
  // From p = 0xFFFF_FFF8, p + 4 wraps to 0 after the step: the word at 0 is read.
  try memory.write([9, 0, 0, 0], at: 0)
  #expect(try skipZeroWords.call(.i32(0xFFFF_FFF8)) == [.i32(0xFFFF_FFFC)])
  #expect(try holds(skipZeroWords, LoadBranchHandlers.i32LoadBrIfZeroLoop))

  let teed = try #require(instance.function("teed"))
  try memory.write([0x44, 0x33, 0x22, 0x11, 0, 0, 0, 0], at: 4000)
  #expect(try teed.call(.i32(4000)) == [.i32(0x1122_3344)])
  #expect(try teed.call(.i32(4004)) == [.i32(0xFFFF_FFFF)])
  #expect(try holds(teed, LoadBranchHandlers.i32LoadBrIf))

  // Where it must not fire.
  let signed = try #require(instance.function("signed"))
  #expect(try signed.call(.i32(19)) == [.i32(0)])
  #expect(try signed.call(.i32(18)) == [.i32(1)])
  #expect(try !holdsAnyLoadBranch(signed))
  let wide = try #require(instance.function("wide"))
  #expect(try wide.call(.i32(4004)) == [.i32(0)])
  #expect(try wide.call(.i32(4000)) == [.i32(1)])
  #expect(try !holdsAnyLoadBranch(wide))
  let computed = try #require(instance.function("computed"))
  try memory.write([1, 2], at: 5000)
  #expect(try computed.call(.i32(5000)) == [.i32(1)])
  #expect(try computed.call(.i32(5001)) == [.i32(0)])
  #expect(try !holdsAnyLoadBranch(computed))

  // The fused back-edge counts fuel: an endless loop of it runs out.
  let spin = try #require(instance.function("spin"))
  store.fuel = 10_000
  #expect { try spin.call(.i32(5000)) } throws: { trapKind($0) == .outOfFuel }
  #expect(store.fuel == 0)
  #expect(try holds(spin, LoadBranchHandlers.i32Load8UBrIfLoop))
}
