// Calls and returns on the interpreter's own stack: a Wasm call never recurses on
// the native stack. The callee's frame starts at the caller's first argument slot
// (arguments are already there) and its results are written back to the same
// place, which is where the caller's operand stack expects them.
// https://webassembly.github.io/spec/core/exec/instructions.html#function-calls

/// Enters `callee` with its frame at `newFP`; returns to `returnPC` afterwards.
@inline(__always)
func enter(
  _ callee: UnsafeMutablePointer<FunctionEntry>, _ newFP: FP, _ returnPC: PC,
  _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx
) -> Exit {
  if let kind = budgetExceeded(c) { return .trap(kind) }
  // Host functions and bodies not yet translated have no code: one test for both.
  guard let code = callee.pointee.code else {
    return enterWithoutCode(callee, newFP, returnPC, fp, md, ms, c)
  }
  return enterCode(code, callee, newFP, returnPC, fp, c)
}

/// Pushes the frame and continues in `code`.
@inline(__always)
func enterCode(
  _ code: PC, _ callee: UnsafeMutablePointer<FunctionEntry>, _ newFP: FP, _ returnPC: PC,
  _ fp: FP, _ c: Ctx
) -> Exit {
  let top = c.pointee.frameTop
  guard top < c.pointee.frameEnd, newFP + callee.pointee.frameSize <= c.pointee.stackEnd else {
    return .trap(.callStackExhausted)
  }
  top.initialize(
    to: CallFrame(
      returnPC: returnPC, callerFP: fp,
      callerMemory: (top - 1).pointee.function.pointee.memory, function: callee))
  c.pointee.frameTop = top + 1
  let locals = callee.pointee.localCount
  // More than four locals take a `memset`, a real call: done in a function of its
  // own, entered by a sibling call, so that this handler (inlined into every call
  // handler) calls nothing and needs no saved registers (pushing and popping four
  // was 11 of the 28 instructions of a direct call).
  if locals > 4 { return zeroLocalsThenEnter(code, callee, newFP, c) }
  if locals > 0 { zeroFewLocals(newFP + callee.pointee.paramCount, locals) }
  let m = callee.pointee.memory.pointee
  return next(code, newFP, m.base, m.size, c)
}

/// Zeroes one to four declared locals with plain stores (a `memset` call costs ~15
/// instructions plus the call, per Wasm call: 3 % of a recursive `fib`).
@inline(__always)
func zeroFewLocals(_ p: FP, _ count: Int) {
  p[0] = 0
  guard count > 1 else { return }
  p[1] = 0
  guard count > 2 else { return }
  p[2] = 0
  guard count > 3 else { return }
  p[3] = 0
}

/// Zeroes a callee's declared locals (more than four) and continues in its code.
@inline(never)
func zeroLocalsThenEnter(
  _ code: PC, _ callee: UnsafeMutablePointer<FunctionEntry>, _ newFP: FP, _ c: Ctx
) -> Exit {
  (newFP + callee.pointee.paramCount).update(repeating: 0, count: callee.pointee.localCount)
  let m = callee.pointee.memory.pointee
  return next(code, newFP, m.base, m.size, c)
}

/// The slow path of a call: a host function, or a body to translate first.
@inline(never)
func enterWithoutCode(
  _ callee: UnsafeMutablePointer<FunctionEntry>, _ newFP: FP, _ returnPC: PC,
  _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx
) -> Exit {
  if callee.pointee.isHost {
    let exit = callHost(callee, newFP, c)
    if exit == .exception, let exception = c.pointee.pendingException {
      // The host threw a Wasm exception: it propagates from the call.
      c.pointee.pendingException = nil
      return unwind(exception, at: returnPC, fp, c)
    }
    if exit != .proceed { return exit }
    // The host may have grown the caller's memory.
    let m = (c.pointee.frameTop - 1).pointee.function.pointee.memory.pointee
    return next(returnPC, fp, m.base, m.size, c)
  }
  if let failure = translateOnFirstCall(callee, c) { return .trap(failure) }
  guard let code = callee.pointee.code else { return .trap(.unsupported) }
  return enterCode(code, callee, newFP, returnPC, fp, c)
}

/// Operands: [function entry address, first argument slot].
@inline(__always)
func callOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let callee = UnsafeMutablePointer<FunctionEntry>(bitPattern: pc[1]).unsafelyUnwrapped
  return enter(callee, fp + pc[2], pc + 3, fp, md, ms, c)
}

/// Operands: [table state address, index slot, type id, first argument slot].
@inline(__always)
func callIndirectOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = UnsafeMutablePointer<TableState>(bitPattern: pc[1]).unsafelyUnwrapped
  let index = Int(u32(fp[pc[2]]))
  guard index < table.pointee.count else { return .trap(.undefinedElement) }
  let ref = table.pointee.elements[index]
  guard let callee = UnsafeMutablePointer<FunctionEntry>(bitPattern: UInt(ref)) else {
    c.pointee.trapIndex = index
    return .trap(.uninitializedElement)
  }
  return enterIndirect(callee, pc, fp, md, ms, c)
}

/// Enters `callee` for a `call_indirect` with operands [table, index slot, type id,
/// first argument slot] when its type is the one expected.
@inline(__always)
func enterIndirect(
  _ callee: UnsafeMutablePointer<FunctionEntry>, _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int,
  _ c: Ctx
) -> Exit {
  guard callee.pointee.typeID == pc[3] else {
    return enterIndirectSubtype(callee, pc, fp, md, ms, c)
  }
  return enter(callee, fp + pc[4], pc + 5, fp, md, ms, c)
}

/// `enterIndirect` when the type ids differ: the callee's type may still be a declared
/// subtype. A function of its own, entered by a sibling call, because the check is a
/// real call: inline, it made every `call_indirect` save and restore four registers.
@inline(never)
func enterIndirectSubtype(
  _ callee: UnsafeMutablePointer<FunctionEntry>, _ pc: PC, _ fp: FP, _ md: MD, _ ms: Int,
  _ c: Ctx
) -> Exit {
  guard isDeclaredSubtype(callee.pointee.typeID, of: pc[3], c) else {
    return .trap(.indirectCallTypeMismatch)
  }
  return enter(callee, fp + pc[4], pc + 5, fp, md, ms, c)
}

/// Operands: [reference slot, first argument slot]. The reference is read before
/// the callee's frame (which may cover its slot) is entered.
func callRefOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  guard
    let callee = UnsafeMutablePointer<FunctionEntry>(
      bitPattern: UInt(truncatingIfNeeded: fp[pc[1]]))
  else { return .trap(.nullFunctionReference) }
  return enter(callee, fp + pc[2], pc + 3, fp, md, ms, c)
}

/// Operands: [first result slot, result count]. Moves the results to the frame's
/// first slots and resumes the caller.
func returnOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let src = pc[1], n = pc[2]
  var i = 0
  while i < n {
    fp[i] = fp[src &+ i]
    i &+= 1
  }
  let top = c.pointee.frameTop - 1
  c.pointee.frameTop = top
  let m = top.pointee.callerMemory.pointee
  return next(top.pointee.returnPC, top.pointee.callerFP, m.base, m.size, c)
}

/// Operands: []. A return whose results are already in place.
func return0Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let top = c.pointee.frameTop - 1
  c.pointee.frameTop = top
  let m = top.pointee.callerMemory.pointee
  return next(top.pointee.returnPC, top.pointee.callerFP, m.base, m.size, c)
}

/// Operands: [result slot]. The common single-result return.
func return1Op(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  fp[0] = fp[pc[1]]
  let top = c.pointee.frameTop - 1
  c.pointee.frameTop = top
  let m = top.pointee.callerMemory.pointee
  return next(top.pointee.returnPC, top.pointee.callerFP, m.base, m.size, c)
}

/// Runs a host function on the arguments at `args`; writes its results there.
@inline(never)
func callHost(_ callee: UnsafeMutablePointer<FunctionEntry>, _ args: FP, _ c: Ctx) -> Exit {
  let runtime = c.pointee.runtime.takeUnretainedValue()
  return runtime.callHost(storeIndex: callee.pointee.storeIndex, args: args, context: c)
}

/// Translates a function body on its first call.
@inline(never)
func translateOnFirstCall(_ callee: UnsafeMutablePointer<FunctionEntry>, _ c: Ctx) -> TrapKind? {
  let runtime = c.pointee.runtime.takeUnretainedValue()
  return runtime.translate(storeIndex: callee.pointee.storeIndex)
}
