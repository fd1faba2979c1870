// Drives WasmInterp (ours) through its public embedding API.

import WasmCore
import WasmInterp

final class OurRuntime: DiffRuntime {
  let store: Store
  let instance: Instance

  init(bytes: [UInt8]) throws {
    let module = try ValidatedModule(bytes: bytes)
    store = Store()
    instance = try Linker().instantiate(module, in: store)
  }

  func call(_ name: String, _ arguments: [DiffValue]) -> Outcome {
    var outcome = Outcome()
    guard let function = instance.function(name) else {
      outcome.trap = .other("no export \(name)")
      return outcome
    }
    do {
      outcome.results = try function.call(arguments.map(\.ours)).map(DiffValue.init(ours:))
    } catch {
      outcome.trap = category(error.kind, error)
    }
    return outcome
  }

  private func category(_ kind: TrapKind, _ trap: Trap) -> TrapCategory {
    switch kind {
    case .unreachable: .unreachable
    case .integerDivideByZero: .divideByZero
    case .integerOverflow: .overflow
    case .invalidConversionToInteger: .conversion
    case .outOfBoundsMemoryAccess: .memory
    case .outOfBoundsTableAccess, .undefinedElement: .tableBounds
    case .uninitializedElement: .nullElement
    case .indirectCallTypeMismatch: .signature
    case .callStackExhausted: .stackExhausted
    default: .other(trap.description)
    }
  }

  func state() -> (pages: Int, hash: UInt64, globals: [DiffValue]) {
    let memory = instance.memory("mem")!
    let hash = memoryBytes().withUnsafeBytes { fnv1a($0) }
    let globals = GeneratedModule.globalNames.map { DiffValue(ours: instance.global($0)!.value) }
    return (memory.pageCount, hash, globals)
  }

  /// The whole memory, through the public embedding API (a whole-memory read
  /// cannot be out of bounds).
  func memoryBytes() -> [UInt8] {
    let memory = instance.memory("mem")!
    return (try? memory.read(at: 0, count: memory.byteCount)) ?? []
  }
}

extension DiffValue {
  init(ours value: WasmInterp.Value) {
    switch value {
    case .i32(let v): self = .i32(v)
    case .i64(let v): self = .i64(v)
    case .f32(let v): self = .f32(v)
    case .f64(let v): self = .f64(v)
    default: self = .i64(0xDEAD_BEEF_DEAD_BEEF)
    }
  }

  var ours: WasmInterp.Value {
    switch self {
    case .i32(let v): .i32(v)
    case .i64(let v): .i64(v)
    case .f32(let v): .f32(v)
    case .f64(let v): .f64(v)
    }
  }
}
