// The instruction visitor: one method per instruction or group of instructions.
// https://webassembly.github.io/spec/core/binary/instructions.html
//
// `InstructionDecoder` reads a function body and calls a visitor for each
// instruction, in order, with its decoded immediates. Validation
// (`FunctionValidator`) and the interpreter's translation (which wraps a validator)
// are visitors, so a body is read once. Decoding is generic over the visitor, so
// every call is static and can be inlined.
//
// Adding a Wasm 3.0 proposal adds methods here, each with a default implementation
// in an extension (throwing), so existing visitors keep compiling.

/// Receives the instructions of a function body, one call per instruction.
///
/// Every method may throw to stop decoding; the decoder sets `instructionOffset`
/// to the byte offset (in the module) of each instruction's opcode before calling.
public protocol InstructionVisitor {
  /// Offset in the module of the instruction being visited, set by the decoder.
  var instructionOffset: Int { get set }

  // MARK: Control
  mutating func visitUnreachable() throws(WasmError)
  mutating func visitNop() throws(WasmError)
  mutating func visitBlock(_ type: BlockType) throws(WasmError)
  mutating func visitLoop(_ type: BlockType) throws(WasmError)
  mutating func visitIf(_ type: BlockType) throws(WasmError)
  mutating func visitElse() throws(WasmError)
  /// `end` of a block, loop, if, or (the last one) of the function body.
  mutating func visitEnd() throws(WasmError)
  mutating func visitBr(_ depth: UInt32) throws(WasmError)
  mutating func visitBrIf(_ depth: UInt32) throws(WasmError)
  /// `br_table`; the view is valid only during the call.
  mutating func visitBrTable(_ targets: BrTableTargets) throws(WasmError)
  mutating func visitReturn() throws(WasmError)
  mutating func visitCall(_ function: UInt32) throws(WasmError)
  mutating func visitCallIndirect(typeIndex: UInt32, tableIndex: UInt32) throws(WasmError)

  // MARK: Reference
  mutating func visitRefNull(_ type: HeapType) throws(WasmError)
  mutating func visitRefIsNull() throws(WasmError)
  mutating func visitRefFunc(_ function: UInt32) throws(WasmError)

  // MARK: Parametric
  mutating func visitDrop() throws(WasmError)
  /// `select` (type nil) or typed `select t`.
  mutating func visitSelect(_ type: ValueType?) throws(WasmError)

  // MARK: Variable
  mutating func visitLocalGet(_ index: UInt32) throws(WasmError)
  mutating func visitLocalSet(_ index: UInt32) throws(WasmError)
  mutating func visitLocalTee(_ index: UInt32) throws(WasmError)
  mutating func visitGlobalGet(_ index: UInt32) throws(WasmError)
  mutating func visitGlobalSet(_ index: UInt32) throws(WasmError)

  // MARK: Table
  mutating func visitTableGet(_ table: UInt32) throws(WasmError)
  mutating func visitTableSet(_ table: UInt32) throws(WasmError)
  mutating func visitTableSize(_ table: UInt32) throws(WasmError)
  mutating func visitTableGrow(_ table: UInt32) throws(WasmError)
  mutating func visitTableFill(_ table: UInt32) throws(WasmError)
  mutating func visitTableCopy(destination: UInt32, source: UInt32) throws(WasmError)
  mutating func visitTableInit(element: UInt32, table: UInt32) throws(WasmError)
  mutating func visitElemDrop(_ element: UInt32) throws(WasmError)

  // MARK: Memory
  mutating func visitLoad(_ op: LoadOp, _ memarg: MemArg) throws(WasmError)
  mutating func visitStore(_ op: StoreOp, _ memarg: MemArg) throws(WasmError)
  mutating func visitMemorySize(_ memory: UInt32) throws(WasmError)
  mutating func visitMemoryGrow(_ memory: UInt32) throws(WasmError)
  mutating func visitMemoryInit(data: UInt32, memory: UInt32) throws(WasmError)
  mutating func visitDataDrop(_ data: UInt32) throws(WasmError)
  mutating func visitMemoryCopy(destination: UInt32, source: UInt32) throws(WasmError)
  mutating func visitMemoryFill(_ memory: UInt32) throws(WasmError)

  // MARK: Numeric
  mutating func visitI32Const(_ value: Int32) throws(WasmError)
  mutating func visitI64Const(_ value: Int64) throws(WasmError)
  /// `f32.const`, as raw IEEE bits (NaN payloads survive).
  mutating func visitF32Const(_ bits: UInt32) throws(WasmError)
  /// `f64.const`, as raw IEEE bits.
  mutating func visitF64Const(_ bits: UInt64) throws(WasmError)
  mutating func visitNumeric(_ op: NumericOp) throws(WasmError)

  // MARK: Vector
  mutating func visitV128Const(_ value: V128) throws(WasmError)
  mutating func visitSIMD(_ op: SIMDOp) throws(WasmError)
  /// `extract_lane` / `replace_lane`. `lane` is not yet checked against the shape.
  mutating func visitLane(_ op: LaneOp, lane: UInt8) throws(WasmError)
  /// `v128.loadN_lane` / `v128.storeN_lane`. `lane` is not yet checked.
  mutating func visitMemoryLane(_ op: MemoryLaneOp, _ memarg: MemArg, lane: UInt8) throws(WasmError)
  /// `i8x16.shuffle`; lane byte i is `(lanes >> (8 * i)) & 0xFF` of `low` then
  /// `high`. Lanes are not yet checked (< 32).
  mutating func visitShuffle(_ lanes: V128) throws(WasmError)
}

/// The targets of a `br_table`, read lazily from the (already checked) bytes of the
/// instruction, so visiting one allocates nothing. Valid only during the visit.
public struct BrTableTargets: Sequence {
  @usableFromInline let start: UnsafePointer<UInt8>
  /// Number of targets, not counting the default.
  public let count: Int
  /// The label used when the operand is out of range.
  public let defaultTarget: UInt32

  @inlinable
  init(start: UnsafePointer<UInt8>, count: Int, defaultTarget: UInt32) {
    self.start = start
    self.count = count
    self.defaultTarget = defaultTarget
  }

  public struct Iterator: IteratorProtocol {
    @usableFromInline var pointer: UnsafePointer<UInt8>
    @usableFromInline var remaining: Int

    @inlinable
    init(pointer: UnsafePointer<UInt8>, remaining: Int) {
      self.pointer = pointer
      self.remaining = remaining
    }

    @inlinable
    public mutating func next() -> UInt32? {
      guard remaining > 0 else { return nil }
      remaining -= 1
      // The decoder checked every LEB128 before handing out the view.
      var result: UInt32 = 0
      var shift: UInt32 = 0
      while true {
        let byte = pointer.pointee
        pointer += 1
        result |= UInt32(byte & 0x7F) << shift
        if byte & 0x80 == 0 || shift >= 28 { return result }
        shift += 7
      }
    }
  }

  @inlinable
  public func makeIterator() -> Iterator { Iterator(pointer: start, remaining: count) }

  @inlinable
  public var underestimatedCount: Int { count }
}
