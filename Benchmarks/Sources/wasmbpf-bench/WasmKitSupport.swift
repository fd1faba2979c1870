// Helpers to drive WasmKit 0.4.2 on modules whose imports we do not care about.

// `Module.functionType(at:)` is SPI in 0.4.2; WasmKit's own fuzzers use it the same way.
@_spi(Fuzzing) import WasmKit

/// Instantiates `module` in a fresh store of `engine`, satisfying every import with a
/// placeholder (functions that trap if called, zero globals, fresh memories and
/// tables). The start function must not call imports; benchmark modules have none.
func instantiateWithDummyImports(_ module: WasmKit.Module, engine: Engine) throws -> Instance {
  let store = Store(engine: engine)
  var imports = Imports()
  for entry in module.imports {
    let value: any ExternalValueConvertible
    switch entry.descriptor {
    case .function(let typeIndex):
      guard let type = module.functionType(at: typeIndex) else {
        throw BenchmarkFailure(
          "import \(entry.module).\(entry.name): no function type \(typeIndex)")
      }
      value = Function(store: store, type: type) { _, _ in
        throw BenchmarkFailure("placeholder import \(entry.module).\(entry.name) was called")
      }
    case .global(let globalType):
      value = try Global(store: store, type: globalType, value: .i32(0))
    case .memory(let memoryType):
      value = try Memory(store: store, type: memoryType)
    case .table(let tableType):
      value = try Table(store: store, type: tableType)
    case .tag:
      throw BenchmarkFailure(
        "import \(entry.module).\(entry.name): tags are not used by benchmarks")
    }
    imports.define(module: entry.module, name: entry.name, value.externalValue)
  }
  return try module.instantiate(store: store, imports: imports)
}

/// Parses `bytes` and instantiates the module in a fresh store of an eager engine:
/// every function body is validated and translated.
func wasmKitLoadAndInstantiateEagerly(_ bytes: [UInt8]) throws -> Instance {
  let engine = Engine(configuration: EngineConfiguration(compilationMode: .eager))
  return try instantiateWithDummyImports(WasmKit.parseWasm(bytes: bytes), engine: engine)
}

/// Parses `bytes` and instantiates the module in a fresh store of a lazy engine (the
/// default): bodies are validated and translated at their first call, so none here.
func wasmKitLoadAndInstantiateLazily(_ bytes: [UInt8]) throws -> Instance {
  let engine = Engine(configuration: EngineConfiguration(compilationMode: .lazy))
  return try instantiateWithDummyImports(WasmKit.parseWasm(bytes: bytes), engine: engine)
}

/// Instantiates a kernel module (lazy engine, the default) and returns a closure
/// calling its exported `run(n) -> i32`.
func wasmKitKernel(_ bytes: [UInt8]) throws -> (UInt32) throws -> UInt32 {
  let engine = Engine()
  // Tail calls for Kernels/tailcall.c; the other kernels use 2.0 only.
  let instance = try instantiateWithDummyImports(
    WasmKit.parseWasm(bytes: bytes, features: [.referenceTypes, .tailCall]), engine: engine)
  guard let run = instance.exports[function: "run"] else {
    throw BenchmarkFailure("no exported function run")
  }
  return { n in
    let results = try run([.i32(n)])
    guard results.count == 1, case .i32(let value) = results[0] else {
      throw BenchmarkFailure("run returned \(results)")
    }
    return value
  }
}
