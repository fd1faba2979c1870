// GC objects the host holds: the handle that keeps one alive (a collector root)
// until the host releases it, and the typed accessors through which a host reads a
// struct's fields and an array's elements. docs/gc.md explains the choices.

import WasmCore

/// The host's hold on one object of a store. One handle per held object: every
/// `AnyReference` the store hands out for that object shares it, so releasing one
/// releases them all, and a copy used after the release is detected (the object
/// may be freed and its address reused) instead of read.
final class GCHostHandle {
  /// Weak: the store keeps its handles (`StoreRuntime.hostHandles`), and a reference
  /// outliving its store must not keep the store alive.
  weak var runtime: StoreRuntime?
  let address: UInt
  let isArray: Bool
  var isReleased = false

  init(runtime: StoreRuntime, address: UInt, isArray: Bool) {
    self.runtime = runtime
    self.address = address
    self.isArray = isArray
  }

  /// The store and header of the object, or nil once released or the store is gone.
  var live: (StoreRuntime, UnsafeMutablePointer<GCHeader>)? {
    guard !isReleased, let runtime else { return nil }
    return (runtime, GCHeader.header(UInt64(address)))
  }
}

extension StoreRuntime {
  /// The reference the host gets for object `cell`: held until released.
  func hostReference(_ cell: UInt64) -> AnyReference {
    if GCRef.isI31(cell) { return AnyReference(bits: cell, handle: nil) }
    let address = UInt(truncatingIfNeeded: cell)
    if let handle = hostHandles[address] { return AnyReference(bits: cell, handle: handle) }
    let isArray = GCHeader.header(cell).pointee.tag & 0xFF == GCHeader.arrayKind
    let handle = GCHostHandle(runtime: self, address: address, isArray: isArray)
    hostHandles[address] = handle
    return AnyReference(bits: cell, handle: handle)
  }
}

extension Store {
  /// Ends the host's hold on `reference`'s object: the collector frees it once
  /// nothing else (globals, tables, live frames, other objects) reaches it. Every
  /// copy of the reference becomes unusable (`GCAccessError.released`; refused as
  /// an argument); getting the object again from the guest gives a new reference.
  /// Releasing an i31, a reference of another store, or twice does nothing.
  public func release(_ reference: AnyReference) {
    guard let handle = reference.handle, handle.runtime === runtime, !handle.isReleased else {
      return
    }
    handle.isReleased = true
    runtime.hostHandles[handle.address] = nil
  }
}

/// Why a typed accessor of `AnyReference` cannot read what was asked.
public enum GCAccessError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The host released the reference, or its store is gone.
  case released
  /// A field was asked of something that is not a struct (its kind).
  case notAStruct(AnyReference.Kind)
  /// An element or length was asked of something that is not an array.
  case notAnArray(AnyReference.Kind)
  /// The field or element index is not below the count.
  case indexOutOfBounds(index: Int, count: Int)

  public var description: String {
    switch self {
    case .released: return "the reference was released (or its store is gone)"
    case .notAStruct(let kind): return "not a struct: \(kind)"
    case .notAnArray(let kind): return "not an array: \(kind)"
    case .indexOutOfBounds(let index, let count):
      return "index \(index) out of bounds (count \(count))"
    }
  }
}

extension AnyReference {
  /// Field `index` of a struct. A packed (`i8`, `i16`) field is an `.i32`,
  /// zero-extended unless `signExtended` (`struct.get_u` / `struct.get_s`); a
  /// reference field's object is held by the host like any it receives.
  public func field(_ index: Int, signExtended: Bool = false) throws(GCAccessError) -> Value {
    let (runtime, header) = try object(kind: .structure)
    let fields = runtime.types.fields(of: header.pointee.typeID)
    guard index >= 0, index < fields.count else {
      throw .indexOutOfBounds(index: index, count: fields.count)
    }
    var offset = 0
    for field in fields[..<index] { offset += GCStorage(field.storage).cells }
    return Self.read(
      fields[index].storage, at: GCHeader.cells(bits) + offset, runtime, signExtended)
  }

  /// The number of elements of an array.
  public func arrayLength() throws(GCAccessError) -> Int {
    try object(kind: .array).1.pointee.count
  }

  /// Element `index` of an array, decoded as `field(_:signExtended:)` decodes.
  public func element(_ index: Int, signExtended: Bool = false) throws(GCAccessError) -> Value {
    let (runtime, header) = try object(kind: .array)
    let count = header.pointee.count
    guard index >= 0, index < count else { throw .indexOutOfBounds(index: index, count: count) }
    guard let element = runtime.types.fields(of: header.pointee.typeID).first else {
      throw .notAnArray(kind)
    }
    let cells = GCHeader.cells(bits) + index * header.pointee.cellsPerElement
    return Self.read(element.storage, at: cells, runtime, signExtended)
  }

  /// The live object's store and header, if it is of `kind`.
  private func object(kind wanted: TypeRegistry.Kind) throws(GCAccessError)
    -> (StoreRuntime, UnsafeMutablePointer<GCHeader>)
  {
    guard let handle else {
      throw wanted == .array ? .notAnArray(kind) : .notAStruct(kind)
    }
    guard let live = handle.live else { throw .released }
    guard (wanted == .array) == handle.isArray else {
      throw wanted == .array ? .notAnArray(kind) : .notAStruct(kind)
    }
    return live
  }

  private static func read(
    _ storage: StorageType, at cells: UnsafeMutablePointer<UInt64>, _ runtime: StoreRuntime,
    _ signExtended: Bool
  ) -> Value {
    switch storage {
    case .i8:
      let byte = UInt8(truncatingIfNeeded: cells[0])
      return .i32(signExtended ? UInt32(bitPattern: Int32(Int8(bitPattern: byte))) : UInt32(byte))
    case .i16:
      let half = UInt16(truncatingIfNeeded: cells[0])
      return .i32(
        signExtended ? UInt32(bitPattern: Int32(Int16(bitPattern: half))) : UInt32(half))
    case .value(.ref(let type)) where cells[0] == 0:
      // A null of a concrete struct or array type is GC's null, not a function's.
      if case .concrete(let id) = type.heapType, runtime.types.kind(of: Int(id)) != .function {
        return .anyRef(nil)
      }
      return runtime.decode(0, as: .ref(type))
    case .value(let type): return runtime.load(from: cells, as: type)
    }
  }
}

extension TypeRegistry {
  /// The fields of struct type `id`, or the element of array type `id`.
  func fields(of id: Int) -> [FieldType] { id > 0 && id < fieldTypes.count ? fieldTypes[id] : [] }
}
