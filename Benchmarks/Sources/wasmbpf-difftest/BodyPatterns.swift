// The shapes the translator fuses into one handler (docs/performance.md, "Round 2"),
// generated on purpose and with their edge cases: wrapping address sums, offsets at
// the end of memory, shift counts of 32 and more, operands in either order.

extension BodyGenerator {
  // MARK: Addresses

  /// What is known about a generated address, for choosing a sum and an offset
  /// that keep most accesses in bounds.
  enum AddressKind {
    case constant(Int)
    /// Below 20,000, and at least 0.
    case low
    /// `memory.size << 16 - d`.
    case end(Int)
    case anything
  }

  /// An i32 address for an access of `width` bytes. Most are in bounds (a trap
  /// ends the call, and the code after it is what we want to compare); a few are
  /// at the end of memory or far out.
  @discardableResult
  func address(width: Int, depth: Int) -> AddressKind {
    size += 1
    let hostile = rng.percent(2)
    switch rng.weighted([30, 10, 12, 14, hostile ? 10 : 0, hostile ? 6 : 0]) {
    case 0:
      let c = rng.below(1024)
      code.i32Const(Int32(c))
      return .constant(c)
    case 1:
      // The last bytes of the current memory: `memory.size << 16 - d`.
      let d = hostile ? rng.inRange(0...(width + 8)) : rng.inRange((width + 64)...(width + 256))
      code.op(0x3F, "memory.size", index: 0)
      code.i32Const(16)
      code.op(0x74, "i32.shl")
      code.i32Const(Int32(-d))
      code.op(0x6A, "i32.add")
      return .end(d)
    case 2:
      _ = expr(.i32, depth: depth)
      code.i32Const(
        Int32(hostile ? rng.pick([0xFFFF, 0x1FFFF]) : rng.pick([0xFF, 0xFFF, 0x3FFF])))
      code.op(0x71, "i32.and")
      return hostile ? .anything : .low
    case 3:
      return arrayIndex()
    case 4:
      if localGet(.i32) == nil { code.i32Const(Int32(rng.below(4096))) }
      return .anything
    default:
      code.i32Const(Int32(bitPattern: rng.pick([0xFFFF_FFFF, 0x8000_0000, 0x1_0000, 0xFFFF_FFF8])))
      return .anything
    }
  }

  /// `i << s` or `i << s + base` with a counter of an enclosing loop.
  func arrayIndex() -> AddressKind {
    guard let i = activeCounters.last.flatMap({ locals[$0] == .i32 ? $0 : nil }) else {
      let c = rng.below(2048)
      code.i32Const(Int32(c))
      return .constant(c)
    }
    code.op(0x20, "local.get", index: UInt32(i))
    code.i32Const(Int32(rng.pick([2, 3, 4])))
    code.op(0x74, "i32.shl")
    if rng.percent(60) {
      code.i32Const(Int32(rng.below(4096)))
      code.op(0x6A, "i32.add")
    }
    // Counters stay small unless a loop body overwrote one.
    return .low
  }

  /// The static offset of an access: mostly small; near or past the end of the
  /// first page when `hostile`.
  func offset(width: Int, hostile: Bool = false) -> UInt32 {
    if !hostile { return UInt32(rng.percent(80) ? rng.below(64) : rng.below(1024)) }
    switch rng.below(3) {
    case 0: return UInt32(65536 - width - rng.inRange(-4...16))
    case 1: return UInt32(rng.below(70000))
    default:
      return rng.pick([0xFFFF_FFFF, 0x8000_0000, 0x1_0000, UInt32(truncatingIfNeeded: rng.next())])
    }
  }

  /// `x; i32.const k; i32.add` where the sum may wrap around 2^32 (and wraps back
  /// into memory when x is known to be large enough).
  func addedAddress(width: Int, depth: Int) {
    let kind = address(width: width, depth: depth)
    var k = Int32(rng.below(256))
    let choice = rng.below(6)
    var low = 0  // a lower bound of x, when known
    var constant: Int? = nil
    switch kind {
    case .constant(let c): (low, constant) = (c, c)
    case .end: low = 65536 - 256 - width
    default: break
    }
    if choice == 0, low >= 16 {
      k = Int32(bitPattern: 0xFFFF_FFF0)  // x - 16, through a wrapping sum
    } else if choice == 1, let c = constant {
      k = Int32(65536 - width - 64 - c - rng.below(64))  // near the end of the first page
    } else if choice == 2, low >= 64 {
      k = Int32(-rng.inRange(1...64))
    } else if choice == 3, rng.percent(5) {
      k = Int32(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
    }
    code.i32Const(k)
    code.op(0x6A, "i32.add")
  }

  func alignment(_ access: Opcodes.Access) -> Int { rng.inRange(0...access.alignLog2) }

  // MARK: Loads

  /// A load of type `t`; half the time with an added address (fused).
  func load(_ t: ValType, depth: Int) -> Bool {
    let access = rng.pick(Opcodes.loads(t))
    if rng.percent(50) {
      addedAddress(width: access.width, depth: depth)
    } else {
      address(width: access.width, depth: depth)
    }
    code.memory(
      access.byte, access.name, alignLog2: alignment(access),
      offset: offset(width: access.width, hostile: rng.percent(1)))
    return false
  }

  /// An operator with an operand loaded just before it: `a; load; op` or
  /// `load; local.get y; op` (f64.mul, f64.add, i32.add are fused).
  func loadOperand(_ t: ValType, depth: Int) -> Bool {
    let ops: [Opcode]
    switch t {
    case .i32: ops = [Opcode(byte: 0x6A, name: "i32.add"), Opcode(byte: 0x6B, name: "i32.sub")]
    case .f64:
      ops = [
        Opcode(byte: 0xA2, name: "f64.mul"), Opcode(byte: 0xA0, name: "f64.add"),
        Opcode(byte: 0xA1, name: "f64.sub"),
      ]
    default: return binary(t, depth: depth)
    }
    let op = rng.percent(85) ? ops[rng.below(min(ops.count, 2))] : ops[ops.count - 1]
    let loaded = Opcodes.loads(t)[0]
    var dirty = false
    if rng.percent(50) {
      dirty = expr(t, depth: depth)
      _ = load(access: loaded, depth: depth)
    } else {
      _ = load(access: loaded, depth: depth)
      if let d = localGet(t) { dirty = d } else { constant(t) }
    }
    code.op(op.byte, op.name)
    return t.isFloat || dirty
  }

  private func load(access: Opcodes.Access, depth: Int) -> Bool {
    if rng.percent(60) {
      addedAddress(width: access.width, depth: depth)
    } else {
      address(width: access.width, depth: depth)
    }
    code.memory(
      access.byte, access.name, alignLog2: alignment(access),
      offset: offset(width: access.width, hostile: rng.percent(1)))
    return false
  }

  // MARK: Stores

  /// A store: plain, with an added address and a local as the value (fused), or
  /// of a constant (fused).
  func store() {
    let t = rng.pick(ValType.allCases)
    let access = rng.pick(Opcodes.stores(t))
    let align = alignment(access), off = offset(width: access.width, hostile: rng.percent(1))
    switch rng.below(3) {
    case 0:
      addedAddress(width: access.width, depth: 2)
      let candidates = localsOf(t).filter { !t.isFloat || clean[$0] }
      if candidates.isEmpty {
        cleanExpr(t, depth: 2)
      } else {
        code.op(0x20, "local.get", index: UInt32(rng.pick(candidates)))
      }
    case 1:
      if rng.percent(50) {
        addedAddress(width: access.width, depth: 2)
      } else {
        address(width: access.width, depth: 2)
      }
      constant(t)
    default:
      address(width: access.width, depth: 2)
      cleanExpr(t, depth: 3)
    }
    code.memory(access.byte, access.name, alignLog2: align, offset: off)
    size += 1
    if rng.percent(30) { pointerStep() }
  }

  /// `p = x + y` (or `+ k`) into an i32 local right after a store, as loops that
  /// write memory step a pointer (fused with the store before it), by `local.set` or
  /// by `local.tee` and `drop`. Loop counters are left alone.
  func pointerStep() {
    let targets = localsOf(.i32, includeCounters: false)
    guard !targets.isEmpty else { return }
    let target = rng.pick(targets)
    let sources = localsOf(.i32)
    code.op(0x20, "local.get", index: UInt32(rng.pick(sources)))
    if rng.percent(50) {
      code.i32Const(Int32(truncatingIfNeeded: rng.pick([1, 4, -1, -4, 0x7FFF_FFFF, 65536])))
    } else {
      code.op(0x20, "local.get", index: UInt32(rng.pick(sources)))
    }
    code.op(0x6A, "i32.add")
    if rng.percent(50) {
      code.op(0x21, "local.set", index: UInt32(target))
    } else {
      code.op(0x22, "local.tee", index: UInt32(target))
      code.op(0x1A, "drop")
    }
  }

  // MARK: Pairs

  /// Two immediate-operand operators in a row: `(x & m) << k`, `(x >> k) & m`,
  /// `x * a + b`, `(x << k) & m`, `(x & m) >u k`, `(x & m) <u k`, and near misses.
  func immediatePair(depth: Int) -> Bool {
    let pairs: [(UInt8, String, UInt8, String)] = [
      (0x71, "i32.and", 0x74, "i32.shl"),
      (0x76, "i32.shr_u", 0x71, "i32.and"),
      (0x6C, "i32.mul", 0x6A, "i32.add"),
      (0x74, "i32.shl", 0x71, "i32.and"),
      (0x71, "i32.and", 0x4B, "i32.gt_u"),
      (0x71, "i32.and", 0x49, "i32.lt_u"),
      (0x75, "i32.shr_s", 0x71, "i32.and"),
      (0x71, "i32.and", 0x4A, "i32.gt_s"),
    ]
    let (op1, name1, op2, name2) = rng.pick(pairs)
    _ = expr(.i32, depth: depth)
    code.i32Const(pairConstant(shift: name1.contains("sh")))
    code.op(op1, name1)
    code.i32Const(pairConstant(shift: name2.contains("sh")))
    code.op(op2, name2)
    size += 4
    return false
  }

  private func pairConstant(shift: Bool) -> Int32 {
    if shift { return Int32(rng.pick([0, 1, 2, 3, 8, 16, 24, 31, 32, 33, 63, -1])) }
    return Int32(
      bitPattern: rng.pick([0xFF, 0xFFFF, 0x3F, 0xF, 0, 0xFFFF_FFFF, 0x8000_0000, interestingU32()])
    )
  }

  /// Two operators where the first one's result is an operand of the second:
  /// `a; b; op1; c; op2` or `c; a; b; op1; op2`, with the fused pairs most often.
  func intPair(_ t: ValType, depth: Int) -> Bool {
    let pairs: [(Int, Int, Bool)]  // indexes into the binary table; first with an immediate
    if t == .i32 {
      pairs = [
        (0, 0, false), (9, 9, false), (9, 7, false), (7, 9, false), (0, 9, false),
        (10, 0, true), (13, 9, true), (14, 9, true), (12, 9, true), (1, 0, false), (8, 9, false),
      ]
    } else {
      pairs = [(0, 0, false), (9, 9, false), (7, 9, false), (10, 0, true)]
    }
    let (first, second, immediate) = rng.pick(pairs)
    let ops = Opcodes.binary(t)
    let producedFirst = rng.percent(50)
    if !producedFirst { _ = expr(t, depth: depth) }
    _ = expr(t, depth: depth)
    if immediate {
      if t == .i32 {
        code.i32Const(Int32(rng.pick([1, 2, 3, 7, 13, 31, 32, 35])))
      } else {
        code.i64Const(Int64(rng.pick([1, 2, 3, 7, 13, 63, 64, 65])))
      }
    } else {
      operand(t, depth: depth)
    }
    code.op(ops[first].byte, ops[first].name)
    if producedFirst { operand(t, depth: depth) }
    code.op(ops[second].byte, ops[second].name)
    size += 3
    return false
  }

  /// f64 pairs: `add; add` and `mul; add` with either operand order.
  func floatPair(depth: Int) -> Bool {
    let first = rng.pick([(UInt8(0xA0), "f64.add"), (0xA2, "f64.mul"), (0xA1, "f64.sub")])
    let producedFirst = rng.percent(50)
    if !producedFirst { _ = expr(.f64, depth: depth) }
    _ = expr(.f64, depth: depth)
    operand(.f64, depth: depth)
    code.op(first.0, first.1)
    if producedFirst { operand(.f64, depth: depth) }
    code.op(0xA0, "f64.add")
    // A third addition in a row half the time (matmul's unrolled sums).
    if rng.percent(50) {
      operand(.f64, depth: depth)
      code.op(0xA0, "f64.add")
    }
    size += 3
    return true
  }
}
