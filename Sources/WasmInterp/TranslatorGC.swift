// Translation of the GC instructions (Wasm 3.0): i31, `ref.eq`, the conversions
// between `any` and `extern` (plain copies: both hierarchies share one encoding,
// GCObjects.swift), casts and cast branches, structs and arrays.
// https://webassembly.github.io/spec/core/exec/instructions.html#aggregate-reference-instructions

import WasmCore

extension Translator {
  // MARK: Types

  /// The layout address and definition of struct or array type `index`.
  func gcType(_ index: UInt32) throws(WasmError) -> (layout: Int, composite: CompositeType) {
    let i = Int(index)
    guard i < env.gcLayouts.count, i < env.composites.count, env.gcLayouts[i] != 0 else {
      throw .invalid("unknown type \(index)", at: instructionOffset)
    }
    return (env.gcLayouts[i], env.composites[i])
  }

  /// The fields of struct type `index`.
  func structFields(_ index: UInt32) throws(WasmError) -> (layout: Int, fields: [FieldType]) {
    let (layout, composite) = try gcType(index)
    guard case .struct(let fields) = composite else {
      throw .invalid("not a struct type", at: instructionOffset)
    }
    return (layout, fields)
  }

  /// The element type of array type `index`.
  func arrayElement(_ index: UInt32) throws(WasmError) -> (layout: Int, element: FieldType) {
    let (layout, composite) = try gcType(index)
    guard case .array(let element) = composite else {
      throw .invalid("not an array type", at: instructionOffset)
    }
    return (layout, element)
  }

  /// Makes the body wide when a value of `storage` passes through the frame.
  mutating func requireWidth(_ storage: StorageType) throws(WasmError) {
    if storage == .value(.v128) { try requireWide() }
  }

  /// The read mode of a field (see `gcRead`): sign-extending for `_s` reads.
  func readMode(_ storage: StorageType, signed: Bool) -> Int {
    switch storage {
    case .i8: return signed ? 1 : 0
    case .i16: return signed ? 2 : 0
    case .value(.v128): return 3
    case .value: return 0
    }
  }

  /// The cast target operand of a heap type (CastTarget).
  func castTarget(_ heap: HeapType) -> Int {
    switch heap {
    case .any: return CastTarget.any
    case .eq: return CastTarget.eq
    case .i31: return CastTarget.i31
    case .struct: return CastTarget.structure
    case .array: return CastTarget.array
    case .function: return CastTarget.function
    case .extern: return CastTarget.extern
    case .exception: return CastTarget.exception
    case .concrete(let index):
      return Int(index) < env.typeIDs.count ? env.typeIDs[Int(index)] : CastTarget.none
    default: return CastTarget.none
    }
  }

  // MARK: i31, equality, conversions

  mutating func visitRefI31() throws(WasmError) { unaryOp({ refI31Op($0, $1, $2, $3, $4) }) }
  mutating func visitI31GetS() throws(WasmError) { unaryOp({ i31GetSOp($0, $1, $2, $3, $4) }) }
  mutating func visitI31GetU() throws(WasmError) { unaryOp({ i31GetUOp($0, $1, $2, $3, $4) }) }

  mutating func visitRefEq() throws(WasmError) {
    let b = pop()
    let a = pop()
    let d = pushTemp()
    emit({ refEqOp($0, $1, $2, $3, $4) }, d, a, b, writesResult: true)
  }

  mutating func visitAnyConvertExtern() throws(WasmError) {}
  mutating func visitExternConvertAny() throws(WasmError) {}

  // MARK: Casts

  mutating func visitRefTest(_ type: ReferenceType) throws(WasmError) {
    let a = pop()
    let d = pushTemp()
    emit(
      { refTestOp($0, $1, $2, $3, $4) }, d, a, castTarget(type.heapType),
      type.isNullable ? 1 : 0, writesResult: true)
  }

  mutating func visitRefCast(_ type: ReferenceType) throws(WasmError) {
    let a = pop()
    let d = pushTemp()
    emit(
      { refCastOp($0, $1, $2, $3, $4) }, d, a, castTarget(type.heapType),
      type.isNullable ? 1 : 0, writesResult: true)
  }

  /// Tests the reference on top of the stack into a scratch slot above it, then
  /// branches on the result (it stays on the stack either way).
  mutating func emitCastBranch(_ cast: CastBranch, onMatch: Bool) throws(WasmError) {
    let target = try controlIndex(cast.depth)
    let reference = stack.last ?? 0
    let scratch = tempSlot(stack.count)
    if stack.count + 1 > maxHeight { maxHeight = stack.count + 1 }
    emit(
      { refTestOp($0, $1, $2, $3, $4) }, scratch, reference, castTarget(cast.target.heapType),
      cast.target.isNullable ? 1 : 0)
    // `whenNull` branches on a zero test result: a failed cast.
    emitReferenceBranch(target, reference: scratch, whenNull: !onMatch)
  }

  mutating func visitBrOnCast(_ cast: CastBranch) throws(WasmError) {
    try emitCastBranch(cast, onMatch: true)
  }

  mutating func visitBrOnCastFail(_ cast: CastBranch) throws(WasmError) {
    try emitCastBranch(cast, onMatch: false)
  }

  // MARK: Structs

  mutating func visitStructNew(_ typeIndex: UInt32) throws(WasmError) {
    let (layout, fields) = try structFields(typeIndex)
    for field in fields { try requireWidth(field.storage) }
    let n = fields.count
    // The fields go to the object from consecutive slots.
    materializeAll(from: stack.count - n)
    for _ in 0..<n { _ = pop() }
    let first = tempSlot(stack.count)
    let d = pushTemp()
    emit({ structNewOp($0, $1, $2, $3, $4) }, d, first, layout, stride)
  }

  mutating func visitStructNewDefault(_ typeIndex: UInt32) throws(WasmError) {
    let (layout, _) = try structFields(typeIndex)
    let d = pushTemp()
    emit({ structNewDefaultOp($0, $1, $2, $3, $4) }, d, layout)
  }

  /// The cell offset and storage of field `field` of struct type `typeIndex`.
  func structField(_ typeIndex: UInt32, _ field: UInt32) throws(WasmError)
    -> (offset: Int, storage: StorageType)
  {
    let (layout, fields) = try structFields(typeIndex)
    guard Int(field) < fields.count else {
      throw .invalid("unknown field \(field)", at: instructionOffset)
    }
    let words = pointer(layout, as: Int.self)
    return (words[GCLayout.fields + 2 * Int(field)], fields[Int(field)].storage)
  }

  mutating func structGet(_ typeIndex: UInt32, _ field: UInt32, signed: Bool) throws(WasmError) {
    let (offset, storage) = try structField(typeIndex, field)
    try requireWidth(storage)
    let a = pop()
    let d = pushTemp()
    emit(
      { structGetOp($0, $1, $2, $3, $4) }, d, a, offset, readMode(storage, signed: signed),
      writesResult: true)
  }

  mutating func visitStructGet(typeIndex: UInt32, field: UInt32) throws(WasmError) {
    try structGet(typeIndex, field, signed: false)
  }
  mutating func visitStructGetS(typeIndex: UInt32, field: UInt32) throws(WasmError) {
    try structGet(typeIndex, field, signed: true)
  }
  mutating func visitStructGetU(typeIndex: UInt32, field: UInt32) throws(WasmError) {
    try structGet(typeIndex, field, signed: false)
  }

  mutating func visitStructSet(typeIndex: UInt32, field: UInt32) throws(WasmError) {
    let (offset, storage) = try structField(typeIndex, field)
    try requireWidth(storage)
    let v = pop()
    let a = pop()
    emit({ structSetOp($0, $1, $2, $3, $4) }, a, v, offset, GCStorage(storage).rawValue)
  }

  // MARK: Arrays

  mutating func visitArrayNew(_ typeIndex: UInt32) throws(WasmError) {
    let (layout, element) = try arrayElement(typeIndex)
    try requireWidth(element.storage)
    let n = pop()
    let v = pop()
    let d = pushTemp()
    emit({ arrayNewOp($0, $1, $2, $3, $4) }, d, v, n, layout)
  }

  mutating func visitArrayNewDefault(_ typeIndex: UInt32) throws(WasmError) {
    let (layout, _) = try arrayElement(typeIndex)
    let n = pop()
    let d = pushTemp()
    emit({ arrayNewDefaultOp($0, $1, $2, $3, $4) }, d, n, layout)
  }

  mutating func visitArrayNewFixed(typeIndex: UInt32, count: UInt32) throws(WasmError) {
    let (layout, element) = try arrayElement(typeIndex)
    try requireWidth(element.storage)
    let n = Int(count)
    guard n <= stack.count else { throw .invalid("type mismatch", at: instructionOffset) }
    materializeAll(from: stack.count - n)
    for _ in 0..<n { _ = pop() }
    let first = tempSlot(stack.count)
    let d = pushTemp()
    emit({ arrayNewFixedOp($0, $1, $2, $3, $4) }, d, first, n, layout, stride)
  }

  func dataSegment(_ index: UInt32) throws(WasmError) -> Int {
    guard Int(index) < env.dataSegments.count else {
      throw .invalid("unknown data segment", at: instructionOffset)
    }
    return address(env.dataSegments[Int(index)])
  }

  func elementSegment(_ index: UInt32) throws(WasmError) -> Int {
    guard Int(index) < env.elementSegments.count else {
      throw .invalid("unknown element segment", at: instructionOffset)
    }
    return address(env.elementSegments[Int(index)])
  }

  mutating func visitArrayNewData(typeIndex: UInt32, data: UInt32) throws(WasmError) {
    let (layout, element) = try arrayElement(typeIndex)
    try requireWidth(element.storage)
    let segment = try dataSegment(data)
    let n = pop()
    let s = pop()
    let d = pushTemp()
    emit({ arrayNewDataOp($0, $1, $2, $3, $4) }, d, s, n, layout, segment)
  }

  mutating func visitArrayNewElem(typeIndex: UInt32, element: UInt32) throws(WasmError) {
    let (layout, _) = try arrayElement(typeIndex)
    let segment = try elementSegment(element)
    let n = pop()
    let s = pop()
    let d = pushTemp()
    emit({ arrayNewElemOp($0, $1, $2, $3, $4) }, d, s, n, layout, segment)
  }

  mutating func arrayGet(_ typeIndex: UInt32, signed: Bool) throws(WasmError) {
    let (_, element) = try arrayElement(typeIndex)
    try requireWidth(element.storage)
    let i = pop()
    let a = pop()
    let d = pushTemp()
    emit(
      { arrayGetOp($0, $1, $2, $3, $4) }, d, a, i, readMode(element.storage, signed: signed),
      writesResult: true)
  }

  mutating func visitArrayGet(_ typeIndex: UInt32) throws(WasmError) {
    try arrayGet(typeIndex, signed: false)
  }
  mutating func visitArrayGetS(_ typeIndex: UInt32) throws(WasmError) {
    try arrayGet(typeIndex, signed: true)
  }
  mutating func visitArrayGetU(_ typeIndex: UInt32) throws(WasmError) {
    try arrayGet(typeIndex, signed: false)
  }

  mutating func visitArraySet(_ typeIndex: UInt32) throws(WasmError) {
    let (_, element) = try arrayElement(typeIndex)
    try requireWidth(element.storage)
    let v = pop()
    let i = pop()
    let a = pop()
    emit({ arraySetOp($0, $1, $2, $3, $4) }, a, i, v, GCStorage(element.storage).rawValue)
  }

  mutating func visitArrayLen() throws(WasmError) {
    unaryOp({ arrayLenOp($0, $1, $2, $3, $4) })
  }

  mutating func visitArrayFill(_ typeIndex: UInt32) throws(WasmError) {
    let (_, element) = try arrayElement(typeIndex)
    try requireWidth(element.storage)
    let n = pop()
    let v = pop()
    let o = pop()
    let a = pop()
    emit({ arrayFillOp($0, $1, $2, $3, $4) }, a, o, v, n, GCStorage(element.storage).rawValue)
  }

  mutating func visitArrayCopy(destination: UInt32, source: UInt32) throws(WasmError) {
    _ = try arrayElement(destination)
    _ = try arrayElement(source)
    let n = pop()
    let so = pop()
    let s = pop()
    let d = pop()
    let a = pop()
    emit({ arrayCopyOp($0, $1, $2, $3, $4) }, a, d, s, so, n)
  }

  mutating func visitArrayInitData(typeIndex: UInt32, data: UInt32) throws(WasmError) {
    let (layout, _) = try arrayElement(typeIndex)
    let segment = try dataSegment(data)
    let n = pop()
    let s = pop()
    let d = pop()
    let a = pop()
    emit({ arrayInitDataOp($0, $1, $2, $3, $4) }, a, d, s, n, layout, segment)
  }

  mutating func visitArrayInitElem(typeIndex: UInt32, element: UInt32) throws(WasmError) {
    _ = try arrayElement(typeIndex)
    let segment = try elementSegment(element)
    let n = pop()
    let s = pop()
    let d = pop()
    let a = pop()
    emit({ arrayInitElemOp($0, $1, $2, $3, $4) }, a, d, s, n, segment)
  }
}
