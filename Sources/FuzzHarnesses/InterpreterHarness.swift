// The interpreter on arbitrary modules: decode, validate (up front, or deferred to
// first call), instantiate with every import stubbed, then call every exported
// function with arguments drawn from the input (references: any the host holds,
// whatever the parameter's type; also stored into exported tables and globals),
// under fuel and a 200 ms deadline
// (the store is interrupted). A module or a call may fail only with a WasmError, an
// InstantiationError or a Trap; a crash or a call that neither fuel nor interruption
// stops is a finding.
//
// Seeds: the fixtures' modules, and modules from `wasm-tools smith` (Scripts/fuzz.sh
// adds them; Wasm 2.0 features only). Results against WasmKit are compared by
// `wasmbpf-difftest --modules` (Benchmarks/), not here: WasmKit is not a dependency
// of this package.

import WasmCore
import WasmInterp
import WasmText

extension FuzzHarness {
  static let interpreter = FuzzHarness(
    name: "interp", summary: "validate, instantiate and invoke every export with fuel",
    run: { bytes throws(FuzzFinding) in runModule(bytes) },
    seeds: { wasmModuleSeeds() + hostBoundarySeeds() },
    maxLength: 65536)
}

/// FNV-1a: arguments and modes derived from the whole input, so a module file alone
/// replays the same run.
private func fingerprint(_ bytes: [UInt8]) -> UInt64 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
  return hash
}

private func runModule(_ bytes: [UInt8]) {
  let hash = fingerprint(bytes)
  let module: ValidatedModule
  do {
    module = try ValidatedModule(bytes: bytes, deferringBodyValidation: hash & 1 == 1)
  } catch {
    return
  }
  var configuration = InterpreterConfiguration()
  configuration.maxMemoryPages = 256
  configuration.maxTableElements = 100_000
  configuration.valueStackSlots = 1 << 16
  configuration.maxCallDepth = 2_000
  configuration.lazyTranslation = hash & 2 == 0
  let store = Store(configuration: configuration)
  var linker = Linker()
  for entry in module.imports {
    switch entry.descriptor {
    case .function(let typeIndex):
      guard let type = module.module.functionType(at: typeIndex) else { return }
      let results = type.results.map(zeroValue)
      linker.defineFunction(
        module: entry.module, name: entry.name, in: store, parameters: type.parameters,
        results: type.results
      ) { _, _ in results }
    case .memory(let type):
      guard let memory = try? store.memory(type) else { return }
      linker.define(module: entry.module, name: entry.name, .memory(memory))
    case .table(let type):
      guard let table = try? store.table(type) else { return }
      linker.define(module: entry.module, name: entry.name, .table(table))
    case .global(let type):
      guard let global = try? store.global(type, value: zeroValue(type.valueType)) else { return }
      linker.define(module: entry.module, name: entry.name, .global(global))
    case .tag(let type):
      guard let signature = module.module.functionType(at: type.typeIndex) else { return }
      linker.define(
        module: entry.module, name: entry.name, .tag(store.tag(parameters: signature.parameters)))
    }
  }
  let interrupt = store.interruptHandle
  let instance: Instance
  do {
    instance = try CallWatchdog.shared.run(milliseconds: 200, onExpiry: { interrupt.interrupt() }) {
      store.fuel = 50_000
      return try linker.instantiate(module, in: store)
    }
  } catch {
    return
  }
  var seed = hash
  func next() -> UInt64 {
    seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return seed
  }
  // References as a hostile embedder hands them back: every export's function, i31s,
  // host values, nulls, and what calls returned (structs, arrays, functions of any
  // type; some released), passed for reference parameters whatever their declared
  // type and stored into exported tables and globals. The store must refuse what
  // does not fit (`StoreRuntime.admits`): code trusts validated types, so a struct
  // or function of the wrong type read as the declared one is an out-of-bounds read.
  var pool: [Value] = [.anyRef(.i31(7)), .externRef(5), .funcRef(nil), .anyRef(nil)]
  pool += instance.exportNames.compactMap { name in
    instance.function(name).map { .funcRef($0.reference) }
  }
  func pick() -> Value { pool[Int(truncatingIfNeeded: next() >> 33) % pool.count] }
  for name in instance.exportNames {
    if let table = instance.table(name), table.count > 0 {
      table.set(Int(truncatingIfNeeded: next() >> 40) % table.count, pick())
    }
    instance.global(name)?.set(pick())
    guard let function = instance.function(name) else { continue }
    let arguments = function.type.parameters.map { type -> Value in
      let bits = next()
      if case .ref = type, bits & 0x300 != 0 { return pick() }
      return value(of: type, bits: bits)
    }
    interrupt.reset()
    store.fuel = 50_000
    let results = try? CallWatchdog.shared.run(
      milliseconds: 200, onExpiry: { interrupt.interrupt() }
    ) {
      try function.call(arguments)
    }
    for result in results ?? [] where pool.count < 64 {
      switch result {
      case .funcRef(.some), .exnRef(.some): pool.append(result)
      case .anyRef(let reference?):
        if next() & 7 == 0 { store.release(reference) }
        pool.append(result)
      default: break
      }
    }
  }
}

/// A module whose exports hand out structs and functions of several types and take
/// them back as concrete reference types (parameters, a table, a global): a start
/// for mutations at the host boundary, where a value of the wrong type would be read
/// past its end (`struct.get $big 3` of a one-field struct) or called with the wrong
/// frame (`call_ref $sig` of a function of another signature).
private func hostBoundarySeeds() -> [(name: String, bytes: [UInt8])] {
  let text = """
    (module
      (type $small (struct (field i32)))
      (type $big (struct (field i64) (field i64) (field i64) (field i64)))
      (type $bytes (array (mut i8)))
      (type $sig (func (param i32) (result i32)))
      (type $other (func (result i64)))
      (table $t (export "a-table") 2 (ref null $sig))
      (global $g (export "a-global") (mut (ref null $big)) (ref.null $big))
      (func (export "b-small") (result (ref $small)) (struct.new $small (i32.const 7)))
      (func (export "c-big") (result (ref $big))
        (struct.new $big (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)))
      (func (export "d-bytes") (result (ref $bytes)) (array.new_default $bytes (i32.const 1)))
      (func $inc (export "e-inc") (type $sig) (i32.add (local.get 0) (i32.const 1)))
      (func (export "f-other") (type $other) (i64.const 9))
      (func (export "g-read-big") (param (ref $big)) (result i64) (struct.get $big 3 (local.get 0)))
      (func (export "h-read-null-big") (param (ref null $big)) (result i64)
        (struct.get $big 3 (local.get 0)))
      (func (export "i-last-byte") (param (ref $bytes)) (result i32)
        (array.get_u $bytes (local.get 0) (i32.const 0)))
      (func (export "j-call-sig") (param (ref $sig)) (result i32)
        (call_ref $sig (i32.const 5) (local.get 0)))
      (func (export "k-call-table") (result i32)
        (call_ref $sig (i32.const 5) (ref.as_non_null (table.get $t (i32.const 0)))))
      (func (export "l-read-global") (result i64) (struct.get $big 3 (ref.as_non_null (global.get $g))))
      (elem declare func $inc))
    """
  guard let bytes = try? WasmText.encodeModule(text: text) else { return [] }
  return [("host-boundary", bytes)]
}

private func zeroValue(_ type: ValueType) -> Value { value(of: type, bits: 0) }

/// A value of `type` from random bits: small numbers, edge values and raw bits.
private func value(of type: ValueType, bits: UInt64) -> Value {
  let raw: UInt64
  switch bits >> 61 {
  case 0: raw = 0
  case 1: raw = bits & 0xFF
  case 2: raw = UInt64.max
  case 3: raw = 0x8000_0000
  default: raw = bits
  }
  switch type {
  case .i32: return .i32(UInt32(truncatingIfNeeded: raw))
  case .i64: return .i64(raw)
  case .f32: return .f32(UInt32(truncatingIfNeeded: raw))
  case .f64: return .f64(raw)
  case .v128: return .v128(V128(low: raw, high: ~raw))
  case .ref(let reference):
    return reference.heapType == .function ? .funcRef(nil) : .externRef(raw == 0 ? nil : raw)
  }
}
