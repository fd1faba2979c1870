// What one call did, in terms both runtimes can be compared in.

/// A Wasm number, floats as bits.
enum DiffValue: Hashable, CustomStringConvertible {
  case i32(UInt32)
  case i64(UInt64)
  case f32(UInt32)
  case f64(UInt64)

  /// Equal bits, or both NaN: arithmetic may return any NaN payload (spec 4.3.3),
  /// so a NaN result is compared as "is NaN", not by its bits.
  func matches(_ other: DiffValue) -> Bool {
    switch (self, other) {
    case (.f32(let a), .f32(let b)):
      return a == b || (Float(bitPattern: a).isNaN && Float(bitPattern: b).isNaN)
    case (.f64(let a), .f64(let b)):
      return a == b || (Double(bitPattern: a).isNaN && Double(bitPattern: b).isNaN)
    default: return self == other
    }
  }

  var description: String {
    switch self {
    case .i32(let v): "i32:\(Int32(bitPattern: v))"
    case .i64(let v): "i64:\(Int64(bitPattern: v))"
    case .f32(let v): "f32:\(floatText(bits: v))"
    case .f64(let v): "f64:\(doubleText(bits: v))"
    }
  }
}

/// The trap kinds both runtimes report, by meaning rather than by message.
enum TrapCategory: Hashable, CustomStringConvertible {
  case unreachable, divideByZero, overflow, conversion, memory, tableBounds, nullElement
  case signature, stackExhausted
  case other(String)

  var description: String {
    switch self {
    case .unreachable: "unreachable"
    case .divideByZero: "integer divide by zero"
    case .overflow: "integer overflow"
    case .conversion: "invalid conversion to integer"
    case .memory: "out of bounds memory access"
    case .tableBounds: "undefined element (table bounds)"
    case .nullElement: "uninitialized element"
    case .signature: "indirect call type mismatch"
    case .stackExhausted: "call stack exhausted"
    case .other(let s): "other: \(s)"
    }
  }
}

/// A call's results or trap, then the state it left.
struct Outcome: CustomStringConvertible {
  var results: [DiffValue] = []
  var trap: TrapCategory?
  var memoryPages = 0
  var memoryHash: UInt64 = 0
  var globals: [DiffValue] = []

  var description: String {
    let what = trap.map { "trap(\($0))" } ?? "results \(results)"
    return
      "\(what), memory \(memoryPages) pages hash \(String(memoryHash, radix: 16)), globals \(globals)"
  }

  /// Why `self` (ours) and `other` (WasmKit) differ, or nil.
  func difference(from other: Outcome) -> String? {
    if trap != other.trap {
      return
        "trap: ours \(trap.map(String.init(describing:)) ?? "none"), WasmKit \(other.trap.map(String.init(describing:)) ?? "none")"
    }
    if trap == nil {
      if results.count != other.results.count
        || zip(results, other.results).contains(where: { !$0.matches($1) })
      {
        return "results: ours \(results), WasmKit \(other.results)"
      }
    }
    if memoryPages != other.memoryPages {
      return "memory size: ours \(memoryPages), WasmKit \(other.memoryPages) pages"
    }
    if memoryHash != other.memoryHash { return "memory contents differ" }
    if globals.count != other.globals.count
      || zip(globals, other.globals).contains(where: { !$0.matches($1) })
    {
      return "globals: ours \(globals), WasmKit \(other.globals)"
    }
    return nil
  }
}

/// FNV-1a over linear memory.
func fnv1a(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
  var h: UInt64 = 0xCBF2_9CE4_8422_2325
  for b in bytes {
    h ^= UInt64(b)
    h &*= 0x100_0000_01B3
  }
  return h
}

/// One runtime, instantiated once per module; calls share its state.
protocol DiffRuntime {
  /// Runs export `name`; fills results or trap (not the state).
  func call(_ name: String, _ arguments: [DiffValue]) -> Outcome
  /// The memory's size, hash and bytes, and the exported globals.
  func state() -> (pages: Int, hash: UInt64, globals: [DiffValue])
  func memoryBytes() -> [UInt8]
}
