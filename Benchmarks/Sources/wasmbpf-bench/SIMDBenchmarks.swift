// SIMD execution: the `simd` compute kernel (Benchmarks/Kernels/simd.c, built with
// -msimd128: f32x4 saxpy and dot products, i32x4 shifts/xors/adds, v128 loads and
// stores over 64K-element arrays) run on our interpreter and on WasmKit 0.4.2,
// which implements fixed-width SIMD (its README: since 0.3.0), though with lane
// arrays allocated per instruction (Execution/Instructions/SIMDNumeric.swift), so
// the same kernel's scalar build (Kernels/simd_scalar.c, same checksum) is
// compared too: WasmKit's best code for the same work, clearly labelled.
//
// Both sides instantiate the kernel once with placeholder imports (run() calls
// none) and time `run(rounds)`; the checksums must agree before anything is
// timed. `run` first fills its arrays (scalar code, 64K iterations), then does
// `rounds` passes of 16K v128 iterations each, so larger `rounds` weigh SIMD more.

import WasmCore
import WasmInterp
import WasmKit

enum SIMDBenchmarks {
  /// Passes over the arrays per run.
  static let rounds: UInt32 = 8

  static func make(inputs: BenchmarkInputs) -> [Benchmark] {
    let simd = inputs.kernelsDirectory + "/simd.wasm"
    let scalar = inputs.kernelsDirectory + "/simd_scalar.wasm"
    return [
      kernel(
        "execute/simd", ours: simd, peer: simd,
        summary: "simd.wasm run(\(rounds)) on both (v128 code; WasmKit 0.4.2 runs SIMD too)"),
      kernel(
        "execute/simd-ours-v128-vs-wk-scalar", ours: simd, peer: scalar,
        summary: "ours simd.wasm vs WasmKit simd_scalar.wasm (same work and checksum, scalar build)"
      ),
      kernel(
        "execute/simd-scalar", ours: scalar, peer: scalar,
        summary: "simd_scalar.wasm run(\(rounds)) on both (the scalar build of the same kernel)"),
    ]
  }

  /// `run(rounds)` of the kernel at `ours` on our interpreter vs the kernel at
  /// `peer` on WasmKit; the two checksums must agree.
  static func kernel(_ name: String, ours: String, peer: String, summary: String) -> Benchmark {
    Benchmark(
      name: name, summary: summary,
      prepare: {
        let ourRun = try ourKernelFunction(try readBytes(ours), export: "run")
        let theirRun = try wasmKitKernelFunction(try readBytes(peer), export: "run")
        let arguments = [WasmInterp.Value.i32(rounds)]
        let peerArguments = [WasmKit.Value.i32(rounds)]
        let ourResult = try ourRun.call(arguments)
        let theirResult = try theirRun.invoke(peerArguments)
        guard theirResult.count == 1, ourResult == [.i32(theirResult[0].i32)] else {
          throw BenchmarkFailure("checksums differ: ours \(ourResult), WasmKit \(theirResult)")
        }
        return BenchmarkCase(
          ours: { blackHole(try ourRun.call(arguments)) },
          peer: { blackHole(try theirRun.invoke(peerArguments)) })
      })
  }

  /// Instantiates a kernel on our interpreter with trapping placeholder imports.
  static func ourKernelFunction(_ bytes: [UInt8], export: String) throws -> WasmInterp.Function {
    let module = try ValidatedModule(bytes: bytes)
    let store = WasmInterp.Store()
    var linker = WasmInterp.Linker()
    for entry in module.imports {
      guard case .function(let typeIndex) = entry.descriptor,
        let type = module.module.functionType(at: typeIndex)
      else { throw BenchmarkFailure("kernel import \(entry.name) is not a function") }
      linker.defineFunction(
        module: entry.module, name: entry.name, in: store, parameters: type.parameters,
        results: type.results
      ) { _, _ in throw WasmInterp.Trap(.unreachable) }
    }
    let instance = try linker.instantiate(module, in: store)
    guard let function = instance.function(export) else {
      throw BenchmarkFailure("kernel has no export \(export)")
    }
    return function
  }

  /// The same on WasmKit.
  static func wasmKitKernelFunction(_ bytes: [UInt8], export: String) throws -> WasmKit.Function {
    let module = try WasmKit.parseWasm(bytes: bytes)
    let instance = try instantiateWithDummyImports(module, engine: Engine())
    guard let function = instance.exports[function: export] else {
      throw BenchmarkFailure("kernel has no export \(export)")
    }
    return function
  }
}
