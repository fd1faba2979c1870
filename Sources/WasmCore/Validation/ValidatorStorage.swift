// Memory the function validator works in, and the module's function types in the
// validator's own form.
//
// Validating a large module runs the validator over thousands of bodies and
// hundreds of thousands of instructions. Swift arrays as stacks cost a uniqueness
// check (a runtime call) on every push and pop and an allocation per body; and a
// `FunctionType` read for every `call` retains and releases two arrays and converts
// each `ValueType` (an enum with payloads) to an `OperandType`. Here the stacks are
// plain buffers that one validation reuses for every body it checks (the validator
// keeps the pointers in its own stored properties, so a push is a store and an
// increment), and the function types are flattened once per module into
// `OperandType` codes.

/// The buffers of a validator's operand stack, control stack and local types, and
/// the context it validates against.
///
/// Owned by a class so that they are freed when the last validator using them
/// goes; validators copy the pointers and hand a buffer back here when they grow
/// it. One storage serves one validator at a time (one thread).
package final class ValidatorStorage {
  /// The module's context, shared by every body validated here.
  package let context: ValidationContext
  /// `context.signatures`, unowned so that validators take it without touching its
  /// reference count (the context keeps it alive).
  unowned(unsafe) let signatures: SignatureTable
  /// Memory 0 of the context, when there is one.
  let memory0: MemoryType?
  private(set) var operands: UnsafeMutablePointer<OperandType>
  private(set) var operandCapacity: Int
  private(set) var frames: UnsafeMutablePointer<ControlFrame>
  private(set) var frameCapacity: Int
  private(set) var locals: UnsafeMutablePointer<OperandType>
  private(set) var localCapacity: Int

  package init(_ context: ValidationContext) {
    self.context = context
    signatures = context.signatures
    memory0 = context.memories.first
    // Typical bodies stay within these, so most validations never grow them.
    operandCapacity = 64
    operands = .allocate(capacity: operandCapacity)
    frameCapacity = 16
    frames = .allocate(capacity: frameCapacity)
    localCapacity = 64
    locals = .allocate(capacity: localCapacity)
  }

  deinit {
    operands.deallocate()
    frames.deallocate()
    locals.deallocate()
  }

  /// Doubles the operand buffer (at least), keeping its first `count` entries.
  func growOperands(count: Int) -> (UnsafeMutablePointer<OperandType>, Int) {
    (operands, operandCapacity) = Self.grow(operands, count: count, capacity: operandCapacity)
    return (operands, operandCapacity)
  }

  func growFrames(count: Int) -> (UnsafeMutablePointer<ControlFrame>, Int) {
    (frames, frameCapacity) = Self.grow(frames, count: count, capacity: frameCapacity)
    return (frames, frameCapacity)
  }

  /// Makes room for `capacity` local types (contents not kept).
  func reserveLocals(_ capacity: Int) -> UnsafeMutablePointer<OperandType> {
    if capacity > localCapacity {
      locals.deallocate()
      localCapacity = capacity
      locals = .allocate(capacity: capacity)
    }
    return locals
  }

  private static func grow<T>(
    _ buffer: UnsafeMutablePointer<T>, count: Int, capacity: Int
  ) -> (UnsafeMutablePointer<T>, Int) {
    // Each entry was pushed by an instruction of a body (at least one byte), so
    // capacities stay far below overflow.
    let newCapacity = capacity * 2
    let bigger = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
    bigger.moveInitialize(from: buffer, count: count)
    buffer.deallocate()
    return (bigger, newCapacity)
  }
}

/// Every function type of a module as `OperandType` codes: parameters then results,
/// one run per type index; the type index of every function; the type of every
/// global.
///
/// Immutable once built, so validators on several threads share it.
package final class SignatureTable: @unchecked Sendable {
  /// The codes of all types, each type's parameters followed by its results.
  @usableFromInline let codes: UnsafeMutablePointer<OperandType>
  /// For type index `t`: where its run starts in `codes`, its parameter count and its
  /// result count.
  @usableFromInline let runs: UnsafeMutablePointer<(start: Int, parameters: Int, results: Int)>
  @usableFromInline let typeCount: Int
  /// The type index of each function (imports first).
  @usableFromInline let functionTypes: UnsafeMutablePointer<UInt32>
  @usableFromInline let functionCount: Int

  /// Whether each type index is a function type.
  @usableFromInline let isFunction: UnsafeMutablePointer<Bool>

  /// The type of each global as a code, and whether it is mutable.
  @usableFromInline let globalCodes: UnsafeMutablePointer<OperandType>
  @usableFromInline let globalMutable: UnsafeMutablePointer<Bool>
  @usableFromInline let globalCount: Int

  package init(typeTable: TypeTable, functionTypeIndices: [UInt32], globals: [GlobalType]) {
    globalCount = globals.count
    globalCodes = .allocate(capacity: max(globals.count, 1))
    globalMutable = .allocate(capacity: max(globals.count, 1))
    for (i, global) in globals.enumerated() {
      (globalCodes + i).initialize(to: OperandType(global.valueType))
      (globalMutable + i).initialize(to: global.mutability == .variable)
    }
    let types = typeTable.functionTypes
    isFunction = .allocate(capacity: max(types.count, 1))
    for t in types.indices { (isFunction + t).initialize(to: typeTable.isFunction(UInt32(t))) }
    var total = 0
    for type in types { total += type.parameters.count + type.results.count }
    codes = .allocate(capacity: max(total, 1))
    runs = .allocate(capacity: max(types.count, 1))
    typeCount = types.count
    var next = 0
    for (t, type) in types.enumerated() {
      runs[t] = (start: next, parameters: type.parameters.count, results: type.results.count)
      for value in type.parameters {
        (codes + next).initialize(to: OperandType(value))
        next += 1
      }
      for value in type.results {
        (codes + next).initialize(to: OperandType(value))
        next += 1
      }
    }
    functionCount = functionTypeIndices.count
    functionTypes = .allocate(capacity: max(functionCount, 1))
    for (i, index) in functionTypeIndices.enumerated() { functionTypes[i] = index }
  }

  deinit {
    globalCodes.deallocate()
    globalMutable.deallocate()
    isFunction.deallocate()
    codes.deallocate()
    runs.deallocate()
    functionTypes.deallocate()
  }

  /// Parameter `i` of type `typeIndex` (which must exist).
  @inlinable
  func parameter(_ typeIndex: UInt32, _ i: Int) -> OperandType {
    codes[runs[Int(typeIndex)].start + i]
  }

  /// Result `i` of type `typeIndex` (which must exist).
  @inlinable
  func result(_ typeIndex: UInt32, _ i: Int) -> OperandType {
    let run = runs[Int(typeIndex)]
    return codes[run.start + run.parameters + i]
  }
}

/// The operand and result types of every one-byte numeric opcode (0x45-0xC4),
/// packed in a word: byte 0 the operand count (1 or 2), bytes 1 and 2 the operand
/// codes, byte 3 the result code; 0 for opcodes not in the table. Numeric
/// instructions are the most common kind, and a load from here replaces two
/// switches (the opcode's case, then its signature).
@usableFromInline
nonisolated(unsafe) let numericSignatures: UnsafeMutablePointer<UInt32> = {
  let table = UnsafeMutablePointer<UInt32>.allocate(capacity: 256)
  table.initialize(repeating: 0, count: 256)
  for op in NumericOp.allCases where op.rawValue < 256 {
    let signature = op.signature
    // Numeric codes fit in a byte (1-4); anything else stays off the table.
    let codes = [signature.operands.0, signature.operands.1, signature.result]
    guard signature.operandCount <= 2, codes.allSatisfy({ $0.rawValue < 256 }) else { continue }
    table[Int(op.rawValue)] =
      UInt32(signature.operandCount) | UInt32(codes[0].rawValue) << 8
      | UInt32(codes[1].rawValue) << 16 | UInt32(codes[2].rawValue) << 24
  }
  return table
}()
