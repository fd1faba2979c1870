// The validator's fast path: the common instructions of compiled code checked
// straight from the bytes, with the stacks in the validator's own buffers.
//
// The general path decodes each instruction into a visitor call (immediates read
// by throwing readers, a `BlockType` or `MemArg` built, the call not inlined) and
// then applies the rule; that costs about a hundred machine instructions a Wasm
// instruction. Most instructions of a large module are a few kinds (locals,
// constants, arithmetic, loads and stores, calls, blocks and branches) in their
// simplest forms, which are checked here in a few compares each.
//
// The fast path only ever accepts: for an instruction it does not know, a form it
// does not handle (a long immediate, a multi-value block, a non-default memory,
// unreachable code with nothing on the stack) or anything that would be an error,
// it changes nothing and returns false, and the general path then decodes the
// same instruction and reports exactly what it always did. So errors, their
// messages and offsets are the general path's alone.

extension FunctionValidator {
  /// Validates `decoder`'s body: each instruction through the fast path when it
  /// can, else through the decoder and the visitor methods.
  mutating func validateBody(_ decoder: inout InstructionDecoder, fastPath: Bool = true)
    throws(WasmError)
  {
    while decoder.openBlocks > 0 {
      guard !decoder.reader.isAtEnd else {
        throw decoder.reader.error("unexpected end of section or function")
      }
      if fastPath && fastStep(&decoder) { continue }
      try decoder.decodeInstruction(into: &self)
    }
    guard decoder.reader.isAtEnd else { throw decoder.reader.error("section size mismatch") }
  }

  /// Validates and consumes the next instruction if it is a common one in a simple
  /// form and valid; otherwise changes nothing and returns false.
  @inline(__always)
  mutating func fastStep(_ decoder: inout InstructionDecoder) -> Bool {
    // Locals that need initialisation tracking go the general way.
    if hasNonDefaultableLocals { return false }
    let reader = decoder.reader
    let p = reader.position
    let opcode = reader.base[p]
    switch opcode {
    case 0x20:  // local.get
      guard let (index, next) = reader.peekU32(at: p &+ 1), Int(index) < directLocalCount
      else { return false }
      push(localTypes[Int(index)])
      decoder.reader.position = next
    case 0x21:  // local.set
      guard let (index, next) = reader.peekU32(at: p &+ 1), Int(index) < directLocalCount,
        topIs(localTypes[Int(index)])
      else { return false }
      stackCount &-= 1
      decoder.reader.position = next
    case 0x22:  // local.tee
      guard let (index, next) = reader.peekU32(at: p &+ 1), Int(index) < directLocalCount,
        topIs(localTypes[Int(index)])
      else { return false }
      decoder.reader.position = next
    case 0x41:  // i32.const
      guard let next = reader.skipS32(at: p &+ 1) else { return false }
      push(.i32)
      decoder.reader.position = next
    case 0x42:  // i64.const
      guard let next = reader.skipShortS64(at: p &+ 1) else { return false }
      push(.i64)
      decoder.reader.position = next
    case 0x45...0xC4:  // numeric
      let packed = numericTable[Int(opcode)]
      guard packed != 0 else { return false }
      let result = OperandType(rawValue: UInt64(packed >> 24))
      if packed & 0xFF == 2 {
        guard stackCount &- 2 >= topHeight,
          stack[stackCount &- 1].rawValue == UInt64((packed >> 16) & 0xFF),
          stack[stackCount &- 2].rawValue == UInt64((packed >> 8) & 0xFF)
        else { return false }
        stackCount &-= 2
      } else {
        guard topIs(OperandType(rawValue: UInt64((packed >> 8) & 0xFF))) else { return false }
        stackCount &-= 1
      }
      if !result.isUnknown { push(result) }
      decoder.reader.position = p &+ 1
    case 0x28...0x3E:  // loads and stores
      guard let next = fastMemoryAccess(opcode, reader, at: p &+ 1) else { return false }
      decoder.reader.position = next
    case 0x23:  // global.get
      guard let (index, next) = reader.peekU32(at: p &+ 1), Int(index) < signatures.globalCount
      else { return false }
      push(signatures.globalCodes[Int(index)])
      decoder.reader.position = next
    case 0x24:  // global.set
      guard let (index, next) = reader.peekU32(at: p &+ 1), Int(index) < signatures.globalCount,
        signatures.globalMutable[Int(index)], topIs(signatures.globalCodes[Int(index)])
      else { return false }
      stackCount &-= 1
      decoder.reader.position = next
    case 0x1A:  // drop
      guard stackCount > topHeight else { return false }
      stackCount &-= 1
      decoder.reader.position = p &+ 1
    case 0x1B:  // select (untyped)
      guard stackCount &- 3 >= topHeight, stack[stackCount &- 1] == .i32 else { return false }
      let first = stack[stackCount &- 2]
      guard first == stack[stackCount &- 3], first.isNumericOrVector else { return false }
      stackCount &-= 2
      decoder.reader.position = p &+ 1
    case 0x10:  // call
      guard let (function, next) = reader.peekU32(at: p &+ 1),
        Int(function) < signatures.functionCount,
        fastApply(signatures.functionTypes[Int(function)])
      else { return false }
      decoder.reader.position = next
    case 0x0D:  // br_if
      guard let (depth, next) = reader.peekU32(at: p &+ 1), Int(depth) < frameCount,
        frames[frameCount &- 1 &- Int(depth)].labelArity == 0, topIs(.i32)
      else { return false }
      stackCount &-= 1
      decoder.reader.position = next
    case 0x0C:  // br
      guard let (depth, next) = reader.peekU32(at: p &+ 1), Int(depth) < frameCount,
        frames[frameCount &- 1 &- Int(depth)].labelArity == 0
      else { return false }
      markUnreachable()
      decoder.reader.position = next
    case 0x02, 0x03, 0x04:  // block, loop, if
      guard p &+ 1 < reader.end, let signature = Self.simpleBlockType(reader.base[p &+ 1])
      else { return false }
      if opcode == 0x04 {
        guard topIs(.i32) else { return false }
        stackCount &-= 1
      }
      instructionOffset = reader.baseOffset &+ p
      pushFrame(opcode == 0x02 ? .block : opcode == 0x03 ? .loop : .if, signature)
      decoder.openBlocks &+= 1
      decoder.reader.position = p &+ 2
    case 0x05:  // else
      let frame = frames[frameCount &- 1]
      guard frame.kind == .if, resultsOnTopExactly(frame) else { return false }
      stackCount = frame.height
      frameCount &-= 1
      instructionOffset = reader.baseOffset &+ p
      pushFrame(.else, frame.signature)
      decoder.reader.position = p &+ 1
    case 0x0B:  // end
      let frame = frames[frameCount &- 1]
      // An `if` without `else` is valid only when it passes nothing through.
      guard
        frame.kind != .if
          || (frame.signature.resultCount == 0 && frame.signature.parameterCount == 0),
        resultsOnTopExactly(frame)
      else { return false }
      stackCount = frame.height
      frameCount &-= 1
      if frameCount > 0 {
        let outer = frames[frameCount &- 1]
        topHeight = outer.height
        topUnreachable = outer.unreachable
        pushResults(frame.signature)
      }
      decoder.openBlocks &-= 1
      decoder.reader.position = p &+ 1
    case 0x0F:  // return
      guard resultsOnTop(frames[0]) else { return false }
      markUnreachable()
      decoder.reader.position = p &+ 1
    case 0x00:  // unreachable
      markUnreachable()
      decoder.reader.position = p &+ 1
    case 0x01:  // nop
      decoder.reader.position = p &+ 1
    default:
      return false
    }
    return true
  }

  /// Whether the top operand (above the frame's height) is exactly `type`.
  @inline(__always)
  func topIs(_ type: OperandType) -> Bool {
    stackCount > topHeight && stack[stackCount &- 1] == type
  }

  /// Pops the parameters and pushes the results of function type `typeIndex` when
  /// the operands are exactly its parameters; false (nothing changed) otherwise.
  @inline(__always)
  mutating func fastApply(_ typeIndex: UInt32) -> Bool {
    let run = signatures.runs[Int(typeIndex)]
    let codes = signatures.codes + run.start
    guard stackCount &- run.parameters >= topHeight else { return false }
    let base = stackCount &- run.parameters
    var i = 0
    while i < run.parameters {
      guard stack[base &+ i] == codes[i] else { return false }
      i &+= 1
    }
    stackCount = base
    for j in 0..<run.results { push(codes[run.parameters &+ j]) }
    return true
  }

  /// Whether the operands above `frame`'s height are exactly its results.
  @inline(__always)
  func resultsOnTopExactly(_ frame: ControlFrame) -> Bool {
    stackCount == frame.height &+ frame.signature.resultCount && resultsOnTop(frame)
  }

  /// Whether the top operands (above the current frame's height) are exactly
  /// `frame`'s results.
  @inline(__always)
  func resultsOnTop(_ frame: ControlFrame) -> Bool {
    let count = frame.signature.resultCount
    guard stackCount &- count >= topHeight else { return false }
    let base = stackCount &- count
    var i = 0
    while i < count {
      guard stack[base &+ i] == Self.resultType(frame.signature, at: i, signatures: signatures)
      else { return false }
      i &+= 1
    }
    return true
  }

  /// The signature of a one-byte block type without a type index: empty or one
  /// number; nil for anything else.
  @inline(__always)
  static func simpleBlockType(_ byte: UInt8) -> BlockSignature? {
    switch byte {
    case 0x40: return .empty
    case 0x7F: return .single(.i32)
    case 0x7E: return .single(.i64)
    case 0x7D: return .single(.f32)
    case 0x7C: return .single(.f64)
    default: return nil
    }
  }

  /// A load or store on memory 0 (32-bit) with its alignment flags in one byte
  /// and an offset of at most five bytes: checked and applied, returning where the
  /// instruction ends; nil (nothing changed) otherwise.
  @inline(__always)
  mutating func fastMemoryAccess(_ opcode: UInt8, _ reader: ByteReader, at p: Int) -> Int? {
    guard let memory0, !memory0.limits.is64, p < reader.end else { return nil }
    let access = memoryTable[Int(opcode)]
    let flags = reader.base[p]
    // Alignment within the natural one (which also keeps out the multi-memory bit).
    guard UInt32(flags) <= access & 0xFF,
      let (_, next) = reader.peekU32(at: p &+ 1)
    else { return nil }
    let value = OperandType(rawValue: UInt64((access >> 8) & 0xFF))
    if access & 0x1_0000 != 0 {
      // Store: the address below the value.
      guard stackCount &- 2 >= topHeight, stack[stackCount &- 1] == value,
        stack[stackCount &- 2] == .i32
      else { return nil }
      stackCount &-= 2
    } else {
      guard topIs(.i32) else { return nil }
      stack[stackCount &- 1] = value
    }
    return next
  }
}

extension ByteReader {
  /// A u32 LEB128 at `p` of one byte, or of up to five when 8 bytes remain there:
  /// (value, where it ends); nil for anything else (longer, out of range, near the
  /// end), which the throwing readers then handle.
  @inline(__always)
  func peekU32(at p: Int) -> (UInt32, Int)? {
    guard p < end else { return nil }
    let first = base[p]
    if first & 0x80 == 0 { return (UInt32(first), p &+ 1) }
    var copy = self
    copy.position = p
    guard let (value, length) = copy.peekWideLEB(), value >> 32 == 0 else { return nil }
    return (UInt32(truncatingIfNeeded: value), p &+ length)
  }

  /// Where a valid s32 LEB128 at `p` ends (one byte, or up to five when 8 bytes
  /// remain there); nil for anything else.
  @inline(__always)
  func skipS32(at p: Int) -> Int? {
    guard p < end else { return nil }
    if base[p] & 0x80 == 0 { return p &+ 1 }
    var copy = self
    copy.position = p
    guard let (payload, length) = copy.peekWideLEB() else { return nil }
    // In a fifth byte, the bits above bit 31 must repeat the sign.
    let top = payload >> 31
    guard length < 5 || top == 0 || top == 0xF else { return nil }
    return p &+ length
  }

  /// Where an s64 LEB128 of at most five bytes at `p` ends (always in range); nil
  /// for anything else.
  @inline(__always)
  func skipShortS64(at p: Int) -> Int? {
    guard p < end else { return nil }
    if base[p] & 0x80 == 0 { return p &+ 1 }
    var copy = self
    copy.position = p
    guard let (_, length) = copy.peekWideLEB() else { return nil }
    return p &+ length
  }
}

/// Each load and store opcode (0x28-0x3E): bits 0-7 its natural alignment (log2),
/// bits 8-15 the code of the value it loads or stores, bit 16 set for a store.
nonisolated(unsafe) let memoryAccessTable: UnsafeMutablePointer<UInt32> = {
  let table = UnsafeMutablePointer<UInt32>.allocate(capacity: 256)
  table.initialize(repeating: 0, count: 256)
  for opcode in 0x28...0x35 {
    guard let op = LoadOp(rawValue: UInt16(opcode)) else { continue }
    table[opcode] = op.naturalAlignment | UInt32(op.resultType.rawValue & 0xFF) << 8
  }
  for opcode in 0x36...0x3E {
    guard let op = StoreOp(rawValue: UInt16(opcode)) else { continue }
    table[opcode] = op.naturalAlignment | UInt32(op.valueType.rawValue & 0xFF) << 8 | 0x1_0000
  }
  return table
}()
