// Entering the guest from the host, and host functions called by the guest.
// https://webassembly.github.io/spec/core/exec/modules.html#invocation
//
// An invocation pushes a base frame whose return address is `haltCode` and runs
// the threaded code until it halts or traps. A host function that calls back into
// the guest starts a nested invocation above the slots its caller uses.

import Synchronization
import WasmCore

extension StoreRuntime {
  /// Allocates the value stack and the frame stack on first use; false if the
  /// configured sizes cannot be allocated.
  func prepareStacks() -> Bool {
    guard stack == nil else { return true }
    let (slots, depth) = stackSizes
    // Zeroed pages from the OS, touched only as deep as guests actually go.
    let (slotBytes, o1) = slots.multipliedReportingOverflow(by: MemoryLayout<UInt64>.stride)
    let (frameBytes, o2) = depth.multipliedReportingOverflow(by: MemoryLayout<CallFrame>.stride)
    guard !o1, !o2, let rawSlots = allocateStackPages(slotBytes) else { return false }
    guard let rawFrames = allocateStackPages(frameBytes) else {
      freeStackPages(rawSlots, byteCount: slotBytes)
      return false
    }
    let s = rawSlots.bindMemory(to: UInt64.self, capacity: slots)
    let f = rawFrames.bindMemory(to: CallFrame.self, capacity: depth)
    stack = s
    stackTop = s
    frames = f
    context.pointee.stackEnd = s + slots
    context.pointee.frameTop = f
    context.pointee.frameEnd = f + depth
    return true
  }

  /// The detail of the trap being built (a deferred validation error), cleared.
  func takeTrapDetail() -> String? {
    defer { context.pointee.trapDetail = nil }
    return context.pointee.trapDetail
  }

  /// Value-stack slots and call frames the stacks hold.
  var stackSizes: (slots: Int, frames: Int) {
    (max(configuration.valueStackSlots, 16), max(configuration.maxCallDepth, 1) + 1)
  }

  /// Calls `function` with `arguments` (already type-checked).
  func invoke(_ function: FunctionInstance, _ arguments: [Value]) throws(Trap) -> [Value] {
    guard prepareStacks() else { throw Trap(.callStackExhausted) }
    // An interrupted store refuses new calls until reset, even straight-line ones.
    if interruptFlag.pointee.load(ordering: .relaxed) & BudgetFlag.interrupted != 0 {
      throw Trap(.interrupted)
    }
    let type = function.type
    if let host = function.host {
      do {
        return try host(Caller(runtime: self, instance: nil), arguments)
      } catch let trap as Trap {
        throw trap
      } catch let exception as WasmException {
        var trap = Trap(.uncaughtException)
        trap.exception = exception
        throw trap
      } catch {
        throw Trap(.hostError, hostError: "\(error)")
      }
    }
    if let failure = translate(storeIndex: function.entry.pointee.storeIndex) {
      var trap = Trap(failure)
      trap.detail = takeTrapDetail()
      throw trap
    }
    let entry = function.entry
    let base = stackTop.unsafelyUnwrapped
    let c = context
    let savedFrameTop = c.pointee.frameTop
    let cells = type.mentionsV128 ? 2 : 1
    let needed = max(
      entry.pointee.frameSize, cells * type.parameters.count, cells * type.results.count)
    guard savedFrameTop < c.pointee.frameEnd, base + needed <= c.pointee.stackEnd else {
      throw Trap(.callStackExhausted)
    }
    for (i, argument) in arguments.enumerated() { store(argument, to: base + cells * i) }
    let locals = entry.pointee.localCount
    if locals > 0 { (base + entry.pointee.paramCount).update(repeating: 0, count: locals) }
    savedFrameTop.initialize(
      to: CallFrame(returnPC: haltCode, callerFP: base, callerMemory: noMemory, function: entry))
    c.pointee.frameTop = savedFrameTop + 1
    let memory = entry.pointee.memory.pointee
    let exit = runCode(entry.pointee.code.unsafelyUnwrapped, base, memory.base, memory.size, c)
    if exit == .done {
      return type.results.enumerated().map { load(from: base + cells * $0.offset, as: $0.element) }
    }
    if exit == .exception, let exception = c.pointee.pendingException {
      c.pointee.pendingException = nil
      c.pointee.frameTop = savedFrameTop
      var trap = Trap(.uncaughtException)
      trap.exception = exceptionValue(exception)
      if !exception.pointee.isExposed { releaseException(exception) }
      throw trap
    }
    let trap = makeTrap(exit, frames: savedFrameTop..<c.pointee.frameTop)
    c.pointee.frameTop = savedFrameTop
    throw trap
  }

  func makeTrap(_ exit: Exit, frames: Range<UnsafeMutablePointer<CallFrame>>) -> Trap {
    var trap = Trap(exit.trapKind ?? .unsupported)
    if trap.kind == .hostError {
      trap.hostError = context.pointee.hostError
      context.pointee.hostError = nil
    }
    if trap.kind == .uninitializedElement { trap.elementIndex = context.pointee.trapIndex }
    if trap.kind == .invalidFunctionBody { trap.detail = takeTrapDetail() }
    var frame = frames.upperBound
    // The backtrace is for people: keep it short on runaway recursion.
    while frame > frames.lowerBound, trap.backtrace.count < 100 {
      frame -= 1
      let function = functions[frame.pointee.function.pointee.storeIndex]
      let names = function.instance?.module.names
      trap.backtrace.append(
        BacktraceFrame(
          functionIndex: function.functionIndex,
          functionName: names?.functionNames[UInt32(truncatingIfNeeded: function.functionIndex)],
          moduleName: names?.moduleName))
    }
    return trap
  }

  /// Runs a host function for the guest: arguments are at `args`, results go there.
  func callHost(storeIndex: Int, args: FP, context c: Ctx) -> Exit {
    let function = functions[storeIndex]
    guard let host = function.host else { return .trap(.unsupported) }
    let type = function.type
    var arguments: [Value] = []
    arguments.reserveCapacity(type.parameters.count)
    let cells = type.mentionsV128 ? 2 : 1
    for (i, t) in type.parameters.enumerated() {
      arguments.append(load(from: args + cells * i, as: t))
    }
    // Nested invocations start above the slots this call uses.
    let savedTop = stackTop
    stackTop = args + cells * max(type.parameters.count, type.results.count)
    defer { stackTop = savedTop }
    let callerFunction = (c.pointee.frameTop - 1).pointee.function.pointee.storeIndex
    let caller = Caller(runtime: self, instance: functions[callerFunction].instance)
    if let observer = hostCallObserver { observer(caller) }
    let results: [Value]
    do {
      results = try host(caller, arguments)
    } catch let trap as Trap {
      if trap.kind == .uncaughtException, let exception = trap.exception {
        // A guest exception the host let through (a nested call): it goes on.
        return raise(exception, c)
      }
      if trap.kind == .hostError { c.pointee.hostError = trap.hostError }
      return .trap(trap.kind)
    } catch let exception as WasmException {
      return raise(exception, c)
    } catch {
      c.pointee.hostError = "\(error)"
      return .trap(.hostError)
    }
    guard admits(results, as: types.storeFunctionType(function.entry.pointee.typeID).results) else {
      c.pointee.hostError = "host function returned values of the wrong type"
      return .trap(.hostError)
    }
    for (i, v) in results.enumerated() { store(v, to: args + cells * i) }
    return .proceed
  }

  /// Turns a host's `WasmException` into a guest exception about to propagate.
  func raise(_ exception: WasmException, _ c: Ctx) -> Exit {
    guard let object = makeException(exception) else {
      c.pointee.hostError = "host threw an exception whose tag or values do not match"
      return .trap(.hostError)
    }
    c.pointee.pendingException = object
    return .exception
  }
}
