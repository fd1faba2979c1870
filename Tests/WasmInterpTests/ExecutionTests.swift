// End-to-end tests of translation and execution on hand-written modules.

import Testing
import WasmCore
import WasmInterp

func instantiate(_ builder: ModuleBuilder, store: Store = Store(), linker: Linker = Linker()) throws
  -> Instance
{
  let module = try ValidatedModule(bytes: builder.bytes)
  return try linker.instantiate(module, in: store)
}

/// fib(n) by recursion: `if n < 2 then n else fib(n-1) + fib(n-2)`.
func fibModule() -> ModuleBuilder {
  var b = ModuleBuilder()
  let t = b.type([i32T], [i32T])
  b.function(
    t, export: "fib",
    localGet(0) + i32Const(2) + [0x48, 0x04, i32T] + localGet(0) + [0x05]
      + localGet(0) + i32Const(1) + [0x6B] + call(0)
      + localGet(0) + i32Const(2) + [0x6B] + call(0) + [0x6A, 0x0B])
  return b
}

/// A loop summing 0..<n into an i64: `for i in 0..<n { acc += i }`.
func sumLoopModule() -> ModuleBuilder {
  var b = ModuleBuilder()
  let t = b.type([i32T], [i64T])
  b.function(
    t, locals: [(1, i32T), (1, i64T)], export: "sum",
    [0x02, 0x40, 0x03, 0x40]  // block loop
      + localGet(1) + localGet(0) + [0x4E, 0x0D, 0x01]  // i >= n → br_if 1
      + localGet(2) + localGet(1) + [0xAD, 0x7C] + localSet(2)  // acc += u64(i)
      + localGet(1) + i32Const(1) + [0x6A] + localSet(1)  // i += 1
      + [0x0C, 0x00, 0x0B, 0x0B]  // br 0 end end
      + localGet(2))
  return b
}

@Test func recursiveFibonacci() throws {
  let instance = try instantiate(fibModule())
  let fib = try #require(instance.function("fib"))
  #expect(try fib.call(.i32(10)) == [.i32(55)])
  #expect(try fib.call(.i32(20)) == [.i32(6765)])
}

@Test func loopWithLocalsAndBranches() throws {
  let instance = try instantiate(sumLoopModule())
  let sum = try #require(instance.function("sum"))
  #expect(try sum.call(.i32(100_000)) == [.i64(4_999_950_000)])
  #expect(try sum.call(.i32(0)) == [.i64(0)])
}

@Test func divideByZeroTrapsWithBacktrace() throws {
  var b = ModuleBuilder()
  let t = b.type([i32T, i32T], [i32T])
  b.function(t, export: "div", localGet(0) + localGet(1) + [0x6D])
  let instance = try instantiate(b)
  let div = try #require(instance.function("div"))
  #expect(try div.call(.int32(-7), .int32(2)) == [.int32(-3)])
  do {
    try div.call(.i32(1), .i32(0))
    Issue.record("expected a trap")
  } catch {
    #expect(error.kind == .integerDivideByZero)
    #expect(error.message == "integer divide by zero")
    #expect(error.backtrace.first?.functionIndex == 0)
  }
  do {
    try div.call(.int32(.min), .int32(-1))
    Issue.record("expected a trap")
  } catch {
    #expect(error.kind == .integerOverflow)
  }
}

@Test func hostFunctionsAreCalledAndCanTrap() throws {
  var b = ModuleBuilder()
  let t = b.type([i32T], [i32T])
  let imported = b.importFunction("env", "twice", type: t)
  b.function(t, export: "f", localGet(0) + call(imported) + i32Const(1) + [0x6A])
  let store = Store()
  var linker = Linker()
  linker.defineFunction(
    module: "env", name: "twice", in: store, parameters: [.i32], results: [.i32]
  ) { _, args in
    guard let x = args.first?.int32 else { return [] }
    if x < 0 { throw Trap(.unreachable) }
    return [.int32(x &* 2)]
  }
  let instance = try instantiate(b, store: store, linker: linker)
  let f = try #require(instance.function("f"))
  #expect(try f.call(.int32(20)) == [.int32(41)])
  #expect(throws: Trap.self) { try f.call(.int32(-1)) }
  // The store is still usable after a trap.
  #expect(try f.call(.int32(1)) == [.int32(3)])
}

@Test func unknownImportIsALinkError() throws {
  var b = ModuleBuilder()
  let t = b.type([], [])
  b.importFunction("env", "missing", type: t)
  do {
    _ = try instantiate(b)
    Issue.record("expected a link error")
  } catch let error as InstantiationError {
    guard case .unknownImport(let module, let name) = error else {
      Issue.record("wrong error \(error)")
      return
    }
    #expect(module == "env" && name == "missing")
  }
}

@Test func deepRecursionTrapsCleanly() throws {
  // f(n) = n == 0 ? 0 : f(n - 1) + 1, called with 1,000,000.
  var b = ModuleBuilder()
  let t = b.type([i32T], [i32T])
  b.function(
    t, export: "depth",
    localGet(0) + [0x45, 0x04, i32T] + i32Const(0) + [0x05] + localGet(0) + i32Const(1) + [0x6B]
      + call(0) + i32Const(1) + [0x6A, 0x0B])
  let instance = try instantiate(b)
  let depth = try #require(instance.function("depth"))
  #expect(try depth.call(.i32(1000)) == [.i32(1000)])
  do {
    try depth.call(.i32(1_000_000))
    Issue.record("expected call stack exhaustion")
  } catch {
    #expect(error.kind == .callStackExhausted)
    #expect(error.backtrace.count > 0)
  }
  // With a larger configured stack the same call completes.
  var config = InterpreterConfiguration()
  config.maxCallDepth = 1_100_000
  config.valueStackSlots = 8_000_000
  let big = try instantiate(b, store: Store(configuration: config))
  #expect(try big.function("depth")?.call(.i32(1_000_000)) == [.i32(1_000_000)])
}

@Test func fuelEndsAnInfiniteLoop() throws {
  var b = ModuleBuilder()
  let t = b.type([], [])
  b.function(t, export: "spin", [0x03, 0x40, 0x0C, 0x00, 0x0B])
  let store = Store()
  let instance = try instantiate(b, store: store)
  store.fuel = 1_000_000
  do {
    try instance.function("spin")?.call()
    Issue.record("expected out of fuel")
  } catch {
    #expect(error.kind == .outOfFuel)
  }
  #expect(store.fuel == 0)
}

@Test func fuelAndInterruptionShareTheBudgetFlagWithoutLosingEachOther() throws {
  // `loop (local.get 0; i32.const 1; i32.sub; local.tee 0; br_if 0)`: n back-edges.
  var b = ModuleBuilder()
  let t = b.type([i32T], [])
  b.function(
    t, export: "count",
    [0x03, 0x40] + localGet(0) + i32Const(1) + [0x6B, 0x22, 0x00, 0x0D, 0x00, 0x0B])
  let store = Store()
  let instance = try instantiate(b, store: store)
  let count = try #require(instance.function("count"))
  // Unmetered: nothing is counted.
  try count.call(.i32(1000))
  #expect(store.fuel == nil)
  // Metered: every back-edge is charged (999 taken of 1000).
  store.fuel = 10_000
  try count.call(.i32(1000))
  #expect(store.fuel == 10_000 - 999)
  // An interruption stops the next call; a reset ends it and keeps the metering.
  store.interruptHandle.interrupt()
  #expect(throws: Trap.self) { try count.call(.i32(10)) }
  store.interruptHandle.reset()
  try count.call(.i32(1000))
  #expect(store.fuel == 10_000 - 2 * 999)
  // Interrupted while metered: `.interrupted`; after the reset the metering still
  // holds, and a small budget runs out.
  store.fuel = 5
  store.interruptHandle.interrupt()
  do {
    try count.call(.i32(1000))
    Issue.record("expected an interruption")
  } catch {
    #expect(error.kind == .interrupted)
  }
  store.interruptHandle.reset()
  do {
    try count.call(.i32(1000))
    Issue.record("expected out of fuel")
  } catch {
    #expect(error.kind == .outOfFuel)
  }
  // Setting the fuel while interrupted keeps the interruption.
  store.interruptHandle.interrupt()
  store.fuel = 1_000
  store.fuel = nil
  #expect(throws: Trap.self) { try count.call(.i32(10)) }
  store.interruptHandle.reset()
  // Unmetered again: no count, and no trap however long the loop.
  store.fuel = nil
  try count.call(.i32(100_000))
  #expect(store.fuel == nil)
}

@Test func manyPendingLocalReadsStayCorrect() throws {
  // 100 reads of locals 0 and 1 pushed before any is consumed (more than the
  // translator keeps as lazy references), a write to local 0 in the middle,
  // then all summed: 50 * x + 50 * y, with x read before the write.
  var body: [UInt8] = []
  for i in 0..<100 {
    body += localGet(UInt32(i % 2))
    if i == 70 { body += i32Const(1000) + localSet(0) }
  }
  for _ in 0..<99 { body += [0x6A] }
  var b = ModuleBuilder()
  let t = b.type([i32T, i32T], [i32T])
  b.function(t, export: "f", body)
  let instance = try instantiate(b)
  // Reads 0..70 of local 0 see x (36 of them), later ones see 1000 (14).
  let expected: UInt32 = 36 * 3 + 14 * 1000 + 50 * 5
  #expect(try instance.function("f")?.call(.i32(3), .i32(5)) == [.i32(expected)])
}
