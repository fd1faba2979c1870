// Validation of a function body.
// https://webassembly.github.io/spec/core/valid/instructions.html
// https://webassembly.github.io/spec/core/appendix/algorithm.html
//
// The spec's algorithm: an operand stack of value types where `unknown` stands for
// any type popped from unreachable code, and an explicit control stack (never
// recursion). Both stacks are arrays reused for the whole body. The validator is an
// `InstructionVisitor`; a translator wraps one, calls its visit method for each
// instruction and reads the state exposed here (operand types, frames, locals) to
// emit code in the same pass.

/// Validates one function body; also the base of one-pass translators.
///
/// A translator holds a `FunctionValidator`, forwards `instructionOffset` to it and,
/// in each visit method, calls the validator's method of the same name first (so
/// invalid code throws before anything is emitted). State that the validator's call
/// changes is read before it (e.g. `currentFrame` in `visitEnd`, the operand types a
/// `select` pops) or after it (e.g. the type a `local.get` pushed).
package struct FunctionValidator {
  /// What the body is validated against (held by the storage, so that starting a
  /// body copies no array of it).
  @inlinable
  package var context: ValidationContext {
    _read { yield storage.context }
  }
  /// The function's type.
  package var functionType: FunctionType { context.types[Int(typeIndex)] }
  /// The function's type index.
  package let typeIndex: UInt32

  /// The function types as operand codes (`context.signatures`, kept here so that
  /// the hot paths do not reach through the context).
  /// Unowned: the storage's context holds the table, and a reference counted here
  /// would be an atomic operation per body on a line every thread shares.
  @usableFromInline unowned(unsafe) let signatures: SignatureTable
  /// The buffers below belong to this storage, which may outlive this validator
  /// and serve the next body.
  @usableFromInline let storage: ValidatorStorage

  /// The operand stack: the type of each value, bottom first (`stackCount` of them).
  @usableFromInline var stack: UnsafeMutablePointer<OperandType>
  @usableFromInline var stackCount = 0
  @usableFromInline var stackCapacity: Int
  /// The control stack, outermost (the function) first.
  @usableFromInline var frames: UnsafeMutablePointer<ControlFrame>
  @usableFromInline var frameCount = 0
  @usableFromInline var frameCapacity: Int

  /// Types of the first locals (parameters first), for a direct lookup.
  @usableFromInline var localTypes: UnsafeMutablePointer<OperandType>
  @usableFromInline var directLocalCount = 0
  /// The declared locals beyond `localTypes`, as runs: (index one past the run, type).
  @usableFromInline var localRuns: [(end: UInt64, type: OperandType)] = []
  /// Number of locals, parameters included.
  package let localCount: UInt64

  /// `numericSignatures`, read once per body (a global's every read checks that it
  /// was initialised).
  @usableFromInline let numericTable: UnsafeMutablePointer<UInt32>
  /// `memoryAccessTable`, likewise.
  @usableFromInline let memoryTable: UnsafeMutablePointer<UInt32>
  /// Memory 0 (nearly every access names it), when the module has one.
  @usableFromInline let memory0: MemoryType?

  // The top frame's height and unreachable flag, mirrored for the hot pop path.
  @usableFromInline var topHeight = 0
  @usableFromInline var topUnreachable = false

  /// The operand stack as an array (a copy), bottom first.
  package var operands: [OperandType] {
    Array(UnsafeBufferPointer(start: stack, count: stackCount))
  }

  /// The control stack as an array (a copy), outermost first.
  package var controlFrames: [ControlFrame] {
    Array(UnsafeBufferPointer(start: frames, count: frameCount))
  }

  /// Offset in the module of the instruction being validated (errors point there).
  package var instructionOffset = 0

  /// Whether the function declares a local without a default value (a non-null
  /// reference), whose reads must follow a write in the same or an enclosing block.
  let hasNonDefaultableLocals: Bool
  /// The non-defaultable locals written so far on the current path, and the order
  /// they were written in: a block's end forgets what it wrote (spec: the
  /// initialization status of locals is reset at the end of a block).
  var initializedLocals = Set<UInt32>()
  var initializationOrder: [UInt32] = []

  /// Locals beyond this many are looked up by binary search over the declarations,
  /// so a body declaring billions of locals costs no memory.
  static let directLocalLimit: UInt64 = 4096

  /// Prepares validation of defined function `functionIndex` (an index into
  /// `module.codes`, not counting imported functions) against `context`.
  package init(functionIndex: Int, in module: Module, context: ValidationContext)
    throws(WasmError)
  {
    try self.init(functionIndex: functionIndex, in: module, storage: ValidatorStorage(context))
  }

  /// Prepares validation of defined function `functionIndex` in `storage`'s buffers,
  /// against its context.
  package init(functionIndex: Int, in module: Module, storage: ValidatorStorage)
    throws(WasmError)
  {
    guard functionIndex >= 0, functionIndex < module.codes.count,
      functionIndex < module.functions.count
    else {
      throw .malformed("function and code section have inconsistent lengths", at: 0)
    }
    let body = module.codes[functionIndex]
    let typeIndex = module.functions[functionIndex]
    try self.init(
      typeIndex: typeIndex, locals: body.locals, storage: storage, offset: body.code.lowerBound)
  }

  /// Prepares validation of a body of type `typeIndex` declaring `locals`.
  package init(
    typeIndex: UInt32, locals: [LocalDeclaration], context: ValidationContext, offset: Int = 0
  ) throws(WasmError) {
    try self.init(
      typeIndex: typeIndex, locals: locals, storage: ValidatorStorage(context), offset: offset)
  }

  /// Prepares validation of a body of type `typeIndex` declaring `locals`, in
  /// `storage`'s buffers, against its context.
  package init(
    typeIndex: UInt32, locals: [LocalDeclaration], storage: ValidatorStorage, offset: Int = 0
  ) throws(WasmError) {
    // Nothing of the context is copied here: that would retain and release each of
    // its arrays, shared by every thread validating this module.
    let signatures = storage.signatures
    guard Int(typeIndex) < signatures.typeCount else {
      throw .invalid("unknown type \(typeIndex)", at: offset)
    }
    self.typeIndex = typeIndex
    self.signatures = signatures
    self.instructionOffset = offset
    var nonDefaultable = false
    for declaration in locals {
      guard case .ref(let reference) = declaration.type else { continue }
      try TypeChecker(table: storage.context.typeTable).check(reference.heapType, at: offset)
      if !reference.isNullable {
        guard !storage.context.features.isDisjoint(with: [.functionReferences, .gc]) else {
          throw .invalid("non-defaultable local type", at: offset)
        }
        nonDefaultable = true
      }
    }
    self.hasNonDefaultableLocals = nonDefaultable

    self.storage = storage
    numericTable = numericSignatures
    memoryTable = memoryAccessTable
    memory0 = storage.memory0
    stack = storage.operands
    stackCapacity = storage.operandCapacity
    frames = storage.frames
    frameCapacity = storage.frameCapacity

    // The direct locals: parameters first, then declarations, up to the limit.
    let run = signatures.runs[Int(typeIndex)]
    let parameterCount = run.parameters
    var total = UInt64(parameterCount)
    var declared: UInt64 = 0
    for declaration in locals { declared += UInt64(declaration.count) }
    // The binary format limits locals to 2^32 - 1 in all.
    guard total + declared <= UInt64(UInt32.max) else {
      throw .malformed("too many locals", at: offset)
    }
    let direct = Int(min(total + declared, Self.directLocalLimit))
    localTypes = storage.reserveLocals(max(direct, 1))
    var filled = 0
    let firstParameter = signatures.runs[Int(typeIndex)].start
    while filled < min(parameterCount, direct) {
      localTypes[filled] = signatures.codes[firstParameter + filled]
      filled += 1
    }
    for declaration in locals {
      let type = OperandType(declaration.type)
      let count = UInt64(declaration.count)
      let here = min(count, UInt64(direct - filled))
      var i: UInt64 = 0
      while i < here {
        localTypes[filled] = type
        filled += 1
        i += 1
      }
      total += count
      if here < count { localRuns.append((end: total, type: type)) }
    }
    directLocalCount = filled
    self.localCount = total
    // Parameters past the direct limit form one run per parameter (rare: only
    // functions with more than `directLocalLimit` parameters).
    if parameterCount > Int(Self.directLocalLimit) {
      var runs: [(end: UInt64, type: OperandType)] = []
      for i in Int(Self.directLocalLimit)..<parameterCount {
        runs.append((end: UInt64(i + 1), type: signatures.parameter(typeIndex, i)))
      }
      localRuns = runs + localRuns
    }

    let signature = BlockSignature(
      parameterCount: 0, resultCount: run.results, typeIndex: typeIndex,
      singleResult: .unknown)
    appendFrame(
      ControlFrame(
        kind: .function, signature: signature, height: 0, unreachable: false, offset: offset,
        initializationHeight: 0))
  }

  /// Validates defined function `functionIndex` of `module` (an index into
  /// `module.codes`) against `context`.
  package static func validate(
    functionIndex: Int, in module: Module, context: ValidationContext
  ) throws(WasmError) {
    try validate(functionIndex: functionIndex, in: module, storage: ValidatorStorage(context))
  }

  /// Validates defined function `functionIndex` of `module` in `storage`'s buffers,
  /// against its context. `fastPath: false` sends every instruction through the
  /// general path (for tests and the fuzzer, which compare the two).
  package static func validate(
    functionIndex: Int, in module: Module, storage: ValidatorStorage, fastPath: Bool = true
  ) throws(WasmError) {
    var validator = try FunctionValidator(
      functionIndex: functionIndex, in: module, storage: storage)
    // As `InstructionDecoder.visitBody`, with the fast path in the loop.
    let code = module.codes[functionIndex].code
    let bytes = module.bytes
    guard code.lowerBound >= 0, code.upperBound <= bytes.count else {
      throw .malformed("unexpected end", at: code.lowerBound)
    }
    // Without data segments every data index is unknown, which validation reports.
    let hasDataCount = module.dataCount != nil || module.data.isEmpty
    let features = module.features
    do throws(WasmError) {
      try bytes.withUnsafeBufferPointer { (buffer) throws(WasmError) in
        var decoder = InstructionDecoder(
          ByteReader(UnsafeBufferPointer(rebasing: buffer[code]), offset: code.lowerBound),
          features: features, hasDataCount: hasDataCount)
        try validator.validateBody(&decoder, fastPath: fastPath)
      }
    } catch {
      throw InstructionDecoder.missingEndError(error, code: code, bytes: bytes)
    }
  }

  // MARK: State for translators

  /// The innermost control frame. There is none after the function's final `end`.
  @inlinable
  package var currentFrame: ControlFrame { frames[frameCount - 1] }

  /// Whether the code being visited is unreachable (after `br`, `return`,
  /// `unreachable`, ... in the current frame).
  @inlinable
  package var isUnreachable: Bool { topUnreachable }

  /// The frame a branch to label `depth` targets, or nil when there is none.
  @inlinable
  package func frame(forLabel depth: UInt32) -> ControlFrame? {
    guard UInt64(depth) < UInt64(frameCount) else { return nil }
    return frames[frameCount - 1 - Int(depth)]
  }

  // The public accessors are non-mutating; the validator itself uses mutating
  // helpers, because a non-mutating call from a mutating method copies the whole
  // validator when it is not inlined.

  /// The type of local `index`, or nil when there is no such local.
  @inlinable
  package func localType(_ index: UInt32) -> OperandType? {
    if Int(index) < directLocalCount { return localTypes[Int(index)] }
    return Self.runLocalType(index, runs: localRuns, count: localCount)
  }

  /// The type of a local beyond the direct ones.
  @usableFromInline
  static func runLocalType(
    _ index: UInt32, runs: [(end: UInt64, type: OperandType)], count: UInt64
  ) -> OperandType? {
    guard UInt64(index) < count else { return nil }
    // Binary search for the first run ending after `index`.
    var low = 0
    var high = runs.count
    while low < high {
      let mid = (low + high) / 2
      if runs[mid].end <= UInt64(index) { low = mid + 1 } else { high = mid }
    }
    return low < runs.count ? runs[low].type : nil
  }

  /// The signature of a block type; throws "unknown type" for a bad type index.
  package func signature(of blockType: BlockType) throws(WasmError) -> BlockSignature {
    try Self.signature(of: blockType, signatures: signatures, offset: instructionOffset)
  }

  // Mutating so that `self` is passed by address: calling a non-mutating method
  // from a mutating one copies the whole validator first.
  mutating func resolve(_ blockType: BlockType) throws(WasmError) -> BlockSignature {
    try Self.signature(of: blockType, signatures: signatures, offset: instructionOffset)
  }

  static func signature(
    of blockType: BlockType, signatures: SignatureTable, offset: Int
  ) throws(WasmError) -> BlockSignature {
    switch blockType {
    case .empty: return .empty
    case .value(let type):
      if case .ref(let reference) = type, case .concrete(let index) = reference.heapType,
        Int(index) >= signatures.typeCount
      {
        throw .invalid("unknown type \(index)", at: offset)
      }
      return .single(OperandType(type))
    case .typeIndex(let index):
      guard Int(index) < signatures.typeCount else {
        throw .invalid("unknown type \(index)", at: offset)
      }
      let run = signatures.runs[Int(index)]
      return BlockSignature(
        parameterCount: run.parameters, resultCount: run.results,
        typeIndex: index, singleResult: .unknown)
    }
  }

  /// Parameter `i` of a block signature.
  @inlinable
  package func parameterType(_ signature: BlockSignature, at i: Int) -> OperandType {
    Self.parameterType(signature, at: i, signatures: signatures)
  }

  /// Result `i` of a block signature.
  @inlinable
  package func resultType(_ signature: BlockSignature, at i: Int) -> OperandType {
    Self.resultType(signature, at: i, signatures: signatures)
  }

  /// Type `i` of the values a branch to `frame` carries.
  @inlinable
  package func labelType(_ frame: ControlFrame, at i: Int) -> OperandType {
    Self.labelType(frame, at: i, signatures: signatures)
  }

  @inlinable
  static func parameterType(
    _ signature: BlockSignature, at i: Int, signatures: SignatureTable
  ) -> OperandType {
    guard let typeIndex = signature.typeIndex else { return .unknown }
    return signatures.parameter(typeIndex, i)
  }

  @inlinable
  static func resultType(_ signature: BlockSignature, at i: Int, signatures: SignatureTable)
    -> OperandType
  {
    guard let typeIndex = signature.typeIndex else { return signature.singleResult }
    return signatures.result(typeIndex, i)
  }

  @inlinable
  static func labelType(_ frame: ControlFrame, at i: Int, signatures: SignatureTable)
    -> OperandType
  {
    frame.kind == .loop
      ? parameterType(frame.signature, at: i, signatures: signatures)
      : resultType(frame.signature, at: i, signatures: signatures)
  }

  // MARK: Operand stack (spec: push_val, pop_val, pop_vals)

  mutating func typeMismatch() -> WasmError {
    .invalid("type mismatch", at: instructionOffset)
  }

  @inline(__always)
  mutating func push(_ type: OperandType) {
    if stackCount == stackCapacity { growStack() }
    stack[stackCount] = type
    stackCount &+= 1
  }

  @inline(never)
  mutating func growStack() {
    (stack, stackCapacity) = storage.growOperands(count: stackCount)
  }

  /// Drops the top `count` operands (which the caller knows are there).
  @inline(__always)
  mutating func drop(_ count: Int) {
    stackCount &-= count
  }

  mutating func pop() throws(WasmError) -> OperandType {
    if stackCount == topHeight {
      if topUnreachable { return .unknown }
      throw typeMismatch()
    }
    stackCount &-= 1
    return stack[stackCount]
  }

  @discardableResult
  @inline(__always)
  mutating func pop(_ expected: OperandType) throws(WasmError) -> OperandType {
    // Fast path: a value of the expected type above the frame's height.
    if stackCount > topHeight {
      let actual = stack[stackCount &- 1]
      if actual == expected {
        stackCount &-= 1
        return actual
      }
    }
    return try popSlow(expected)
  }

  /// `pop(_:)` off the fast path: unreachable code, subtyping, or a mismatch.
  @inline(never)
  mutating func popSlow(_ expected: OperandType) throws(WasmError) -> OperandType {
    let actual = try pop()
    if actual != expected && !expected.isUnknown
      && !context.typeTable.isSubtype(actual, of: expected)
    {
      throw typeMismatch()
    }
    return actual
  }

  /// Pops a reference (or `unknown`); throws for a number or vector.
  mutating func popReference() throws(WasmError) -> OperandType {
    let actual = try pop()
    guard actual.isReference || actual.isUnknown else { throw typeMismatch() }
    return actual
  }

  /// Checks the operand `depth` values below the top against `expected`, without
  /// popping (`push_vals(pop_vals(...))` of the spec, done in place).
  mutating func check(depth: Int, _ expected: OperandType) throws(WasmError) {
    let index = stackCount - 1 - depth
    guard index >= topHeight else {
      if topUnreachable { return }
      throw typeMismatch()
    }
    let actual = stack[index]
    if actual != expected && !expected.isUnknown
      && !context.typeTable.isSubtype(actual, of: expected)
    {
      throw typeMismatch()
    }
  }

  /// Pops the types a branch to `frame` carries.
  mutating func popLabelTypes(_ frame: ControlFrame) throws(WasmError) {
    var i = frame.labelArity
    while i > 0 {
      i -= 1
      try pop(Self.labelType(frame, at: i, signatures: signatures))
    }
  }

  mutating func popParameters(_ signature: BlockSignature) throws(WasmError) {
    var i = signature.parameterCount
    while i > 0 {
      i -= 1
      try pop(Self.parameterType(signature, at: i, signatures: signatures))
    }
  }

  mutating func pushResults(_ signature: BlockSignature) {
    for i in 0..<signature.resultCount {
      push(Self.resultType(signature, at: i, signatures: signatures))
    }
  }

  /// Checks the values a function of type `typeIndex` takes, pops them, pushes its
  /// results.
  @inline(__always)
  mutating func applyFunctionType(_ typeIndex: UInt32) throws(WasmError) {
    let run = signatures.runs[Int(typeIndex)]
    let codes = signatures.codes + run.start
    var i = run.parameters
    while i > 0 {
      i -= 1
      try pop(codes[i])
    }
    for j in 0..<run.results { push(codes[run.parameters + j]) }
  }

  /// Checks the values of a function type given as value types (tags, tail calls).
  mutating func applyFunctionType(_ type: FunctionType) throws(WasmError) {
    var i = type.parameters.count
    while i > 0 {
      i -= 1
      try pop(OperandType(type.parameters[i]))
    }
    for result in type.results { push(OperandType(result)) }
  }

  @inline(__always)
  mutating func apply(_ signature: InstructionSignature) throws(WasmError) {
    switch signature.operandCount {
    case 1:
      try pop(signature.operands.0)
    case 2:
      try pop(signature.operands.1)
      try pop(signature.operands.0)
    default:
      try pop(signature.operands.2)
      try pop(signature.operands.1)
      try pop(signature.operands.0)
    }
    if !signature.result.isUnknown { push(signature.result) }
  }

  // MARK: Control stack (spec: push_ctrl, pop_ctrl, unreachable)

  @inline(__always)
  mutating func appendFrame(_ frame: ControlFrame) {
    if frameCount == frameCapacity { growFrames() }
    frames[frameCount] = frame
    frameCount &+= 1
  }

  @inline(never)
  mutating func growFrames() {
    (frames, frameCapacity) = storage.growFrames(count: frameCount)
  }

  /// Opens a frame; the parameters were popped (checked) by the caller and are
  /// pushed back here with their declared types.
  mutating func pushFrame(_ kind: ControlFrame.Kind, _ signature: BlockSignature) {
    let height = stackCount
    appendFrame(
      ControlFrame(
        kind: kind, signature: signature, height: height, unreachable: false,
        offset: instructionOffset, initializationHeight: initializationOrder.count))
    topHeight = height
    topUnreachable = false
    for i in 0..<signature.parameterCount {
      push(Self.parameterType(signature, at: i, signatures: signatures))
    }
  }

  /// Closes the innermost frame after checking its results are exactly what is left.
  mutating func popFrame() throws(WasmError) -> ControlFrame {
    let frame = frames[frameCount - 1]
    var i = frame.signature.resultCount
    while i > 0 {
      i -= 1
      try pop(Self.resultType(frame.signature, at: i, signatures: signatures))
    }
    guard stackCount == frame.height else { throw typeMismatch() }
    frameCount -= 1
    if hasNonDefaultableLocals {
      while initializationOrder.count > frame.initializationHeight {
        initializedLocals.remove(initializationOrder.removeLast())
      }
    }
    if frameCount > 0 {
      let outer = frames[frameCount - 1]
      topHeight = outer.height
      topUnreachable = outer.unreachable
    }
    return frame
  }

  /// The rest of the current frame is unreachable: drop its operands.
  mutating func markUnreachable() {
    stackCount = topHeight
    topUnreachable = true
    frames[frameCount - 1].unreachable = true
  }
}
