// Compute kernels executed by both interpreters: Benchmarks/Kernels/*.c, each
// exporting `run(n) -> i32` (a checksum). `prepare` instantiates both (placeholder
// imports; `run` calls none) and checks that both return the same checksum; the
// timed closures call `run(n)` on the live instance. Translation is lazy on both
// sides and happens in the untimed checking call. The native build of the same C
// (work/native/NAME.so, loaded with dlopen) is a third side when it exists: same
// checksum required, timed in the same rounds, shown as ours/native.

import Foundation
import WasmCore
import WasmInterp

enum KernelBenchmarks {
  /// The argument of `run` per kernel: a run of a few milliseconds on an interpreter.
  static let sizes: [String: UInt32] = [
    "fib": 25, "sieve": 1 << 18, "matmul": 64, "sha256": 1 << 16, "qsort": 1 << 14, "mixed": 4,
    "simd": 2, "simd_scalar": 2, "strscan": 2, "linkedlist": 1, "intmatrix": 20, "statevm": 1,
    "bitops": 3, "memops": 2, "tailcall": 20_000,
  ]
  /// Kernels our interpreter cannot execute yet, with the reason (shown, not hidden).
  static let notYetExecutable: [String: String] = [:]

  static func make(inputs: BenchmarkInputs) -> [Benchmark] {
    BenchmarkInputs.wasmFiles(in: inputs.kernelsDirectory).map { path in
      let name = baseName(path)
      return Benchmark(
        name: "kernel/\(name)",
        summary: "run(\(sizes[name] ?? 1)) on a live instance, ours vs WasmKit (same checksum)",
        prepare: {
          if let reason = notYetExecutable[name] { throw BenchmarkSkipped(reason) }
          let bytes = try readBytes(path)
          let n = sizes[name] ?? 1
          let ours = try ourKernel(bytes)
          let peer = try wasmKitKernel(bytes)
          let (expected, actual) = (try peer(n), try ours(n))
          guard expected == actual else {
            throw BenchmarkFailure("checksums differ: ours \(actual), WasmKit \(expected)")
          }
          let native = try nativeKernel(inputs.nativeDirectory + "/" + name + ".so")
          if let native, native(n) != actual {
            throw BenchmarkFailure("checksums differ: ours \(actual), native \(native(n))")
          }
          return BenchmarkCase(
            ours: { blackHole(try ours(n)) },
            peer: { blackHole(try peer(n)) },
            native: native.map { run in { blackHole(run(n)) } })
        })
    }
  }

  /// Instantiates one kernel on our interpreter and calls `run(n)` once with its
  /// benchmark size, printing the checksum: a fixed amount of work (no calibration, no
  /// WasmKit side) whose instruction count callgrind can compare between builds.
  /// Returns the process's exit status.
  static func runOnce(name: String, inputs: BenchmarkInputs) -> Int32 {
    do {
      let bytes = try readBytes(inputs.kernelsDirectory + "/" + name + ".wasm")
      let run = try ourKernel(bytes)
      emit("kernel/\(name): run(\(sizes[name] ?? 1)) = \(try run(sizes[name] ?? 1))")
      return 0
    } catch {
      emit("kernel/\(name): FAILED: \(error)")
      return 1
    }
  }

  /// The `run` of a kernel's native build, or nil when it was not built (simd.c has
  /// none). The library stays loaded for the life of the process.
  static func nativeKernel(_ path: String) throws -> ((UInt32) -> UInt32)? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
      throw BenchmarkFailure("cannot load \(path): \(String(cString: dlerror()))")
    }
    guard let symbol = dlsym(handle, "run") else {
      throw BenchmarkFailure("\(path) has no run")
    }
    typealias Run = @convention(c) (UInt32) -> UInt32
    let run = unsafeBitCast(symbol, to: Run.self)
    return { n in run(n) }
  }

  /// Instantiates a kernel on our interpreter (lazy translation, the default) and
  /// returns a closure calling its `run`.
  static func ourKernel(_ bytes: [UInt8]) throws -> (UInt32) throws -> UInt32 {
    let module = try ValidatedModule(bytes: bytes)
    let store = Store()
    var linker = Linker()
    for entry in module.imports {
      guard case .function(let typeIndex) = entry.descriptor,
        let type = module.module.functionType(at: typeIndex)
      else { throw BenchmarkFailure("import \(entry.module).\(entry.name): not a known function") }
      let function = store.hostFunction(type: type) { _, _ in
        throw BenchmarkFailure("placeholder import \(entry.module).\(entry.name) was called")
      }
      linker.define(module: entry.module, name: entry.name, .function(function))
    }
    let instance = try linker.instantiate(module, in: store)
    guard let run = instance.function("run") else {
      throw BenchmarkFailure("no exported function run")
    }
    return { n in
      let results = try run.call([.i32(n)])
      guard results.count == 1, case .i32(let value) = results[0] else {
        throw BenchmarkFailure("run returned \(results)")
      }
      return value
    }
  }
}
