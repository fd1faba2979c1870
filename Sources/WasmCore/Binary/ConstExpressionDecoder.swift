// Constant expressions: global initialisers, segment offsets and element items.
// https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions
// https://webassembly.github.io/spec/core/binary/instructions.html
//
// Constness is a validation rule in the spec; it is checked here because a constant
// expression is decoded into `ConstInstruction`s, which have no room for other
// instructions. A known instruction that is not constant is therefore `invalid`
// ("constant expression required"); an unknown opcode is `malformed`.
// Extended constant expressions (Wasm 3.0) add i32/i64 add, sub and mul here.

extension SectionDecoder {
  mutating func readConstExpression() throws(WasmError) -> ConstExpression {
    let expressionStart = reader.offset
    var instructions: [ConstInstruction] = []
    while true {
      let start = reader.offset
      let opcode = try reader.readByte()
      switch opcode {
      case 0x0B:
        return ConstExpression(instructions: instructions, offset: expressionStart)
      case 0x41: instructions.append(.i32Const(try reader.readS32()))
      case 0x42: instructions.append(.i64Const(try reader.readS64()))
      case 0x43: instructions.append(.f32Const(try reader.readUInt32LE()))
      case 0x44: instructions.append(.f64Const(try reader.readUInt64LE()))
      case 0x23: instructions.append(.globalGet(try readIndex()))
      case 0xD2: instructions.append(.refFunc(try readIndex()))
      case 0xD0:
        let type = try reader.readReferenceType(features: features)
        instructions.append(.refNull(type.heapType))
      case 0xFD:
        let subopcode = try reader.readU32()
        if subopcode == 12 {  // v128.const
          let low = try reader.readUInt64LE()
          let high = try reader.readUInt64LE()
          instructions.append(.v128Const(V128(low: low, high: high)))
        } else if subopcode <= 0xFF {
          throw .invalid("constant expression required", at: start)
        } else {
          throw .malformed("illegal opcode", at: start)
        }
      case 0xFC:
        // Bulk memory, table and saturating conversion instructions: 0...17.
        let subopcode = try reader.readU32()
        if subopcode <= 17 {
          throw .invalid("constant expression required", at: start)
        }
        throw .malformed("illegal opcode", at: start)
      default:
        if SectionDecoder.isKnownSingleByteOpcode(opcode) {
          throw .invalid("constant expression required", at: start)
        }
        throw .malformed("illegal opcode", at: start)
      }
    }
  }

  /// Whether `opcode` is a one-byte instruction of Wasm 2.0 (prefixes excluded).
  static func isKnownSingleByteOpcode(_ opcode: UInt8) -> Bool {
    switch opcode {
    case 0x00...0x05, 0x0B...0x11, 0x1A...0x1C, 0x20...0x26, 0x28...0xC4, 0xD0...0xD2:
      return true
    default:
      return false
    }
  }
}
