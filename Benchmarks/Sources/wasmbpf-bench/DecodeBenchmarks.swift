// Decode and validate benchmarks on large real modules.
//
// What each side does (WasmKit 0.4.2, read from its sources):
// - `WasmKit.parseWasm` reads every section and keeps each function body as an
//   undecoded byte slice; it does not look inside bodies.
// - Function bodies are validated by WasmKit's translator, which validates and
//   translates to its internal code in one pass, when a function is compiled:
//   lazily on first call, or all of them during `instantiate` when the engine's
//   compilation mode is `.eager`. WasmKit has no public validate-only entry point.
//
// So:
// - `decode-bodies/NAME`: ours `decodeModule` + our instruction decoder over every
//   body with a visitor that only counts vs WasmKit's `Parser` over the sections +
//   its `ExpressionParser` over every body with a no-op visitor. Decoding only, no
//   validation, on both sides: like for like. The instruction counts must agree.
// - `decode/NAME`: ours `decodeModule` vs WasmKit `parseWasm`: structure only, both
//   leave bodies undecoded. Like for like.
// - `decode-validate/NAME`: ours `decodeModule` + `validateModule` (every body) vs
//   WasmKit `parseWasm` + `instantiate` in an eager engine with dummy imports
//   (validate + translate every body, plus instantiation). The instantiation part
//   is measured apart (parse done, lazy engine: nothing compiled) and printed as
//   WasmKit overhead, so the ratio can be read with and without it. WasmKit's side
//   still includes translation, which our validator does not do: this benchmark is
//   favourable to us until our translator runs in the same pass.

import WasmCore
import WasmKit

enum DecodeBenchmarks {
  static func make(inputs: BenchmarkInputs) -> [Benchmark] {
    var benchmarks = [Benchmark]()
    for path in BenchmarkInputs.wasmFiles(in: inputs.modulesDirectory) {
      let name = baseName(path)
      benchmarks.append(
        Benchmark(
          name: "decode/\(name)",
          summary: "decodeModule vs WasmKit.parseWasm (sections; bodies located, not decoded)",
          prepare: {
            let bytes = try readBytes(path)
            return BenchmarkCase(
              ours: { blackHole(try WasmCore.decodeModule(bytes)) },
              peer: { blackHole(try WasmKit.parseWasm(bytes: bytes)) },
              bytesPerRun: bytes.count)
          }))
      benchmarks.append(
        Benchmark(
          name: "decode-bodies/\(name)",
          summary: "decode + every instruction, no validation (counting visitors) on both sides",
          prepare: {
            let bytes = try readBytes(path)
            let ours = try decodeAllBodiesOurs(bytes)
            let theirs = try decodeAllBodiesWasmKit(bytes)
            guard ours == theirs else {
              throw BenchmarkFailure("instruction counts differ: ours \(ours), WasmKit \(theirs)")
            }
            return BenchmarkCase(
              ours: { blackHole(try decodeAllBodiesOurs(bytes)) },
              peer: { blackHole(try decodeAllBodiesWasmKit(bytes)) },
              bytesPerRun: bytes.count)
          }))
      benchmarks.append(
        Benchmark(
          name: "decode-validate/\(name)",
          summary: "decodeModule+validateModule vs parseWasm+eager instantiate (validate+translate)",
          prepare: {
            let bytes = try readBytes(path)
            let parsed = try WasmKit.parseWasm(bytes: bytes)
            let eager = Engine(configuration: EngineConfiguration(compilationMode: .eager))
            let lazy = Engine(configuration: EngineConfiguration(compilationMode: .lazy))
            return BenchmarkCase(
              ours: {
                let module = try WasmCore.decodeModule(bytes)
                try WasmCore.validateModule(module)
                blackHole(module)
              },
              peer: {
                let module = try WasmKit.parseWasm(bytes: bytes)
                blackHole(try instantiateWithDummyImports(module, engine: eager))
              },
              peerOverhead: {
                blackHole(try instantiateWithDummyImports(parsed, engine: lazy))
              },
              bytesPerRun: bytes.count)
          }))
    }
    return benchmarks
  }
}
