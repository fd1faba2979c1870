// Round 5's fusions (docs/performance.md, "Round 5 (`shape`)"): `br_table` on an index
// loaded just before (C's `switch (*p)`, a bytecode machine's dispatch), `i32.mul` with a
// loaded operand (`a[i][k] * b[k][j]`), and `div`/`rem` by a constant as one handler.
// Each test pins the fused handler in the translated code, its absence where the
// peephole must not fire, and the results and traps against Swift arithmetic.

import Testing
import WasmCore

@testable import WasmInterp

private func memarg(_ offset: UInt32, align: UInt8 = 0) -> [UInt8] {
  [align] + ModuleBuilder.leb(UInt64(offset))
}

/// A result or the trap expected instead.
private enum Outcome<T: Equatable> {
  case value(T)
  case trap(TrapKind)
}

private let block: [UInt8] = [0x02, 0x40]
private let end: [UInt8] = [0x0B]
private let ret: [UInt8] = [0x0F]

/// `block block block INDEX br_table 0 1 (default 2) end → r0, end → r1, end → r2`,
/// each arm returning its number plus `extra` (a local the index was teed into, or 0).
private func switchBody(_ index: [UInt8], extra: [UInt8]) -> [UInt8] {
  let table: [UInt8] = [0x0E, 2, 0, 1, 2]
  var body = block + block + block + index + table + end
  body += i32Const(100) + extra + [0x6A] + ret + end
  body += i32Const(200) + extra + [0x6A] + ret + end
  body += i32Const(300) + extra + [0x6A]
  return body
}

@Test func brTableOnALoadedIndexIsOneHandler() throws {
  var b = ModuleBuilder()
  b.memory = (1, 1)
  b.exports.append(("mem", 2, 0))
  let t = b.type([i32T], [i32T])
  let zero = i32Const(0)
  let load8U: [UInt8] = [0x2D], load16U: [UInt8] = [0x2F], load: [UInt8] = [0x28]
  let load8S: [UInt8] = [0x2C]
  let added = localGet(0) + i32Const(8) + [0x6A]
  b.function(t, export: "byte", switchBody(localGet(0) + load8U + memarg(1), extra: zero))
  b.function(t, export: "half", switchBody(localGet(0) + load16U + memarg(0), extra: zero))
  b.function(t, export: "word", switchBody(added + load + memarg(4, align: 2), extra: zero))
  // strscan's `local.tee`: the loaded byte is also kept in a local the arms read.
  b.function(
    t, locals: [(1, i32T)], export: "teed",
    switchBody(localGet(0) + load8U + memarg(0) + localTee(1), extra: localGet(1)))
  // statevm's bytecode dispatch: `switch (code[pc])` on a global array at 1024.
  let scaledIndex = localGet(0) + i32Const(2) + [0x74] + i32Const(1024) + [0x6A]
  b.function(
    t, export: "scaledIndex", switchBody(scaledIndex + load + memarg(0, align: 2), extra: zero))
  // Not fused: a signed load (no fused form), and an index computed after the load.
  b.function(t, export: "signed", switchBody(localGet(0) + load8S + memarg(0), extra: zero))
  b.function(
    t, export: "computed",
    switchBody(localGet(0) + load8U + memarg(0) + i32Const(1) + [0x6A], extra: zero))
  // A `br_table` whose targets take a value (moved by stubs after the table):
  // `block (result i32) (block (result i32) 7, load, br_table 0 1) 1 i32.add end`.
  let valuedBody: [UInt8] =
    [0x02, 0x7F] + i32Const(7) + localGet(0) + load8U + memarg(0) + [0x0E, 1, 0, 1] + end
  b.function(t, export: "valued", [0x02, 0x7F] + valuedBody + i32Const(1) + [0x6A] + end)
  let instance = try instantiate(b)
  let memory = try #require(instance.memory("mem"))
  let bytes: [UInt8] = [0, 1, 2, 3, 0xFF, 0x80, 1, 0, 2, 0, 0, 0, 0, 1, 0, 0]
  try memory.write(bytes, at: 0)
  try memory.write([1, 0], at: 65534)
  let program: [UInt32] = [1, 0, 2, 7, 0xFFFF_FFFF, 3, 0x1_0000]
  for (i, w) in program.enumerated() {
    try memory.write(
      (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) }, at: UInt64(1024 + 4 * i))
  }
  func byteAt(_ a: Int) -> UInt32 { a < bytes.count ? UInt32(bytes[a]) : 0 }
  func arm(_ index: UInt32) -> UInt32 { index < 2 ? 100 + 100 * index : 300 }
  let word32 = { (a: Int) -> UInt32 in
    (0..<4).reduce(0) { $0 | byteAt(a + $1) << (8 * UInt32($1)) }
  }
  let cases: [(String, Handler?, (Int) -> UInt32)] = [
    ("byte", LoadFusedHandlers.i32Load8UBrTable, { a in arm(byteAt(a + 1)) }),
    ("half", LoadFusedHandlers.i32Load16UBrTable, { a in arm(byteAt(a) | byteAt(a + 1) << 8) }),
    ("word", LoadFusedHandlers.i32LoadBrTable, { a in arm(word32(a + 12)) }),
    ("teed", LoadFusedHandlers.i32Load8UBrTable, { a in arm(byteAt(a)) + byteAt(a) }),
    (
      "scaledIndex", LoadFusedHandlers.i32LoadScaledBrTable,
      { a in arm(a < program.count ? program[a] : 0) }
    ),
    ("signed", nil, { a in arm(UInt32(bitPattern: Int32(Int8(bitPattern: UInt8(byteAt(a)))))) }),
    ("computed", nil, { a in arm(byteAt(a) &+ 1) }),
  ]
  for (name, handler, expected) in cases {
    let f = try #require(instance.function(name))
    for a in 0..<10 {
      #expect(try f.call(.i32(UInt32(a))) == [.i32(expected(a))], "\(name) at \(a)")
    }
    if let handler {
      #expect(try holds(f, handler), "\(name) is fused")
    } else {
      for h in [LoadFusedHandlers.i32Load8UBrTable, LoadFusedHandlers.i32LoadBrTable] {
        #expect(try !holds(f, h), "\(name) is not fused")
      }
    }
  }
  // Out of bounds: the load traps before any branch (the last byte, 65534 + offset 1,
  // is in bounds; 65535 + 1 is not, nor the halfword at 65535 or the word at 65524 + 12).
  let byte = try #require(instance.function("byte"))
  let half = try #require(instance.function("half"))
  let word = try #require(instance.function("word"))
  #expect(try byte.call(.i32(65534)) == [.i32(100)])
  #expect { try byte.call(.i32(65535)) } throws: { trapKind($0) == .outOfBoundsMemoryAccess }
  #expect(try half.call(.i32(65534)) == [.i32(200)])
  #expect { try half.call(.i32(65535)) } throws: { trapKind($0) == .outOfBoundsMemoryAccess }
  #expect { try word.call(.i32(65524)) } throws: { trapKind($0) == .outOfBoundsMemoryAccess }
  // `a + 8` wraps past 2^32 to a low address; the offset does not wrap.
  #expect(try word.call(.i32(0xFFFF_FFF8)) == [.i32(arm(word32(4)))])
  #expect { try word.call(.i32(0xFFFF_FFF0)) } throws: { trapKind($0) == .outOfBoundsMemoryAccess }
  let scaledSwitch = try #require(instance.function("scaledIndex"))
  #expect { try scaledSwitch.call(.i32(16128)) } throws: {
    trapKind($0) == .outOfBoundsMemoryAccess
  }
  // (x << 2) + 1024 wraps past 2^32 to 1024 - 4 * 1 = 1020 (0 there: the first arm).
  #expect(try scaledSwitch.call(.i32(0x3FFF_FFFF)) == [.i32(100)])
  let valued = try #require(instance.function("valued"))
  for a in 0..<10 {
    // Index 0: out of the inner block with 7, then + 1; otherwise out of the outer one.
    #expect(try valued.call(.i32(UInt32(a))) == [.i32(byteAt(a) == 0 ? 8 : 7)], "valued at \(a)")
  }
  #expect(try holds(valued, LoadFusedHandlers.i32Load8UBrTable))
}

@Test func i32MulWithALoadedOperandIsOneHandler() throws {
  var b = ModuleBuilder()
  b.memory = (1, 1)
  b.exports.append(("mem", 2, 0))
  let t = b.type([i32T, i32T], [i32T])
  let addressed = localGet(1) + i32Const(4) + [0x6A]
  let load: [UInt8] = [0x28], load16S: [UInt8] = [0x2E]
  // x * load(a + 4), load(a) offset 8 * x, and the same for load16_s (intmatrix).
  b.function(t, export: "mulLoad", localGet(0) + addressed + load + memarg(0) + [0x6C])
  b.function(t, export: "loadMul", localGet(1) + load + memarg(8) + localGet(0) + [0x6C])
  b.function(t, export: "mulLoad16S", localGet(0) + addressed + load16S + memarg(0) + [0x6C])
  b.function(t, export: "load16SMul", localGet(1) + load16S + memarg(8) + localGet(0) + [0x6C])
  // Not fused: the loaded value teed into a local, and an unsigned halfword load.
  b.function(
    t, locals: [(1, i32T)], export: "teed",
    localGet(0) + addressed + load + memarg(0) + localTee(2) + [0x6C])
  b.function(t, export: "load16U", localGet(0) + addressed + [0x2F] + memarg(0) + [0x6C])
  let instance = try instantiate(b)
  let memory = try #require(instance.memory("mem"))
  let words: [UInt32] = [
    0xFFFF_FFFF, 0x8000_8000, 7, 0x1234_FFFE, 0x7FFF_0001, 3, 0x0001_8001, 0, 11,
  ]
  var bytes: [UInt8] = []
  for w in words { bytes += (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } }
  try memory.write(bytes, at: 0)
  func word(_ a: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 | UInt32(a + $1 < bytes.count ? bytes[a + $1] : 0) << (8 * UInt32($1)) }
  }
  func half(_ a: Int) -> UInt32 { UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: word(a)))) }
  let cases: [(String, Handler?, (UInt32, Int) -> UInt32)] = [
    ("mulLoad", LoadFusedHandlers.i32MulLoad, { x, a in x &* word(a + 4) }),
    ("loadMul", LoadFusedHandlers.i32MulLoad, { x, a in word(a + 8) &* x }),
    ("mulLoad16S", LoadFusedHandlers.i32MulLoad16S, { x, a in x &* half(a + 4) }),
    ("load16SMul", LoadFusedHandlers.i32MulLoad16S, { x, a in half(a + 8) &* x }),
    ("teed", nil, { x, a in x &* word(a + 4) }),
    ("load16U", nil, { x, a in x &* (word(a + 4) & 0xFFFF) }),
  ]
  let xs: [UInt32] = [0, 1, 0xFFFF_FFFF, 0x8000_0000, 12345, 0x7FFF_FFFF]
  for (name, handler, expected) in cases {
    let f = try #require(instance.function(name))
    for x in xs {
      for a in stride(from: 0, through: 26, by: 2) {
        #expect(try f.call(.i32(x), .i32(UInt32(a))) == [.i32(expected(x, a))], "\(name) \(x) \(a)")
      }
      #expect { try f.call(.i32(x), .i32(65534)) } throws: {
        trapKind($0) == .outOfBoundsMemoryAccess
      }
      #expect { try f.call(.i32(x), .i32(0xFFFF_FFF0)) } throws: {
        trapKind($0) == .outOfBoundsMemoryAccess
      }
    }
    if let handler {
      #expect(try holds(f, handler), "\(name) is fused")
    } else {
      for h in [LoadFusedHandlers.i32MulLoad, LoadFusedHandlers.i32MulLoad16S] {
        #expect(try !holds(f, h), "\(name) is not fused")
      }
    }
  }
  // load(a + 4) with a = 0xFFFF_FFFC: the i32 sum wraps to address 0.
  let mulLoad = try #require(instance.function("mulLoad"))
  #expect(try mulLoad.call(.i32(3), .i32(0xFFFF_FFFC)) == [.i32(3 &* word(0))])
}

@Test func divisionAndRemainderByAConstantTakeItAsTheirImmediate() throws {
  var b = ModuleBuilder()
  let t32 = b.type([i32T], [i32T])
  let t64 = b.type([i64T], [i64T])
  let ops32: [(String, UInt8, NumericOp)] = [
    ("divS", 0x6D, .i32DivS), ("divU", 0x6E, .i32DivU), ("remS", 0x6F, .i32RemS),
    ("remU", 0x70, .i32RemU),
  ]
  let ops64: [(String, UInt8, NumericOp)] = [
    ("divS", 0x7F, .i64DivS), ("divU", 0x80, .i64DivU), ("remS", 0x81, .i64RemS),
    ("remU", 0x82, .i64RemU),
  ]
  let ks32: [Int32] = [10, 7, 1, -1, 0, Int32.min, 256]
  let ks64: [Int64] = [10, -1, 0, Int64.min, 0x1_0000_0003]
  for (name, opcode, _) in ops32 {
    for (i, k) in ks32.enumerated() {
      b.function(t32, export: "\(name)32_\(i)", localGet(0) + i32Const(k) + [opcode])
    }
  }
  for (name, opcode, _) in ops64 {
    for (i, k) in ks64.enumerated() {
      b.function(t64, export: "\(name)64_\(i)", localGet(0) + i64Const(k) + [opcode])
    }
  }
  // Not an immediate: the divisor is a local.
  b.function(b.type([i32T, i32T], [i32T]), export: "local", localGet(0) + localGet(1) + [0x70])
  let instance = try instantiate(b)

  func expect32(_ op: NumericOp, _ x: Int32, _ k: Int32) -> Outcome<UInt32> {
    let ux = UInt32(bitPattern: x), uk = UInt32(bitPattern: k)
    if k == 0 { return .trap(.integerDivideByZero) }
    switch op {
    case .i32DivS:
      if x == .min && k == -1 { return .trap(.integerOverflow) }
      return .value(UInt32(bitPattern: x / k))
    case .i32DivU: return .value(ux / uk)
    case .i32RemS: return .value(k == -1 ? 0 : UInt32(bitPattern: x % k))
    default: return .value(ux % uk)
    }
  }
  func expect64(_ op: NumericOp, _ x: Int64, _ k: Int64) -> Outcome<UInt64> {
    let ux = UInt64(bitPattern: x), uk = UInt64(bitPattern: k)
    if k == 0 { return .trap(.integerDivideByZero) }
    switch op {
    case .i64DivS:
      if x == .min && k == -1 { return .trap(.integerOverflow) }
      return .value(UInt64(bitPattern: x / k))
    case .i64DivU: return .value(ux / uk)
    case .i64RemS: return .value(k == -1 ? 0 : UInt64(bitPattern: x % k))
    default: return .value(ux % uk)
    }
  }
  let xs32: [Int32] = [0, 1, -1, 12345, -98765, Int32.min, Int32.max]
  for (name, _, op) in ops32 {
    let immediate = try #require(numericHandlers(op).1)
    for (i, k) in ks32.enumerated() {
      let f = try #require(instance.function("\(name)32_\(i)"))
      for x in xs32 {
        switch expect32(op, x, k) {
        case .value(let v):
          #expect(try f.call(.i32(UInt32(bitPattern: x))) == [.i32(v)], "\(name) \(x) \(k)")
        case .trap(let kind):
          #expect { try f.call(.i32(UInt32(bitPattern: x))) } throws: { trapKind($0) == kind }
        }
      }
      #expect(try holds(f, immediate), "\(name)32 by \(k) is one handler")
    }
  }
  let xs64: [Int64] = [0, 1, -1, 0x7_0000_0001, -98765, Int64.min, Int64.max]
  for (name, _, op) in ops64 {
    let immediate = try #require(numericHandlers(op).1)
    for (i, k) in ks64.enumerated() {
      let f = try #require(instance.function("\(name)64_\(i)"))
      for x in xs64 {
        switch expect64(op, x, k) {
        case .value(let v):
          #expect(try f.call(.i64(UInt64(bitPattern: x))) == [.i64(v)], "\(name) \(x) \(k)")
        case .trap(let kind):
          #expect { try f.call(.i64(UInt64(bitPattern: x))) } throws: { trapKind($0) == kind }
        }
      }
      #expect(try holds(f, immediate), "\(name)64 by \(k) is one handler")
    }
  }
  let local = try #require(instance.function("local"))
  #expect(try local.call(.i32(17), .i32(5)) == [.i32(2)])
  #expect { try local.call(.i32(17), .i32(0)) } throws: { trapKind($0) == .integerDivideByZero }
  #expect(try !holds(local, try #require(numericHandlers(.i32RemU).1)))
}

@Test func i32LoadAtAScaledIndexIsOneHandler() throws {
  var b = ModuleBuilder()
  b.memory = (1, 1)
  b.exports.append(("mem", 2, 0))
  let t = b.type([i32T], [i32T])
  let load: [UInt8] = [0x28]
  let shl: [UInt8] = [0x74], and: [UInt8] = [0x71], add: [UInt8] = [0x6A]
  // statevm's `code[pc]`: (x << 2) + 1024 then a load; a plain `(x << 2)` load with an
  // offset; a shift count of 34 (Wasm takes it mod 32).
  b.function(
    t, export: "scaledAdded",
    localGet(0) + i32Const(2) + shl + i32Const(1024) + add + load + memarg(0, align: 2))
  b.function(t, export: "scaled", localGet(0) + i32Const(2) + shl + load + memarg(16, align: 2))
  b.function(t, export: "scaled34", localGet(0) + i32Const(34) + shl + load + memarg(0, align: 2))
  // mixed's CRC table: ((x & 0xff) << 2) at offset 512, and with an added constant.
  b.function(
    t, export: "masked",
    localGet(0) + i32Const(255) + and + i32Const(2) + shl + load + memarg(512, align: 2))
  b.function(
    t, export: "maskedAdded",
    localGet(0) + i32Const(255) + and + i32Const(2) + shl + i32Const(-4) + add + load
      + memarg(0, align: 2))
  // Not fused: the shifted index teed into a local (still read afterwards), and a shift
  // by a local.
  b.function(
    t, locals: [(1, i32T)], export: "teed",
    localGet(0) + i32Const(2) + shl + localTee(1) + load + memarg(0, align: 2) + localGet(1) + add)
  b.function(t, export: "byLocal", localGet(0) + localGet(0) + shl + load + memarg(0, align: 2))
  let instance = try instantiate(b)
  let memory = try #require(instance.memory("mem"))
  var bytes: [UInt8] = []
  for i in 0..<2048 { bytes.append(UInt8(truncatingIfNeeded: i &* 37 &+ (i >> 8))) }
  try memory.write(bytes, at: 0)
  func word(_ a: UInt32) -> UInt32 {
    (0..<4).reduce(0) { r, i in
      let at = Int(a) + i
      return r | UInt32(at < bytes.count ? bytes[at] : 0) << (8 * UInt32(i))
    }
  }
  // Each case's effective address (the index wrapped to 32 bits, then the offset
  // added in 64) and what it adds to the loaded word.
  let cases: [(String, Handler?, (UInt32) -> UInt64, (UInt32) -> UInt32)] = [
    (
      "scaledAdded", LoadFusedHandlers.i32LoadScaled, { x in UInt64((x &<< 2) &+ 1024) }, { _ in 0 }
    ),
    ("scaled", LoadFusedHandlers.i32LoadScaled, { x in UInt64(x &<< 2) + 16 }, { _ in 0 }),
    ("scaled34", LoadFusedHandlers.i32LoadScaled, { x in UInt64(x &<< 2) }, { _ in 0 }),
    (
      "masked", LoadFusedHandlers.i32LoadMaskedScaled, { x in UInt64((x & 255) << 2) + 512 },
      { _ in 0 }
    ),
    (
      "maskedAdded", LoadFusedHandlers.i32LoadMaskedScaled, { x in UInt64(((x & 255) << 2) &- 4) },
      { _ in 0 }
    ),
    ("teed", nil, { x in UInt64(x &<< 2) }, { x in x &<< 2 }),
    ("byLocal", nil, { x in UInt64(x &<< x) }, { _ in 0 }),
  ]
  let xs: [UInt32] = [0, 1, 7, 100, 255, 256, 0x4000_0001, 0xC000_0010, 0x8000_0000, 0xFFFF_FF01]
  for (name, handler, ea, plus) in cases {
    let f = try #require(instance.function(name))
    for x in xs {
      if ea(x) > 65532 {
        #expect { try f.call(.i32(x)) } throws: { trapKind($0) == .outOfBoundsMemoryAccess }
      } else {
        #expect(try f.call(.i32(x)) == [.i32(word(UInt32(ea(x))) &+ plus(x))], "\(name) \(x)")
      }
    }
    if let handler {
      #expect(try holds(f, handler), "\(name) is fused")
    } else {
      for h in [LoadFusedHandlers.i32LoadScaled, LoadFusedHandlers.i32LoadMaskedScaled] {
        #expect(try !holds(f, h), "\(name) is not fused")
      }
    }
  }
  // Out of bounds: the last word is readable, one byte further is not; the offset is
  // added without wrapping (x << 2 = 0xFFFF_FFFC plus offset 16 is past 4 GiB).
  let scaled = try #require(instance.function("scaled"))
  #expect(try scaled.call(.i32((65532 - 16) / 4)) == [.i32(0)])
  #expect { try scaled.call(.i32((65536 - 16) / 4)) } throws: {
    trapKind($0) == .outOfBoundsMemoryAccess
  }
  #expect { try scaled.call(.i32(0x3FFF_FFFF)) } throws: {
    trapKind($0) == .outOfBoundsMemoryAccess
  }
  let masked = try #require(instance.function("masked"))
  try memory.write([1, 2, 3, 4], at: 65532)
  let big = try #require(instance.function("scaledAdded"))
  #expect(try big.call(.i32((65532 - 1024) / 4)) == [.i32(0x0403_0201)])
  #expect(try masked.call(.i32(0xFFFF_FFFF)) == [.i32(word(1020 + 512))])
}

@Test func aMoveThenABranchIsOneHandler() throws {
  var b = ModuleBuilder()
  let t = b.type([i32T, i32T, i32T], [i32T])
  let brIf: [UInt8] = [0x0D], br: [UInt8] = [0x0C]
  // n times: b = b * 3 + a; a = b (the move, then `br` back to the loop). Returns a.
  let body: [UInt8] =
    block + [0x03, 0x40]
    + localGet(0) + [0x45] + brIf + [1]
    + localGet(0) + i32Const(-1) + [0x6A] + localSet(0)
    + localGet(2) + i32Const(3) + [0x6C] + localGet(1) + [0x6A] + localSet(2)
    + localGet(2) + localSet(1) + br + [0] + end + end + localGet(1)
  b.function(t, export: "loop", body)
  // A forward branch after a move: `block (a = b; br 0) end; a`.
  b.function(t, export: "forward", block + localGet(2) + localSet(1) + br + [0] + end + localGet(1))
  // Not fused: two moves in a row are one `copyPair`, then a plain `br`.
  b.function(
    t, export: "pair",
    block + localGet(2) + localSet(1) + localGet(1) + localSet(0) + br + [0] + end + localGet(0)
      + localGet(1) + [0x6A])
  let store = Store()
  let instance = try instantiate(b, store: store)
  let loop = try #require(instance.function("loop"))
  let forward = try #require(instance.function("forward"))
  let pair = try #require(instance.function("pair"))
  for (n, a0, b0) in [(0, 5, 7), (1, 5, 7), (10, 1, 2), (40, 0xFFFF_FFFF, 0x8000_0001)]
    as [(UInt32, UInt32, UInt32)]
  {
    var a = a0, bb = b0
    for _ in 0..<n {
      bb = bb &* 3 &+ a
      a = bb
    }
    #expect(try loop.call(.i32(n), .i32(a0), .i32(b0)) == [.i32(a)], "loop \(n)")
    #expect(try forward.call(.i32(n), .i32(a0), .i32(b0)) == [.i32(b0)])
    #expect(try pair.call(.i32(n), .i32(a0), .i32(b0)) == [.i32(b0 &+ b0)])
  }
  #expect(try holds(loop, MoveBranchHandlers.copyBranchLoop))
  #expect(try holds(forward, MoveBranchHandlers.copyBranch))
  #expect(try !holds(pair, MoveBranchHandlers.copyBranch))
  // The fused back-edge still counts fuel: an endless loop of it runs out.
  store.fuel = 10_000
  #expect { try loop.call(.i32(0xFFFF_FFFF), .i32(1), .i32(1)) } throws: {
    trapKind($0) == .outOfFuel
  }
  #expect(store.fuel == 0)
}
