// Opcode tables the generator draws from (table-like code).
// https://webassembly.github.io/spec/core/binary/instructions.html

/// One instruction without immediates and how it reads in text.
struct Opcode {
  let byte: UInt8
  let name: String
}

/// Builds `prefix.name` opcodes numbered consecutively from `first`.
private func run(_ prefix: String, _ first: UInt8, _ names: [String]) -> [Opcode] {
  names.enumerated().map { Opcode(byte: first + UInt8($0.offset), name: "\(prefix).\($0.element)") }
}

enum Opcodes {
  /// Integer binary operators in spec order; index 0 is `add`.
  static let intBinaryNames = [
    "add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s",
    "shr_u", "rotl", "rotr",
  ]
  static let i32Binary = run("i32", 0x6A, intBinaryNames)
  static let i64Binary = run("i64", 0x7C, intBinaryNames)

  static let floatBinaryNames = ["add", "sub", "mul", "div", "min", "max", "copysign"]
  static let f32Binary = run("f32", 0x92, floatBinaryNames)
  static let f64Binary = run("f64", 0xA0, floatBinaryNames)

  /// abs and neg (indexes 0, 1) only move the sign bit; the others round.
  static let floatUnaryNames = ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"]
  static let f32Unary = run("f32", 0x8B, floatUnaryNames)
  static let f64Unary = run("f64", 0x99, floatUnaryNames)

  static let i32Unary =
    run("i32", 0x67, ["clz", "ctz", "popcnt"]) + run("i32", 0xC0, ["extend8_s", "extend16_s"])
    + [Opcode(byte: 0x45, name: "i32.eqz")]
  static let i64Unary =
    run("i64", 0x79, ["clz", "ctz", "popcnt"])
    + run("i64", 0xC2, ["extend8_s", "extend16_s", "extend32_s"])

  static let intCompareNames = [
    "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
  ]
  static let i32Compare = run("i32", 0x46, intCompareNames)
  static let i64Compare = run("i64", 0x51, intCompareNames)
  static let f32Compare = run("f32", 0x5B, ["eq", "ne", "lt", "gt", "le", "ge"])
  static let f64Compare = run("f64", 0x61, ["eq", "ne", "lt", "gt", "le", "ge"])

  static func binary(_ t: ValType) -> [Opcode] {
    switch t {
    case .i32: i32Binary
    case .i64: i64Binary
    case .f32: f32Binary
    case .f64: f64Binary
    }
  }

  static func compare(_ t: ValType) -> [Opcode] {
    switch t {
    case .i32: i32Compare
    case .i64: i64Compare
    case .f32: f32Compare
    case .f64: f64Compare
    }
  }

  /// Conversions producing `t`: (opcode or 0xFC sub-opcode, operand type, name,
  /// whether a float result may carry a nondeterministic NaN, 0xFC-prefixed).
  static func conversions(to t: ValType) -> [(UInt8, ValType, String, Bool, Bool)] {
    switch t {
    case .i32:
      return [
        (0xA7, .i64, "i32.wrap_i64", false, false),
        (0xA8, .f32, "i32.trunc_f32_s", false, false),
        (0xA9, .f32, "i32.trunc_f32_u", false, false),
        (0xAA, .f64, "i32.trunc_f64_s", false, false),
        (0xAB, .f64, "i32.trunc_f64_u", false, false),
        (0xBC, .f32, "i32.reinterpret_f32", false, false),
        (0, .f32, "i32.trunc_sat_f32_s", false, true),
        (1, .f32, "i32.trunc_sat_f32_u", false, true),
        (2, .f64, "i32.trunc_sat_f64_s", false, true),
        (3, .f64, "i32.trunc_sat_f64_u", false, true),
      ]
    case .i64:
      return [
        (0xAC, .i32, "i64.extend_i32_s", false, false),
        (0xAD, .i32, "i64.extend_i32_u", false, false),
        (0xAE, .f32, "i64.trunc_f32_s", false, false),
        (0xAF, .f32, "i64.trunc_f32_u", false, false),
        (0xB0, .f64, "i64.trunc_f64_s", false, false),
        (0xB1, .f64, "i64.trunc_f64_u", false, false),
        (0xBD, .f64, "i64.reinterpret_f64", false, false),
        (4, .f32, "i64.trunc_sat_f32_s", false, true),
        (5, .f32, "i64.trunc_sat_f32_u", false, true),
        (6, .f64, "i64.trunc_sat_f64_s", false, true),
        (7, .f64, "i64.trunc_sat_f64_u", false, true),
      ]
    case .f32:
      return [
        (0xB2, .i32, "f32.convert_i32_s", false, false),
        (0xB3, .i32, "f32.convert_i32_u", false, false),
        (0xB4, .i64, "f32.convert_i64_s", false, false),
        (0xB5, .i64, "f32.convert_i64_u", false, false),
        (0xB6, .f64, "f32.demote_f64", true, false),
        (0xBE, .i32, "f32.reinterpret_i32", false, false),
      ]
    case .f64:
      return [
        (0xB7, .i32, "f64.convert_i32_s", false, false),
        (0xB8, .i32, "f64.convert_i32_u", false, false),
        (0xB9, .i64, "f64.convert_i64_s", false, false),
        (0xBA, .i64, "f64.convert_i64_u", false, false),
        (0xBB, .f32, "f64.promote_f32", true, false),
        (0xBF, .i64, "f64.reinterpret_i64", false, false),
      ]
    }
  }

  /// A load: opcode, name, access width in bytes, natural alignment (log2).
  struct Access {
    let byte: UInt8
    let name: String
    let width: Int
    let alignLog2: Int
  }

  static func loads(_ t: ValType) -> [Access] {
    switch t {
    case .i32:
      return [
        Access(byte: 0x28, name: "i32.load", width: 4, alignLog2: 2),
        Access(byte: 0x2C, name: "i32.load8_s", width: 1, alignLog2: 0),
        Access(byte: 0x2D, name: "i32.load8_u", width: 1, alignLog2: 0),
        Access(byte: 0x2E, name: "i32.load16_s", width: 2, alignLog2: 1),
        Access(byte: 0x2F, name: "i32.load16_u", width: 2, alignLog2: 1),
      ]
    case .i64:
      return [
        Access(byte: 0x29, name: "i64.load", width: 8, alignLog2: 3),
        Access(byte: 0x30, name: "i64.load8_s", width: 1, alignLog2: 0),
        Access(byte: 0x31, name: "i64.load8_u", width: 1, alignLog2: 0),
        Access(byte: 0x32, name: "i64.load16_s", width: 2, alignLog2: 1),
        Access(byte: 0x33, name: "i64.load16_u", width: 2, alignLog2: 1),
        Access(byte: 0x34, name: "i64.load32_s", width: 4, alignLog2: 2),
        Access(byte: 0x35, name: "i64.load32_u", width: 4, alignLog2: 2),
      ]
    case .f32: return [Access(byte: 0x2A, name: "f32.load", width: 4, alignLog2: 2)]
    case .f64: return [Access(byte: 0x2B, name: "f64.load", width: 8, alignLog2: 3)]
    }
  }

  static func stores(_ t: ValType) -> [Access] {
    switch t {
    case .i32:
      return [
        Access(byte: 0x36, name: "i32.store", width: 4, alignLog2: 2),
        Access(byte: 0x3A, name: "i32.store8", width: 1, alignLog2: 0),
        Access(byte: 0x3B, name: "i32.store16", width: 2, alignLog2: 1),
      ]
    case .i64:
      return [
        Access(byte: 0x37, name: "i64.store", width: 8, alignLog2: 3),
        Access(byte: 0x3C, name: "i64.store8", width: 1, alignLog2: 0),
        Access(byte: 0x3D, name: "i64.store16", width: 2, alignLog2: 1),
        Access(byte: 0x3E, name: "i64.store32", width: 4, alignLog2: 2),
      ]
    case .f32: return [Access(byte: 0x38, name: "f32.store", width: 4, alignLog2: 2)]
    case .f64: return [Access(byte: 0x39, name: "f64.store", width: 8, alignLog2: 3)]
    }
  }
}
