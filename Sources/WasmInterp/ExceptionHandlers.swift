// Exception handling: `throw`, `throw_ref` and the unwinder that finds the
// `try_table` catching an exception.
// https://webassembly.github.io/spec/core/exec/instructions.html#exception-handling
//
// Nothing runs when a `try_table` is entered or left: each translated body carries
// a handler table (`FunctionEntry.handlers`) listing its try_table ranges, innermost
// first, with their catch clauses. Throwing walks the interpreter's own call stack
// in a loop (no native recursion): for each frame it looks up the position the frame
// is at (the throw itself, or the return address of the call it made) in that
// function's table; a matching clause writes the exception's values (and/or the
// exception reference) where its label expects them and continues at a landing pad
// that branches to the label. Frames without a match are popped. Reaching the base
// frame of the invocation hands the exception to the host (`Exit.exception`).
//
// Handler table layout, one flat `[Int]`: [entry count, frame stride, entries...],
// an entry being [start, end, clause count, clauses...] and a clause [tag state
// address (0: any exception), clause kind, first destination cell, landing pad],
// positions as word offsets in the body's code. A position p is inside an entry
// when start < p <= end: the position after a throw's handler word, or a call's
// return address.

import WasmCore

/// An exception in flight or held by an `exnref`: a header followed by the payload
/// cells, at the tag type's stride (two cells a value when it mentions v128).
struct ExceptionHeader {
  var tag: UnsafeMutablePointer<TagState>
  /// Payload cells after the header.
  var cellCount: Int
  /// Whether an `exnref` to it may exist (then the store frees it, not the catch).
  var isExposed: Bool
}

typealias ExceptionPointer = UnsafeMutablePointer<ExceptionHeader>

/// What throwing and catching need to know about a tag; its address is the tag's
/// identity.
struct TagState {
  /// Store-wide id of the tag's function type.
  var typeID: Int
  var valueCount: Int
  /// 2 when the tag's type mentions v128, else 1.
  var cellsPerValue: Int
}

extension ExceptionHeader {
  /// A new exception of `tag`, its payload uninitialised; released by
  /// `releaseException` (or by the store, once exposed).
  static func allocate(tag: UnsafeMutablePointer<TagState>) -> ExceptionPointer {
    let cells = tag.pointee.valueCount * tag.pointee.cellsPerValue
    let bytes = MemoryLayout<ExceptionHeader>.stride + cells * MemoryLayout<UInt64>.stride
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: bytes, alignment: MemoryLayout<ExceptionHeader>.alignment)
    let header = raw.bindMemory(to: ExceptionHeader.self, capacity: 1)
    header.initialize(to: ExceptionHeader(tag: tag, cellCount: cells, isExposed: false))
    return header
  }

  /// The payload cells of `exception`.
  static func payload(_ exception: ExceptionPointer) -> UnsafeMutablePointer<UInt64> {
    UnsafeMutableRawPointer(exception + 1).assumingMemoryBound(to: UInt64.self)
  }
}

/// Operands: [tag state address, first value slot, frame stride].
func throwOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  let tag = pointer(pc[1], as: TagState.self)
  let exception = ExceptionHeader.allocate(tag: tag)
  let payload = ExceptionHeader.payload(exception)
  let first = pc[2], frameStride = pc[3], cells = tag.pointee.cellsPerValue
  var k = 0
  while k < tag.pointee.valueCount {
    payload[k &* cells] = fp[first &+ k &* frameStride]
    if cells == 2 { payload[k &* 2 &+ 1] = fp[first &+ k &* frameStride &+ 1] }
    k &+= 1
  }
  return unwind(exception, at: pc + 1, fp, c)
}

/// Operands: [exception reference slot].
func throwRefOp(_ pc: PC, _ fp: FP, _ md: MD, _ ms: Int, _ c: Ctx) -> Exit {
  guard let exception = ExceptionPointer(bitPattern: UInt(truncatingIfNeeded: fp[pc[1]])) else {
    return .trap(.nullExceptionReference)
  }
  return unwind(exception, at: pc + 1, fp, c)
}

/// Propagates `exception` from `position` in the frame at `fp` (the innermost
/// frame on the interpreter's stack) to the first catch clause that takes it.
@inline(never)
func unwind(_ exception: ExceptionPointer, at position: PC, _ fp: FP, _ c: Ctx) -> Exit {
  var position = position
  var fp = fp
  while true {
    let top = c.pointee.frameTop - 1
    let function = top.pointee.function
    if let table = function.pointee.handlers, let code = function.pointee.code,
      let target = catchException(exception, at: position - code, table: table, fp: fp, c)
    {
      let m = function.pointee.memory.pointee
      return next(code + target, fp, m.base, m.size, c)
    }
    let returnPC = top.pointee.returnPC
    if returnPC == haltCode {
      // The invocation's base frame: the exception leaves the guest.
      c.pointee.pendingException = exception
      return .exception
    }
    c.pointee.frameTop = top
    position = returnPC
    fp = top.pointee.callerFP
  }
}

/// Finds the clause of `table` catching `exception` at code offset `offset`, delivers
/// the exception to its label and returns the landing pad's offset.
@inline(__always)
func catchException(
  _ exception: ExceptionPointer, at offset: Int, table: UnsafePointer<Int>, fp: FP, _ c: Ctx
) -> Int? {
  let entries = table[0], frameStride = table[1]
  let tag = Int(bitPattern: UInt(bitPattern: exception.pointee.tag))
  var entry = table + 2
  var e = 0
  while e < entries {
    let start = entry[0], end = entry[1], clauses = entry[2]
    if start < offset && offset <= end {
      var clause = entry + 3
      var k = 0
      while k < clauses {
        if clause[0] == 0 || clause[0] == tag {
          deliver(exception, kind: clause[1], to: fp + clause[2], frameStride: frameStride, c)
          return clause[3]
        }
        clause += 4
        k &+= 1
      }
    }
    entry += 3 &+ 4 &* clauses
    e &+= 1
  }
  return nil
}

/// Writes what a catch clause of `kind` passes to its label at `destination`.
func deliver(
  _ exception: ExceptionPointer, kind rawKind: Int, to destination: FP, frameStride: Int,
  _ c: Ctx
) {
  let kind = CatchClause.Kind(rawValue: UInt8(truncatingIfNeeded: rawKind)) ?? .catchAll
  var next = 0
  if kind.hasTag {
    let payload = ExceptionHeader.payload(exception)
    let tag = exception.pointee.tag.pointee
    var k = 0
    while k < tag.valueCount {
      destination[k &* frameStride] = payload[k &* tag.cellsPerValue]
      if tag.cellsPerValue == 2 { destination[k &* frameStride &+ 1] = payload[k &* 2 &+ 1] }
      k &+= 1
    }
    next = tag.valueCount &* frameStride
  }
  if kind.passesReference {
    destination[next] = UInt64(UInt(bitPattern: exception))
    c.pointee.runtime.takeUnretainedValue().expose(exception)
  } else if !exception.pointee.isExposed {
    // Caught by value and never referenced: nothing can reach it any more.
    releaseException(exception)
  }
}

/// Frees an exception no `exnref` refers to.
func releaseException(_ exception: ExceptionPointer) {
  exception.deinitialize(count: 1)
  UnsafeMutableRawPointer(exception).deallocate()
}
