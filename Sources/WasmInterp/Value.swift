// Values crossing the host/guest boundary, and their encoding in slots.
// https://webassembly.github.io/spec/core/exec/runtime.html#values

import WasmCore

/// A Wasm value. Floats are carried as their IEEE bit patterns so that NaN
/// payloads survive a round trip; use `Value.float(_:)`/`.double(_:)` and
/// `floatValue`/`doubleValue` for Swift floating-point numbers.
public enum Value: Hashable, Sendable, CustomStringConvertible {
  case i32(UInt32)
  case i64(UInt64)
  /// An f32, as bits.
  case f32(UInt32)
  /// An f64, as bits.
  case f64(UInt64)
  /// A function reference (nil: `ref.null func`).
  case funcRef(FunctionReference?)
  /// An external reference: an opaque host value below 2^62 (nil: `ref.null
  /// extern`). A host value is also an `anyref` (GC's `any.convert_extern` of it).
  case externRef(UInt64?)
  /// A 128-bit vector (lane 0 in the lowest bits of `low`).
  case v128(V128)
  /// An exception reference (nil: `ref.null exn`), as `catch_ref` gives it.
  case exnRef(ExceptionReference?)
  /// A GC reference (an i31, a struct or an array; nil: `ref.null any` and the
  /// other nulls of GC's `any` hierarchy). Also what an `externref` result holds
  /// when it is an `extern.convert_any` of one.
  case anyRef(AnyReference?)

  public static func float(_ v: Float) -> Value { .f32(v.bitPattern) }
  public static func double(_ v: Double) -> Value { .f64(v.bitPattern) }
  public static func int32(_ v: Int32) -> Value { .i32(UInt32(bitPattern: v)) }
  public static func int64(_ v: Int64) -> Value { .i64(UInt64(bitPattern: v)) }

  public var int32: Int32? {
    if case .i32(let v) = self { return Int32(bitPattern: v) } else { return nil }
  }
  public var int64: Int64? {
    if case .i64(let v) = self { return Int64(bitPattern: v) } else { return nil }
  }
  public var floatValue: Float? {
    if case .f32(let v) = self { return Float(bitPattern: v) } else { return nil }
  }
  public var doubleValue: Double? {
    if case .f64(let v) = self { return Double(bitPattern: v) } else { return nil }
  }

  /// Whether the value has type `type`, as far as it can tell without a store: a
  /// reference of the right hierarchy (function, external, exception), non-null when
  /// the type says so. A reference's concrete type (`(ref $t)`) and its store are
  /// checked by the store when the value enters a call, table, global or exception.
  public func hasType(_ type: ValueType) -> Bool {
    switch (self, type) {
    case (.i32, .i32), (.i64, .i64), (.f32, .f32), (.f64, .f64): return true
    case (.v128, .v128): return true
    case (.funcRef(let f), .ref(let r)):
      return Kind(r.heapType) == .function && (f != nil || r.isNullable)
        && (f == nil || r.heapType != .noFunction)
    case (.externRef(let e), .ref(let r)):
      guard let e else { return r.isNullable && Kind(r.heapType) == .extern }
      // A host value is an externref, or an anyref of no more precise type.
      return e <= GCRef.maxHostValue && (r.heapType == .extern || r.heapType == .any)
    case (.anyRef(let a), .ref(let r)):
      // A null of a concrete type may be a struct's or an array's (GC's null).
      guard let a else {
        guard r.isNullable else { return false }
        if case .concrete = r.heapType { return true }
        return Kind(r.heapType) == .any
      }
      return a.hasHeapType(r.heapType)
    case (.exnRef(let x), .ref(let r)):
      return Kind(r.heapType) == .exception && (x != nil || r.isNullable)
        && (x == nil || r.heapType != .noException)
    default: return false
    }
  }

  /// Which kind of reference value a heap type holds.
  enum Kind {
    case function, extern, exception, any
    init(_ heap: HeapType) {
      switch heap {
      case .extern, .noExtern: self = .extern
      case .exception, .noException: self = .exception
      case .any, .eq, .i31, .struct, .array, .noAny: self = .any
      // A concrete type may also be a struct or array: decoding tells by the value.
      default: self = .function
      }
    }
  }

  public var description: String {
    switch self {
    case .i32(let v): return "i32:\(Int32(bitPattern: v))"
    case .i64(let v): return "i64:\(Int64(bitPattern: v))"
    case .f32(let v): return "f32:\(Float(bitPattern: v))"
    case .f64(let v): return "f64:\(Double(bitPattern: v))"
    case .funcRef(let r): return r.map { "funcref:\($0.storeIndex)" } ?? "funcref:null"
    case .externRef(let r): return r.map { "externref:\($0)" } ?? "externref:null"
    case .v128(let v): return "v128:\(String(v.high, radix: 16)):\(String(v.low, radix: 16))"
    case .exnRef(let r): return r == nil ? "exnref:null" : "exnref"
    case .anyRef(let r): return r.map { "anyref:\($0)" } ?? "anyref:null"
    }
  }
}

/// An opaque reference to a function of a store. Another store refuses it.
public struct FunctionReference: Hashable, Sendable {
  /// The function's index in its store (stable for the store's lifetime).
  public let storeIndex: Int
  /// Which store (`StoreRuntime.serial`).
  let storeSerial: UInt64
}

extension Value {
  /// The high 64 bits of a v128 (0 for other values).
  var v128High: UInt64 { if case .v128(let v) = self { return v.high } else { return 0 } }

  /// The zero value of a type (locals, table fill, `ref.null`).
  static func defaultValue(_ type: ValueType) -> Value {
    switch type {
    case .i32: return .i32(0)
    case .i64: return .i64(0)
    case .f32: return .f32(0)
    case .f64: return .f64(0)
    case .v128: return .v128(V128(low: 0, high: 0))
    case .ref(let r):
      switch Kind(r.heapType) {
      case .function: return .funcRef(nil)
      case .extern: return .externRef(nil)
      case .exception: return .exnRef(nil)
      case .any: return .anyRef(nil)
      }
    }
  }
}

/// A non-null GC reference: an i31 or an object (struct or array) of a store.
///
/// An object the host receives is held (a root of the store's collector) until the
/// host calls `Store.release(_:)`; afterwards every copy of the reference is
/// refused by the store (`GCAccessError.released` from the accessors, a type
/// mismatch when passed to a guest), because the object may be freed. Equality is
/// `ref.eq`'s: an i31 by value, an object by identity (copies of one reference are
/// equal; a reference the host released equals only its own copies).
public struct AnyReference: Hashable, @unchecked Sendable, CustomStringConvertible {
  /// The cell encoding (GCObjects.swift).
  let bits: UInt64
  /// The host's hold on an object (nil for an i31).
  let handle: GCHostHandle?

  init(bits: UInt64, handle: GCHostHandle?) {
    self.bits = bits
    self.handle = GCRef.isI31(bits) ? nil : handle
  }

  /// An `i31ref` of the low 31 bits of `value`.
  public static func i31(_ value: Int32) -> AnyReference {
    AnyReference(bits: GCRef.i31(UInt64(UInt32(bitPattern: value))), handle: nil)
  }

  public static func == (a: AnyReference, b: AnyReference) -> Bool {
    a.bits == b.bits && a.handle === b.handle
  }
  public func hash(into hasher: inout Hasher) { hasher.combine(bits) }

  /// What the reference is.
  public enum Kind: Hashable, Sendable {
    /// An i31, sign-extended.
    case i31(Int32)
    case structure
    case array
  }

  /// What the reference is (an object's kind stays known after it is released).
  public var kind: Kind {
    if GCRef.isI31(bits) {
      let raw = UInt32(truncatingIfNeeded: bits >> 1)
      return .i31(Int32(bitPattern: raw << 1) >> 1)
    }
    return handle?.isArray == true ? .array : .structure
  }

  public var description: String {
    switch kind {
    case .i31(let v): return "i31:\(v)"
    case .structure: return "struct"
    case .array: return "array"
    }
  }

  /// Whether the reference has heap type `heap` as far as it can tell without a
  /// module (a concrete type is checked by the store). A released object has none:
  /// it may be freed.
  func hasHeapType(_ heap: HeapType) -> Bool {
    if let handle, handle.live == nil { return false }
    switch (heap, kind) {
    case (.any, _), (.extern, _), (.eq, _), (.concrete, .structure), (.concrete, .array):
      return true
    case (.i31, .i31), (.struct, .structure), (.array, .array): return true
    default: return false
    }
  }
}
