// Load + eager translation + instantiation: the like-for-like comparison with what
// WasmKit does to validate function bodies.
//
// - `load-eager/NAME`: ours `ValidatedModule(bytes:)` (decode + validate) and
//   `Linker.instantiate` in a store with `lazyTranslation = false` (every body
//   translated at instantiation) vs WasmKit `parseWasm` + `instantiate` in an
//   `.eager` engine (every body validated and translated). Placeholder imports on
//   both sides; a fresh store per run on both sides.
//
// (WasmKit's names clash with WasmInterp's, so WasmKit's side is a function in
// WasmKitSupport.swift.)

import WasmCore
import WasmInterp

enum LoadBenchmarks {
  static func make(inputs: BenchmarkInputs) -> [Benchmark] {
    BenchmarkInputs.wasmFiles(in: inputs.modulesDirectory).map { path in
      Benchmark(
        name: "load-eager/\(baseName(path))",
        summary: "decode+validate+translate all+instantiate vs parseWasm+eager instantiate",
        prepare: {
          let bytes = try readBytes(path)
          return BenchmarkCase(
            ours: { blackHole(try loadAndInstantiateEagerly(bytes)) },
            peer: { blackHole(try wasmKitLoadAndInstantiateEagerly(bytes)) },
            bytesPerRun: bytes.count)
        })
    }
  }

  /// Our side: load, then instantiate with every function translated up front.
  static func loadAndInstantiateEagerly(_ bytes: [UInt8]) throws -> Instance {
    let module = try ValidatedModule(bytes: bytes)
    var configuration = InterpreterConfiguration()
    configuration.lazyTranslation = false
    let store = Store(configuration: configuration)
    var linker = Linker()
    for entry in module.imports {
      guard case .function(let typeIndex) = entry.descriptor else {
        throw BenchmarkFailure("import \(entry.module).\(entry.name): only function imports")
      }
      let types = module.module.types
      guard typeIndex < types.count else {
        throw BenchmarkFailure("import \(entry.module).\(entry.name): no type \(typeIndex)")
      }
      let function = store.hostFunction(type: types[Int(typeIndex)]) { _, _ in
        throw BenchmarkFailure("placeholder import \(entry.module).\(entry.name) was called")
      }
      linker.define(module: entry.module, name: entry.name, .function(function))
    }
    return try linker.instantiate(module, in: store)
  }
}
