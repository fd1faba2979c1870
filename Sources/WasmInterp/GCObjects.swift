// GC (Wasm 3.0): how references of the `any` hierarchy are encoded in a cell, the
// layout of struct and array objects, their allocation, and the run-time type test
// behind `ref.test`, `ref.cast` and `br_on_cast`. docs/gc.md explains the choices.
// https://webassembly.github.io/spec/core/exec/runtime.html#aggregate-instances

import WasmCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reference encodings shared by the `any` and `extern` hierarchies (one cell):
///
///     0                   null
///     bit 0 set           an i31: the value in bits 1...31
///     low bits 0b10       a host value h, as `h << 2 | 0b10` (h < 2^62)
///     low bits 0b00       a GC object's address (8-aligned, never 0)
///
/// Both hierarchies use the same encoding, so `any.convert_extern` and
/// `extern.convert_any` are plain copies and a round trip keeps identity.
enum GCRef {
  @inline(__always) static func i31(_ value: UInt64) -> UInt64 {
    ((value & 0x7FFF_FFFF) << 1) | 1
  }
  @inline(__always) static func isI31(_ cell: UInt64) -> Bool { cell & 1 != 0 }
  @inline(__always) static func isHost(_ cell: UInt64) -> Bool { cell & 3 == 2 }
  @inline(__always) static func isObject(_ cell: UInt64) -> Bool { cell != 0 && cell & 3 == 0 }
  /// The largest host value an externref (or `anyref`) can carry.
  static let maxHostValue: UInt64 = (1 << 62) - 1
  @inline(__always) static func host(_ value: UInt64) -> UInt64 { value << 2 | 2 }
  @inline(__always) static func hostValue(_ cell: UInt64) -> UInt64 { cell >> 2 }
}

/// The header of a struct or array object; the fields or elements follow it as
/// cells (two for a v128, one for any other type, packed ones included).
struct GCHeader {
  /// `GCHeader.magic | kind`: a value no code pointer can have, so a cell of a
  /// concrete reference type tells an object from a `FunctionEntry` (whose first
  /// word is its code pointer) when decoded without its module.
  var tag: UInt64
  /// Store-wide type id (TypeRegistry), for casts.
  var typeID: Int
  /// Elements of an array; cells of a struct.
  var count: Int
  /// Cells per element (arrays) or 0 (structs).
  var cellsPerElement: Int

  static let magic: UInt64 = 0xC0DE_6C00_0000_0000
  static let structKind: UInt64 = 1
  static let arrayKind: UInt64 = 2
  /// Tag bits beside the kind: reached by the running collection; cells may hold
  /// references.
  static let markBit: UInt64 = 1 << 8
  static let referencesBit: UInt64 = 1 << 10
  static let flagMask: UInt64 = 0x7FF

  @inline(__always) static func header(_ cell: UInt64) -> UnsafeMutablePointer<GCHeader> {
    UnsafeMutablePointer<GCHeader>(bitPattern: UInt(truncatingIfNeeded: cell)).unsafelyUnwrapped
  }

  @inline(__always) static func cells(_ cell: UInt64) -> UnsafeMutablePointer<UInt64> {
    UnsafeMutableRawPointer(header(cell)).advanced(by: MemoryLayout<GCHeader>.stride)
      .assumingMemoryBound(to: UInt64.self)
  }

  /// Whether a non-null cell of a reference type is a GC object.
  static func isObject(_ cell: UInt64) -> Bool {
    guard GCRef.isObject(cell) else { return false }
    return header(cell).pointee.tag & ~flagMask == magic
  }
}

/// How a field or element is stored and read (the `mode` operand of the handlers).
enum GCStorage: Int {
  /// A full cell (i32, i64, f32, f64, references).
  case cell = 0
  case i8 = 1
  case i16 = 2
  case v128 = 3

  init(_ storage: StorageType) {
    switch storage {
    case .i8: self = .i8
    case .i16: self = .i16
    case .value(.v128): self = .v128
    case .value: self = .cell
    }
  }

  var cells: Int { self == .v128 ? 2 : 1 }

  /// The value a packed field keeps: its low bits.
  @inline(__always) static func pack(_ value: UInt64, _ mode: Int) -> UInt64 {
    switch mode {
    case 1: return value & 0xFF
    case 2: return value & 0xFFFF
    default: return value
    }
  }
}

/// The layout of one store type, built once per type (StoreRuntime.gcLayout):
/// words `[kind, typeID, count, cellsPerElement or total cells, elementBytes,
/// whether any field is a reference, then (cell offset, storage mode) per field]`
/// (an array has one mode and no offset). Handlers get its address as an operand.
enum GCLayout {
  static let kind = 0, typeID = 1, fieldCount = 2, cells = 3, elementBytes = 4
  static let references = 5
  static let fields = 6
}

extension StoreRuntime {
  /// The layout words of struct or array type `id`, `composite` its definition.
  func gcLayout(id: Int, _ composite: CompositeType) -> UnsafeMutablePointer<Int> {
    if let layout = gcLayouts[id] { return layout }
    var words: [Int]
    switch composite {
    case .struct(let fields):
      var offsets: [Int] = []
      var cells = 0
      for field in fields {
        offsets.append(cells)
        cells += GCStorage(field.storage).cells
      }
      let references = fields.contains { $0.storage.unpacked.isReference }
      words = [Int(GCHeader.structKind), id, fields.count, cells, 0, references ? 1 : 0]
      for (field, offset) in zip(fields, offsets) {
        words.append(offset)
        words.append(GCStorage(field.storage).rawValue)
      }
    case .array(let element):
      let storage = GCStorage(element.storage)
      words = [
        Int(GCHeader.arrayKind), id, 0, storage.cells, element.storage.byteSize,
        element.storage.unpacked.isReference ? 1 : 0, storage.rawValue,
      ]
    case .function:
      words = [0, id, 0, 0, 0, 0]
    }
    let layout = UnsafeMutablePointer<Int>.allocate(capacity: words.count)
    layout.initialize(from: words, count: words.count)
    gcLayouts[id] = layout
    return layout
  }

  /// Allocates a zeroed object of `cells` cells after the header; nil when the
  /// store's GC heap limit would be exceeded.
  func allocateObject(
    kind: UInt64, typeID: Int, count: Int, cellsPerElement: Int, cells: Int, references: Bool
  ) -> UInt64? {
    let bytes = MemoryLayout<GCHeader>.stride + cells * 8
    guard cells >= 0, gcBytes <= configuration.maxGCHeapBytes - bytes,
      let raw = calloc(1, bytes)
    else { return nil }
    gcBytes += bytes
    let header = raw.assumingMemoryBound(to: GCHeader.self)
    header.pointee = GCHeader(
      tag: GCHeader.magic | kind | (references ? GCHeader.referencesBit : 0), typeID: typeID,
      count: count, cellsPerElement: cellsPerElement)
    gcObjects.insert(UInt(bitPattern: raw))
    gcStatistics.allocatedBytes &+= bytes
    return UInt64(UInt(bitPattern: raw))
  }

  /// Frees every object (the store is going away).
  func releaseObjects() {
    for object in gcObjects { free(UnsafeMutableRawPointer(bitPattern: object)) }
    gcObjects.removeAll()
    for (_, layout) in gcLayouts { layout.deallocate() }
    gcLayouts.removeAll()
  }

  /// Whether the non-null `cell` of a reference type has the heap type `target`,
  /// encoded as by `Translator.castTarget`.
  func referenceMatches(_ cell: UInt64, target: Int) -> Bool {
    switch target {
    case CastTarget.any, CastTarget.function, CastTarget.extern, CastTarget.exception:
      return true
    case CastTarget.eq: return GCRef.isI31(cell) || GCHeader.isObject(cell)
    case CastTarget.i31: return GCRef.isI31(cell)
    case CastTarget.structure:
      return GCHeader.isObject(cell)
        && GCHeader.header(cell).pointee.tag & 0xFF == GCHeader.structKind
    case CastTarget.array:
      return GCHeader.isObject(cell)
        && GCHeader.header(cell).pointee.tag & 0xFF == GCHeader.arrayKind
    case CastTarget.none: return false
    default:
      guard target > 0 else { return false }
      if GCHeader.isObject(cell) {
        return types.isSubtype(GCHeader.header(cell).pointee.typeID, of: target)
      }
      if GCRef.isObject(cell), types.kind(of: target) == .function,
        let entry = UnsafeMutablePointer<FunctionEntry>(bitPattern: UInt(truncatingIfNeeded: cell))
      {
        return types.isSubtype(entry.pointee.typeID, of: target)
      }
      return false
    }
  }
}

/// The heap type of a cast, as the handlers' operand: a store type id (> 0) or one
/// of these (abstract types).
enum CastTarget {
  static let any = -1, eq = -2, i31 = -3, structure = -4, array = -5, none = -6
  static let function = -7, extern = -8, exception = -9
}
