// The text names of instructions and how each one's immediates are written.
// https://webassembly.github.io/spec/core/text/instructions.html
//
// Fixed-signature numeric, vector, memory and lane instructions take their names
// from WasmCore's opcode enums (`i32TruncSatF32S` reads `i32.trunc_sat_f32_s`), so
// the opcode values have a single source; the rest are listed here.

import WasmCore

/// How an instruction's immediates are written, and its opcode bytes.
enum InstructionSyntax {
  case plain([UInt8])
  /// `block`, `loop`, `if`: a label, a block type.
  case block(UInt8)
  case labelIndex(UInt8)
  case brTable
  /// `call` / `return_call`: a function index.
  case call(UInt8)
  /// `call_indirect` / `return_call_indirect`: a table index and a type use.
  case callIndirect(UInt8)
  /// `call_ref` / `return_call_ref`: a type index.
  case typeIndex(UInt8)
  /// `throw`: a tag index.
  case tagIndex(UInt8)
  case select
  case local(UInt8)
  case global(UInt8)
  /// An optional table index.
  case table([UInt8])
  case tableCopy
  case tableInit
  case elementIndex([UInt8])
  /// Loads and stores: memory index (multi-memory), memarg with this natural alignment.
  case memoryAccess([UInt8], alignment: UInt32)
  /// memory.size / grow / fill: an optional memory index.
  case memory([UInt8])
  case memoryCopy
  case memoryInit
  case dataIndex([UInt8])
  case i32Const
  case i64Const
  case f32Const
  case f64Const
  case v128Const
  case refNull
  case refFunc
  case lane([UInt8], count: UInt8)
  case memoryLane([UInt8], alignment: UInt32, count: UInt8)
  case shuffle
  /// GC (0xFB prefix): a type index.
  case gcType(UInt32)
  /// A type index and a field index (struct.get/set).
  case gcField(UInt32)
  /// array.new_fixed: a type index and a count.
  case gcFixed
  /// A type index and a data index (array.new_data, array.init_data).
  case gcData(UInt32)
  /// A type index and an element index (array.new_elem, array.init_elem).
  case gcElement(UInt32)
  /// array.copy: two type indices.
  case gcCopy
  /// ref.test / ref.cast: a reference type (the null form is the next opcode).
  case gcReferenceType(UInt32)
  /// br_on_cast / br_on_cast_fail: a label and two reference types.
  case gcBranchOnCast(UInt32)
}

enum InstructionNames {
  static let table: [String: InstructionSyntax] = build()

  static func prefixed(_ prefix: UInt8, _ sub: UInt32) -> [UInt8] {
    var bytes: [UInt8] = [prefix]
    bytes.appendU32(sub)
    return bytes
  }

  /// Opcode bytes for an enum raw value: one byte, or 0xFC / 0xFD then a LEB128.
  static func opcode(_ raw: UInt16) -> [UInt8] {
    if raw >= 0xFD00 { return prefixed(0xFD, UInt32(raw & 0xFF)) }
    if raw >= 0xFC00 { return prefixed(0xFC, UInt32(raw & 0xFF)) }
    return [UInt8(truncatingIfNeeded: raw)]
  }

  /// `i32TruncSatF32S` → `i32.trunc_sat_f32_s`.
  static func textName<T>(_ value: T) -> String {
    let caseName = String(describing: value)
    var prefix = ""
    var rest = ""
    var inPrefix = true
    for character in caseName {
      if inPrefix, character.isUppercase { inPrefix = false }
      if inPrefix {
        prefix.append(character)
      } else if character.isUppercase {
        if !rest.isEmpty { rest.append("_") }
        rest += character.lowercased()
      } else {
        rest.append(character)
      }
    }
    if prefix == "v128", rest == "and_not" { rest = "andnot" }
    return prefix + "." + rest
  }

  static func build() -> [String: InstructionSyntax] {
    var table: [String: InstructionSyntax] = [
      "unreachable": .plain([0x00]), "nop": .plain([0x01]),
      "block": .block(0x02), "loop": .block(0x03), "if": .block(0x04),
      "br": .labelIndex(0x0C), "br_if": .labelIndex(0x0D), "br_table": .brTable,
      "return": .plain([0x0F]), "call": .call(0x10), "call_indirect": .callIndirect(0x11),
      "return_call": .call(0x12), "return_call_indirect": .callIndirect(0x13),
      "call_ref": .typeIndex(0x14), "return_call_ref": .typeIndex(0x15),
      "throw": .tagIndex(0x08), "throw_ref": .plain([0x0A]), "try_table": .block(0x1F),
      "ref.eq": .plain([0xD3]), "ref.as_non_null": .plain([0xD4]),
      "br_on_null": .labelIndex(0xD5), "br_on_non_null": .labelIndex(0xD6),
      "drop": .plain([0x1A]), "select": .select,
      "local.get": .local(0x20), "local.set": .local(0x21), "local.tee": .local(0x22),
      "global.get": .global(0x23), "global.set": .global(0x24),
      "table.get": .table([0x25]), "table.set": .table([0x26]),
      "memory.size": .memory([0x3F]), "memory.grow": .memory([0x40]),
      "i32.const": .i32Const, "i64.const": .i64Const,
      "f32.const": .f32Const, "f64.const": .f64Const,
      "ref.null": .refNull, "ref.is_null": .plain([0xD1]), "ref.func": .refFunc,
      "memory.init": .memoryInit, "data.drop": .dataIndex(prefixed(0xFC, 9)),
      "memory.copy": .memoryCopy, "memory.fill": .memory(prefixed(0xFC, 11)),
      "table.init": .tableInit, "elem.drop": .elementIndex(prefixed(0xFC, 13)),
      "table.copy": .tableCopy, "table.grow": .table(prefixed(0xFC, 15)),
      "table.size": .table(prefixed(0xFC, 16)), "table.fill": .table(prefixed(0xFC, 17)),
      "v128.const": .v128Const, "i8x16.shuffle": .shuffle,
    ]
    // Relaxed SIMD (Wasm 3.0): WasmCore has no opcodes for it yet.
    let relaxed = [
      "i8x16.relaxed_swizzle", "i32x4.relaxed_trunc_f32x4_s", "i32x4.relaxed_trunc_f32x4_u",
      "i32x4.relaxed_trunc_f64x2_s_zero", "i32x4.relaxed_trunc_f64x2_u_zero",
      "f32x4.relaxed_madd", "f32x4.relaxed_nmadd", "f64x2.relaxed_madd", "f64x2.relaxed_nmadd",
      "i8x16.relaxed_laneselect", "i16x8.relaxed_laneselect", "i32x4.relaxed_laneselect",
      "i64x2.relaxed_laneselect", "f32x4.relaxed_min", "f32x4.relaxed_max", "f64x2.relaxed_min",
      "f64x2.relaxed_max", "i16x8.relaxed_q15mulr_s", "i16x8.relaxed_dot_i8x16_i7x16_s",
      "i32x4.relaxed_dot_i8x16_i7x16_add_s",
    ]
    for (offset, name) in relaxed.enumerated() {
      table[name] = .plain(prefixed(0xFD, 0x100 + UInt32(offset)))
    }
    let gc: [String: InstructionSyntax] = [
      "struct.new": .gcType(0), "struct.new_default": .gcType(1), "struct.get": .gcField(2),
      "struct.get_s": .gcField(3), "struct.get_u": .gcField(4), "struct.set": .gcField(5),
      "array.new": .gcType(6), "array.new_default": .gcType(7), "array.new_fixed": .gcFixed,
      "array.new_data": .gcData(9), "array.new_elem": .gcElement(10), "array.get": .gcType(11),
      "array.get_s": .gcType(12), "array.get_u": .gcType(13), "array.set": .gcType(14),
      "array.len": .plain(prefixed(0xFB, 15)), "array.fill": .gcType(16), "array.copy": .gcCopy,
      "array.init_data": .gcData(18), "array.init_elem": .gcElement(19),
      "ref.test": .gcReferenceType(20), "ref.cast": .gcReferenceType(22),
      "br_on_cast": .gcBranchOnCast(24), "br_on_cast_fail": .gcBranchOnCast(25),
      "any.convert_extern": .plain(prefixed(0xFB, 26)),
      "extern.convert_any": .plain(prefixed(0xFB, 27)), "ref.i31": .plain(prefixed(0xFB, 28)),
      "i31.get_s": .plain(prefixed(0xFB, 29)), "i31.get_u": .plain(prefixed(0xFB, 30)),
    ]
    table.merge(gc) { first, _ in first }
    for op in NumericOp.allCases { table[textName(op)] = .plain(opcode(op.rawValue)) }
    for op in SIMDOp.allCases { table[textName(op)] = .plain(prefixed(0xFD, UInt32(op.rawValue))) }
    for op in LoadOp.allCases {
      table[textName(op)] = .memoryAccess(opcode(op.rawValue), alignment: op.naturalAlignment)
    }
    for op in StoreOp.allCases {
      table[textName(op)] = .memoryAccess(opcode(op.rawValue), alignment: op.naturalAlignment)
    }
    for op in LaneOp.allCases {
      table[textName(op)] = .lane(prefixed(0xFD, UInt32(op.rawValue)), count: op.laneCount)
    }
    for op in MemoryLaneOp.allCases {
      table[textName(op)] = .memoryLane(
        prefixed(0xFD, UInt32(op.rawValue)), alignment: op.naturalAlignment, count: op.laneCount)
    }
    return table
  }
}
