// Exception handling across the guest and the embedding API: guest exceptions reach
// the host as a typed error carrying tag and values, host functions throw Wasm
// exceptions into the guest, unwinding crosses many Wasm frames without native
// recursion, and `exnref` values reach the host.

import Testing
import WasmCore
import WasmInterp
import WasmText

@Suite struct ExceptionTests {
  @Test func aGuestExceptionReachesTheHostWithItsTagAndValues() throws {
    let instance = try instantiate(
      text: """
        (module
          (tag $e (export "e") (param i32 f64))
          (func (export "throw") (param i32) (throw $e (local.get 0) (f64.const 2.5))))
        """)
    let tag = try #require(instance.tag("e"))
    let error = trap(calling: instance.function("throw"), .i32(42))
    #expect(error != nil)
    #expect(error?.kind == .uncaughtException)
    let exception = try #require(error?.exception)
    #expect(exception.tag.isSame(as: tag))
    #expect(exception.values == [.i32(42), .double(2.5)])
  }

  @Test func aHostFunctionThrowsIntoTheGuest() throws {
    let store = Store()
    let tag = store.tag(parameters: [.i64])
    var linker = Linker()
    linker.define(module: "env", name: "e", .tag(tag))
    linker.defineFunction(module: "env", name: "fail", in: store, parameters: [.i64], results: []) {
      _, arguments in
      throw WasmException(tag: tag, values: arguments)
    }
    let instance = try instantiate(
      text: """
        (module
          (import "env" "e" (tag $e (param i64)))
          (import "env" "fail" (func $fail (param i64)))
          (func $deep (param i64 i32)
            (if (i32.eqz (local.get 1))
              (then (call $fail (local.get 0)))
              (else (call $deep (local.get 0) (i32.sub (local.get 1) (i32.const 1))))))
          (func (export "catch") (param i64) (result i64)
            (block $caught (result i64)
              (try_table (catch $e $caught)
                (call $deep (local.get 0) (i32.const 10)))
              (i64.const -1))))
        """, store: store, linker: linker)
    #expect(try instance.function("catch")?.call(.i64(99)) == [.i64(99)])
  }

  @Test func guestExceptionsCrossHostFrames() throws {
    // guest `outer` -> host `bridge` -> guest `inner` throws; the host lets the
    // exception through; `outer` catches it.
    let store = Store()
    var linker = Linker()
    let innerFunction = Box<Function?>(nil)
    linker.defineFunction(module: "env", name: "bridge", in: store, parameters: [], results: []) {
      _, _ in
      try innerFunction.value?.call()
      return []
    }
    let instance = try instantiate(
      text: """
        (module
          (import "env" "bridge" (func $bridge))
          (tag $e (param i32))
          (func (export "inner") (throw $e (i32.const 7)))
          (func (export "outer") (result i32)
            (block $caught (result i32)
              (try_table (catch $e $caught) (call $bridge))
              (i32.const 0))))
        """, store: store, linker: linker)
    innerFunction.value = instance.function("inner")
    #expect(try instance.function("outer")?.call() == [.i32(7)])
  }

  @Test func unwindingCrossesManyFramesOnASmallNativeStack() throws {
    let instance = try instantiate(
      text: """
        (module
          (tag $e (param i32))
          (func $down (param i32)
            (if (i32.eqz (local.get 0))
              (then (throw $e (i32.const 123))))
            (call $down (i32.sub (local.get 0) (i32.const 1))))
          (func (export "run") (param i32) (result i32)
            (block $caught (result i32)
              (try_table (catch $e $caught) (call $down (local.get 0)))
              (i32.const 0))))
        """)
    let run = Box(try #require(instance.function("run")))
    let result = Box<[Value]?>(nil)
    // 50,000 Wasm frames unwound in a loop, on a 128 KiB native stack.
    onThread(stackSize: 128 << 10) { result.value = try? run.value.call(.i32(50_000)) }
    #expect(result.value == [.i32(123)])
  }

  @Test func catchClausesAndExceptionReferences() throws {
    let instance = try instantiate(
      text: """
        (module
          (tag $a (param i32))
          (tag $b)
          (func $throw (param i32)
            (if (local.get 0) (then (throw $a (i32.const 5))) (else (throw $b))))
          ;; 5 for $a (by value), 100 for any other exception.
          (func (export "which") (param i32) (result i32)
            (block $other
              (return (block $on_a (result i32)
                (try_table (catch $a $on_a) (catch_all $other) (call $throw (local.get 0)))
                (i32.const -1))))
            (i32.const 100))
          ;; The exception as an exnref, handed to the host.
          (func (export "capture") (result exnref)
            (block $on (result exnref)
              (try_table (catch_all_ref $on) (call $throw (i32.const 1)))
              (unreachable)))
          (func (export "rethrow") (param exnref) (throw_ref (local.get 0))))
        """)
    #expect(try instance.function("which")?.call(.i32(1)) == [.i32(5)])
    #expect(try instance.function("which")?.call(.i32(0)) == [.i32(100)])
    let captured = try #require(instance.function("capture")).call()
    guard case .exnRef(let reference?) = captured.first else {
      Issue.record("no exception reference: \(captured)")
      return
    }
    #expect(reference.exception?.values == [.i32(5)])
    let error = trap(calling: instance.function("rethrow"), .exnRef(reference))
    #expect(error != nil)
    #expect(error?.exception?.values == [.i32(5)])
    let nullError = trap(calling: instance.function("rethrow"), .exnRef(nil))
    #expect(nullError?.kind == .nullExceptionReference)
  }

  @Test func aHostExceptionWithWrongValuesIsAHostError() throws {
    let store = Store()
    let tag = store.tag(parameters: [.i32])
    var linker = Linker()
    linker.defineFunction(module: "env", name: "fail", in: store, parameters: [], results: []) {
      _, _ in throw WasmException(tag: tag, values: [.f64(0)])
    }
    let instance = try instantiate(
      text: """
        (module (import "env" "fail" (func $fail)) (func (export "run") (call $fail)))
        """, store: store, linker: linker)
    let error = trap(calling: instance.function("run"))
    #expect(error != nil)
    #expect(error?.kind == .hostError)
  }
}
