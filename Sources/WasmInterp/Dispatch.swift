// The dispatch core: handler type, the machine state shared by handlers, and the
// two ways of running a code stream.
//
// Code is a stream of machine words: a handler's address, then its operands
// (slot indices relative to the frame pointer, immediates, pointers). Each
// handler does its work and ends with `return next(...)`, which reads the next
// handler from the stream and calls it. In optimised builds that call compiles to
// a sibling call (`jmp`), so dispatch is threaded and never grows the native
// stack. In debug builds Swift emits real calls, so there `next` instead saves
// the state and returns to `runCode`'s loop, the fallback dispatcher.
// See docs/interpreter.md and docs/dispatch.md for the measurements.

import Synchronization

/// What a handler returns: keep going (debug dispatch only), finished, or a trap.
@usableFromInline
struct Exit: Equatable, Sendable {
  @usableFromInline var raw: UInt8
  @inlinable init(raw: UInt8) { self.raw = raw }
  @usableFromInline static let proceed = Exit(raw: 0)
  @usableFromInline static let done = Exit(raw: 255)
  /// A Wasm exception is propagating (`ExecContext.pendingException`): from a host
  /// call to the unwinder, or out of an invocation to its host caller.
  @usableFromInline static let exception = Exit(raw: 254)
  @inlinable static func trap(_ kind: TrapKind) -> Exit { Exit(raw: kind.rawValue) }
  var trapKind: TrapKind? { TrapKind(rawValue: raw) }
}

/// The handler type: program counter, frame pointer, memory base, memory size in
/// bytes, execution context. All five travel in registers across handlers.
///
/// Handler values are written as closures, `{ i32Add($0, $1, $2, $3, $4) }`:
/// in Swift 6 mode, converting a global function itself to a thin function type
/// crashes the 6.3 compiler ("nontrivial thin function reference"), while a
/// non-capturing closure converts fine and inlines the handler at -O.
typealias Handler =
  @convention(thin) (
    UnsafePointer<Int>, UnsafeMutablePointer<UInt64>, UnsafeMutableRawPointer, Int,
    UnsafeMutablePointer<ExecContext>
  ) -> Exit

/// A linear memory's current base and size; handlers cache both in registers
/// and reload them from here after anything that may grow the memory.
struct MemoryState {
  var base: UnsafeMutableRawPointer
  var size: Int
  /// The most pages `memory.grow` may reach (type maximum, capped by configuration).
  var maxPages: Int
  /// Bytes of address space reserved at `base` for growth in place (0: the bytes
  /// come from malloc and growth reallocates; see Storage.swift).
  var reserved: Int = 0
}

/// A table's elements (reference encodings, see `Reference`) and length.
struct TableState {
  var elements: UnsafeMutablePointer<UInt64>
  var count: Int
  /// The most elements `table.grow` may reach.
  var maxCount: Int
}

/// A data or element segment of an instance: bytes, or reference encodings.
/// `data.drop` / `elem.drop` set the count to zero.
struct SegmentState {
  var base: UnsafeMutableRawPointer?
  var count: Int
}

/// What a call needs to know about a function, at a stable address: call
/// instructions and funcref values point at it.
struct FunctionEntry {
  /// Translated code; nil for host functions and not-yet-translated bodies.
  var code: UnsafePointer<Int>?
  /// Slots a frame of this function needs (params, locals, operand stack, spills).
  var frameSize: Int
  var paramCount: Int
  var resultCount: Int
  /// Declared locals (not params), zeroed on entry.
  var localCount: Int
  /// Store-wide id of the function type, for `call_indirect`'s check.
  var typeID: Int
  /// The memory 0 of the function's instance (a dummy empty one if none).
  var memory: UnsafeMutablePointer<MemoryState>
  /// Index in the store's function list (host closure, lazy translation, backtrace).
  var storeIndex: Int
  var isHost: Bool
  /// The body's exception handlers (`try_table` catch clauses, see
  /// ExceptionHandlers.swift), nil when it has none.
  var handlers: UnsafePointer<Int>? = nil
}

/// One activation on the interpreter's own call stack.
struct CallFrame {
  var returnPC: UnsafePointer<Int>
  var callerFP: UnsafeMutablePointer<UInt64>
  var callerMemory: UnsafeMutablePointer<MemoryState>
  /// The function this frame runs (for backtraces and `memory.grow`).
  var function: UnsafeMutablePointer<FunctionEntry>
}

/// The state of one execution, reached through a pointer from every handler.
struct ExecContext {
  /// Next free call frame, and the end of the frame area.
  var frameTop: UnsafeMutablePointer<CallFrame>
  var frameEnd: UnsafeMutablePointer<CallFrame>
  /// End of the value-slot stack.
  var stackEnd: UnsafeMutablePointer<UInt64>
  /// Remaining fuel; `Int.max` when fuel is not metered.
  var fuel: Int
  /// `BudgetFlag` bits: set by another thread to stop execution, and by the store
  /// when fuel is metered (read at back-edges and calls).
  var interrupt: UnsafeMutablePointer<Atomic<UInt8>>
  /// The store, for the slow paths (host calls, lazy translation, grow).
  var runtime: Unmanaged<StoreRuntime>
  /// Where the debug dispatcher keeps the state between handler returns.
  var pc: UnsafePointer<Int>
  var fp: UnsafeMutablePointer<UInt64>
  var md: UnsafeMutableRawPointer
  var ms: Int
  /// A host function's error, kept until the trap is built.
  var hostError: String?
  /// The table index of an `uninitialized element` trap, for its message.
  var trapIndex: Int
  /// The validation error of an `invalid function body` trap, kept until the trap is
  /// built.
  var trapDetail: String?
  /// The exception being propagated when a handler returns `Exit.exception`.
  var pendingException: ExceptionPointer? = nil
}

/// Continues with the handler at `pc`.
@inline(__always)
func next(
  _ pc: UnsafePointer<Int>, _ fp: UnsafeMutablePointer<UInt64>, _ md: UnsafeMutableRawPointer,
  _ ms: Int, _ ctx: UnsafeMutablePointer<ExecContext>
) -> Exit {
  #if DEBUG
    ctx.pointee.pc = pc
    ctx.pointee.fp = fp
    ctx.pointee.md = md
    ctx.pointee.ms = ms
    return .proceed
  #else
    return unsafeBitCast(pc.pointee, to: Handler.self)(pc, fp, md, ms, ctx)
  #endif
}

/// Runs code from `pc` until a handler reports `done` or a trap.
func runCode(
  _ pc: UnsafePointer<Int>, _ fp: UnsafeMutablePointer<UInt64>, _ md: UnsafeMutableRawPointer,
  _ ms: Int, _ ctx: UnsafeMutablePointer<ExecContext>
) -> Exit {
  #if DEBUG
    ctx.pointee.pc = pc
    ctx.pointee.fp = fp
    ctx.pointee.md = md
    ctx.pointee.ms = ms
    while true {
      let pc = ctx.pointee.pc
      let exit = unsafeBitCast(pc.pointee, to: Handler.self)(
        pc, ctx.pointee.fp, ctx.pointee.md, ctx.pointee.ms, ctx)
      if exit != .proceed { return exit }
    }
  #else
    return unsafeBitCast(pc.pointee, to: Handler.self)(pc, fp, md, ms, ctx)
  #endif
}

/// The address of a handler, as stored in the code stream.
@inline(__always)
func word(_ handler: Handler) -> Int { unsafeBitCast(handler, to: Int.self) }

typealias PC = UnsafePointer<Int>
typealias FP = UnsafeMutablePointer<UInt64>
typealias MD = UnsafeMutableRawPointer
typealias Ctx = UnsafeMutablePointer<ExecContext>
