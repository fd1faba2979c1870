// Drives WasmKit 0.4.2, the oracle, through its public API.

import WasmKit

final class KitRuntime: DiffRuntime {
  let instance: Instance

  init(bytes: [UInt8]) throws {
    // Software bounds checks (no signal handlers next to ours), and a deep stack so
    // that budget-bounded recursion does not exhaust it before ours.
    let engine = Engine(
      configuration: EngineConfiguration(stackSize: 1 << 26, memoryBoundsChecking: .software))
    let store = Store(engine: engine)
    instance = try WasmKit.parseWasm(bytes: bytes).instantiate(store: store, imports: Imports())
  }

  func call(_ name: String, _ arguments: [DiffValue]) -> Outcome {
    var outcome = Outcome()
    guard let function = instance.exports[function: name] else {
      outcome.trap = .other("no export \(name)")
      return outcome
    }
    do {
      outcome.results = try function.invoke(arguments.map(\.kit)).map(DiffValue.init(kit:))
    } catch {
      outcome.trap = category("\(error)")
    }
    return outcome
  }

  /// WasmKit's trap reason is not public; its description starts "Trap: <reason>".
  private func category(_ description: String) -> TrapCategory {
    let firstLine = description.split(separator: "\n").first.map(String.init) ?? description
    let reason = firstLine.hasPrefix("Trap: ") ? String(firstLine.dropFirst(6)) : firstLine
    let table: [(String, TrapCategory)] = [
      ("unreachable", .unreachable), ("integer divide by zero", .divideByZero),
      ("integer overflow", .overflow), ("invalid conversion to integer", .conversion),
      ("out of bounds memory access", .memory), ("out of bounds table access", .tableBounds),
      ("indirect call to null element", .nullElement), ("indirect call type mismatch", .signature),
      ("call stack exhausted", .stackExhausted),
    ]
    for (prefix, category) in table where reason.hasPrefix(prefix) { return category }
    return .other(reason)
  }

  func state() -> (pages: Int, hash: UInt64, globals: [DiffValue]) {
    let memory = instance.exports[memory: "mem"]!
    let count = memory.byteCount
    let hash = memory.withUnsafeBufferPointer(offset: 0, count: count) { fnv1a($0) }
    let globals = GeneratedModule.globalNames.map {
      DiffValue(kit: instance.exports[global: $0]!.value)
    }
    return (count / 65536, hash, globals)
  }

  func memoryBytes() -> [UInt8] {
    let memory = instance.exports[memory: "mem"]!
    return memory.withUnsafeBufferPointer(offset: 0, count: memory.byteCount) { Array($0) }
  }
}

extension DiffValue {
  init(kit value: WasmKit.Value) {
    switch value {
    case .i32(let v): self = .i32(v)
    case .i64(let v): self = .i64(v)
    case .f32(let v): self = .f32(v)
    case .f64(let v): self = .f64(v)
    default: self = .i64(0xDEAD_BEEF_DEAD_BEEF)
    }
  }

  var kit: WasmKit.Value {
    switch self {
    case .i32(let v): .i32(v)
    case .i64(let v): .i64(v)
    case .f32(let v): .f32(v)
    case .f64(let v): .f64(v)
    }
  }
}
