// Translation of a validated function body into threaded code.
// https://webassembly.github.io/spec/core/exec/instructions.html
//
// The operand stack disappears at translation time: the validator guarantees its
// height at every instruction, so the value at height h lives in the frame slot
// `localCount + h`, and each instruction becomes a handler with slot operands
// ("register" form). `local.get` emits nothing: it pushes a reference to the
// local's own slot, which later instructions read directly; such references are
// copied into their stack slot only when something would invalidate them (a
// `local.set` of that local, control flow, calls). A `local.set` right after the
// instruction producing its value retargets that instruction's result to the
// local. Constants feeding a binary operator become immediates, and a comparison
// feeding `br_if` or `if` fuses with the branch.
//
// The body was validated when the module was loaded, so translation trusts the
// instruction sequence; it still never trusts it for memory safety of the
// translator itself (no unchecked indexing on input-controlled values).

import WasmCore

/// What translation needs from the instance: addresses to embed in the code.
struct TranslationEnvironment {
  var functionEntries: [UnsafeMutablePointer<FunctionEntry>]
  var functionTypes: [FunctionType]
  /// Module type index → store-wide type id.
  var typeIDs: [Int]
  var types: [FunctionType]
  var globals: [UnsafeMutablePointer<UInt64>]
  /// Value type of each global (a v128 global needs wide slots, see `stride`).
  var globalTypes: [ValueType] = []
  var tables: [UnsafeMutablePointer<TableState>]
  /// Whether each table has i64 indices (table64).
  var tableIs64: [Bool] = []
  /// Every memory of the instance (imports first) and whether its addresses are i64.
  var memories: [(state: UnsafeMutablePointer<MemoryState>, is64: Bool)] = []
  var dataSegments: [UnsafeMutablePointer<SegmentState>]
  var elementSegments: [UnsafeMutablePointer<SegmentState>]
  /// Every tag of the instance (imports first), and its values' types.
  var tags: [UnsafeMutablePointer<TagState>] = []
  var tagTypes: [FunctionType] = []
  /// Each module type's definition, and the address of its GC layout (0 for a
  /// function type; GCObjects.swift).
  var composites: [CompositeType] = []
  var gcLayouts: [Int] = []
}

/// The result of translating one body.
struct TranslatedCode {
  var words: [Int]
  /// Slots a frame needs: locals, operand stack.
  var frameSize: Int
  /// Cells of declared locals (not params), zeroed on entry.
  var localCount: Int
  /// Cells the parameters occupy in the body's layout (where zeroing starts).
  var paramCells: Int
  /// The exception handler table (ExceptionHandlers.swift); nil without `try_table`.
  var handlers: [Int]?
}

struct Translator: InstructionVisitor {
  var instructionOffset = 0

  struct Fixup {
    var word: Int
    var base: Int
  }

  enum ControlKind { case block, loop, ifThen, ifElse, function, tryTable }

  struct Control {
    var kind: ControlKind
    /// Operand stack height below the block's parameters.
    var height: Int
    var paramCount: Int
    var resultCount: Int
    /// Loop start (the branch target of a loop).
    var start: Int
    /// Branches to the end of the block, patched when it is reached.
    var fixups: [Fixup] = []
    /// The `if`'s branch to its `else` (or end), patched at `else`.
    var elseFixup: Fixup?
    var unreachable = false
    /// A `try_table`'s catch clauses, four words each (see ExceptionHandlers.swift).
    var catchClauses: [Int] = []

    var labelArity: Int { kind == .loop ? paramCount : resultCount }
  }

  let env: TranslationEnvironment
  /// Parameters plus declared locals.
  let localCount: Int
  let paramCount: Int
  let resultCount: Int
  /// The code, with what the peepholes know about its last instructions.
  var code = CodeBuffer()
  /// Slot of each operand stack entry: its own stack slot, or a local's slot.
  var stack: [Int] = []
  /// Stack indices whose entry refers to a local slot (ascending).
  var lazyEntries: [Int] = []
  var maxHeight = 0
  var controls: [Control] = []

  /// Cells per slot: 1, or 2 in a body that handles v128 values ("wide" body,
  /// see SIMDTranslation.swift). Every slot index emitted is already in cells.
  let stride: Int
  /// Cells per value in the function type's calling convention (2 if it mentions v128).
  let typeStride: Int
  /// Set (before throwing) when a narrow translation meets a v128 value.
  var needsWide = false

  static let maxLazyEntries = 64

  /// Declared locals (by index) that still hold the zero every call gives them:
  /// no `local.set` of them has been translated yet, and no loop has started (a
  /// back-edge could bring a later write). `const 0; local.set` of one emits nothing.
  var knownZero: [Bool] = []
  var anyKnownZero = false

  /// The handler table's entries so far, innermost `try_table` first (they are
  /// added at their `end`).
  var handlerEntries: [Int] = []
  var handlerEntryCount = 0

  init(
    env: TranslationEnvironment, type: FunctionType, locals: [LocalDeclaration], wide: Bool = false
  ) throws(WasmError) {
    self.env = env
    self.stride = wide ? 2 : 1
    self.typeStride = type.mentionsV128 ? 2 : 1
    var count = type.parameters.count
    for declaration in locals {
      count += Int(declaration.count)
      guard count <= 50_000 else {
        throw WasmError(.implementationLimit, "too many locals", at: 0)
      }
    }
    self.localCount = count
    self.paramCount = type.parameters.count
    self.resultCount = type.results.count
    controls.append(
      Control(kind: .function, height: 0, paramCount: 0, resultCount: type.results.count, start: 0))
    // A narrow translation of a body with v128 locals stops here (the caller
    // sees `needsWide` and retries wide).
    if !wide, typeStride == 2 || locals.contains(where: { $0.type == .v128 }) {
      needsWide = true
      return
    }
    knownZero = Array(repeating: false, count: count)
    for i in type.parameters.count..<count { knownZero[i] = true }
    anyKnownZero = count > type.parameters.count
    emitPrologue()
  }

  var result: TranslatedCode {
    TranslatedCode(
      words: code.finishedWords, frameSize: stride * (localCount + maxHeight + 1),
      localCount: stride * (localCount - paramCount), paramCells: stride * paramCount,
      handlers: handlerEntryCount == 0 ? nil : [handlerEntryCount, stride] + handlerEntries)
  }

  // MARK: Emission helpers

  mutating func emit(
    _ handler: Handler, _ operands: Int..., shape: CodeBuffer.Shape = .other,
    writesResult: Bool = false
  ) {
    code.emit(handler, operands, shape: shape, writesResult: writesResult)
  }

  /// The instruction just emitted, when it computed the operand stack entry at
  /// `height` (held in `slot`, popped or not) into that entry's own temporary slot,
  /// which nothing else reads: a peephole may then absorb it or redirect its result.
  func producer(of slot: Int, at height: Int) -> CodeBuffer.Record? {
    guard slot == tempSlot(height), let last = code.last, let word = last.resultWord,
      code[word] == slot
    else { return nil }
    return last
  }

  /// The integer comparison just emitted, when it computed `condition` (popped, at
  /// `height`) and has a fused compare-and-branch form.
  func comparison(producing condition: Int, at height: Int)
    -> (record: CodeBuffer.Record, op: NumericOp, immediate: Bool)?
  {
    guard let record = producer(of: condition, at: height),
      case .binary(let op, let immediate) = record.shape,
      fusedBranch(op, negated: false, immediate: immediate) != nil
    else { return nil }
    return (record, op, immediate)
  }

  func tempSlot(_ height: Int) -> Int { stride * (localCount + height) }

  mutating func pushTemp() -> Int {
    let slot = tempSlot(stack.count)
    stack.append(slot)
    if stack.count > maxHeight { maxHeight = stack.count }
    return slot
  }

  mutating func pop() -> Int {
    guard let slot = stack.popLast() else { return 0 }
    if let last = lazyEntries.last, last == stack.count { lazyEntries.removeLast() }
    return slot
  }

  /// Copies the lazily referenced local at stack index `index` into its own slot.
  mutating func materialize(at index: Int) {
    let slot = stack[index]
    let own = tempSlot(index)
    if slot != own {
      emitCopy(own, slot)
      stack[index] = own
    }
  }

  /// Materializes every lazy entry at stack index `from` or above.
  mutating func materializeAll(from: Int = 0) {
    while let last = lazyEntries.last, last >= from {
      lazyEntries.removeLast()
      materialize(at: last)
    }
  }

  /// Materializes the entries referring to `local` (before a write to it).
  mutating func materializeReferences(to local: Int) {
    var kept: [Int] = []
    for index in lazyEntries {
      if stack[index] == local {
        materialize(at: index)
      } else {
        kept.append(index)
      }
    }
    lazyEntries = kept
  }

  /// Emits a fixup word for a branch to `control` (index in `controls`).
  mutating func branchTarget(_ depth: Int, base: Int) {
    let c = controls[depth]
    if c.kind == .loop {
      code.append(c.start - base)
    } else {
      controls[depth].fixups.append(Fixup(word: code.count, base: base))
      code.append(0)
    }
  }

  /// Points a branch's offset word at `target` (a position from `code.label()`).
  mutating func patch(_ fixup: Fixup, to target: Int) {
    code[fixup.word] = target - fixup.base
  }

  /// Copies the top `count` values to the label slots of control `depth`.
  mutating func moveBranchValues(_ depth: Int) {
    let c = controls[depth]
    let n = c.labelArity
    // Validation guarantees the values; never index outside the stack anyway.
    guard stack.count >= n else { return }
    let first = stack.count - n
    for k in 0..<n {
      let src = stack[first + k]
      let dst = tempSlot(c.height + k)
      if src != dst { emitCopy(dst, src) }
    }
  }

  func controlIndex(_ depth: UInt32) throws(WasmError) -> Int {
    let index = controls.count - 1 - Int(depth)
    guard index >= 0 else { throw .invalid("unknown label", at: instructionOffset) }
    return index
  }

  func blockArity(_ type: BlockType) -> (params: Int, results: Int) {
    switch type {
    case .empty: return (0, 0)
    case .value: return (0, 1)
    case .typeIndex(let i):
      guard Int(i) < env.types.count else { return (0, 0) }
      return (env.types[Int(i)].parameters.count, env.types[Int(i)].results.count)
    }
  }

  mutating func markUnreachable() {
    let c = controls[controls.count - 1]
    while stack.count > c.height { _ = pop() }
    controls[controls.count - 1].unreachable = true
  }

  // MARK: Shapes

  mutating func unaryOp(_ handler: Handler, shape: CodeBuffer.Shape = .other) {
    let a = pop()
    let d = pushTemp()
    emit(handler, d, a, shape: shape, writesResult: true)
  }

  /// Emits the binary operator `op`: with its second operand as an immediate when
  /// the constant computing it was just emitted, fused with the operator before it
  /// when they form a super-instruction, plain otherwise.
  mutating func binaryOp(_ op: NumericOp, _ handler: Handler, immediate: Handler?) {
    if let immediate, let top = stack.last, let k = producer(of: top, at: stack.count - 1),
      case .constant(let value) = k.shape
    {
      // `x; const k; op` → `opImm x, k`.
      code.retract(to: k.start)
      _ = pop()
      if fuseImmediatePair(op, immediate: value) { return }
      let a = pop()
      let d = pushTemp()
      emit(immediate, d, a, value, shape: .binary(op, immediate: true), writesResult: true)
      return
    }
    if fusePair(op) { return }
    let b = pop()
    let a = pop()
    let d = pushTemp()
    emit(handler, d, a, b, shape: .binary(op, immediate: false), writesResult: true)
  }

  /// Fuses `op` with the binary instruction just before it when that one's result
  /// is one of `op`'s operands and the pair has a super-instruction
  /// (`i32.shl k; i32.add`, shift/rotate by k then `i32.xor`, `f64.mul; f64.add`,
  /// `add; add`, `xor; xor`, `xor; and`, `and; xor`, `add; xor`, `f64.add;
  /// f64.add`). Returns whether it did. Integer `add`/`xor`/`and` commute, so
  /// operand order only matters for the f64 pairs, which keep it.
  mutating func fusePair(_ op: NumericOp) -> Bool {
    guard stack.count >= 2, let prev = code.last,
      case .binary(let prevOp, let prevImmediate) = prev.shape
    else { return false }
    let first = stack[stack.count - 2], second = stack[stack.count - 1]
    let producedIsFirst: Bool
    if producer(of: first, at: stack.count - 2) != nil {
      producedIsFirst = true
    } else if producer(of: second, at: stack.count - 1) != nil {
      producedIsFirst = false
    } else {
      return false
    }
    let other = producedIsFirst ? second : first
    let handler: Handler
    switch (prevOp, prevImmediate, op) {
    case (.i32Shl, true, .i32Add):
      handler = SharedHandlers.i32ShlImmAdd
    case (.i32Rotl, true, .i32Xor):
      handler = SharedHandlers.i32RotlImmXor
    case (.i32Rotr, true, .i32Xor):
      handler = { i32RotrImmXor($0, $1, $2, $3, $4) }
    case (.i32ShrU, true, .i32Xor):
      handler = SharedHandlers.i32ShrUImmXor
    case (.i32Add, false, .i32Add):
      handler = SharedHandlers.i32AddAdd
    case (.i32Xor, false, .i32Xor):
      handler = { i32XorXor($0, $1, $2, $3, $4) }
    case (.i32Xor, false, .i32And):
      handler = { i32XorAnd($0, $1, $2, $3, $4) }
    case (.i32And, false, .i32Xor):
      handler = SharedHandlers.i32AndXor
    case (.i32Add, false, .i32Xor):
      handler = { i32AddXor($0, $1, $2, $3, $4) }
    case (.f64Add, false, .f64Add):
      handler =
        producedIsFirst
        ? { f64AddAdd($0, $1, $2, $3, $4) } : SharedHandlers.f64AddAddSecond
    case (.f64Mul, false, .f64Add):
      handler =
        producedIsFirst ? { f64MulAdd($0, $1, $2, $3, $4) } : { f64AddMul($0, $1, $2, $3, $4) }
    default:
      return false
    }
    let x = code[prev.start + 2], y = code[prev.start + 3]
    code.retract(to: prev.start)
    _ = pop()
    _ = pop()
    let d = pushTemp()
    emit(handler, d, x, y, other, writesResult: true)
    return true
  }
}

// MARK: Driving the decoder

extension Translator {
  /// Translates the body `decoder` reads. Code after an unconditional branch is
  /// dead until the `else` or `end` of its block; it is read by `DeadCode` instead,
  /// which emits nothing, so the translator's own visit methods only ever see
  /// reachable code.
  mutating func translate(_ decoder: inout InstructionDecoder) throws(WasmError) {
    while decoder.openBlocks > 0 {
      guard !decoder.reader.isAtEnd else {
        throw decoder.reader.error("unexpected end of section or function")
      }
      try decoder.decodeInstruction(into: &self)
      if let control = controls.last, control.unreachable { try skipDeadCode(&decoder) }
    }
    guard decoder.reader.isAtEnd else { throw decoder.reader.error("section size mismatch") }
  }

  /// Reads dead code up to the `else` or `end` of the innermost block, and
  /// translates that instruction.
  mutating func skipDeadCode(_ decoder: inout InstructionDecoder) throws(WasmError) {
    let level = decoder.openBlocks
    var dead = DeadCode()
    while true {
      guard !decoder.reader.isAtEnd else {
        throw decoder.reader.error("unexpected end of section or function")
      }
      try decoder.decodeInstruction(into: &dead)
      instructionOffset = dead.instructionOffset
      if decoder.openBlocks < level { return try visitEnd() }
      if dead.sawElse {
        dead.sawElse = false
        if decoder.openBlocks == level { return try visitElse() }
      }
    }
  }
}

/// Reads dead code: every instruction is ignored; only an `else` is noted (the
/// decoder counts the blocks).
struct DeadCode: InstructionVisitor {
  var instructionOffset = 0
  var sawElse = false

  mutating func visitElse() throws(WasmError) { sawElse = true }
  mutating func visit(_ instruction: Instruction) throws(WasmError) {}
}
