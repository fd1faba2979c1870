// Validation rules of the GC instructions: structs, arrays, i31, casts, the
// conversions between `any` and `extern`, and `ref.eq`.
// https://webassembly.github.io/spec/core/valid/instructions.html#aggregate-reference-instructions
// https://webassembly.github.io/spec/core/valid/instructions.html#reference-instructions

extension FunctionValidator {
  // MARK: Types

  /// The fields of struct type `index`; "unknown type" when it is none.
  mutating func structFields(_ index: UInt32) throws(WasmError) -> [FieldType] {
    guard let fields = context.typeTable.structFields(index) else {
      throw .invalid("unknown type \(index)", at: instructionOffset)
    }
    return fields
  }

  /// The element type of array type `index`; "unknown type" when it is none.
  mutating func arrayElement(_ index: UInt32) throws(WasmError) -> FieldType {
    guard let element = context.typeTable.arrayElement(index) else {
      throw .invalid("unknown type \(index)", at: instructionOffset)
    }
    return element
  }

  /// Field `field` of struct type `index`.
  mutating func structField(_ index: UInt32, _ field: UInt32) throws(WasmError) -> FieldType {
    let fields = try structFields(index)
    guard UInt64(field) < UInt64(fields.count) else {
      throw .invalid("unknown field \(field)", at: instructionOffset)
    }
    return fields[Int(field)]
  }

  /// `(ref null $index)`.
  static func nullableReference(to index: UInt32) -> OperandType {
    OperandType(ReferenceType(isNullable: true, heapType: .concrete(index)))
  }

  /// `(ref $index)`.
  static func reference(to index: UInt32) -> OperandType {
    OperandType(ReferenceType(isNullable: false, heapType: .concrete(index)))
  }

  /// Checks that a read matches the packing: `_s`/`_u` exactly for packed types.
  mutating func checkPacking(_ storage: StorageType, signed: Bool?) throws(WasmError) {
    guard storage.isPacked == (signed != nil) else { throw typeMismatch() }
  }

  // MARK: Structs

  package mutating func visitStructNew(_ typeIndex: UInt32) throws(WasmError) {
    let fields = try structFields(typeIndex)
    var i = fields.count
    while i > 0 {
      i -= 1
      try pop(OperandType(fields[i].storage.unpacked))
    }
    push(Self.reference(to: typeIndex))
  }

  package mutating func visitStructNewDefault(_ typeIndex: UInt32) throws(WasmError) {
    let fields = try structFields(typeIndex)
    guard fields.allSatisfy({ $0.storage.unpacked.isDefaultable }) else { throw typeMismatch() }
    push(Self.reference(to: typeIndex))
  }

  mutating func structGet(_ typeIndex: UInt32, _ field: UInt32, signed: Bool?) throws(WasmError) {
    let type = try structField(typeIndex, field)
    try checkPacking(type.storage, signed: signed)
    try pop(Self.nullableReference(to: typeIndex))
    push(OperandType(type.storage.unpacked))
  }

  package mutating func visitStructGet(typeIndex: UInt32, field: UInt32) throws(WasmError) {
    try structGet(typeIndex, field, signed: nil)
  }

  package mutating func visitStructGetS(typeIndex: UInt32, field: UInt32) throws(WasmError) {
    try structGet(typeIndex, field, signed: true)
  }

  package mutating func visitStructGetU(typeIndex: UInt32, field: UInt32) throws(WasmError) {
    try structGet(typeIndex, field, signed: false)
  }

  package mutating func visitStructSet(typeIndex: UInt32, field: UInt32) throws(WasmError) {
    let type = try structField(typeIndex, field)
    guard type.isMutable else { throw .invalid("field is immutable", at: instructionOffset) }
    try pop(OperandType(type.storage.unpacked))
    try pop(Self.nullableReference(to: typeIndex))
  }

  // MARK: Arrays

  package mutating func visitArrayNew(_ typeIndex: UInt32) throws(WasmError) {
    let element = try arrayElement(typeIndex)
    try pop(.i32)
    try pop(OperandType(element.storage.unpacked))
    push(Self.reference(to: typeIndex))
  }

  package mutating func visitArrayNewDefault(_ typeIndex: UInt32) throws(WasmError) {
    let element = try arrayElement(typeIndex)
    guard element.storage.unpacked.isDefaultable else { throw typeMismatch() }
    try pop(.i32)
    push(Self.reference(to: typeIndex))
  }

  package mutating func visitArrayNewFixed(typeIndex: UInt32, count: UInt32) throws(WasmError) {
    let element = OperandType(try arrayElement(typeIndex).storage.unpacked)
    // Each operand was pushed by an instruction, so a count beyond the stack fails
    // at the first pop that finds nothing (or is `unknown` in dead code).
    var i: UInt32 = 0
    while i < count {
      if stackCount == topHeight && topUnreachable { break }
      try pop(element)
      i += 1
    }
    push(Self.reference(to: typeIndex))
  }

  /// An array type whose elements data segments can initialise: numbers or vectors.
  mutating func numericArrayElement(_ typeIndex: UInt32) throws(WasmError) -> FieldType {
    let element = try arrayElement(typeIndex)
    if case .value(.ref) = element.storage {
      throw .invalid("array type is not numeric or vector", at: instructionOffset)
    }
    return element
  }

  /// An array type whose elements element segment `segment` can initialise.
  mutating func referenceArrayElement(_ typeIndex: UInt32, segment: UInt32) throws(WasmError)
    -> FieldType
  {
    let element = try arrayElement(typeIndex)
    let segmentType = try elementSegment(segment)
    guard case .value(let value) = element.storage,
      context.typeTable.isSubtype(.ref(segmentType), of: value)
    else { throw typeMismatch() }
    return element
  }

  package mutating func visitArrayNewData(typeIndex: UInt32, data: UInt32) throws(WasmError) {
    _ = try numericArrayElement(typeIndex)
    try checkDataSegment(data)
    try pop(.i32)
    try pop(.i32)
    push(Self.reference(to: typeIndex))
  }

  package mutating func visitArrayNewElem(typeIndex: UInt32, element: UInt32) throws(WasmError) {
    _ = try referenceArrayElement(typeIndex, segment: element)
    try pop(.i32)
    try pop(.i32)
    push(Self.reference(to: typeIndex))
  }

  mutating func arrayGet(_ typeIndex: UInt32, signed: Bool?) throws(WasmError) {
    let element = try arrayElement(typeIndex)
    try checkPacking(element.storage, signed: signed)
    try pop(.i32)
    try pop(Self.nullableReference(to: typeIndex))
    push(OperandType(element.storage.unpacked))
  }

  package mutating func visitArrayGet(_ typeIndex: UInt32) throws(WasmError) {
    try arrayGet(typeIndex, signed: nil)
  }

  package mutating func visitArrayGetS(_ typeIndex: UInt32) throws(WasmError) {
    try arrayGet(typeIndex, signed: true)
  }

  package mutating func visitArrayGetU(_ typeIndex: UInt32) throws(WasmError) {
    try arrayGet(typeIndex, signed: false)
  }

  /// A mutable array type's element; "array is immutable" otherwise.
  mutating func mutableArrayElement(_ typeIndex: UInt32) throws(WasmError) -> FieldType {
    let element = try arrayElement(typeIndex)
    guard element.isMutable else { throw .invalid("array is immutable", at: instructionOffset) }
    return element
  }

  package mutating func visitArraySet(_ typeIndex: UInt32) throws(WasmError) {
    let element = try mutableArrayElement(typeIndex)
    try pop(OperandType(element.storage.unpacked))
    try pop(.i32)
    try pop(Self.nullableReference(to: typeIndex))
  }

  package mutating func visitArrayLen() throws(WasmError) {
    try pop(OperandType(ReferenceType(isNullable: true, heapType: .array)))
    push(.i32)
  }

  package mutating func visitArrayFill(_ typeIndex: UInt32) throws(WasmError) {
    let element = try mutableArrayElement(typeIndex)
    try pop(.i32)
    try pop(OperandType(element.storage.unpacked))
    try pop(.i32)
    try pop(Self.nullableReference(to: typeIndex))
  }

  package mutating func visitArrayCopy(destination: UInt32, source: UInt32) throws(WasmError) {
    let target = try mutableArrayElement(destination)
    let origin = try arrayElement(source)
    guard context.typeTable.isSubtype(origin.storage, of: target.storage) else {
      throw .invalid("array types do not match", at: instructionOffset)
    }
    try pop(.i32)
    try pop(.i32)
    try pop(Self.nullableReference(to: source))
    try pop(.i32)
    try pop(Self.nullableReference(to: destination))
  }

  package mutating func visitArrayInitData(typeIndex: UInt32, data: UInt32) throws(WasmError) {
    _ = try mutableArrayElement(typeIndex)
    _ = try numericArrayElement(typeIndex)
    try checkDataSegment(data)
    try pop(.i32)
    try pop(.i32)
    try pop(.i32)
    try pop(Self.nullableReference(to: typeIndex))
  }

  package mutating func visitArrayInitElem(typeIndex: UInt32, element: UInt32) throws(WasmError) {
    _ = try mutableArrayElement(typeIndex)
    _ = try referenceArrayElement(typeIndex, segment: element)
    try pop(.i32)
    try pop(.i32)
    try pop(.i32)
    try pop(Self.nullableReference(to: typeIndex))
  }

  // MARK: i31

  package mutating func visitRefI31() throws(WasmError) {
    try pop(.i32)
    push(OperandType(ReferenceType(isNullable: false, heapType: .i31)))
  }

  mutating func i31Get() throws(WasmError) {
    try pop(OperandType(ReferenceType(isNullable: true, heapType: .i31)))
    push(.i32)
  }

  package mutating func visitI31GetS() throws(WasmError) { try i31Get() }
  package mutating func visitI31GetU() throws(WasmError) { try i31Get() }

  // MARK: Equality and conversions

  package mutating func visitRefEq() throws(WasmError) {
    let eq = OperandType(ReferenceType(isNullable: true, heapType: .eq))
    try pop(eq)
    try pop(eq)
    push(.i32)
  }

  /// Pops a reference of the hierarchy whose top is `top`; returns whether it may be
  /// null (an unknown operand may).
  mutating func popConvertible(from top: HeapType) throws(WasmError) -> Bool {
    let operand = try pop(OperandType(ReferenceType(isNullable: true, heapType: top)))
    return operand.isUnknown || operand.isNullable
  }

  package mutating func visitAnyConvertExtern() throws(WasmError) {
    let nullable = try popConvertible(from: .extern)
    push(OperandType(ReferenceType(isNullable: nullable, heapType: .any)))
  }

  package mutating func visitExternConvertAny() throws(WasmError) {
    let nullable = try popConvertible(from: .any)
    push(OperandType(ReferenceType(isNullable: nullable, heapType: .extern)))
  }

  // MARK: Casts

  /// Checks a cast's target type and returns the top of its hierarchy (what the
  /// operand must be a subtype of).
  mutating func castTop(_ type: ReferenceType) throws(WasmError) -> HeapType {
    try TypeChecker(table: context.typeTable).check(type.heapType, at: instructionOffset)
    guard let top = context.typeTable.top(of: type.heapType) else { throw typeMismatch() }
    return top
  }

  package mutating func visitRefTest(_ type: ReferenceType) throws(WasmError) {
    let top = try castTop(type)
    try pop(OperandType(ReferenceType(isNullable: true, heapType: top)))
    push(.i32)
  }

  package mutating func visitRefCast(_ type: ReferenceType) throws(WasmError) {
    let top = try castTop(type)
    try pop(OperandType(ReferenceType(isNullable: true, heapType: top)))
    push(OperandType(type))
  }

  /// `source` minus `target`: what is left of the source type once the values of the
  /// target type are taken out (only null can be taken out of the type).
  static func difference(_ source: ReferenceType, _ target: ReferenceType) -> ReferenceType {
    ReferenceType(isNullable: source.isNullable && !target.isNullable, heapType: source.heapType)
  }

  /// Checks a cast branch's types and its label; pops the operand and the values
  /// below it that the label carries, and pushes them back. Returns the label's
  /// frame. `branchType`: what the branch passes in the label's last slot.
  mutating func checkCastBranch(_ cast: CastBranch, branchType: ReferenceType) throws(WasmError) {
    let checker = TypeChecker(table: context.typeTable)
    try checker.check(cast.source.heapType, at: instructionOffset)
    try checker.check(cast.target.heapType, at: instructionOffset)
    guard context.typeTable.isSubtype(cast.target, of: cast.source) else { throw typeMismatch() }
    let frame = try labelFrame(cast.depth)
    let arity = frame.labelArity
    guard arity >= 1 else { throw typeMismatch() }
    let last = Self.labelType(frame, at: arity - 1, signatures: signatures)
    guard last.isUnknown || context.typeTable.isSubtype(OperandType(branchType), of: last) else {
      throw typeMismatch()
    }
    try pop(OperandType(cast.source))
    var i = arity - 1
    while i > 0 {
      i -= 1
      try pop(Self.labelType(frame, at: i, signatures: signatures))
    }
    for i in 0..<(arity - 1) { push(Self.labelType(frame, at: i, signatures: signatures)) }
  }

  package mutating func visitBrOnCast(_ cast: CastBranch) throws(WasmError) {
    try checkCastBranch(cast, branchType: cast.target)
    push(OperandType(Self.difference(cast.source, cast.target)))
  }

  package mutating func visitBrOnCastFail(_ cast: CastBranch) throws(WasmError) {
    try checkCastBranch(cast, branchType: Self.difference(cast.source, cast.target))
    push(OperandType(cast.target))
  }
}
