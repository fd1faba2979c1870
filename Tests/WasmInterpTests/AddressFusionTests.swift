// Loads and stores whose address is an `i32.add` of a constant, and arithmetic
// with a loaded operand, are single handlers (AddressFusedHandlers.swift). They
// must access exactly the bytes the separate instructions would: the i32 sum wraps
// before the offset is added, out-of-bounds accesses trap and a trapping store
// writes nothing. Expected values are computed here from the memory's bytes.

import Testing
import WasmCore
import WasmInterp

private let f64T: UInt8 = 0x7C
private let pageBytes = 65536

/// The bytes every test memory starts with.
private let pattern: [UInt8] = (0..<pageBytes).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }

private func memarg(_ offset: UInt32) -> [UInt8] { [0] + ModuleBuilder.leb(UInt64(offset)) }

/// (opcode, access width in bytes, sign-extends, result type).
private let loads: [(UInt8, Int, Bool, UInt8)] = [
  (0x28, 4, false, i32T), (0x29, 8, false, i64T), (0x2A, 4, false, f32T), (0x2B, 8, false, f64T),
  (0x2C, 1, true, i32T), (0x2D, 1, false, i32T), (0x2E, 2, true, i32T), (0x2F, 2, false, i32T),
  (0x30, 1, true, i64T), (0x31, 1, false, i64T), (0x32, 2, true, i64T), (0x33, 2, false, i64T),
  (0x34, 4, true, i64T), (0x35, 4, false, i64T),
]
/// (opcode, access width in bytes, value type).
private let stores: [(UInt8, Int, UInt8)] = [
  (0x36, 4, i32T), (0x37, 8, i64T), (0x38, 4, f32T), (0x39, 8, f64T), (0x3A, 1, i32T),
  (0x3B, 2, i32T), (0x3C, 1, i64T), (0x3D, 2, i64T), (0x3E, 4, i64T),
]
/// (k, offset): plain, negative k, k that wraps large addresses, offsets near the end.
private let shapes: [(Int32, UInt32)] = [
  (24, 0), (-8, 16), (Int32.max, 3), (-1, 65533), (4096, 65535), (Int32.min, 0),
]
private let addresses: [UInt32] = [0, 8, 100, 65528, 65535, 0x8000_0000, 0xFFFF_FFF8, 0xFFFF_FFFF]

/// The effective address of the unfused sequence, nil when it is out of bounds.
private func effectiveAddress(_ x: UInt32, _ k: Int32, _ offset: UInt32, width: Int) -> Int? {
  let ea = UInt64(x &+ UInt32(bitPattern: k)) + UInt64(offset)
  return ea + UInt64(width) <= UInt64(pageBytes) ? Int(ea) : nil
}

private func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
  bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
}

private func value(_ bits: UInt64, width: Int, signed: Bool, type: UInt8) -> Value {
  var v = bits
  if signed, width < 8, bits >> (width * 8 - 1) & 1 == 1 { v |= ~0 << (width * 8) }
  switch type {
  case i32T: return .i32(UInt32(truncatingIfNeeded: v))
  case i64T: return .i64(v)
  case f32T: return .f32(UInt32(truncatingIfNeeded: v))
  default: return .f64(v)
  }
}

private func isOutOfBounds(_ error: any Error) -> Bool {
  (error as? Trap)?.kind == .outOfBoundsMemoryAccess
}

@Test func loadsFromAnAddedAddressWrapLikeTheTwoInstructions() throws {
  var b = ModuleBuilder()
  b.memory = (1, 1)
  b.exports.append(("mem", 2, 0))
  var index: UInt32 = 0
  for (op, _, _, type) in loads {
    let t = b.type([i32T], [type])
    for (k, offset) in shapes {
      b.function(t, export: "f\(index)", localGet(0) + i32Const(k) + [0x6A, op] + memarg(offset))
      index += 1
    }
  }
  let instance = try instantiate(b)
  let memory = try #require(instance.memory("mem"))
  try memory.write(pattern, at: 0)
  index = 0
  for (_, width, signed, type) in loads {
    for (k, offset) in shapes {
      let f = try #require(instance.function("f\(index)"))
      index += 1
      for x in addresses {
        if let ea = effectiveAddress(x, k, offset, width: width) {
          let bits = littleEndian(pattern[ea..<ea + width])
          #expect(try f.call(.i32(x)) == [value(bits, width: width, signed: signed, type: type)])
        } else {
          #expect { try f.call(.i32(x)) } throws: { isOutOfBounds($0) }
        }
      }
    }
  }
}

@Test func storesToAnAddedAddressWrapLikeTheTwoInstructions() throws {
  var b = ModuleBuilder()
  b.memory = (1, 1)
  b.exports.append(("mem", 2, 0))
  var index: UInt32 = 0
  for (op, _, type) in stores {
    let t = b.type([i32T, type], [])
    for (k, offset) in shapes {
      b.function(
        t, export: "f\(index)",
        localGet(0) + i32Const(k) + [0x6A] + localGet(1) + [op] + memarg(offset))
      index += 1
    }
  }
  let instance = try instantiate(b)
  let memory = try #require(instance.memory("mem"))
  let stored: UInt64 = 0x8877_6655_4433_2211
  index = 0
  for (_, width, type) in stores {
    let argument: Value =
      switch type {
      case i32T: .i32(UInt32(truncatingIfNeeded: stored))
      case f32T: .f32(UInt32(truncatingIfNeeded: stored))
      case i64T: .i64(stored)
      default: .f64(stored)
      }
    for (k, offset) in shapes {
      let f = try #require(instance.function("f\(index)"))
      index += 1
      for x in addresses {
        try memory.write(pattern, at: 0)
        var expected = pattern
        if let ea = effectiveAddress(x, k, offset, width: width) {
          for i in 0..<width { expected[ea + i] = UInt8(truncatingIfNeeded: stored >> (8 * i)) }
          _ = try f.call(.i32(x), argument)
        } else {
          // A trapping store writes nothing, not even the bytes that are in bounds.
          #expect { try f.call(.i32(x), argument) } throws: { isOutOfBounds($0) }
        }
        #expect(try memory.read(at: 0, count: pageBytes) == expected)
      }
    }
  }
}

@Test func arithmeticWithALoadedOperand() throws {
  var b = ModuleBuilder()
  b.memory = (1, 1)
  b.exports.append(("mem", 2, 0))
  let f64Binary = b.type([f64T, i32T], [f64T])
  let f64Pair = b.type([i32T, i32T], [f64T])
  let i32Binary = b.type([i32T, i32T], [i32T])
  let addressed = localGet(1) + i32Const(8) + [0x6A]
  // x * load(a + 8), load(a) offset 16 * x, x + load(a + 8), load(a) + x.
  b.function(f64Binary, export: "mulLoad", localGet(0) + addressed + [0x2B] + memarg(0) + [0xA2])
  b.function(f64Binary, export: "loadMul", localGet(1) + [0x2B] + memarg(16) + localGet(0) + [0xA2])
  b.function(f64Binary, export: "addLoad", localGet(0) + addressed + [0x2B] + memarg(0) + [0xA0])
  b.function(f64Binary, export: "loadAdd", localGet(1) + [0x2B] + memarg(16) + localGet(0) + [0xA0])
  // load(a) * load(b + 8): matmul's `a[i][k] * b[k][j]`.
  b.function(
    f64Pair, export: "loadTimesLoad",
    localGet(0) + [0x2B] + memarg(0) + localGet(1) + i32Const(8) + [0x6A, 0x2B] + memarg(0) + [0xA2]
  )
  // x + load(a + 8) and load(a + 8) + x, i32.
  b.function(i32Binary, export: "i32AddLoad", localGet(0) + addressed + [0x28] + memarg(0) + [0x6A])
  b.function(i32Binary, export: "i32LoadAdd", addressed + [0x28] + memarg(0) + localGet(0) + [0x6A])
  let instance = try instantiate(b)
  let memory = try #require(instance.memory("mem"))
  let doubles: [Double] = [1.5, -0.0, .infinity, .nan, 1e308, 3, -2.25, 0x1p-1074]
  var bytes: [UInt8] = []
  for d in doubles { bytes += (0..<8).map { UInt8(truncatingIfNeeded: d.bitPattern >> (8 * $0)) } }
  try memory.write(bytes, at: 0)
  func at(_ address: Int) -> Double { doubles[address / 8] }
  func same(_ r: [Value], _ e: Double) -> Bool {
    guard let d = r.first?.doubleValue else { return false }
    return d.bitPattern == e.bitPattern || d.isNaN && e.isNaN
  }
  let xs: [Double] = [2, -1, 0, .nan, 1e10]
  for x in xs {
    for a in stride(from: 0, through: 40, by: 8) {
      let args: [Value] = [.double(x), .i32(UInt32(a))]
      #expect(same(try #require(instance.function("mulLoad")).call(args), x * at(a + 8)))
      #expect(same(try #require(instance.function("loadMul")).call(args), at(a + 16) * x))
      #expect(same(try #require(instance.function("addLoad")).call(args), x + at(a + 8)))
      #expect(same(try #require(instance.function("loadAdd")).call(args), at(a + 16) + x))
    }
    // The loaded operand out of bounds: the trap, not a result.
    for name in ["mulLoad", "loadMul", "addLoad", "loadAdd"] {
      let f = try #require(instance.function(name))
      #expect { try f.call(.double(x), .i32(65528)) } throws: { isOutOfBounds($0) }
      #expect { try f.call(.double(x), .i32(0xFFFF_FFF0)) } throws: { isOutOfBounds($0) }
    }
  }
  let pair = try #require(instance.function("loadTimesLoad"))
  for (a, c) in [(0, 0), (8, 16), (24, 40), (48, 0)] {
    #expect(same(try pair.call(.i32(UInt32(a)), .i32(UInt32(c))), at(a) * at(c + 8)))
  }
  #expect { try pair.call(.i32(0), .i32(65528)) } throws: { isOutOfBounds($0) }
  #expect { try pair.call(.i32(65530), .i32(0)) } throws: { isOutOfBounds($0) }
  // The i32 sum wraps: 0xFFFF_FFF8 + 8 is address 0.
  for name in ["i32AddLoad", "i32LoadAdd"] {
    let f = try #require(instance.function(name))
    for (x, a) in [(UInt32(5), UInt32(0)), (0xFFFF_FFFF, 8), (7, 0xFFFF_FFF8)] {
      let ea = Int(a &+ 8)
      let loaded = UInt32(truncatingIfNeeded: littleEndian(bytes[ea..<ea + 4]))
      #expect(try f.call(.i32(x), .i32(a)) == [.i32(x &+ loaded)])
    }
    #expect { try f.call(.i32(1), .i32(65530)) } throws: { isOutOfBounds($0) }
  }
}

@Test func storesOfAConstantWriteItsLowBytes() throws {
  var b = ModuleBuilder()
  b.memory = (1, 1)
  b.exports.append(("mem", 2, 0))
  let t = b.type([i32T], [])
  let bits: UInt64 = 0xF0E1_D2C3_B4A5_9687
  for (op, _, type) in stores {
    let constant: [UInt8] =
      switch type {
      case i32T: i32Const(Int32(truncatingIfNeeded: bits))
      case i64T: i64Const(Int64(bitPattern: bits))
      case f32T: [0x43] + (0..<4).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
      default: [0x44] + (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
      }
    b.function(t, export: "s\(op)", localGet(0) + constant + [op] + memarg(6))
  }
  let instance = try instantiate(b)
  let memory = try #require(instance.memory("mem"))
  for (op, width, _) in stores {
    let f = try #require(instance.function("s\(op)"))
    for x in addresses {
      try memory.write(pattern, at: 0)
      var expected = pattern
      if let ea = effectiveAddress(x, 0, 6, width: width) {
        for i in 0..<width { expected[ea + i] = UInt8(truncatingIfNeeded: bits >> (8 * i)) }
        _ = try f.call(.i32(x))
      } else {
        #expect { try f.call(.i32(x)) } throws: { isOutOfBounds($0) }
      }
      #expect(try memory.read(at: 0, count: pageBytes) == expected)
    }
  }
}
