// `wasmbpf-difftest --modules FILE...`: modules from elsewhere (wasm-tools smith,
// made by Scripts/fuzz.sh or Scripts/smith-difftest.sh) instead of generated ones.
// Both runtimes must agree on whether the module validates and instantiates; then
// every exported function whose signature has only numbers is called once, in
// export order on one instance, with arguments from the file's own hash, and the
// results or trap, the exported memory and the exported globals must agree.
//
// smith is asked for modules that terminate (--ensure-termination) and import
// nothing; WasmKit has no fuel, so that is what bounds a call.

import Foundation
import WasmCore
import WasmInterp
import WasmKit

struct ModuleFileTally {
  var modules = 0
  var bothRejected = 0
  var compared = 0
  var calls = 0
  var skippedFunctions = 0
  var stackInconclusive = 0
  /// Calls that differed in a module that grows a table (see `mayGrowTable`).
  var growInconclusive = 0
  var mismatches: [String] = []
}

/// Whether a body of `module` may contain `table.grow` (0xFC 15; a byte scan, so an
/// immediate that happens to hold those bytes also counts). `table.grow` may fail
/// (the spec lets it), and ours does past `maxTableElements` (10 M by default) where
/// WasmKit grows to the table type's maximum: a smith module growing a table by 1.9
/// billion elements gets -1 from us and the old size from WasmKit, and every value
/// computed from it differs. Such a difference is inconclusive, not a mismatch.
func mayGrowTable(_ module: WasmCore.Module) -> Bool {
  module.codes.contains { body in
    let code = module.bytes[body.code]
    return zip(code, code.dropFirst()).contains { $0 == 0xFC && $1 == 0x0F }
  }
}

/// What a module exports that both runtimes can be asked about.
struct ExportShape {
  var functions: [(name: String, parameters: [WasmCore.ValueType])] = []
  var memory: String?
  var globals: [String] = []

  init(_ module: WasmCore.Module) {
    var functionTypes: [UInt32] = []
    var globalTypes: [WasmCore.ValueType] = []
    for entry in module.imports {
      switch entry.descriptor {
      case .function(let type): functionTypes.append(type)
      case .global(let type): globalTypes.append(type.valueType)
      default: break
      }
    }
    functionTypes += module.functions
    globalTypes += module.globals.map(\.type.valueType)
    let numbers: Set<WasmCore.ValueType> = [.i32, .i64, .f32, .f64]
    for export in module.exports {
      switch export.kind {
      case .function:
        let index = Int(export.index)
        guard index < functionTypes.count, let type = module.functionType(at: functionTypes[index])
        else { continue }
        guard type.parameters.allSatisfy(numbers.contains),
          type.results.allSatisfy(numbers.contains)
        else { continue }
        functions.append((export.name, type.parameters))
      case .memory: if memory == nil { memory = export.name }
      case .global:
        let index = Int(export.index)
        if index < globalTypes.count, numbers.contains(globalTypes[index]) {
          globals.append(export.name)
        }
      case .table, .tag: break
      }
    }
  }
}

extension OurRuntime {
  func state(_ shape: ExportShape) -> (pages: Int, hash: UInt64, globals: [DiffValue]) {
    let memory = shape.memory.flatMap { instance.memory($0) }
    var hash: UInt64 = 0
    if let memory {
      let bytes: [UInt8] = (try? memory.read(at: 0, count: memory.byteCount)) ?? []
      hash = bytes.withUnsafeBytes { fnv1a($0) }
    }
    let globals = shape.globals.map { DiffValue(ours: instance.global($0)!.value) }
    return (memory?.pageCount ?? 0, hash, globals)
  }
}

extension KitRuntime {
  func state(_ shape: ExportShape) -> (pages: Int, hash: UInt64, globals: [DiffValue]) {
    guard let name = shape.memory, let memory = instance.exports[memory: name] else {
      return (0, 0, shape.globals.map { DiffValue(kit: instance.exports[global: $0]!.value) })
    }
    let count = memory.byteCount
    let hash = memory.withUnsafeBufferPointer(offset: 0, count: count) { fnv1a($0) }
    let globals = shape.globals.map { DiffValue(kit: instance.exports[global: $0]!.value) }
    return (count / 65536, hash, globals)
  }
}

/// Numbers biased toward edges: zero, small, sign boundaries, NaN patterns.
func argument(_ type: WasmCore.ValueType, _ random: inout SplitMix64) -> DiffValue {
  let bits = random.next()
  let raw: UInt64
  switch bits % 6 {
  case 0: raw = 0
  case 1: raw = bits >> 59
  case 2: raw = UInt64.max
  case 3: raw = 0x8000_0000_8000_0000
  default: raw = random.next()
  }
  switch type {
  case .i32: return .i32(UInt32(truncatingIfNeeded: raw))
  case .i64: return .i64(raw)
  case .f32: return .f32(UInt32(truncatingIfNeeded: raw))
  default: return .f64(raw)
  }
}

func checkModuleFile(_ path: String, tally: inout ModuleFileTally, verbose: Bool) {
  guard let data = FileManager.default.contents(atPath: path) else {
    tally.mismatches.append("\(path): cannot read")
    return
  }
  let bytes = [UInt8](data)
  tally.modules += 1
  var oursFailure: String?
  var kitFailure: String?
  var ours: OurRuntime?
  var kit: KitRuntime?
  do { ours = try OurRuntime(bytes: bytes) } catch { oursFailure = "\(error)" }
  do { kit = try KitRuntime(bytes: bytes) } catch { kitFailure = "\(error)" }
  guard let ours, let kit else {
    if oursFailure != nil && kitFailure != nil {
      tally.bothRejected += 1
    } else {
      tally.mismatches.append(
        "\(path): ours \(oursFailure ?? "instantiates it"), WasmKit \(kitFailure ?? "instantiates it")"
      )
    }
    return
  }
  tally.compared += 1
  guard let module = try? WasmCore.decodeModule(bytes) else { return }  // ours decoded it once
  let shape = ExportShape(module)
  var random = SplitMix64(seed: bytes.withUnsafeBytes { fnv1a($0) })
  for function in shape.functions {
    let arguments = function.parameters.map { argument($0, &random) }
    var a = ours.call(function.name, arguments)
    var b = kit.call(function.name, arguments)
    (a.memoryPages, a.memoryHash, a.globals) = ours.state(shape)
    (b.memoryPages, b.memoryHash, b.globals) = kit.state(shape)
    tally.calls += 1
    if verbose { print("\(path) \(function.name): \(a)") }
    if let why = a.difference(from: b) {
      if a.trap == .stackExhausted || b.trap == .stackExhausted {
        tally.stackInconclusive += 1
        return
      }
      if mayGrowTable(module) {
        tally.growInconclusive += 1
        return
      }
      tally.mismatches.append(
        "\(path) \(function.name)(\(arguments.map(\.description).joined(separator: ", "))): \(why)\n  ours:    \(a)\n  WasmKit: \(b)"
      )
      return
    }
  }
}
