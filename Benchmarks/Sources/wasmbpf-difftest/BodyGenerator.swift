// Random function bodies: typed expressions and statements, valid by construction
// (each generator leaves exactly the values it promises on the stack). The shapes
// the translator fuses are in BodyPatterns.swift; this file is the plain code around
// them and the machinery both use.
//
// Two invariants keep the comparison meaningful:
// - Termination: every function entry and loop header spends one unit of a global
//   budget (reset by the harness before each call) and traps with `unreachable`
//   when it is spent, so a generated loop or recursion cannot hang either runtime.
// - Determinism: float arithmetic may return any NaN payload (spec, "NaN
//   propagation"), so a float value that may carry one ("dirty") is made canonical
//   before its bits can be observed: before a store, a reinterpretation, or a write
//   to a local the generator keeps clean. Results of calls are compared NaN-aware.

/// The signature of a generated function (zero or one result).
struct Signature: Hashable {
  var params: [ValType]
  var results: [ValType]
}

/// One enclosing label; `result` is what a branch to it carries (loops: nothing).
struct Label {
  let isLoop: Bool
  let result: ValType?
}

final class BodyGenerator {
  var rng: SplitMix64
  let module: ModuleShape
  let functionIndex: Int
  let signature: Signature
  var code = Code()
  /// Parameters then declared locals.
  var locals: [ValType]
  /// For float locals: whether every value written to it is free of nondeterministic NaNs.
  var clean: [Bool]
  /// Locals that loops count with; plain statements rarely overwrite them.
  var counters: Set<Int> = []
  /// Counters of the loops we are inside (good array indexes).
  var activeCounters: [Int] = []
  var labels: [Label] = []
  var scratch: [ValType: Int] = [:]
  /// Instructions emitted so far against the body's size target.
  var size = 0
  let maxSize: Int

  init(rng: SplitMix64, module: ModuleShape, functionIndex: Int, maxSize: Int) {
    self.rng = rng
    self.module = module
    self.functionIndex = functionIndex
    self.signature = module.functions[functionIndex]
    self.maxSize = maxSize
    locals = signature.params
    clean = signature.params.map { _ in true }
  }

  var declaredLocals: [ValType] { Array(locals[signature.params.count...]) }

  // MARK: The body

  func generate() {
    labels = [Label(isLoop: false, result: signature.results.first)]
    spendBudget()
    // Declared locals set to zero first (the translator drops such stores while the
    // local is known to be zero), then read or overwritten later.
    for _ in 0..<rng.inRange(0...5) { _ = newLocal(rng.pick(ValType.allCases)) }
    for index in signature.params.count..<locals.count where rng.percent(60) {
      zero(local: index)
    }
    statements(depth: 4, count: rng.inRange(3...10))
    if let result = signature.results.first { _ = expr(result, depth: 4) }
    code.end()
  }

  /// `global.get budget; eqz; if unreachable end; budget -= 1`.
  func spendBudget() {
    code.op(0x23, "global.get", index: 0)
    code.op(0x45, "i32.eqz")
    code.enter(0x04, "if", result: nil)
    code.op(0x00, "unreachable")
    code.end()
    code.op(0x23, "global.get", index: 0)
    code.i32Const(1)
    code.op(0x6B, "i32.sub")
    code.op(0x24, "global.set", index: 0)
  }

  func newLocal(_ t: ValType, clean isClean: Bool? = nil) -> Int {
    locals.append(t)
    clean.append(isClean ?? (t.isFloat ? rng.percent(50) : true))
    return locals.count - 1
  }

  func scratchLocal(_ t: ValType) -> Int {
    if let s = scratch[t] { return s }
    let s = newLocal(t, clean: false)
    scratch[t] = s
    return s
  }

  func localsOf(_ t: ValType, includeCounters: Bool = true) -> [Int] {
    locals.indices.filter { locals[$0] == t && (includeCounters || !counters.contains($0)) }
  }

  // MARK: Values

  func constant(_ t: ValType) {
    size += 1
    switch t {
    case .i32: code.i32Const(Int32(bitPattern: interestingU32()))
    case .i64: code.i64Const(Int64(bitPattern: interestingU64()))
    case .f32: code.f32Const(bits: interestingF32())
    case .f64: code.f64Const(bits: interestingF64())
    }
  }

  func interestingU32() -> UInt32 {
    switch rng.below(10) {
    case 0, 1, 2: return UInt32(rng.below(16))
    case 3: return UInt32(bitPattern: Int32(rng.inRange(-16...(-1))))
    case 4:
      return rng.pick([
        0x7FFF_FFFF, 0x8000_0000, 0xFFFF, 0x1_0000, 0xFF, 0x100, 31, 32, 33, 63, 64, 0xFFFF_FFF0,
      ])
    case 5: return UInt32(rng.below(1 << 17))
    default: return UInt32(truncatingIfNeeded: rng.next())
    }
  }

  func interestingU64() -> UInt64 {
    switch rng.below(8) {
    case 0, 1: return UInt64(rng.below(16))
    case 2: return UInt64(bitPattern: Int64(rng.inRange(-16...(-1))))
    case 3:
      return rng.pick([
        0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 63, 64, 65,
        0x8000_0000,
      ])
    case 4: return UInt64(interestingU32())
    default: return rng.next()
    }
  }

  func interestingF32() -> UInt32 {
    switch rng.below(6) {
    case 0:
      return rng.pick([
        Float(0), -0.0, 1, -1, 0.5, -2.5, 3.5, 1e10, 2147483648, -2147483904, 4294967296, .infinity,
        -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude,
      ]).bitPattern
    case 1: return rng.pick([0x7FC0_0000, 0xFFC0_0000, 0x7FC0_0001, 0x7F80_0001, 0x7FA0_0000])
    case 2: return Float(rng.inRange(-100...100)).bitPattern
    case 3:
      // Fractions, where the order of additions changes the rounded result.
      return (Float(rng.inRange(-1_000_000...1_000_000)) / Float(rng.inRange(1...1000))).bitPattern
    default: return UInt32(truncatingIfNeeded: rng.next())
    }
  }

  func interestingF64() -> UInt64 {
    switch rng.below(7) {
    case 0:
      return rng.pick([
        Double(0), -0.0, 1, -1, 0.5, -2.5, 3.5, 1e300, 2147483648, -2147483649, 9.3e18,
        18446744073709551616, .infinity, -.infinity, .leastNonzeroMagnitude,
      ]).bitPattern
    case 1:
      return rng.pick([
        0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0000, 0x7FF8_0000_0000_0001, 0x7FF0_0000_0000_0001,
      ])
    case 2: return Double(rng.inRange(-100...100)).bitPattern
    case 3:
      return (Double(rng.inRange(-1_000_000...1_000_000)) / Double(rng.inRange(1...1000)))
        .bitPattern
    case 4: return rng.pick([0.1, 0.2, 0.3, 1e16, 9007199254740992, -1e-300]).bitPattern
    default: return rng.next()
    }
  }

  func zero(local index: Int) {
    switch locals[index] {
    case .i32: code.i32Const(0)
    case .i64: code.i64Const(0)
    case .f32: code.f32Const(bits: rng.percent(85) ? 0 : 0x8000_0000)
    case .f64: code.f64Const(bits: rng.percent(85) ? 0 : 0x8000_0000_0000_0000)
    }
    code.op(0x21, "local.set", index: UInt32(index))
    size += 2
  }

  /// `local.get` of a local of type `t` if there is one; whether it may be dirty.
  func localGet(_ t: ValType) -> Bool? {
    let candidates = localsOf(t)
    guard !candidates.isEmpty else { return nil }
    let index = rng.pick(candidates)
    code.op(0x20, "local.get", index: UInt32(index))
    size += 1
    return t.isFloat && !clean[index]
  }

  /// A leaf: a constant, a local or a global. Returns whether it may be dirty.
  @discardableResult
  func leaf(_ t: ValType) -> Bool {
    switch rng.below(10) {
    case 0, 1, 2, 3:
      constant(t)
      return false
    case 4:
      code.op(0x23, "global.get", index: UInt32(ModuleShape.global(t)))
      size += 1
      return t.isFloat
    default:
      if let dirty = localGet(t) { return dirty }
      constant(t)
      return false
    }
  }

  /// Makes the float on top of the stack canonical when it may be dirty:
  /// `tee s; const nan; get s; get s; eq; select` keeps it unless it is a NaN.
  func canonicalize(_ t: ValType, dirty: Bool) {
    guard t.isFloat, dirty else { return }
    let s = UInt32(scratchLocal(t))
    code.op(0x22, "local.tee", index: s)
    if t == .f32 {
      code.f32Const(bits: 0x7FC0_0000)
    } else {
      code.f64Const(bits: 0x7FF8_0000_0000_0000)
    }
    code.op(0x20, "local.get", index: s)
    code.op(0x20, "local.get", index: s)
    code.op(t == .f32 ? 0x5B : 0x61, "\(t.name).eq")
    code.op(0x1B, "select")
    size += 6
  }

  /// An expression of type `t` whose float value is canonical.
  func cleanExpr(_ t: ValType, depth: Int) {
    let dirty = expr(t, depth: depth)
    canonicalize(t, dirty: dirty)
  }

  // MARK: Expressions

  /// Emits code leaving one value of type `t`; returns whether it may be dirty.
  @discardableResult
  func expr(_ t: ValType, depth: Int) -> Bool {
    if depth <= 0 || size > maxSize { return leaf(t) }
    size += 1
    let d = depth - 1
    switch t {
    case .i32:
      switch rng.weighted([18, 12, 8, 3, 8, 10, 9, 8, 5, 4, 3, 4, 4, 2, 3]) {
      case 0: return leaf(t)
      case 1: return binary(t, depth: d)
      case 2: return binaryWithConstant(t, depth: d)
      case 3: return unary(t, depth: d)
      case 4: return comparison(depth: d)
      case 5: return load(t, depth: d)
      case 6: return immediatePair(depth: d)
      case 7: return intPair(t, depth: d)
      case 8: return loadOperand(t, depth: d)
      case 9: return conversion(t, depth: d)
      case 10: return select(t, depth: d)
      case 11: return tee(t, depth: d)
      case 12: return call(t, depth: d)
      case 13: return memorySizeOrGrow()
      default: return blockExpr(t, depth: d)
      }
    case .i64:
      switch rng.weighted([18, 14, 8, 3, 10, 4, 4, 3, 4, 4, 3]) {
      case 0: return leaf(t)
      case 1: return binary(t, depth: d)
      case 2: return binaryWithConstant(t, depth: d)
      case 3: return unary(t, depth: d)
      case 4: return load(t, depth: d)
      case 5: return conversion(t, depth: d)
      case 6: return select(t, depth: d)
      case 7: return tee(t, depth: d)
      case 8: return call(t, depth: d)
      case 9: return intPair(t, depth: d)
      default: return blockExpr(t, depth: d)
      }
    case .f32, .f64:
      switch rng.weighted([18, 14, 5, 10, 6, 4, 4, 3, 3, t == .f64 ? 12 : 0, t == .f64 ? 8 : 0]) {
      case 0: return leaf(t)
      case 1: return binary(t, depth: d)
      case 2: return unary(t, depth: d)
      case 3: return load(t, depth: d)
      case 4: return conversion(t, depth: d)
      case 5: return select(t, depth: d)
      case 6: return tee(t, depth: d)
      case 7: return call(t, depth: d)
      case 8: return blockExpr(t, depth: d)
      case 9: return floatPair(depth: d)
      default: return loadOperand(t, depth: d)
      }
    }
  }

  /// A second operand: often a leaf, so that the operator sits right after the
  /// first operand's code (the adjacency the translator's pairs need).
  @discardableResult
  func operand(_ t: ValType, depth: Int) -> Bool {
    rng.percent(55) ? leaf(t) : expr(t, depth: depth)
  }

  func binary(_ t: ValType, depth: Int) -> Bool {
    let op = rng.pick(Opcodes.binary(t))
    let a = expr(t, depth: depth)
    if op.name.hasSuffix("copysign") {
      // The sign of a NaN is as nondeterministic as its payload, and copysign
      // moves it into a number that is no NaN: the sign source must be canonical.
      canonicalize(t, dirty: operand(t, depth: depth))
      code.op(op.byte, op.name)
      return a
    }
    _ = operand(t, depth: depth)
    code.op(op.byte, op.name)
    return t.isFloat
  }

  func binaryWithConstant(_ t: ValType, depth: Int) -> Bool {
    let op = rng.pick(Opcodes.binary(t))
    _ = expr(t, depth: depth)
    constant(t)
    code.op(op.byte, op.name)
    return false
  }

  func unary(_ t: ValType, depth: Int) -> Bool {
    switch t {
    case .i32, .i64:
      let op = rng.pick(t == .i32 ? Opcodes.i32Unary : Opcodes.i64Unary)
      _ = expr(t, depth: depth)
      code.op(op.byte, op.name)
      return false
    case .f32, .f64:
      let ops = t == .f32 ? Opcodes.f32Unary : Opcodes.f64Unary
      let i = rng.below(ops.count)
      let dirty = expr(t, depth: depth)
      code.op(ops[i].byte, ops[i].name)
      return i < 2 ? dirty : true
    }
  }

  func comparison(depth: Int) -> Bool {
    let t = rng.pick(ValType.allCases)
    let op = rng.pick(Opcodes.compare(t))
    _ = expr(t, depth: depth)
    if t.isFloat || rng.percent(60) { operand(t, depth: depth) } else { constant(t) }
    code.op(op.byte, op.name)
    return false
  }

  func conversion(_ t: ValType, depth: Int) -> Bool {
    let (byte, from, name, nondeterministic, prefixed) = rng.pick(Opcodes.conversions(to: t))
    let dirty = expr(from, depth: depth)
    if name.contains("reinterpret") { canonicalize(from, dirty: dirty) }
    if prefixed {
      code.prefixed(UInt32(byte), name)
    } else {
      code.op(byte, name)
    }
    if name.contains("reinterpret") { return false }
    return nondeterministic
  }

  func select(_ t: ValType, depth: Int) -> Bool {
    let a = expr(t, depth: depth)
    let b = operand(t, depth: depth)
    _ = expr(.i32, depth: depth)
    code.op(0x1B, "select")
    return a || b
  }

  func tee(_ t: ValType, depth: Int) -> Bool {
    let targets = localsOf(t, includeCounters: rng.percent(5))
    let index = targets.isEmpty ? newLocal(t) : rng.pick(targets)
    var dirty = expr(t, depth: depth)
    if t.isFloat, clean[index] {
      canonicalize(t, dirty: dirty)
      dirty = false
    }
    code.op(0x22, "local.tee", index: UInt32(index))
    return dirty
  }

  /// A direct call to an earlier function (calls form a DAG) or an indirect call
  /// through the table (which can recurse; the budget bounds it). Arguments are
  /// made canonical: callees treat their float parameters as clean.
  func call(_ t: ValType, depth: Int) -> Bool {
    let direct = (0..<functionIndex).filter { module.functions[$0].results == [t] }
    if !direct.isEmpty, rng.percent(70) {
      let callee = rng.pick(direct)
      for p in module.functions[callee].params { cleanExpr(p, depth: depth) }
      code.op(0x10, "call", index: UInt32(callee))
      return t.isFloat
    }
    let types = module.types.indices.filter { module.types[$0].results == [t] }
    guard !types.isEmpty else { return leaf(t) }
    let typeIndex = rng.pick(types)
    for p in module.types[typeIndex].params { cleanExpr(p, depth: depth) }
    tableIndex(depth: depth, type: typeIndex)
    code.callIndirect(type: UInt32(typeIndex))
    return t.isFloat
  }

  /// A table index: mostly a slot whose function has `type` (so the call goes
  /// through), sometimes any slot, a null one, one past the end, or computed.
  func tableIndex(depth: Int, type: Int? = nil) {
    let matching = module.functions.indices.filter {
      module.typeIndex(module.functions[$0]) == type
    }
    if !matching.isEmpty, rng.percent(80) {
      code.i32Const(Int32(rng.pick(matching)))
      return
    }
    switch rng.below(4) {
    case 0, 1: code.i32Const(Int32(rng.below(module.tableSize + 2)))
    case 2:
      _ = expr(.i32, depth: depth)
      code.i32Const(7)
      code.op(0x71, "i32.and")
    default: _ = expr(.i32, depth: depth)
    }
  }

  func memorySizeOrGrow() -> Bool {
    if rng.percent(70) {
      code.op(0x3F, "memory.size", index: 0)
    } else {
      code.i32Const(Int32(rng.pick([0, 0, 1, 1, 2, 5, -1])))
      code.op(0x40, "memory.grow", index: 0)
    }
    return false
  }

  /// `block (result t) ... end` or `if (result t) ... else ... end`.
  func blockExpr(_ t: ValType, depth: Int) -> Bool {
    if rng.percent(50) {
      code.enter(0x02, "block", result: t)
      labels.append(Label(isLoop: false, result: t))
      statements(depth: depth, count: rng.inRange(0...3))
      let dirty = expr(t, depth: depth)
      labels.removeLast()
      code.end()
      return dirty || t.isFloat
    }
    _ = expr(.i32, depth: depth)
    code.enter(0x04, "if", result: t)
    labels.append(Label(isLoop: false, result: t))
    let a = expr(t, depth: depth)
    code.elseBranch()
    let b = expr(t, depth: depth)
    labels.removeLast()
    code.end()
    return a || b
  }
}
