// The store's internals: function, memory, table and global instances, and the
// unmanaged state (entries, code, stacks) that handlers reach through pointers.
// https://webassembly.github.io/spec/core/exec/runtime.html#store
//
// Everything a handler touches lives in manually allocated memory owned by these
// objects, so the hot loop sees raw pointers only: no ARC, no exclusivity checks.
// The store owns all instances and frees everything when it goes away.

import Synchronization
import WasmCore

/// The body of a host function: arguments in, results out; throwing traps.
public typealias HostFunctionBody = (Caller, [Value]) throws -> [Value]

final class FunctionInstance {
  let entry: UnsafeMutablePointer<FunctionEntry>
  let type: FunctionType
  let host: HostFunctionBody?
  /// The defining instance (nil for host functions). The store owns instances.
  unowned(unsafe) var instance: InstanceRuntime?
  /// Index in the defining module's function index space.
  let functionIndex: Int
  var code: UnsafeMutablePointer<Int>?
  /// Words at `code` (tests read the translated body through it).
  var codeCount = 0
  /// The translated body's exception handler table (see ExceptionHandlers.swift).
  var handlerTable: UnsafeMutablePointer<Int>?

  init(
    entry: UnsafeMutablePointer<FunctionEntry>, type: FunctionType, host: HostFunctionBody?,
    instance: InstanceRuntime?, functionIndex: Int
  ) {
    self.entry = entry
    self.type = type
    self.host = host
    self.instance = instance
    self.functionIndex = functionIndex
  }

  deinit {
    code?.deallocate()
    handlerTable?.deallocate()
    entry.deallocate()
  }
}

final class MemoryInstance {
  let state: UnsafeMutablePointer<MemoryState>
  let type: MemoryType
  init(state: UnsafeMutablePointer<MemoryState>, type: MemoryType) {
    self.state = state
    self.type = type
  }
  deinit { MemoryState.free(state) }
  var pages: Int { state.pointee.size / wasmPageSize }
}

final class TableInstance {
  let state: UnsafeMutablePointer<TableState>
  /// The type, in store form (concrete types as store ids, see TypeRegistry).
  let type: TableType
  init(state: UnsafeMutablePointer<TableState>, type: TableType) {
    self.state = state
    self.type = type
  }
  deinit { TableState.free(state) }
}

final class GlobalInstance {
  let cell: UnsafeMutablePointer<UInt64>
  /// The type, in store form (concrete types as store ids, see TypeRegistry).
  let type: GlobalType
  /// Two cells, so that a v128 global fits (scalars use the first).
  init(type: GlobalType, value: UInt64, high: UInt64 = 0) {
    self.type = type
    cell = .allocate(capacity: 2)
    cell.initialize(to: value)
    (cell + 1).initialize(to: high)
  }
  deinit { cell.deallocate() }
}

/// An exception tag; its state's address is its identity (what catch clauses compare).
final class TagInstance {
  let state: UnsafeMutablePointer<TagState>
  /// The function type of its values (parameters; no results).
  let type: FunctionType
  init(type: FunctionType, typeID: Int) {
    self.type = type
    state = .allocate(capacity: 1)
    state.initialize(
      to: TagState(
        typeID: typeID, valueCount: type.parameters.count, cellsPerValue: type.mentionsV128 ? 2 : 1)
    )
  }
  deinit { state.deallocate() }
}

/// One instantiated module.
final class InstanceRuntime {
  let module: Module
  var functions: [FunctionInstance] = []
  var tables: [TableInstance] = []
  var memories: [MemoryInstance] = []
  var globals: [GlobalInstance] = []
  var tags: [TagInstance] = []
  /// The store id of each type of the module's type section.
  var typeIDs: [Int] = []
  var dataSegments: [UnsafeMutablePointer<SegmentState>] = []
  var elementSegments: [UnsafeMutablePointer<SegmentState>] = []
  var exports: [Name: ExternalValue] = [:]
  var environment: TranslationEnvironment?
  /// Set when the module's function bodies are validated on first translation.
  var deferredBodyValidation: ValidationContext?

  init(module: Module) { self.module = module }

  deinit {
    for s in dataSegments {
      s.pointee.base?.deallocate()
      s.deallocate()
    }
    for s in elementSegments {
      s.pointee.base?.deallocate()
      s.deallocate()
    }
  }
}

/// An export or import, inside the runtime.
enum ExternalValue {
  case function(FunctionInstance)
  case table(TableInstance)
  case memory(MemoryInstance)
  case global(GlobalInstance)
  case tag(TagInstance)
}

/// The code every invocation's base frame returns to.
nonisolated(unsafe) let haltCode: UnsafePointer<Int> = {
  let p = UnsafeMutablePointer<Int>.allocate(capacity: 1)
  p.initialize(to: word({ haltOp($0, $1, $2, $3, $4) }))
  return UnsafePointer(p)
}()

/// Source of `StoreRuntime.serial`: a number no other store of the process has had.
private let storeSerials = Atomic<UInt64>(0)

final class StoreRuntime {
  let configuration: InterpreterConfiguration
  /// Names this store in the values it hands out (`FunctionReference`), so that a
  /// value from another store, even one freed since, is refused rather than read
  /// as one of this store's.
  let serial = storeSerials.add(1, ordering: .relaxed).newValue
  var functions: [FunctionInstance] = []
  var instances: [InstanceRuntime] = []
  var types = TypeRegistry()
  /// Exceptions an `exnref` may refer to: they live as long as the store.
  var exposedExceptions: [ExceptionPointer] = []
  /// The GC heap (GCCollector.swift): every object's address, the bytes they take,
  /// and the size at which the next allocation from running code collects first.
  var gcObjects: Set<UInt> = []
  var gcBytes = 0
  var gcThreshold = GCStatistics.minimumThreshold
  var gcStatistics = GCStatistics()
  /// Objects the host holds, by address: roots until released (GCHostReferences.swift).
  var hostHandles: [UInt: GCHostHandle] = [:]
  /// Struct and array layouts by store type id (GCObjects.swift).
  var gcLayouts: [Int: UnsafeMutablePointer<Int>] = [:]
  /// Every tag of the store, by the address of its state (exceptions name their tag
  /// by that address).
  var tags: [UnsafeMutableRawPointer: TagInstance] = [:]
  /// `Store.hostCallObserver`.
  var hostCallObserver: ((Caller) -> Void)?
  let context: UnsafeMutablePointer<ExecContext>
  let interruptFlag: UnsafeMutablePointer<Atomic<UInt8>>
  /// An empty memory for functions of instances without one.
  let noMemory: UnsafeMutablePointer<MemoryState>
  var stack: UnsafeMutablePointer<UInt64>?
  var frames: UnsafeMutablePointer<CallFrame>?
  /// Where the next invocation's frame starts (moves up during host calls).
  var stackTop: UnsafeMutablePointer<UInt64>?

  init(configuration: InterpreterConfiguration) {
    self.configuration = configuration
    interruptFlag = .allocate(capacity: 1)
    interruptFlag.initialize(to: Atomic<UInt8>(0))
    noMemory = MemoryState.allocate(pages: 0, maxPages: 0)!
    context = .allocate(capacity: 1)
    // All stored properties are set: the context may now refer to self.
    let nowhere = UnsafeMutablePointer<UInt64>(bitPattern: 8).unsafelyUnwrapped
    let noFrame = UnsafeMutablePointer<CallFrame>(bitPattern: 8).unsafelyUnwrapped
    context.initialize(
      to: ExecContext(
        frameTop: noFrame, frameEnd: noFrame, stackEnd: nowhere, fuel: .max,
        interrupt: interruptFlag, runtime: Unmanaged.passUnretained(self),
        pc: haltCode, fp: nowhere, md: noMemory.pointee.base, ms: 0, hostError: nil, trapIndex: 0,
        trapDetail: nil))
  }

  deinit {
    // Instances and functions reference the entries; drop them first.
    instances.removeAll()
    functions.removeAll()
    for exception in exposedExceptions { releaseException(exception) }
    for (_, handle) in hostHandles { handle.isReleased = true }
    releaseObjects()
    if let pending = context.pointee.pendingException, !pending.pointee.isExposed {
      releaseException(pending)
    }
    context.deinitialize(count: 1)
    context.deallocate()
    interruptFlag.deinitialize(count: 1)
    interruptFlag.deallocate()
    MemoryState.free(noMemory)
    let (slots, depth) = stackSizes
    if let stack { freeStackPages(stack, byteCount: slots * MemoryLayout<UInt64>.stride) }
    if let frames { freeStackPages(frames, byteCount: depth * MemoryLayout<CallFrame>.stride) }
  }

  /// Marks an exception as referenced by an `exnref`: the store frees it.
  func expose(_ exception: ExceptionPointer) {
    guard !exception.pointee.isExposed else { return }
    exception.pointee.isExposed = true
    exposedExceptions.append(exception)
  }

  /// Allocates a function entry and registers the function in the store.
  /// `typeID`: the store id of its type (for host functions, derived from `type`).
  func addFunction(
    type: FunctionType, typeID: Int? = nil, host: HostFunctionBody?, instance: InstanceRuntime?,
    functionIndex: Int, memory: UnsafeMutablePointer<MemoryState>?
  ) -> FunctionInstance {
    let entry = UnsafeMutablePointer<FunctionEntry>.allocate(capacity: 1)
    let params = type.parameters.count, results = type.results.count
    let cells = type.mentionsV128 ? 2 : 1
    entry.initialize(
      to: FunctionEntry(
        code: nil, frameSize: cells * max(params, results, 1), paramCount: cells * params,
        resultCount: results,
        localCount: 0, typeID: typeID ?? types.id(of: type), memory: memory ?? noMemory,
        storeIndex: functions.count, isHost: host != nil))
    let function = FunctionInstance(
      entry: entry, type: type, host: host, instance: instance, functionIndex: functionIndex)
    functions.append(function)
    return function
  }

  // MARK: References

  /// Whether `value`, from the host, may go into a slot of `type` (store form): it has
  /// the type (`Value.hasType`), a reference belongs to this store and was not
  /// released, and a non-null reference of a concrete type is of that type or a
  /// subtype. Every value the host hands in passes here before it is encoded: code
  /// trusts the validated types, so a struct of another type read as `$t`, or a
  /// function of another signature called through `call_ref`, would read past the
  /// object or the frame.
  func admits(_ value: Value, as type: ValueType) -> Bool {
    guard value.hasType(type) else { return false }
    switch value {
    case .funcRef(let r?):
      guard r.storeSerial == serial, r.storeIndex >= 0, r.storeIndex < functions.count else {
        return false
      }
    case .anyRef(let a?):
      if let handle = a.handle, handle.runtime !== self || handle.isReleased { return false }
    case .exnRef(let x?):
      guard x.runtime === self else { return false }
    default:
      return true  // numbers, vectors, host values and nulls: `hasType` said it all
    }
    guard case .ref(let r) = type, case .concrete(let id) = r.heapType else { return true }
    return referenceMatches(encode(value), target: Int(id))
  }

  /// Whether each value may go into a slot of the type beside it (`admits`).
  func admits(_ values: [Value], as types: [ValueType]) -> Bool {
    values.count == types.count && zip(values, types).allSatisfy { admits($0, as: $1) }
  }

  func encode(_ value: Value) -> UInt64 {
    switch value {
    case .i32(let v): return UInt64(v)
    case .i64(let v): return v
    case .f32(let v): return UInt64(v)
    case .f64(let v): return v
    case .funcRef(let r):
      guard let r, r.storeIndex >= 0, r.storeIndex < functions.count else { return 0 }
      return UInt64(UInt(bitPattern: functions[r.storeIndex].entry))
    case .externRef(let r):
      guard let r, r <= GCRef.maxHostValue else { return 0 }
      return GCRef.host(r)
    case .anyRef(let r):
      guard let r else { return 0 }
      guard let handle = r.handle else { return r.bits }
      return handle.runtime === self && !handle.isReleased ? r.bits : 0
    case .exnRef(let r):
      guard let r, r.runtime === self else { return 0 }
      return UInt64(UInt(bitPattern: r.object))
    case .v128(let v): return v.low
    }
  }

  /// Writes `value` at `cells` (two cells for a v128).
  func store(_ value: Value, to cells: UnsafeMutablePointer<UInt64>) {
    if case .v128(let v) = value {
      cells[0] = v.low
      cells[1] = v.high
    } else {
      cells[0] = encode(value)
    }
  }

  /// Reads a value of `type` from `cells`.
  func load(from cells: UnsafeMutablePointer<UInt64>, as type: ValueType) -> Value {
    type == .v128 ? .v128(V128(low: cells[0], high: cells[1])) : decode(cells[0], as: type)
  }

  func decode(_ cell: UInt64, as type: ValueType) -> Value {
    switch type {
    case .i32: return .i32(UInt32(truncatingIfNeeded: cell))
    case .i64: return .i64(cell)
    case .f32: return .f32(UInt32(truncatingIfNeeded: cell))
    case .f64: return .f64(cell)
    case .v128: return .v128(V128(low: cell, high: 0))
    case .ref(let r):
      switch Value.Kind(r.heapType) {
      case .function:
        guard
          let entry = UnsafeMutablePointer<FunctionEntry>(
            bitPattern: UInt(truncatingIfNeeded: cell))
        else { return .funcRef(nil) }
        // A concrete reference type may be a struct or array type.
        if GCHeader.isObject(cell) { return .anyRef(hostReference(cell)) }
        return .funcRef(
          FunctionReference(storeIndex: entry.pointee.storeIndex, storeSerial: serial))
      case .extern, .any:
        if cell == 0 {
          return Value.Kind(r.heapType) == .extern ? .externRef(nil) : .anyRef(nil)
        }
        if GCRef.isHost(cell) { return .externRef(GCRef.hostValue(cell)) }
        return .anyRef(hostReference(cell))
      case .exception:
        guard let exception = ExceptionPointer(bitPattern: UInt(truncatingIfNeeded: cell)) else {
          return .exnRef(nil)
        }
        expose(exception)
        return .exnRef(ExceptionReference(runtime: self, exception: exception))
      }
    }
  }

  // MARK: Translation

  /// Translates a function's body; nil when done, else why it cannot be (limits, or
  /// an invalid body met by deferred validation, whose error goes to
  /// `context.pointee.trapDetail`).
  func translate(storeIndex: Int) -> TrapKind? {
    let function = functions[storeIndex]
    if function.code != nil { return nil }
    guard let instance = function.instance, let env = instance.environment else {
      return .unsupported
    }
    let module = instance.module
    let bodyIndex = function.functionIndex - module.importedFunctionCount
    guard bodyIndex >= 0, bodyIndex < module.codes.count else { return .unsupported }
    let body = module.codes[bodyIndex]
    // The translator trusts its input: a body not validated at load is checked now.
    if let context = instance.deferredBodyValidation {
      do {
        try FunctionValidator.validate(functionIndex: bodyIndex, in: module, context: context)
      } catch {
        self.context.pointee.trapDetail = "function \(function.functionIndex): \(error)"
        return .invalidFunctionBody
      }
    }
    let result: Result<TranslatedCode, WasmError> = module.bytes.withUnsafeBufferPointer { buffer in
      do throws(WasmError) {
        let slice = UnsafeBufferPointer(rebasing: buffer[body.code])
        // Narrow first; a body meeting a v128 value is translated again wide
        // (see SIMDTranslation.swift).
        var wide = false
        while true {
          var decoder = InstructionDecoder(
            ByteReader(slice, offset: body.code.lowerBound), features: module.features,
            hasDataCount: module.dataCount != nil)
          var translator = try Translator(
            env: env, type: function.type, locals: body.locals, wide: wide)
          do throws(WasmError) {
            if translator.needsWide { throw translator.requireWideError() }
            try translator.translate(&decoder)
          } catch {
            if translator.needsWide, !wide {
              wide = true
              continue
            }
            throw error
          }
          return .success(translator.result)
        }
      } catch {
        return .failure(error)
      }
    }
    guard case .success(let translated) = result else { return .unsupported }
    let code = UnsafeMutablePointer<Int>.allocate(capacity: translated.words.count)
    code.initialize(from: translated.words, count: translated.words.count)
    function.code = code
    function.codeCount = translated.words.count
    function.entry.pointee.frameSize = translated.frameSize
    function.entry.pointee.localCount = translated.localCount
    function.entry.pointee.paramCount = translated.paramCells
    if let handlers = translated.handlers {
      let table = UnsafeMutablePointer<Int>.allocate(capacity: handlers.count)
      table.initialize(from: handlers, count: handlers.count)
      function.handlerTable = table
      function.entry.pointee.handlers = UnsafePointer(table)
    }
    function.entry.pointee.code = UnsafePointer(code)
    return nil
  }
}
