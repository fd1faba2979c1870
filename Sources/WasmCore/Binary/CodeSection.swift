// The code section: local declarations and the location of each function body.
// https://webassembly.github.io/spec/core/binary/modules.html#code-section
//
// Instructions are not decoded here: `FunctionBody.code` is the byte range from the
// first instruction up to and including the body's final `end`, which the function
// validator (and the interpreter's translator) read in one pass.

extension SectionDecoder {
  /// Most locals one function may declare. The spec allows up to 2^32 - 1 in total,
  /// which no interpreter frame can hold; 50,000 is the limit that V8 and wasmtime
  /// also use, so modules that run there are not rejected here.
  static let maximumLocalCount: UInt64 = 50_000

  mutating func decodeCodeSection(into module: inout Module) throws(WasmError) {
    let count = try readCount()
    module.codes.reserveCapacity(reservation(for: count, minimumSize: 2))
    for _ in 0..<count {
      module.codes.append(try readFunctionBody())
    }
  }

  private mutating func readFunctionBody() throws(WasmError) -> FunctionBody {
    let sizeOffset = reader.offset
    let size = Int(try reader.readU32())
    guard size <= reader.remaining else {
      throw .malformed("length out of bounds", at: sizeOffset)
    }
    let bodyStart = reader.offset
    let bodyEnd = bodyStart + size

    // Local declarations: run-length encoded, each at least two bytes.
    let declarationCount = try readCount()
    var locals: [LocalDeclaration] = []
    locals.reserveCapacity(Swift.min(declarationCount, Swift.max(0, bodyEnd - reader.offset) / 2))
    var total: UInt64 = 0
    for _ in 0..<declarationCount {
      let localCount = try reader.readU32()
      total += UInt64(localCount)
      if total > UInt64(UInt32.max) {
        throw .malformed("too many locals", at: sizeOffset)
      }
      let type = try reader.readValueType(features: features)
      locals.append(LocalDeclaration(count: localCount, type: type))
    }
    if total > SectionDecoder.maximumLocalCount {
      throw WasmError(.implementationLimit, "too many locals", at: sizeOffset)
    }

    let codeStart = reader.offset
    guard codeStart <= bodyEnd else {
      throw .malformed("section size mismatch", at: bodyStart)
    }
    if codeStart == bodyEnd || reader.peek(at: bodyEnd - 1) != 0x0B {
      throw missingEndError(codeStart: codeStart, bodyEnd: bodyEnd)
    }
    try reader.skip(bodyEnd - codeStart)
    return FunctionBody(locals: locals, code: codeStart..<bodyEnd)
  }
}

extension SectionDecoder {
  /// The error for a body whose last byte is not `end`. The reference interpreter
  /// decodes instructions from the module, not from the body, and only then compares
  /// sizes; this approximates what it finds past the body: the end of the module, an
  /// immediate whose LEB128 encoding runs on past the body, an `end` (so the body is
  /// longer than announced), or some other instruction where `end` belongs.
  func missingEndError(codeStart: Int, bodyEnd: Int) -> WasmError {
    if bodyEnd >= reader.endOffset {
      return .malformed("unexpected end of section or function", at: bodyEnd)
    }
    if let last = reader.peek(at: bodyEnd - 1), last & 0x80 != 0 {
      var start = bodyEnd - 1
      while start > codeStart, let byte = reader.peek(at: start - 1), byte & 0x80 != 0 {
        start -= 1
      }
      var probe = reader
      probe.position = start - reader.baseOffset
      do {
        _ = try probe.readU32()
      } catch {
        // With memory64 a memarg's offset is a u64: what reads as a too long u32 may
        // be a u64 with bad unused bits (the reference decoder reads it as such).
        if features.contains(.memory64), error.message == "integer representation too long" {
          var wide = reader
          wide.position = start - reader.baseOffset
          do { _ = try wide.readU64() } catch { return error }
        }
        return error
      }
    }
    if reader.peek(at: bodyEnd) == 0x0B {
      return .malformed("section size mismatch", at: bodyEnd)
    }
    return .malformed("END opcode expected", at: bodyEnd)
  }
}

extension ByteReader {
  /// The byte at absolute module offset `absoluteOffset`, if it is readable.
  @inlinable
  func peek(at absoluteOffset: Int) -> UInt8? {
    let index = absoluteOffset - baseOffset
    guard index >= 0, index < end else { return nil }
    return base[index]
  }
}
