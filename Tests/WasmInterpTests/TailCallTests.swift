// Tail calls run in constant space on the interpreter's own stack: a mutual
// recursion far deeper than the call-depth limit completes with the default
// configuration (and on a small native stack), while the same recursion with
// plain calls runs out of stack; backtraces still name the running functions.

import Testing
import WasmCore
import WasmInterp
import WasmText

/// Instantiates a module written in the text format, with `linker`'s definitions.
func instantiate(text: String, store: Store = Store(), linker: Linker = Linker()) throws
  -> Instance
{
  let module = try ValidatedModule(bytes: try WasmText.encodeModule(text: text))
  return try linker.instantiate(module, in: store)
}

/// The trap a call of `function` throws, or nil when it returns (or is missing).
func trap(calling function: Function?, _ arguments: Value...) -> Trap? {
  guard let function else { return nil }
  do {
    _ = try function.call(arguments)
    return nil
  } catch {
    return error
  }
}

/// `even(n)` / `odd(n)` by mutual recursion, with `call` (which grows the stack) or
/// `return_call` (which does not).
func evenOdd(_ call: String) -> String {
  """
  (module
    (func $even (export "even") (param i64) (result i32)
      (if (result i32) (i64.eqz (local.get 0))
        (then (i32.const 1))
        (else (\(call) $odd (i64.sub (local.get 0) (i64.const 1))))))
    (func $odd (export "odd") (param i64) (result i32)
      (if (result i32) (i64.eqz (local.get 0))
        (then (i32.const 0))
        (else (\(call) $even (i64.sub (local.get 0) (i64.const 1)))))))
  """
}

#if DEBUG
  // The debug build dispatches through the loop fallback; keep the run short.
  let tailCallDepth: UInt64 = 1_000_000
#else
  let tailCallDepth: UInt64 = 100_000_000
#endif

@Suite struct TailCallTests {
  @Test func deepMutualTailRecursionRunsInConstantSpace() throws {
    let instance = try instantiate(text: evenOdd("return_call"))
    let even = Box(try #require(instance.function("even")))
    let result = Box<[Value]?>(nil)
    // Default limits: 100,000 frames; and a 256 KiB native stack.
    onThread(stackSize: 256 << 10) { result.value = try? even.value.call(.i64(tailCallDepth)) }
    #expect(result.value == [.i32(1)])
    #expect(try instance.function("odd")?.call(.i64(tailCallDepth + 1)) == [.i32(1)])
  }

  @Test func theSameRecursionWithCallsRunsOutOfStack() throws {
    let instance = try instantiate(text: evenOdd("call"))
    let even = try #require(instance.function("even"))
    #expect(try even.call(.i64(1000)) == [.i32(1)])
    #expect(trap(calling: even, .i64(tailCallDepth))?.kind == .callStackExhausted)
  }

  @Test func backtraceNamesTheTailCalledFunction() throws {
    var bytes = try WasmText.encodeModule(
      text: """
        (module
          (func $crash (unreachable))
          (func $middle (return_call $crash))
          (func $outer (export "run") (call $middle)))
        """)
    // A `name` section naming the functions (the text encoder writes none).
    let names: [(UInt8, String)] = [(0, "crash"), (1, "middle"), (2, "outer")]
    var functionNames: [UInt8] = [UInt8(names.count)]
    for (index, name) in names {
      functionNames += [index, UInt8(name.utf8.count)] + Array(name.utf8)
    }
    let payload = [4] + Array("name".utf8) + [1, UInt8(functionNames.count)] + functionNames
    bytes += [0, UInt8(payload.count)] + payload
    let instance = try Linker().instantiate(try ValidatedModule(bytes: bytes), in: Store())
    let error = trap(calling: instance.function("run"))
    #expect(error?.kind == .unreachable)
    // $middle's frame became $crash's: the trace is crash, outer.
    #expect(error?.backtrace.map(\.functionName) == ["crash", "outer"])
  }

  @Test func indirectAndReferenceTailCalls() throws {
    let instance = try instantiate(
      text: """
        (module
          (type $t (func (param i32) (result i32)))
          (table funcref (elem $double $count))
          (func $double (type $t) (i32.mul (local.get 0) (i32.const 2)))
          (func $count (type $t)
            (if (result i32) (i32.eqz (local.get 0))
              (then (i32.const 7))
              (else (return_call_indirect (type $t)
                (i32.sub (local.get 0) (i32.const 1)) (i32.const 1)))))
          (elem declare func $double)
          (func (export "indirect") (param i32) (result i32)
            (return_call_indirect (type $t) (local.get 0) (i32.const 1)))
          (func (export "by-reference") (param i32) (result i32)
            (return_call_ref $t (local.get 0) (ref.func $double)))
          (func (export "null") (result i32)
            (return_call_ref $t (i32.const 1) (ref.null $t))))
        """)
    #expect(try instance.function("indirect")?.call(.i32(1_000_000)) == [.i32(7)])
    #expect(try instance.function("by-reference")?.call(.i32(21)) == [.i32(42)])
    let error = trap(calling: instance.function("null"))
    #expect(error != nil)
    #expect(error?.kind == .nullFunctionReference)
  }

  @Test func tailCallToAHostFunctionReturnsItsResults() throws {
    let store = Store()
    var linker = Linker()
    linker.defineFunction(
      module: "env", name: "add", in: store, parameters: [.i32, .i32], results: [.i32]
    ) { _, arguments in
      guard case .i32(let a) = arguments[0], case .i32(let b) = arguments[1] else { return [] }
      return [.i32(a &+ b)]
    }
    let instance = try instantiate(
      text: """
        (module
          (import "env" "add" (func $add (param i32 i32) (result i32)))
          (func $f (param i32) (result i32) (return_call $add (local.get 0) (i32.const 1)))
          (func (export "run") (param i32) (result i32)
            (i32.mul (call $f (local.get 0)) (i32.const 10))))
        """, store: store, linker: linker)
    #expect(try instance.function("run")?.call(.i32(4)) == [.i32(50)])
  }

  @Test func fuelIsChargedForEveryTailCall() throws {
    let store = Store()
    let instance = try instantiate(text: evenOdd("return_call"), store: store)
    store.fuel = 1000
    let error = trap(calling: instance.function("even"), .i64(1_000_000))
    #expect(error != nil)
    #expect(error?.kind == .outOfFuel)
  }
}
