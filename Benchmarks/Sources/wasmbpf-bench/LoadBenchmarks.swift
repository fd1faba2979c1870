// Load + eager translation + instantiation: the like-for-like comparison with what
// WasmKit does to validate function bodies.
//
// - `load-eager/NAME`: ours `ValidatedModule(bytes:)` (decode + validate) and
//   `Linker.instantiate` in a store with `lazyTranslation = false` (every body
//   translated at instantiation) vs WasmKit `parseWasm` + `instantiate` in an
//   `.eager` engine (every body validated and translated). Placeholder imports on
//   both sides; a fresh store per run on both sides.
// - `load-lazy/NAME`: the same with lazy translation on both sides (our default,
//   WasmKit's default `.lazy` engine): what starting a large module costs before its
//   first call. Ours still validates every body at load; WasmKit validates a body
//   only when it first compiles it, so nothing here.
// - `load-lazy-deferred/NAME`: like for like with WasmKit's lazy engine: ours with
//   `ValidatedModule(bytes:deferringBodyValidation: true)`, each body validated when
//   first translated (module-level validation still at load on both sides).
//
// (WasmKit's names clash with WasmInterp's, so WasmKit's side is a function in
// WasmKitSupport.swift.)

import WasmCore
import WasmInterp

enum LoadBenchmarks {
  static func make(inputs: BenchmarkInputs) -> [Benchmark] {
    let paths = BenchmarkInputs.wasmFiles(in: inputs.modulesDirectory)
    return paths.map { path in
      Benchmark(
        name: "load-eager/\(baseName(path))",
        summary: "decode+validate+translate all+instantiate vs parseWasm+eager instantiate",
        prepare: {
          let bytes = try readBytes(path)
          return BenchmarkCase(
            ours: { blackHole(try loadAndInstantiate(bytes, lazy: false)) },
            peer: { blackHole(try wasmKitLoadAndInstantiateEagerly(bytes)) },
            bytesPerRun: bytes.count)
        })
    }
      + paths.map { path in
        Benchmark(
          name: "load-lazy/\(baseName(path))",
          summary: "decode+validate+instantiate (lazy translation) vs parseWasm+lazy instantiate",
          prepare: {
            let bytes = try readBytes(path)
            return BenchmarkCase(
              ours: { blackHole(try loadAndInstantiate(bytes, lazy: true)) },
              peer: { blackHole(try wasmKitLoadAndInstantiateLazily(bytes)) },
              bytesPerRun: bytes.count)
          })
      }
      + paths.map { path in
        Benchmark(
          name: "load-lazy-deferred/\(baseName(path))",
          summary:
            "decode+module validation+instantiate, bodies validated at first call, vs parseWasm+lazy instantiate",
          prepare: {
            let bytes = try readBytes(path)
            return BenchmarkCase(
              ours: { blackHole(try loadAndInstantiate(bytes, lazy: true, deferValidation: true)) },
              peer: { blackHole(try wasmKitLoadAndInstantiateLazily(bytes)) },
              bytesPerRun: bytes.count)
          })
      }
  }

  /// Our side: load, then instantiate; with `lazy` false every function is
  /// translated up front, otherwise at its first call.
  static func loadAndInstantiate(_ bytes: [UInt8], lazy: Bool, deferValidation: Bool = false)
    throws -> Instance
  {
    let module = try ValidatedModule(bytes: bytes, deferringBodyValidation: deferValidation)
    var configuration = InterpreterConfiguration()
    configuration.lazyTranslation = lazy
    let store = Store(configuration: configuration)
    var linker = Linker()
    for entry in module.imports {
      guard case .function(let typeIndex) = entry.descriptor else {
        throw BenchmarkFailure("import \(entry.module).\(entry.name): only function imports")
      }
      guard let type = module.module.functionType(at: typeIndex) else {
        throw BenchmarkFailure("import \(entry.module).\(entry.name): no type \(typeIndex)")
      }
      let function = store.hostFunction(type: type) { _, _ in
        throw BenchmarkFailure("placeholder import \(entry.module).\(entry.name) was called")
      }
      linker.define(module: entry.module, name: entry.name, .function(function))
    }
    return try linker.instantiate(module, in: store)
  }
}
