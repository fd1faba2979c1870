// Constant expressions: global initialisers, segment offsets and element items.
// https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions
// https://webassembly.github.io/spec/core/binary/instructions.html
//
// Constness is a validation rule in the spec; it is checked here because a constant
// expression is decoded into `ConstInstruction`s, which have no room for other
// instructions. A known instruction that is not constant is therefore `invalid`
// ("constant expression required"); an unknown opcode is `malformed`.
// Extended constant expressions (Wasm 3.0) add i32/i64 add, sub and mul; GC adds
// struct and array allocation, `ref.i31` and the any/extern conversions.

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
        if ByteReader.acceptsTypedReferences(features) || features.contains(.exceptions) {
          instructions.append(.refNull(try reader.readHeapType(features: features)))
        } else {
          instructions.append(.refNull(try reader.readReferenceType(features: features).heapType))
        }
      case 0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E:
        guard features.contains(.extendedConst) else {
          throw .invalid("constant expression required", at: start)
        }
        switch opcode {
        case 0x6A: instructions.append(.i32Add)
        case 0x6B: instructions.append(.i32Sub)
        case 0x6C: instructions.append(.i32Mul)
        case 0x7C: instructions.append(.i64Add)
        case 0x7D: instructions.append(.i64Sub)
        default: instructions.append(.i64Mul)
        }
      case 0xFB where features.contains(.gc):
        let subopcode = try reader.readU32()
        switch subopcode {
        case 0: instructions.append(.structNew(try readIndex()))
        case 1: instructions.append(.structNewDefault(try readIndex()))
        case 6: instructions.append(.arrayNew(try readIndex()))
        case 7: instructions.append(.arrayNewDefault(try readIndex()))
        case 8:
          let type = try readIndex()
          instructions.append(.arrayNewFixed(type, count: try readIndex()))
        case 26: instructions.append(.anyConvertExtern)
        case 27: instructions.append(.externConvertAny)
        case 28: instructions.append(.refI31)
        default: throw try nonConstantError(at: start)
        }
      case 0xFD:
        let subopcode = try reader.readU32()
        if subopcode == 12 {  // v128.const
          let low = try reader.readUInt64LE()
          let high = try reader.readUInt64LE()
          instructions.append(.v128Const(V128(low: low, high: high)))
        } else {
          throw try nonConstantError(at: start)
        }
      default:
        throw try nonConstantError(at: start)
      }
    }
  }

  /// The error for an instruction at `start` that no constant expression may hold.
  /// As the reference decoder reads the whole expression before checking constness,
  /// the rest is decoded first (a malformed or unterminated expression is reported
  /// as such); a well-formed one is "constant expression required".
  mutating func nonConstantError(at start: Int) throws(WasmError) -> WasmError {
    var skipper = InstructionSkipper()
    var decoder = InstructionDecoder(reader, features: features, hasDataCount: true)
    decoder.reader.position = start - reader.baseOffset
    while decoder.openBlocks > 0 {
      guard !decoder.reader.isAtEnd else {
        return .malformed("unexpected end of section or function", at: decoder.reader.offset)
      }
      do {
        try decoder.decodeInstruction(into: &skipper)
      } catch {
        return SectionDecoder.sectionError(error)
      }
    }
    return .invalid("constant expression required", at: start)
  }
}

/// A visitor that accepts every instruction and does nothing with it.
struct InstructionSkipper: InstructionVisitor {
  var instructionOffset = 0
  mutating func visit(_ instruction: Instruction) throws(WasmError) {}
}
