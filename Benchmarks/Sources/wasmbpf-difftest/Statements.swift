// Statements (code leaving the stack as it found it) and loops, among them the
// stepped back-edges the translator fuses: `i += k; local.tee i; cmp; br_if loop`.

extension BodyGenerator {
  /// Up to `count` statements; stops after one that ends the block (br, return).
  func statements(depth: Int, count: Int) {
    for _ in 0..<count {
      if size > maxSize { return }
      if statement(depth: depth) { return }
    }
  }

  /// One statement; returns whether the code after it is unreachable.
  @discardableResult
  func statement(depth: Int) -> Bool {
    size += 1
    let nested = depth > 0
    switch rng.weighted([
      14, 14, 3, 4, nested ? 5 : 0, nested ? 5 : 0, nested ? 7 : 0, 3, 4, 2, 3, 1,
      nested ? 3 : 0,
    ]) {
    case 0: setLocal(depth: depth)
    case 1: store()
    case 2:
      let t = rng.pick(ValType.allCases)
      _ = expr(t, depth: 3)
      code.op(0x24, "global.set", index: UInt32(ModuleShape.global(t)))
    case 3:
      _ = expr(rng.pick(ValType.allCases), depth: 3)
      code.op(0x1A, "drop")
    case 4: ifStatement(depth: depth - 1)
    case 5: blockStatement(depth: depth - 1)
    case 6: loopStatement(depth: depth - 1)
    case 7:
      let declared = Array(signature.params.count..<locals.count)
      if !declared.isEmpty { zero(local: rng.pick(declared)) }
    case 8: return branch(depth: depth)
    case 9: bulkMemory()
    case 10: callStatement()
    case 12: fillLoopStatement()
    default:
      if let result = signature.results.first { _ = expr(result, depth: 2) }
      code.op(0x0F, "return")
      return true
    }
    return false
  }

  func setLocal(depth: Int) {
    let t = rng.pick(ValType.allCases)
    let targets = localsOf(t, includeCounters: rng.percent(3))
    let index = targets.isEmpty || rng.percent(10) ? newLocal(t) : rng.pick(targets)
    let dirty = expr(t, depth: 4)
    if t.isFloat, clean[index] { canonicalize(t, dirty: dirty) }
    code.op(0x21, "local.set", index: UInt32(index))
  }

  func ifStatement(depth: Int) {
    _ = expr(.i32, depth: 3)
    code.enter(0x04, "if", result: nil)
    labels.append(Label(isLoop: false, result: nil))
    statements(depth: depth, count: rng.inRange(1...4))
    if rng.percent(50) {
      code.elseBranch()
      statements(depth: depth, count: rng.inRange(1...4))
    }
    labels.removeLast()
    code.end()
  }

  /// A block with branches out of it, or nested blocks left through `br_table`.
  func blockStatement(depth: Int) {
    if rng.percent(35) {
      let n = rng.inRange(1...4)
      for _ in 0..<n {
        code.enter(0x02, "block", result: nil)
        labels.append(Label(isLoop: false, result: nil))
      }
      _ = expr(.i32, depth: 2)
      let targets = (0..<rng.inRange(0...5)).map { _ in UInt32(rng.below(n)) }
      code.brTable(targets, default: UInt32(rng.below(n)))
      for _ in 0..<n {
        labels.removeLast()
        code.end()
        statements(depth: depth, count: rng.inRange(0...2))
      }
      return
    }
    code.enter(0x02, "block", result: nil)
    labels.append(Label(isLoop: false, result: nil))
    statements(depth: depth, count: rng.inRange(1...5))
    labels.removeLast()
    code.end()
  }

  /// `br_if` (or, ending the list, `br`) to an enclosing label, carrying its value.
  func branch(depth: Int) -> Bool {
    // Branches back to a loop header repeat the body; the budget bounds them, but
    // keep them rare so that loops mostly end by their counters.
    var target = rng.below(labels.count)
    if labels[target].isLoop, rng.percent(80) { target = 0 }
    let label = labels[target]
    let relative = UInt32(labels.count - 1 - target)
    if let t = label.result { _ = expr(t, depth: 2) }
    if rng.percent(85) {
      if rng.percent(25) {
        // A condition loaded from memory, tested directly or by `i32.eqz` (fused).
        _ = load(.i32, depth: 2)
        if rng.percent(50) { code.op(0x45, "i32.eqz") }
      } else if rng.percent(25) {
        // A flag test, `x & m` tested directly or by `i32.eqz` (fused:
        // BitTestBranchHandlers.swift), the value sometimes kept by `local.tee`.
        _ = expr(.i32, depth: 2)
        code.i32Const(
          Int32(truncatingIfNeeded: rng.pick([1, 2, 0x10, 0x80, 0xFF, 0x8000_0000, 0, -1])))
        code.op(0x71, "i32.and")
        let kept = localsOf(.i32, includeCounters: false)
        if !kept.isEmpty, rng.percent(20) {
          code.op(0x22, "local.tee", index: UInt32(rng.pick(kept)))
        }
        if rng.percent(50) { code.op(0x45, "i32.eqz") }
      } else {
        _ = expr(.i32, depth: 2)
      }
      code.op(0x0D, "br_if", index: relative)
      if label.result != nil { code.op(0x1A, "drop") }
      return false
    }
    code.op(0x0C, "br", index: relative)
    return true
  }

  func bulkMemory() {
    if rng.percent(40) {
      code.i32Const(Int32(rng.pick([0, 1, 2, 1, -1])))
      code.op(0x40, "memory.grow", index: 0)
      code.op(0x1A, "drop")
      return
    }
    address(width: 64, depth: 1)
    if rng.percent(50) {
      _ = expr(.i32, depth: 1)
      code.i32Const(Int32(rng.below(64)))
      code.prefixed(11, "memory.fill", trailingZeros: 1)
    } else {
      address(width: 64, depth: 1)
      code.i32Const(Int32(rng.below(64)))
      code.prefixed(10, "memory.copy", trailingZeros: 2)
    }
  }

  func callStatement() {
    if functionIndex > 0, rng.percent(70) {
      let callee = rng.below(functionIndex)
      for p in module.functions[callee].params { cleanExpr(p, depth: 2) }
      code.op(0x10, "call", index: UInt32(callee))
      for _ in module.functions[callee].results { code.op(0x1A, "drop") }
      return
    }
    let typeIndex = rng.below(module.types.count)
    for p in module.types[typeIndex].params { cleanExpr(p, depth: 2) }
    tableIndex(depth: 2, type: typeIndex)
    code.callIndirect(type: UInt32(typeIndex))
    for _ in module.types[typeIndex].results { code.op(0x1A, "drop") }
  }

  // MARK: Loops

  /// A counted loop. Most end with a stepped back-edge of a shape the translator
  /// fuses (i32 add-immediate with `ne`/`lt_u`/`lt_s` against a constant or a local,
  /// `n != i`, i64 add or add-immediate with `ne`/`lt_u`); some with near misses.
  func loopStatement(depth: Int) {
    let wide = rng.percent(25)
    let t: ValType = wide ? .i64 : .i32
    let i = newLocal(t)
    counters.insert(i)
    let start = rng.percent(70) ? 0 : rng.inRange(0...5)
    let step = rng.pick([1, 1, 1, 2, 3, 4])
    let trips = rng.inRange(1...12)
    // A fresh local is zero: `const 0; local.set` is dropped by the translator
    // outside loops, kept inside them.
    setConstant(i, start)
    let bound = start + step * trips
    var boundLocal: Int? = nil
    if rng.percent(40) {
      boundLocal = newLocal(t)
      setConstant(boundLocal!, bound + (rng.percent(20) ? rng.inRange(-1...1) : 0))
    }
    let exitBlock = rng.percent(30)
    if exitBlock {
      code.enter(0x02, "block", result: nil)
      labels.append(Label(isLoop: false, result: nil))
    }
    code.enter(0x03, "loop", result: nil)
    labels.append(Label(isLoop: true, result: nil))
    spendBudget()
    activeCounters.append(i)
    statements(depth: depth, count: rng.inRange(1...4))
    activeCounters.removeLast()
    backEdge(counter: i, type: t, step: step, bound: bound, boundLocal: boundLocal)
    labels.removeLast()
    code.end()
    if exitBlock {
      labels.removeLast()
      code.end()
    }
  }

  /// A fill loop (the translator runs it as one self-looping handler,
  /// FillLoopHandlers.swift): the whole body is a store at a pointer local (+ offset)
  /// and the pointer's step, then a counter's back-edge: `n += k; cmp; br_if` (i32
  /// `ne`/`lt_u`/`lt_s` against a constant or a local, i64 `ne`/`lt_u` stepped by a
  /// constant or a local) or a count-down `n -= 1; local.tee n; br_if`. Pointers are
  /// mostly in bounds, some at the end of memory (a store in the middle traps) or
  /// wrapping; near misses store the counter or step the pointer by it. Every form
  /// ends by its counter (no budget check fits in the body).
  func fillLoopStatement() {
    let pointer = newLocal(.i32)
    counters.insert(pointer)
    switch rng.weighted([70, 20, 10]) {
    case 0: code.i32Const(Int32(rng.below(4096)))
    case 1:
      code.op(0x3F, "memory.size", index: 0)
      code.i32Const(16)
      code.op(0x74, "i32.shl")
      code.i32Const(Int32(-rng.inRange(1...80)))
      code.op(0x6A, "i32.add")
    default:
      code.i32Const(Int32(bitPattern: rng.pick([0xFFFF_FFF0, 0x8000_0000, 0xFFFF_FFFF])))
    }
    code.op(0x21, "local.set", index: UInt32(pointer))
    let countDown = rng.percent(30)
    let t: ValType = !countDown && rng.percent(35) ? .i64 : .i32
    let counter = newLocal(t)
    counters.insert(counter)
    let start = rng.percent(60) ? 0 : rng.inRange(0...5)
    let step = rng.pick([1, 1, 2, 3])
    let trips = rng.inRange(1...12)
    setConstant(counter, countDown ? trips : start)
    var boundLocal: Int? = nil
    if !countDown, rng.percent(40) {
      boundLocal = newLocal(t)
      setConstant(boundLocal!, start + step * trips)
    }
    var stepLocal: Int? = nil
    if t == .i64, rng.percent(40) {
      stepLocal = newLocal(.i64)
      setConstant(stepLocal!, step)
    }
    let storeType = rng.pick(ValType.allCases)
    let access = rng.pick(Opcodes.stores(storeType))
    let values = localsOf(storeType).filter { (!storeType.isFloat || clean[$0]) && $0 != pointer }
    let pointerSteps = localsOf(.i32).filter { $0 != pointer && $0 != counter }

    code.enter(0x03, "loop", result: nil)
    labels.append(Label(isLoop: true, result: nil))
    code.op(0x20, "local.get", index: UInt32(pointer))
    if storeType == t, rng.percent(10) {
      code.op(0x20, "local.get", index: UInt32(counter))  // near miss: changes each time
    } else if !values.isEmpty, rng.percent(50) {
      code.op(0x20, "local.get", index: UInt32(rng.pick(values)))
    } else {
      constant(storeType)
    }
    code.memory(
      access.byte, access.name, alignLog2: alignment(access),
      offset: offset(width: access.width, hostile: rng.percent(3)))
    code.op(0x20, "local.get", index: UInt32(pointer))
    if t == .i32, rng.percent(8) {
      code.op(0x20, "local.get", index: UInt32(counter))  // near miss: a growing step
    } else if !pointerSteps.isEmpty, rng.percent(30) {
      code.op(0x20, "local.get", index: UInt32(rng.pick(pointerSteps)))
    } else {
      code.i32Const(Int32(truncatingIfNeeded: rng.pick([1, 2, 4, 8, -1, -8, 0, 65536])))
    }
    code.op(0x6A, "i32.add")
    code.op(0x21, "local.set", index: UInt32(pointer))
    let p = t.name
    code.op(0x20, "local.get", index: UInt32(counter))
    if countDown {
      code.i32Const(-1)
      code.op(0x6A, "i32.add")
      code.op(0x22, "local.tee", index: UInt32(counter))
    } else {
      if let s = stepLocal {
        code.op(0x20, "local.get", index: UInt32(s))
      } else if t == .i32 {
        code.i32Const(Int32(step))
      } else {
        code.i64Const(Int64(step))
      }
      code.op(t == .i32 ? 0x6A : 0x7C, "\(p).add")
      code.op(0x22, "local.tee", index: UInt32(counter))
      if let b = boundLocal {
        code.op(0x20, "local.get", index: UInt32(b))
      } else if t == .i32 {
        code.i32Const(Int32(start + step * trips))
      } else {
        code.i64Const(Int64(start + step * trips))
      }
      let compares: [(UInt8, String)] =
        t == .i32
        ? [(0x47, "ne"), (0x49, "lt_u"), (0x48, "lt_s")] : [(0x52, "ne"), (0x54, "lt_u")]
      let compare = rng.pick(compares)
      code.op(compare.0, "\(p).\(compare.1)")
    }
    code.op(0x0D, "br_if", index: 0)
    labels.removeLast()
    code.end()
    size += 10
  }

  private func setConstant(_ local: Int, _ value: Int) {
    if locals[local] == .i32 { code.i32Const(Int32(value)) } else { code.i64Const(Int64(value)) }
    code.op(0x21, "local.set", index: UInt32(local))
  }

  private func backEdge(counter i: Int, type t: ValType, step: Int, bound: Int, boundLocal: Int?) {
    if t == .i32, rng.percent(15) {
      // A flag-test back-edge (BitTestBranchHandlers.swift): step, then loop while
      // the counter's low four bits are not zero (by `eqz`: while they are), at most
      // 16 trips for any start and a step of 1 to 4.
      code.op(0x20, "local.get", index: UInt32(i))
      code.i32Const(Int32(step))
      code.op(0x6A, "i32.add")
      code.op(0x22, "local.tee", index: UInt32(i))
      code.i32Const(15)
      code.op(0x71, "i32.and")
      if rng.percent(40) { code.op(0x45, "i32.eqz") }
      code.op(0x0D, "br_if", index: 0)
      size += 6
      return
    }
    let p = t.name
    let compares: [(UInt8, String)] =
      t == .i32
      ? [(0x47, "ne"), (0x49, "lt_u"), (0x48, "lt_s"), (0x4D, "le_u"), (0x4A, "gt_s")]
      : [(0x52, "ne"), (0x54, "lt_u"), (0x53, "lt_s")]
    // Mostly the fused comparisons (the first three / two).
    let compare = rng.percent(85) ? compares[rng.below(t == .i32 ? 3 : 2)] : rng.pick(compares)
    let boundFirst = boundLocal != nil && compare.1 == "ne" && rng.percent(40)
    // i64 steps are sometimes a local (`i64.add`, not an immediate).
    var stepLocal: Int? = nil
    if t == .i64, rng.percent(30) {
      stepLocal = newLocal(.i64)
      code.i64Const(Int64(step))
      code.op(0x21, "local.set", index: UInt32(stepLocal!))
    }
    if boundFirst { code.op(0x20, "local.get", index: UInt32(boundLocal!)) }
    code.op(0x20, "local.get", index: UInt32(i))
    if let s = stepLocal {
      code.op(0x20, "local.get", index: UInt32(s))
    } else if t == .i32 {
      code.i32Const(Int32(step))
    } else {
      code.i64Const(Int64(step))
    }
    if rng.percent(90) {
      code.op(t == .i32 ? 0x6A : 0x7C, "\(p).add")
      code.op(0x22, "local.tee", index: UInt32(i))
    } else {
      // Near miss: set then get instead of tee.
      code.op(t == .i32 ? 0x6A : 0x7C, "\(p).add")
      code.op(0x21, "local.set", index: UInt32(i))
      code.op(0x20, "local.get", index: UInt32(i))
    }
    if !boundFirst {
      if let b = boundLocal {
        code.op(0x20, "local.get", index: UInt32(b))
      } else if t == .i32 {
        code.i32Const(Int32(bound))
      } else {
        code.i64Const(Int64(bound))
      }
    }
    code.op(compare.0, "\(p).\(compare.1)")
    code.op(0x0D, "br_if", index: 0)
    size += 6
  }
}
