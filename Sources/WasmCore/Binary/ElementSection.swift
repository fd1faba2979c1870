// The element section: its eight encodings.
// https://webassembly.github.io/spec/core/binary/modules.html#element-section
//
// The flags' bit 0 marks a passive or declarative segment, bit 1 an explicit table
// index (active) or a declarative segment (otherwise), bit 2 items given as
// expressions rather than function indices.

extension SectionDecoder {
  mutating func decodeElementSection(into module: inout Module) throws(WasmError) {
    let count = try readCount()
    module.elements.reserveCapacity(reservation(for: count, minimumSize: 3))
    for _ in 0..<count {
      module.elements.append(try readElementSegment())
    }
  }

  private mutating func readElementSegment() throws(WasmError) -> ElementSegment {
    let flagsOffset = reader.offset
    let flags = try reader.readU32()
    guard flags <= 7 else {
      throw .malformed("malformed elements segment kind", at: flagsOffset)
    }
    let isPassiveOrDeclarative = flags & 0b001 != 0
    let hasTableIndexOrIsDeclarative = flags & 0b010 != 0
    let usesExpressions = flags & 0b100 != 0

    let mode: ElementSegment.Mode
    if isPassiveOrDeclarative {
      mode = hasTableIndexOrIsDeclarative ? .declarative : .passive
    } else {
      let table = hasTableIndexOrIsDeclarative ? try readIndex() : 0
      mode = .active(table: table, offset: try readConstExpression())
    }

    // Encodings 0 and 4 imply funcref; the others spell out an element kind (index
    // forms, where 0x00 means funcref) or a reference type (expression forms). Wasm
    // 3.0 types function indices precisely: `(ref func)`, as they cannot be null.
    var type =
      usesExpressions || !ByteReader.acceptsTypedReferences(features)
      ? ReferenceType.funcRef : ReferenceType(isNullable: false, heapType: .function)
    if isPassiveOrDeclarative || hasTableIndexOrIsDeclarative {
      if usesExpressions {
        type = try reader.readReferenceType(features: features)
      } else {
        let kindOffset = reader.offset
        guard try reader.readByte() == 0x00 else {
          throw .malformed("malformed elements segment kind", at: kindOffset)
        }
      }
    }

    let itemCount = try readCount()
    if usesExpressions {
      var expressions: [ConstExpression] = []
      expressions.reserveCapacity(reservation(for: itemCount, minimumSize: 2))
      for _ in 0..<itemCount {
        expressions.append(try readConstExpression())
      }
      return ElementSegment(type: type, mode: mode, items: .expressions(expressions))
    }
    var functions: [UInt32] = []
    functions.reserveCapacity(itemCount)
    for _ in 0..<itemCount {
      functions.append(try readIndex())
    }
    return ElementSegment(type: type, mode: mode, items: .functions(functions))
  }
}
