// Tests of the embedding API: memories through bounds-checked views, globals,
// host functions calling back into the guest, and translation corner cases.

import Testing
import WasmCore
import WasmInterp

@Test func memoryViewIsBoundsChecked() throws {
  var b = ModuleBuilder()
  b.memory = (1, 3)
  let t = b.type([i32T, i32T], [])
  // store(address, value): i32.store offset=4
  b.function(t, export: "store", localGet(0) + localGet(1) + [0x36, 0x02, 0x04])
  let grow = b.type([i32T], [i32T])
  b.function(grow, export: "grow", localGet(0) + [0x40, 0x00])
  b.exports.append(("mem", 2, 0))
  let instance = try instantiate(b)
  let memory = try #require(instance.memory("mem"))
  let store = try #require(instance.function("store"))
  try store.call(.i32(100), .i32(0x0403_0201))
  #expect(try memory.read(at: 104, count: 4) == [1, 2, 3, 4])
  #expect(try memory.withView { try $0.load(UInt32.self, at: 104) } == 0x0403_0201)
  #expect(throws: MemoryAccessError.self) {
    try memory.withView { try $0.load(UInt32.self, at: 65534) }
  }
  #expect(throws: MemoryAccessError.self) {
    try memory.withView { try $0.load(UInt64.self, at: .max - 2) }
  }
  #expect(throws: MemoryAccessError.self) { try memory.read(at: 65535, count: 2) }
  // The guest's own accesses are checked too: the last 4 bytes are fine, one more is not.
  try store.call(.i32(65532 - 4), .i32(7))
  #expect { try store.call(.i32(65533 - 4), .i32(7)) } throws: {
    ($0 as? Trap)?.kind == .outOfBoundsMemoryAccess
  }
  // memory.grow respects the type's maximum.
  let growFunction = try #require(instance.function("grow"))
  #expect(try growFunction.call(.i32(2)) == [.i32(1)])
  #expect(try growFunction.call(.i32(1)) == [.int32(-1)])
  #expect(memory.pageCount == 3)
  try memory.write([9, 9], at: 3 * 65536 - 2)
  #expect(throws: MemoryAccessError.self) { try memory.write([9, 9], at: 3 * 65536 - 1) }
}

@Test func configuredMemoryLimitCapsGrowth() throws {
  var b = ModuleBuilder()
  b.memory = (1, nil)
  let grow = b.type([i32T], [i32T])
  b.function(grow, export: "grow", localGet(0) + [0x40, 0x00])
  var config = InterpreterConfiguration()
  config.maxMemoryPages = 4
  let instance = try instantiate(b, store: Store(configuration: config))
  let f = try #require(instance.function("grow"))
  #expect(try f.call(.i32(3)) == [.i32(1)])
  #expect(try f.call(.i32(1)) == [.int32(-1)])
}

@Test func hostFunctionCallsBackIntoTheGuest() throws {
  var b = ModuleBuilder()
  let t = b.type([i32T], [i32T])
  let host = b.importFunction("env", "viaHost", type: t)
  b.function(t, export: "double", localGet(0) + i32Const(2) + [0x6C])
  b.function(t, export: "f", localGet(0) + call(host) + i32Const(1) + [0x6A])
  let store = Store()
  var linker = Linker()
  linker.defineFunction(
    module: "env", name: "viaHost", in: store, parameters: [.i32], results: [.i32]
  ) {
    caller, args in
    guard case .function(let double)? = caller.export("double") else { throw Trap(.unreachable) }
    return try double.call(args)
  }
  let instance = try instantiate(b, store: store, linker: linker)
  #expect(try instance.function("f")?.call(.i32(20)) == [.i32(41)])
}

@Test func brIfReturningValuesKeepsTheFallThroughStack() throws {
  // (a, b, c) -> c != 0 ? (a, b) : (a + b, 7), with a, b read lazily from locals.
  var b = ModuleBuilder()
  let t = b.type([i32T, i32T, i32T], [i32T, i32T])
  b.function(
    t, export: "f", localGet(0) + localGet(1) + localGet(2) + [0x0D, 0x00, 0x6A] + i32Const(7))
  let instance = try instantiate(b)
  let f = try #require(instance.function("f"))
  #expect(try f.call(.i32(3), .i32(4), .i32(1)) == [.i32(3), .i32(4)])
  // Different values than the taken call, so stale slots cannot pass for results.
  #expect(try f.call(.i32(10), .i32(20), .i32(0)) == [.i32(30), .i32(7)])
}

@Test func localSetInvalidatesPendingReads() throws {
  // local.get 0; (local.set 0 (i32.const 5)); local.get 0; i32.sub → old - 5
  var b = ModuleBuilder()
  let t = b.type([i32T], [i32T])
  b.function(t, export: "f", localGet(0) + i32Const(5) + localSet(0) + localGet(0) + [0x6B])
  let instance = try instantiate(b)
  #expect(try instance.function("f")?.call(.i32(12)) == [.i32(7)])
}

@Test func globalsAreReadableAndWritable() throws {
  let store = Store()
  let g = try store.global(GlobalType(mutability: .variable, valueType: .i64), value: .i64(5))
  #expect(g.value == .i64(5))
  #expect(g.set(.i64(9)))
  #expect(!g.set(.i32(1)))
  #expect(g.value == .i64(9))
  let c = try store.global(GlobalType(mutability: .constant, valueType: .i32), value: .i32(1))
  #expect(!c.set(.i32(2)))
  // A value of another type is refused, not encoded as the global's.
  #expect(throws: InstantiationError.self) {
    try store.global(GlobalType(mutability: .constant, valueType: .i32), value: .i64(1))
  }
  #expect(throws: InstantiationError.self) {
    try store.global(
      GlobalType(mutability: .constant, valueType: .ref(.funcRef)), value: .i32(12345))
  }
}

@Test func eagerAndLazyTranslationAgree() throws {
  var config = InterpreterConfiguration()
  config.lazyTranslation = false
  let eager = try instantiate(fibModule(), store: Store(configuration: config))
  let lazy = try instantiate(fibModule())
  for n: UInt32 in [0, 1, 2, 15] {
    let a = try eager.function("fib")?.call(.i32(n))
    let b = try lazy.function("fib")?.call(.i32(n))
    #expect(a != nil && a == b)
  }
}

@Test func typedHostFunctionsDeriveTheirWasmType() throws {
  var b = ModuleBuilder()
  let t = b.type([i32T, i64T], [i64T])
  let imported = b.importFunction("env", "mix", type: t)
  b.function(t, export: "f", localGet(0) + localGet(1) + call(imported))
  let store = Store()
  var linker = Linker()
  linker.defineFunction(module: "env", name: "mix", in: store) {
    (_: Caller, a: Int32, b: Int64) -> Int64 in
    Int64(a) * 1000 + b
  }
  let instance = try instantiate(b, store: store, linker: linker)
  #expect(try instance.function("f")?.call(.int32(-3), .int64(7)) == [.int64(-2993)])
  #expect(try instance.function("f")?.call(returning: Int64.self, Int32(2), Int64(5)) == 2005)
  #expect(throws: Trap.self) {
    try instance.function("f")?.call(returning: Int32.self, Int32(2), Int64(5))
  }
  // A typed function of the wrong signature is an incompatible import.
  var wrong = Linker()
  wrong.defineFunction(module: "env", name: "mix", in: store) { (_: Caller, a: Int32) -> Int64 in
    Int64(a)
  }
  #expect(throws: InstantiationError.self) { _ = try instantiate(b, store: store, linker: wrong) }
}

@Test func backtracesUseTheNameSection() throws {
  var b = ModuleBuilder()
  let t = b.type([], [])
  let inner = b.function(t, [0x00])  // unreachable
  b.function(t, export: "outer", call(inner))
  b.functionNames = [(0, "inner"), (1, "outer")]
  b.moduleName = "demo"
  let instance = try instantiate(b)
  do {
    try instance.function("outer")?.call()
    Issue.record("expected a trap")
  } catch {
    #expect(error.kind == .unreachable)
    #expect(error.backtrace.map(\.functionName) == ["inner", "outer"])
    #expect(error.backtrace.first?.description == "demo!inner")
  }
}

@Test func hostFunctionReadsTheCallersMemory() throws {
  // The shape of the docs/interpreter.md example: a guest passes (pointer, length).
  var b = ModuleBuilder()
  b.memory = (1, nil)
  let log = b.type([i32T, i32T], [])
  let run = b.type([], [])
  let imported = b.importFunction("env", "log", type: log)
  // Store "hi" at 16, then log(16, 2).
  b.function(
    run, export: "run",
    i32Const(16) + i32Const(0x6968) + [0x3B, 0x01, 0x00] + i32Const(16) + i32Const(2)
      + call(imported))
  let store = Store()
  var linker = Linker()
  let logged = Box<[String]>([])
  linker.defineFunction(module: "env", name: "log", in: store) {
    (caller: Caller, ptr: UInt32, len: UInt32) in
    let bytes = try caller.memory?.read(at: UInt64(ptr), count: Int(len)) ?? []
    logged.value.append(String(decoding: bytes, as: UTF8.self))
  }
  let instance = try instantiate(b, store: store, linker: linker)
  try instance.function("run")?.call()
  #expect(logged.value == ["hi"])
}
