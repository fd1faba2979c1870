// Tail calls: `return_call`, `return_call_indirect`, `return_call_ref`.
// https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-control-mathsf-return-call-x
//
// The callee takes over the caller's frame: its arguments move to the frame's first
// cells, the call frame on the interpreter's stack is relabelled with the callee
// (same return address, same caller), and the callee's code continues. No frame is
// pushed, so a tail-recursive loop runs in constant space, and a backtrace shows
// the function that is running. Every tail call checks fuel and interruption, as
// calls do.

/// Operands: [callee entry, first argument slot, argument cells].
func returnCallOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let callee = pointer(pc[1], as: FunctionEntry.self)
  return tailEnter(callee, fp + pc[2], pc[3], fp, c)
}

/// Operands: [table state address, index slot, type id, first argument slot,
/// argument cells].
func returnCallIndirectOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let table = pointer(pc[1], as: TableState.self)
  let index = Int(u32(fp[pc[2]]))
  guard index < table.pointee.count else { return .trap(.undefinedElement) }
  guard
    let callee = UnsafeMutablePointer<FunctionEntry>(
      bitPattern: UInt(table.pointee.elements[index]))
  else {
    c.pointee.trapIndex = index
    return .trap(.uninitializedElement)
  }
  guard callee.pointee.typeID == pc[3] || isDeclaredSubtype(callee.pointee.typeID, of: pc[3], c)
  else { return .trap(.indirectCallTypeMismatch) }
  return tailEnter(callee, fp + pc[4], pc[5], fp, c)
}

/// Operands: [reference slot, first argument slot, argument cells].
func returnCallRefOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  guard
    let callee = UnsafeMutablePointer<FunctionEntry>(
      bitPattern: UInt(truncatingIfNeeded: fp[pc[1]]))
  else { return .trap(.nullFunctionReference) }
  return tailEnter(callee, fp + pc[2], pc[3], fp, c)
}

/// Replaces the running function's frame at `fp` with `callee`'s, its `cells`
/// argument cells taken from `args`.
@inline(__always)
func tailEnter(
  _ callee: UnsafeMutablePointer<FunctionEntry>, _ args: FP, _ cells: Int, _ fp: FP, _ c: Ctx
) -> Exit {
  if let kind = budgetExceeded(c) { return .trap(kind) }
  guard let code = callee.pointee.code else {
    return tailEnterWithoutCode(callee, args, cells, fp, c)
  }
  guard fp + callee.pointee.frameSize <= c.pointee.stackEnd else {
    return .trap(.callStackExhausted)
  }
  // Ascending: the arguments sit above the frame's first cells (args >= fp).
  var i = 0
  while i < cells {
    fp[i] = args[i]
    i &+= 1
  }
  (c.pointee.frameTop - 1).pointee.function = callee
  // As `enterCode`: the `memset` of many locals is a sibling call away.
  let locals = callee.pointee.localCount
  if locals > 4 { return zeroLocalsThenEnter(code, callee, fp, c) }
  if locals > 0 { zeroFewLocals(fp + callee.pointee.paramCount, locals) }
  let m = callee.pointee.memory.pointee
  return next(code, fp, m.base, m.size, c)
}

/// The slow path of a tail call: a body to translate first, or a host function,
/// which runs as a call followed by this function's return.
@inline(never)
func tailEnterWithoutCode(
  _ callee: UnsafeMutablePointer<FunctionEntry>, _ args: FP, _ cells: Int, _ fp: FP, _ c: Ctx
) -> Exit {
  if !callee.pointee.isHost {
    if let failure = translateOnFirstCall(callee, c) { return .trap(failure) }
    guard callee.pointee.code != nil else { return .trap(.unsupported) }
    return tailEnter(callee, args, cells, fp, c)
  }
  let exit = callHost(callee, args, c)
  let top = c.pointee.frameTop - 1
  if exit == .exception, let exception = c.pointee.pendingException {
    // This function's frame is gone: the exception propagates from its caller.
    c.pointee.pendingException = nil
    return unwindFromCaller(exception, c)
  }
  if exit != .proceed { return exit }
  let type = c.pointee.runtime.takeUnretainedValue().functions[callee.pointee.storeIndex].type
  let resultCells = (type.mentionsV128 ? 2 : 1) * type.results.count
  var i = 0
  while i < resultCells {
    fp[i] = args[i]
    i &+= 1
  }
  c.pointee.frameTop = top
  let m = top.pointee.callerMemory.pointee
  return next(top.pointee.returnPC, top.pointee.callerFP, m.base, m.size, c)
}

/// Propagates `exception` from the caller of the running function, whose frame is
/// dropped (a tail-called host function threw).
func unwindFromCaller(_ exception: ExceptionPointer, _ c: Ctx) -> Exit {
  let top = c.pointee.frameTop - 1
  if top.pointee.returnPC == haltCode {
    c.pointee.pendingException = exception
    return .exception
  }
  c.pointee.frameTop = top
  return unwind(exception, at: top.pointee.returnPC, top.pointee.callerFP, c)
}

/// Operands: [dst, src]: traps on null, else copies.
func refAsNonNullOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let value = fp[pc[2]]
  guard value != 0 else { return .trap(.nullReference) }
  fp[pc[1]] = value
  return next(pc + 3, fp, md, ms, c)
}

/// Operands: [condition, target]; branches when the i64 value (a reference) is not
/// zero, back-edge.
func brIfNonZero64LoopOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  if fp[pc[1]] != 0 {
    if let kind = budgetExceeded(c) { return .trap(kind) }
    return next(pc + pc[2], fp, md, ms, c)
  }
  return next(pc + 3, fp, md, ms, c)
}
