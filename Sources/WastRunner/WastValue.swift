// Values in spec scripts: the arguments of an action and the results it returns,
// and what an `assert_return` expects of them.
// https://github.com/WebAssembly/spec/tree/main/interpreter#scripts
//
// Numbers are kept as bit patterns: floats must compare bit for bit (a NaN's
// payload and a zero's sign matter), and the command files write every number as
// the decimal of its bits.

import WasmCore

/// A concrete value passed to or returned from a Wasm function.
public enum WastValue: Hashable, Sendable, CustomStringConvertible {
  case i32(UInt32)
  case i64(UInt64)
  /// IEEE 754 single, as bits.
  case f32(UInt32)
  /// IEEE 754 double, as bits.
  case f64(UInt64)
  case v128(V128)
  /// A function reference: nil is `ref.null func`; otherwise an id of the executor's.
  case funcRef(UInt32?)
  /// An external reference: nil is `ref.null extern`; otherwise the script's
  /// `ref.extern N` payload.
  case externRef(UInt32?)
  /// An exception reference: nil is `ref.null exn`; otherwise an id of the executor's.
  case exnRef(UInt32?)
  /// A GC reference of the `any` hierarchy: nil is its null. (A host value, `ref.host
  /// N`, is an `externRef`: the interpreter keeps host values as externrefs.)
  case anyRef(WastGCReference?)

  public var description: String {
    switch self {
    case .i32(let v): return "i32:\(v)"
    case .i64(let v): return "i64:\(v)"
    case .f32(let v): return "f32:0x\(hex(UInt64(v), digits: 8))"
    case .f64(let v): return "f64:0x\(hex(v, digits: 16))"
    case .v128(let v): return "v128:0x\(hex(v.high, digits: 16))\(hex(v.low, digits: 16))"
    case .funcRef(let v): return v.map { "funcref:\($0)" } ?? "funcref:null"
    case .externRef(let v): return v.map { "externref:\($0)" } ?? "externref:null"
    case .exnRef(let v): return v.map { "exnref:\($0)" } ?? "exnref:null"
    case .anyRef(let v): return v.map { "anyref:\($0)" } ?? "anyref:null"
    }
  }
}

/// What a non-null GC reference is.
public enum WastGCReference: Hashable, Sendable, CustomStringConvertible {
  case i31(Int32)
  case structure
  case array

  public var description: String {
    switch self {
    case .i31(let v): return "i31:\(v)"
    case .structure: return "struct"
    case .array: return "array"
    }
  }
}

/// The abstract heap types a GC result may be written with.
public enum WastGCHeapType: String, Hashable, Sendable {
  case any, eq, i31, structure = "struct", array
}

/// Which NaNs a `nan:canonical` or `nan:arithmetic` result allows.
/// https://webassembly.github.io/spec/core/exec/numerics.html#nan-propagation
public enum NaNPattern: Hashable, Sendable {
  /// Only the canonical NaN (quiet bit alone in the payload), of either sign.
  case canonical
  /// Any quiet NaN (quiet bit set, any other payload bits), of either sign.
  case arithmetic

  public func matches(f32 bits: UInt32) -> Bool {
    switch self {
    case .canonical: return bits & 0x7FFF_FFFF == 0x7FC0_0000
    case .arithmetic: return bits & 0x7FC0_0000 == 0x7FC0_0000
    }
  }

  public func matches(f64 bits: UInt64) -> Bool {
    switch self {
    case .canonical: return bits & 0x7FFF_FFFF_FFFF_FFFF == 0x7FF8_0000_0000_0000
    case .arithmetic: return bits & 0x7FF8_0000_0000_0000 == 0x7FF8_0000_0000_0000
    }
  }
}

/// The shape of a `v128` written as lanes.
public enum V128LaneType: String, Hashable, Sendable {
  case i8, i16, i32, i64, f32, f64

  public var laneCount: Int {
    switch self {
    case .i8: return 16
    case .i16: return 8
    case .i32, .f32: return 4
    case .i64, .f64: return 2
    }
  }

  public var laneBits: Int { 128 / laneCount }
}

/// What one lane of an expected `v128` allows.
public enum WastLaneExpectation: Hashable, Sendable {
  /// Exactly these bits (the low `laneBits` bits are used).
  case bits(UInt64)
  /// A float lane that must be a NaN of this pattern.
  case nan(NaNPattern)
}

/// What an `assert_return` expects of one result.
public indirect enum WastExpectedValue: Hashable, Sendable, CustomStringConvertible {
  /// Exactly this value, bit for bit.
  case value(WastValue)
  case f32NaN(NaNPattern)
  case f64NaN(NaNPattern)
  /// A `v128` given lane by lane, where float lanes may be NaN patterns.
  case v128(V128LaneType, [WastLaneExpectation])
  /// Any non-null function reference (`(ref.func)` without an index).
  case anyFuncRef
  /// Any non-null external reference (`(ref.extern)` without a payload).
  case anyExternRef
  /// Any non-null exception reference (`(ref.exn)`).
  case anyExnRef
  /// GC's `(ref.i31)`, `(ref.struct)`, `(ref.array)`, `(ref.eq)`, `(ref.any)`: any
  /// non-null reference of that heap type.
  case gcRef(WastGCHeapType)
  /// One of several alternatives (wasm-tools' `either`, used by relaxed SIMD).
  case either([WastExpectedValue])

  /// Whether `actual` satisfies this expectation.
  public func matches(_ actual: WastValue) -> Bool {
    switch self {
    case .value(let expected):
      return expected == actual
    case .f32NaN(let pattern):
      if case .f32(let bits) = actual { return pattern.matches(f32: bits) }
      return false
    case .f64NaN(let pattern):
      if case .f64(let bits) = actual { return pattern.matches(f64: bits) }
      return false
    case .v128(let laneType, let lanes):
      guard case .v128(let vector) = actual else { return false }
      return Self.lanes(of: vector, as: laneType, match: lanes)
    case .anyFuncRef:
      if case .funcRef(let id) = actual { return id != nil }
      return false
    case .anyExternRef:
      // An externref is a host value or an externalised GC reference.
      if case .externRef(let id) = actual { return id != nil }
      if case .anyRef(let r) = actual { return r != nil }
      return false
    case .gcRef(let type):
      switch (type, actual) {
      case (.any, .externRef(let host)): return host != nil
      case (.any, .anyRef(let r)), (.eq, .anyRef(let r)): return r != nil
      case (.i31, .anyRef(.i31?)), (.structure, .anyRef(.structure?)),
        (.array, .anyRef(.array?)):
        return true
      default: return false
      }
    case .anyExnRef:
      if case .exnRef(let id) = actual { return id != nil }
      return false
    case .either(let alternatives):
      return alternatives.contains { $0.matches(actual) }
    }
  }

  static func lanes(of vector: V128, as laneType: V128LaneType, match lanes: [WastLaneExpectation])
    -> Bool
  {
    guard lanes.count == laneType.laneCount else { return false }
    let bits = laneType.laneBits
    let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
    for (index, expectation) in lanes.enumerated() {
      let lane = laneValue(vector, index: index, bits: bits) & mask
      switch expectation {
      case .bits(let expected):
        if lane != expected & mask { return false }
      case .nan(let pattern):
        switch laneType {
        case .f32: if !pattern.matches(f32: UInt32(truncatingIfNeeded: lane)) { return false }
        case .f64: if !pattern.matches(f64: lane) { return false }
        default: return false
        }
      }
    }
    return true
  }

  static func laneValue(_ vector: V128, index: Int, bits: Int) -> UInt64 {
    let bitOffset = index * bits
    if bitOffset < 64 {
      return vector.low >> UInt64(bitOffset)
    }
    return vector.high >> UInt64(bitOffset - 64)
  }

  public var description: String {
    switch self {
    case .value(let v): return v.description
    case .f32NaN(let p): return "f32:nan:\(p)"
    case .f64NaN(let p): return "f64:nan:\(p)"
    case .v128(let type, let lanes):
      let text = lanes.map { lane -> String in
        switch lane {
        case .bits(let b): return String(b)
        case .nan(let p): return "nan:\(p)"
        }
      }
      return "v128:\(type.rawValue)x\(type.laneCount)[\(text.joined(separator: " "))]"
    case .anyFuncRef: return "funcref:non-null"
    case .gcRef(let type): return "\(type.rawValue)ref:non-null"
    case .anyExternRef: return "externref:non-null"
    case .anyExnRef: return "exnref:non-null"
    case .either(let alternatives):
      return "either(\(alternatives.map(\.description).joined(separator: " | ")))"
    }
  }
}

/// Builds a `v128` from lane bit patterns (lane 0 in the lowest bits).
public func makeV128(laneType: V128LaneType, lanes: [UInt64]) -> V128 {
  var low: UInt64 = 0
  var high: UInt64 = 0
  let bits = laneType.laneBits
  let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
  for (index, lane) in lanes.prefix(laneType.laneCount).enumerated() {
    let bitOffset = index * bits
    if bitOffset < 64 {
      low |= (lane & mask) << UInt64(bitOffset)
    } else {
      high |= (lane & mask) << UInt64(bitOffset - 64)
    }
  }
  return V128(low: low, high: high)
}

func hex(_ value: UInt64, digits: Int) -> String {
  let text = String(value, radix: 16)
  return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
}
