// The `wasm_bpf` import table: each import's name, Wasm signature and the `BpfHost`
// call it makes. The one place an import is declared: `WasmBpf.define` registers the
// table, `importNames` lists it (docs/wasm-bpf.md is checked against it by a test),
// and the semantics live in BpfHost. Adding an import is one entry here plus its
// BpfHost method.
//
// Registered under `wasm_bpf` and, for guests of an early runtime, `env`; plus the
// TinyGo variant `callback-wrapper.wasm_bpf_buffer_poll`, which calls the guest's
// export `go-callback` instead of a table entry. `wasm_attach_bpf_program_fd` is the
// fd-based attach the Rust runtime proposed (the cgroup is a WASI directory fd).
//
// Each closure captures the host, not the `WasmBpf` value: an embedder may drop that
// once the imports are defined.

import WasmCore
import WasmInterp

#if canImport(Glibc)
  import Glibc
#endif

/// One import of the `wasm_bpf` module.
struct WasmBpfImport: Sendable {
  let name: String
  let parameters: [ValueType]
  let result: ValueType
  let body: @Sendable (BpfHost, Caller, WasmBpfArguments) throws -> Value

  init(
    _ name: String, _ parameters: [ValueType], _ result: ValueType,
    _ body: @escaping @Sendable (BpfHost, Caller, WasmBpfArguments) throws -> Value
  ) {
    self.name = name
    self.parameters = parameters
    self.result = result
    self.body = body
  }

  static let all: [WasmBpfImport] = [
    WasmBpfImport("wasm_load_bpf_object", [.i32, .i32], .i64) { host, caller, a in
      .int64(host.loadObject(memory: CallerMemory(caller), address: a.u32(0), length: a.i32(1)))
    },
    WasmBpfImport("wasm_close_bpf_object", [.i64], .i32) { host, _, a in
      .int32(host.closeObject(handle: a.u64(0)))
    },
    WasmBpfImport("wasm_attach_bpf_program", [.i64, .i32, .i32], .i32) { host, caller, a in
      .int32(
        host.attachProgram(
          memory: CallerMemory(caller), handle: a.u64(0), nameAddress: a.u32(1),
          targetAddress: a.u32(2)))
    },
    WasmBpfImport("wasm_attach_bpf_program_fd", [.i64, .i32, .i32], .i32) { host, caller, a in
      .int32(
        host.attachProgram(
          memory: CallerMemory(caller), handle: a.u64(0), nameAddress: a.u32(1),
          guestFD: a.i32(2)))
    },
    WasmBpfImport("wasm_bpf_map_fd_by_name", [.i64, .i32], .i32) { host, caller, a in
      .int32(host.mapFD(memory: CallerMemory(caller), handle: a.u64(0), nameAddress: a.u32(1)))
    },
    WasmBpfImport("wasm_bpf_map_operate", [.i32, .i32, .i32, .i32, .i32, .i64], .i32) {
      host, caller, a in
      .int32(
        host.mapOperate(
          memory: CallerMemory(caller), mapID: a.i32(0), command: a.i32(1), key: a.u32(2),
          value: a.u32(3), nextKey: a.u32(4), flags: a.u64(5)))
    },
    // (obj, map_fd, sample_fn, ctx, data, max_size, timeout_ms): sample_fn is a C
    // function pointer, which in wasm32 is an index into table 0.
    WasmBpfImport("wasm_bpf_buffer_poll", [.i64, .i32, .i32, .i32, .i32, .i32, .i32], .i32) {
      host, caller, a in
      guard let callback = caller.bpfCallback(tableIndex: a.u32(2)) else { return .int32(-EINVAL) }
      let request = BpfPollRequest(
        object: a.u64(0), map: a.i32(1), context: a.u32(3), data: a.u32(4), capacity: a.i32(5),
        timeoutMilliseconds: a.i32(6))
      return .int32(try host.bufferPoll(request, memory: CallerMemory(caller), callback: callback))
    },
  ]

  /// TinyGo's poll, module `callback-wrapper`: (obj, map_fd, ctx, data, max_size,
  /// timeout_ms), calling the guest's export `go-callback`.
  static let tinyGoPoll = WasmBpfImport(
    "wasm_bpf_buffer_poll", [.i64, .i32, .i32, .i32, .i32, .i32], .i32
  ) { host, caller, a in
    guard let callback = caller.bpfCallback(export: "go-callback") else { return .int32(-EINVAL) }
    let request = BpfPollRequest(
      object: a.u64(0), map: a.i32(1), context: a.u32(2), data: a.u32(3), capacity: a.i32(4),
      timeoutMilliseconds: a.i32(5))
    return .int32(try host.bufferPoll(request, memory: CallerMemory(caller), callback: callback))
  }
}

/// The `wasm_bpf` host module for one guest instance.
///
/// ```swift
/// let bpf = WasmBpf(options: BpfHostOptions(policy: .observe, moduleName: "tool.wasm"))
/// bpf.define(in: &linker, store: store)
/// // ... instantiate and run; then, or on any trap:
/// bpf.host.closeAll()
/// ```
public final class WasmBpf {
  public let host: BpfHost

  public init(options: BpfHostOptions) {
    host = BpfHost(options: options)
  }

  /// The import modules that make a guest a wasm-bpf program.
  public static let importModuleNames: [String] = ["wasm_bpf", "env", "callback-wrapper"]

  /// The functions of the `wasm_bpf` module, in the order the table declares them.
  public static var importNames: [String] { WasmBpfImport.all.map(\.name) }

  /// Whether `module` imports anything from the `wasm_bpf` modules (so it needs a host).
  public static func isImported(by module: Module) -> Bool {
    module.imports.contains { importModuleNames.contains($0.module) }
  }

  /// Defines the imports in `linker` under `wasm_bpf` and `env`, and the
  /// `callback-wrapper` poll.
  public func define(in linker: inout Linker, store: Store) {
    let host = self.host
    func register(_ function: WasmBpfImport, module: String) {
      linker.defineFunction(
        module: module, name: function.name, in: store, parameters: function.parameters,
        results: [function.result]
      ) { caller, arguments in
        [try function.body(host, caller, WasmBpfArguments(values: arguments))]
      }
    }
    for module in ["wasm_bpf", "env"] {
      for function in WasmBpfImport.all { register(function, module: module) }
    }
    register(WasmBpfImport.tinyGoPoll, module: "callback-wrapper")
  }
}

/// An import's arguments, typed by its signature (the linker checked the types).
struct WasmBpfArguments {
  let values: [Value]
  func u32(_ index: Int) -> UInt32 {
    if case .i32(let v) = values[index] { return v }
    return 0
  }
  func i32(_ index: Int) -> Int32 { Int32(bitPattern: u32(index)) }
  func u64(_ index: Int) -> UInt64 {
    if case .i64(let v) = values[index] { return v }
    return 0
  }
}

/// The guest's memory 0 as the host sees it; a guest without one has no valid pointer.
struct CallerMemory: GuestMemory {
  let memory: Memory?
  init(_ caller: Caller) { memory = caller.memory }
  var byteCount: Int { memory?.byteCount ?? 0 }
  func withBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
    guard let memory else { return try body(UnsafeMutableRawBufferPointer(start: nil, count: 0)) }
    return try memory.withView { try body($0.unsafeBuffer) }
  }
}

extension Caller {
  /// The ABI's callback type: `(ctx, data, size) -> i32`.
  static let bpfCallbackType = FunctionType(parameters: [.i32, .i32, .i32], results: [.i32])

  /// The guest function at `tableIndex` of table 0 as a poll callback, when it has the
  /// callback's type.
  func bpfCallback(tableIndex: UInt32) -> BpfGuestCallback? {
    function(inTable: 0, at: Int(tableIndex)).flatMap(Self.bpfCallback)
  }

  /// The guest's export `name` as a poll callback, when it has the callback's type.
  func bpfCallback(export name: String) -> BpfGuestCallback? {
    guard case .function(let f)? = export(name) else { return nil }
    return Self.bpfCallback(f)
  }

  private static func bpfCallback(_ function: Function) -> BpfGuestCallback? {
    guard function.type == bpfCallbackType else { return nil }
    return { context, data, size in
      try function.call([.i32(context), .i32(data), .i32(size)]).first?.int32 ?? 0
    }
  }
}
