// memory64 and multiple memories through the embedding API: 64-bit memories and
// addresses, other memories than memory 0, and their bounds.

import Testing
import WasmCore
import WasmInterp
import WasmText

@Suite struct Memory64Tests {
  @Test func sixtyFourBitAddressesAreCheckedInOneCompare() throws {
    let instance = try instantiate(
      text: """
        (module
          (memory (export "mem") i64 1 4)
          (func (export "load") (param i64) (result i32) (i32.load (local.get 0)))
          (func (export "load-far") (param i64) (result i32)
            (i32.load offset=0xFFFF_FFFF_FFFF (local.get 0)))
          (func (export "store") (param i64 i32) (i32.store (local.get 0) (local.get 1)))
          (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
          (func (export "size") (result i64) (memory.size)))
        """)
    let memory = try #require(instance.memory("mem"))
    #expect(memory.is64)
    try #require(instance.function("store")).call(.i64(65532), .i32(0x1234_5678))
    #expect(try instance.function("load")?.call(.i64(65532)) == [.i32(0x1234_5678)])
    #expect(try memory.read(at: 65532, count: 1) == [0x78])
    for address: UInt64 in [65533, 1 << 32, 1 << 48, UInt64.max, UInt64.max - 2] {
      #expect(
        trap(calling: instance.function("load"), .i64(address))?.kind == .outOfBoundsMemoryAccess,
        "address \(address)")
    }
    #expect(trap(calling: instance.function("load-far"), .i64(0))?.kind == .outOfBoundsMemoryAccess)
    #expect(try instance.function("grow")?.call(.i64(1)) == [.i64(1)])
    #expect(try instance.function("grow")?.call(.i64(1 << 40)) == [.i64(UInt64.max)])
    #expect(try instance.function("size")?.call() == [.i64(2)])
    #expect(try instance.function("load")?.call(.i64(65533)) == [.i32(0x0012_3456)])
  }

  @Test func otherMemoriesThanMemoryZero() throws {
    let store = Store()
    let imported = try store.memory(MemoryType(limits: Limits(min: 1, max: 1)))
    var linker = Linker()
    linker.define(module: "env", name: "shared", .memory(imported))
    // The import is memory 0 (imports come first); $one and $wide are 1 and 2.
    let instance = try instantiate(
      text: """
        (module
          (import "env" "shared" (memory $shared 1 1))
          (memory $one 1)
          (memory $wide i64 1)
          (func (export "copy") (param i32 i32)
            (i32.store $one (local.get 0) (local.get 1))
            (memory.copy $wide $one (i64.const 8) (i32.const 0) (i32.const 16))
            (memory.fill $shared (i32.const 0) (i32.const 0xAB) (i32.const 4)))
          (func (export "read-wide") (result i64) (i64.load $wide (i64.const 8)))
          (func (export "read-one") (result i32) (i32.load $one (i32.const 0)))
          (func (export "grow-one") (result i32) (memory.grow $one (i32.const 2)))
          (func (export "sizes") (result i32 i32 i64)
            (memory.size $shared) (memory.size $one) (memory.size $wide)))
        """, store: store, linker: linker)
    try #require(instance.function("copy")).call(.i32(0), .i32(0x0102_0304))
    #expect(try imported.read(at: 0, count: 4) == [0xAB, 0xAB, 0xAB, 0xAB])
    #expect(try instance.function("read-one")?.call() == [.i32(0x0102_0304)])
    #expect(try instance.function("read-wide")?.call() == [.i64(0x0102_0304)])
    #expect(try instance.function("grow-one")?.call() == [.i32(1)])
    #expect(try instance.function("sizes")?.call() == [.i32(1), .i32(3), .i64(1)])
  }

  @Test func wasm2FeaturesRejectWasm3Modules() throws {
    for text in [
      "(module (func (return_call 0)))",
      "(module (memory i64 1))",
      "(module (memory 1) (memory 1))",
      "(module (tag))",
      "(module (func (param (ref func))))",
    ] {
      let bytes = try WasmText.encodeModule(text: text)
      #expect(throws: WasmError.self, "\(text)") {
        try ValidatedModule(bytes: bytes, features: .wasm2)
      }
      _ = try ValidatedModule(bytes: bytes)
    }
  }
}
