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
  package let context: ValidationContext
  /// The function's type.
  package let functionType: FunctionType
  /// The function's type index.
  package let typeIndex: UInt32

  /// The function type of every type index (`context.types`, kept here so that the
  /// hot paths do not reach through the context).
  @usableFromInline let types: [FunctionType]

  /// The operand stack: the type of each value, bottom first.
  package private(set) var operands: [OperandType] = []
  /// The control stack, outermost (the function) first.
  package private(set) var controlFrames: [ControlFrame] = []

  /// Types of the first locals (parameters first), for a direct lookup.
  @usableFromInline var localTypes: [OperandType] = []
  /// The declared locals beyond `localTypes`, as runs: (index one past the run, type).
  @usableFromInline var localRuns: [(end: UInt64, type: OperandType)] = []
  /// Number of locals, parameters included.
  package let localCount: UInt64

  // The top frame's height and unreachable flag, mirrored for the hot pop path.
  @usableFromInline var topHeight = 0
  @usableFromInline var topUnreachable = false

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
  /// `module.codes`, not counting imported functions).
  package init(functionIndex: Int, in module: Module, context: ValidationContext) throws(WasmError)
  {
    guard functionIndex >= 0, functionIndex < module.codes.count,
      functionIndex < module.functions.count
    else {
      throw .malformed("function and code section have inconsistent lengths", at: 0)
    }
    let body = module.codes[functionIndex]
    let typeIndex = module.functions[functionIndex]
    guard Int(typeIndex) < context.types.count else {
      throw .invalid("unknown type \(typeIndex)", at: body.code.lowerBound)
    }
    try self.init(
      typeIndex: typeIndex, locals: body.locals, context: context, offset: body.code.lowerBound)
  }

  /// Prepares validation of a body of type `typeIndex` declaring `locals`.
  package init(
    typeIndex: UInt32, locals: [LocalDeclaration], context: ValidationContext, offset: Int = 0
  ) throws(WasmError) {
    guard Int(typeIndex) < context.types.count else {
      throw .invalid("unknown type \(typeIndex)", at: offset)
    }
    self.context = context
    self.typeIndex = typeIndex
    self.types = context.types
    self.functionType = types[Int(typeIndex)]
    self.instructionOffset = offset
    var nonDefaultable = false
    for declaration in locals {
      guard case .ref(let reference) = declaration.type else { continue }
      try TypeChecker(table: context.typeTable).check(reference.heapType, at: offset)
      if !reference.isNullable {
        guard !context.features.isDisjoint(with: [.functionReferences, .gc]) else {
          throw .invalid("non-defaultable local type", at: offset)
        }
        nonDefaultable = true
      }
    }
    self.hasNonDefaultableLocals = nonDefaultable

    // Typical bodies stay within these; reserving avoids regrowing per function.
    operands.reserveCapacity(64)
    controlFrames.reserveCapacity(16)
    localTypes.reserveCapacity(
      min(functionType.parameters.count + locals.count * 4, Int(Self.directLocalLimit)))

    var total = UInt64(functionType.parameters.count)
    for parameter in functionType.parameters where UInt64(localTypes.count) < Self.directLocalLimit
    {
      localTypes.append(OperandType(parameter))
    }
    for declaration in locals {
      let type = OperandType(declaration.type)
      let direct = min(UInt64(declaration.count), Self.directLocalLimit - UInt64(localTypes.count))
      for _ in 0..<direct { localTypes.append(type) }
      total += UInt64(declaration.count)
      if direct < UInt64(declaration.count) { localRuns.append((end: total, type: type)) }
      // The binary format limits locals to 2^32 - 1 in all.
      guard total <= UInt64(UInt32.max) else { throw .malformed("too many locals", at: offset) }
    }
    self.localCount = total
    // Parameters past the direct limit form one run per parameter (rare: only
    // functions with more than `directLocalLimit` parameters).
    if functionType.parameters.count > Int(Self.directLocalLimit) {
      var runs: [(end: UInt64, type: OperandType)] = []
      for (i, parameter) in functionType.parameters.enumerated()
      where i >= Int(Self.directLocalLimit) {
        runs.append((end: UInt64(i + 1), type: OperandType(parameter)))
      }
      localRuns = runs + localRuns
    }

    let signature = BlockSignature(
      parameterCount: 0, resultCount: functionType.results.count, typeIndex: typeIndex,
      singleResult: .unknown)
    controlFrames.append(
      ControlFrame(
        kind: .function, signature: signature, height: 0, unreachable: false, offset: offset,
        initializationHeight: 0))
  }

  /// Validates defined function `functionIndex` of `module` (an index into
  /// `module.codes`).
  package static func validate(
    functionIndex: Int, in module: Module, context: ValidationContext
  ) throws(WasmError) {
    var validator = try FunctionValidator(
      functionIndex: functionIndex, in: module, context: context)
    try InstructionDecoder.visitBody(of: functionIndex, in: module, with: &validator)
  }

  // MARK: State for translators

  /// The innermost control frame. There is none after the function's final `end`.
  @inlinable
  package var currentFrame: ControlFrame { controlFrames[controlFrames.count - 1] }

  /// Whether the code being visited is unreachable (after `br`, `return`,
  /// `unreachable`, ... in the current frame).
  @inlinable
  package var isUnreachable: Bool { topUnreachable }

  /// The frame a branch to label `depth` targets, or nil when there is none.
  @inlinable
  package func frame(forLabel depth: UInt32) -> ControlFrame? {
    Self.frame(forLabel: depth, in: controlFrames)
  }

  // The public accessors are non-mutating; the validator itself uses these static
  // forms (or mutating helpers), because a non-mutating call from a mutating method
  // copies the whole validator when it is not inlined.

  @inlinable
  static func frame(forLabel depth: UInt32, in frames: [ControlFrame]) -> ControlFrame? {
    guard UInt64(depth) < UInt64(frames.count) else { return nil }
    return frames[frames.count - 1 - Int(depth)]
  }

  /// The type of local `index`, or nil when there is no such local.
  @inlinable
  package func localType(_ index: UInt32) -> OperandType? {
    Self.localType(index, direct: localTypes, runs: localRuns, count: localCount)
  }

  @inlinable
  static func localType(
    _ index: UInt32, direct: [OperandType], runs: [(end: UInt64, type: OperandType)], count: UInt64
  ) -> OperandType? {
    let i = Int(index)
    if i < direct.count { return direct[i] }
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
    try Self.signature(of: blockType, types: types, offset: instructionOffset)
  }

  // Mutating so that `self` is passed by address: calling a non-mutating method
  // from a mutating one copies the whole validator first.
  mutating func resolve(_ blockType: BlockType) throws(WasmError) -> BlockSignature {
    try Self.signature(of: blockType, types: types, offset: instructionOffset)
  }

  static func signature(
    of blockType: BlockType, types: [FunctionType], offset: Int
  ) throws(WasmError) -> BlockSignature {
    switch blockType {
    case .empty: return .empty
    case .value(let type):
      if case .ref(let reference) = type, case .concrete(let index) = reference.heapType,
        Int(index) >= types.count
      {
        throw .invalid("unknown type \(index)", at: offset)
      }
      return .single(OperandType(type))
    case .typeIndex(let index):
      guard Int(index) < types.count else {
        throw .invalid("unknown type \(index)", at: offset)
      }
      let type = types[Int(index)]
      return BlockSignature(
        parameterCount: type.parameters.count, resultCount: type.results.count,
        typeIndex: index, singleResult: .unknown)
    }
  }

  /// Parameter `i` of a block signature.
  @inlinable
  package func parameterType(_ signature: BlockSignature, at i: Int) -> OperandType {
    Self.parameterType(signature, at: i, types: types)
  }

  /// Result `i` of a block signature.
  @inlinable
  package func resultType(_ signature: BlockSignature, at i: Int) -> OperandType {
    Self.resultType(signature, at: i, types: types)
  }

  /// Type `i` of the values a branch to `frame` carries.
  @inlinable
  package func labelType(_ frame: ControlFrame, at i: Int) -> OperandType {
    Self.labelType(frame, at: i, types: types)
  }

  @inlinable
  static func parameterType(
    _ signature: BlockSignature, at i: Int, types: [FunctionType]
  ) -> OperandType {
    guard let typeIndex = signature.typeIndex else { return .unknown }
    return OperandType(types[Int(typeIndex)].parameters[i])
  }

  @inlinable
  static func resultType(_ signature: BlockSignature, at i: Int, types: [FunctionType])
    -> OperandType
  {
    guard let typeIndex = signature.typeIndex else { return signature.singleResult }
    return OperandType(types[Int(typeIndex)].results[i])
  }

  @inlinable
  static func labelType(_ frame: ControlFrame, at i: Int, types: [FunctionType]) -> OperandType {
    frame.kind == .loop
      ? parameterType(frame.signature, at: i, types: types)
      : resultType(frame.signature, at: i, types: types)
  }

  // MARK: Operand stack (spec: push_val, pop_val, pop_vals)

  mutating func typeMismatch() -> WasmError {
    .invalid("type mismatch", at: instructionOffset)
  }

  @inline(__always)
  mutating func push(_ type: OperandType) {
    operands.append(type)
  }

  mutating func pop() throws(WasmError) -> OperandType {
    if operands.count == topHeight {
      if topUnreachable { return .unknown }
      throw typeMismatch()
    }
    return operands.removeLast()
  }

  @discardableResult
  @inline(__always)
  mutating func pop(_ expected: OperandType) throws(WasmError) -> OperandType {
    // Fast path: a value of the expected type above the frame's height.
    if operands.count > topHeight {
      let actual = operands[operands.count - 1]
      if actual == expected {
        operands.removeLast()
        return actual
      }
    }
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
    let index = operands.count - 1 - depth
    guard index >= topHeight else {
      if topUnreachable { return }
      throw typeMismatch()
    }
    let actual = operands[index]
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
      try pop(Self.labelType(frame, at: i, types: types))
    }
  }

  mutating func popParameters(_ signature: BlockSignature) throws(WasmError) {
    var i = signature.parameterCount
    while i > 0 {
      i -= 1
      try pop(Self.parameterType(signature, at: i, types: types))
    }
  }

  mutating func pushResults(_ signature: BlockSignature) {
    for i in 0..<signature.resultCount {
      push(Self.resultType(signature, at: i, types: types))
    }
  }

  /// Checks the values a function of type `type` takes, pops them, pushes its results.
  mutating func applyFunctionType(_ type: FunctionType) throws(WasmError) {
    var i = type.parameters.count
    while i > 0 {
      i -= 1
      try pop(OperandType(type.parameters[i]))
    }
    for result in type.results { push(OperandType(result)) }
  }

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

  /// Opens a frame; the parameters were popped (checked) by the caller and are
  /// pushed back here with their declared types.
  mutating func pushFrame(_ kind: ControlFrame.Kind, _ signature: BlockSignature) {
    let height = operands.count
    controlFrames.append(
      ControlFrame(
        kind: kind, signature: signature, height: height, unreachable: false,
        offset: instructionOffset, initializationHeight: initializationOrder.count))
    topHeight = height
    topUnreachable = false
    for i in 0..<signature.parameterCount {
      push(Self.parameterType(signature, at: i, types: types))
    }
  }

  /// Closes the innermost frame after checking its results are exactly what is left.
  mutating func popFrame() throws(WasmError) -> ControlFrame {
    let frame = controlFrames[controlFrames.count - 1]
    var i = frame.signature.resultCount
    while i > 0 {
      i -= 1
      try pop(Self.resultType(frame.signature, at: i, types: types))
    }
    guard operands.count == frame.height else { throw typeMismatch() }
    controlFrames.removeLast()
    if hasNonDefaultableLocals {
      while initializationOrder.count > frame.initializationHeight {
        initializedLocals.remove(initializationOrder.removeLast())
      }
    }
    if let outer = controlFrames.last {
      topHeight = outer.height
      topUnreachable = outer.unreachable
    }
    return frame
  }

  /// The rest of the current frame is unreachable: drop its operands.
  mutating func markUnreachable() {
    operands.removeLast(operands.count - topHeight)
    topUnreachable = true
    controlFrames[controlFrames.count - 1].unreachable = true
  }
}
