// A large real C program run as a guest, and calls from a guest into the host.
//
// - `guest/quickjs`: `work/modules/quickjs.wasm` (QuickJS + Guests/quickjs_main.c) run
//   through WASI `_start` with a fixed script as argv[1]: from the module's bytes to
//   its exit code (decode, validate, instantiate, run), output captured in-process.
//   Ours: `ValidatedModule` + `WasiPreview1` (stdout to a buffer) with lazy
//   translation; WasmKit: `parseWasm` + `WASIBridgeToHost` (stdout to a pipe) in its
//   default lazy engine. Both outputs are checked equal before anything is timed.
// - `host-call/round-trip`: a tiny module whose `run(n)` calls the imported
//   `env.f(i32) -> i32` n times in a loop; the host function adds 1. Ours:
//   `Linker.defineFunction`; WasmKit: `Function(store:type:body:)`. Time per run of
//   `hostCallCount` calls.
//
// (WasmKit's names clash with WasmInterp's, so WasmKit's side is in
// WasmKitGuests.swift.)

import WasiPreview1
import WasmCore
import WasmInterp

enum GuestBenchmarks {
  /// The script QuickJS evaluates: arithmetic, strings, objects, arrays, JSON.
  static let quickJSScript = """
    let s = 0; for (let i = 0; i < 200000; i++) s = (s + i * i) % 1000003;
    const a = []; for (let i = 0; i < 20000; i++) a.push('k' + i);
    const o = {}; for (const k of a) o[k] = k.length;
    let t = 0; for (const k in o) t += o[k];
    JSON.stringify([s, t, a.join(',').length, a.sort().slice(0, 3)])
    """

  /// Calls of the host function per run of `host-call/round-trip`.
  static let hostCallCount: UInt32 = 100_000

  /// (module
  ///   (import "env" "f" (func $f (param i32) (result i32)))
  ///   (func (export "run") (param $n i32) (result i32) (local $acc i32)
  ///     (loop (local.set $acc (call $f (local.get $acc)))
  ///       (br_if 0 (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
  ///     (local.get $acc)))
  /// `run(n)` returns n for n > 0 when `f` adds 1.
  static let hostCallModule: [UInt8] = [
    0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F,  // type 0: (i32) -> i32
    0x02, 0x09, 0x01, 0x03, 0x65, 0x6E, 0x76, 0x01, 0x66, 0x00, 0x00,  // import env.f
    0x03, 0x02, 0x01, 0x00,  // function 1: type 0
    0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6E, 0x00, 0x01,  // export "run"
    0x0A, 0x1A, 0x01, 0x18, 0x01, 0x01, 0x7F,  // code: one body, one i32 local
    0x03, 0x40, 0x20, 0x01, 0x10, 0x00, 0x21, 0x01,  // loop; acc = f(acc)
    0x20, 0x00, 0x41, 0x01, 0x6B, 0x22, 0x00, 0x0D, 0x00, 0x0B,  // n -= 1; br_if
    0x20, 0x01, 0x0B,  // acc
  ]

  static func quickJSPath(_ inputs: BenchmarkInputs) -> String {
    inputs.modulesDirectory + "/quickjs.wasm"
  }

  static func make(inputs: BenchmarkInputs) -> [Benchmark] {
    [
      Benchmark(
        name: "guest/quickjs",
        summary: "QuickJS _start on a fixed script, bytes to exit: WasiPreview1 vs WasmKitWASI",
        prepare: {
          let bytes = try readBytes(quickJSPath(inputs))
          let ours = try runQuickJS(bytes)
          let peer = try wasmKitRunQuickJS(bytes)
          guard ours == peer, !ours.isEmpty else {
            throw BenchmarkFailure("outputs differ: ours \(ours), WasmKit \(peer)")
          }
          return BenchmarkCase(
            ours: { blackHole(try runQuickJS(bytes)) },
            peer: { blackHole(try wasmKitRunQuickJS(bytes)) })
        }),
      Benchmark(
        name: "host-call/round-trip",
        summary: "guest loop calling env.f(i32)->i32 \(hostCallCount)× per run (per call: /\(hostCallCount))",
        prepare: {
          let ours = try hostCallRunner()
          let peer = try wasmKitHostCallRunner(hostCallModule)
          let count = hostCallCount
          guard try ours(count) == count, try peer(count) == count else {
            throw BenchmarkFailure("run(\(count)) did not return \(count) on both sides")
          }
          return BenchmarkCase(
            ours: { blackHole(try ours(count)) },
            peer: { blackHole(try peer(count)) })
        }),
    ]
  }

  /// Runs QuickJS on `quickJSScript` and returns its standard output; a non-zero
  /// exit code fails.
  static func runQuickJS(_ bytes: [UInt8]) throws -> String {
    let result = try WasiPreview1.runCommand(
      bytes,
      configuration: WasiConfiguration(
        arguments: ["quickjs", quickJSScript], stdout: .buffer(), stderr: .buffer()))
    guard result.exitCode == 0 else {
      throw BenchmarkFailure(
        "quickjs exited \(result.exitCode): \(String(decoding: result.stderr, as: UTF8.self))")
    }
    return String(decoding: result.stdout, as: UTF8.self)
  }

  /// Instantiates the host-call module with `env.f` adding 1; returns `run`.
  static func hostCallRunner() throws -> (UInt32) throws -> UInt32 {
    let module = try ValidatedModule(bytes: hostCallModule)
    let store = Store()
    var linker = Linker()
    linker.defineFunction(module: "env", name: "f", in: store, parameters: [.i32], results: [.i32])
    { _, arguments in
      guard arguments.count == 1, case .i32(let value) = arguments[0] else {
        throw BenchmarkFailure("f called with \(arguments)")
      }
      return [.i32(value &+ 1)]
    }
    let instance = try linker.instantiate(module, in: store)
    guard let run = instance.function("run") else { throw BenchmarkFailure("no export run") }
    return { n in
      let results = try run.call([.i32(n)])
      guard results.count == 1, case .i32(let value) = results[0] else {
        throw BenchmarkFailure("run returned \(results)")
      }
      return value
    }
  }
}
