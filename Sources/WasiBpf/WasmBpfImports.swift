// The `wasm_bpf` import module on the interpreter: each import decodes its guest
// arguments and calls `BpfHost`, which holds the semantics and the checks.
// `wasm_attach_bpf_program_fd` is the fd-based attach the Rust runtime proposed: the
// cgroup is a WASI directory fd the guest was granted (see `BpfHost.guestDirectoryFD`).
//
// Registered under `wasm_bpf` and, for guests of an early runtime, `env`; plus the
// TinyGo variant `callback-wrapper.wasm_bpf_buffer_poll`, which calls the guest's
// export `go-callback` instead of a table entry.

import WasmCore
import WasmInterp

#if canImport(Glibc)
  import Glibc
#endif

/// The guest's memory 0 as the BPF host sees it.
final class InterpreterGuestMemory: GuestMemory {
  let memory: Memory
  init(_ memory: Memory) { self.memory = memory }
  var byteCount: Int { memory.withView { $0.unsafeBuffer.count } }
  func withBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
    try memory.withView { try body($0.unsafeBuffer) }
  }
}

/// A guest without a memory: every pointer is out of bounds.
final class NoGuestMemory: GuestMemory {
  var byteCount: Int { 0 }
  func withBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
    try body(UnsafeMutableRawBufferPointer(start: nil, count: 0))
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

  /// The callback type the ABI requires: `(ctx, data, size) -> i32`.
  static let callbackType = FunctionType(parameters: [.i32, .i32, .i32], results: [.i32])

  /// Defines the imports in `linker` under `wasm_bpf` and `env`, and the
  /// `callback-wrapper` poll.
  public func define(in linker: inout Linker, store: Store) {
    for module in ["wasm_bpf", "env"] {
      define(in: &linker, store: store, module: module)
    }
    linker.defineFunction(
      module: "callback-wrapper", name: "wasm_bpf_buffer_poll", in: store,
      parameters: [.i64, .i32, .i32, .i32, .i32, .i32], results: [.i32]
    ) { [unowned self] caller, a in
      let callback = caller.export("go-callback").flatMap { extern -> Function? in
        if case .function(let f) = extern, f.type == Self.callbackType { return f }
        return nil
      }
      guard let callback else { return [.int32(-EINVAL)] }
      return try self.poll(
        caller, a[0].u64, a[1].i32, sampleFunction: 0, a[2].u32, a[3].u32, a[4].i32, a[5].i32
      ) { _ in callback }
    }
  }

  private func define(in linker: inout Linker, store: Store, module: String) {
    linker.defineFunction(
      module: module, name: "wasm_load_bpf_object", in: store, parameters: [.i32, .i32],
      results: [.i64]
    ) { [unowned self] caller, a in
      [.int64(host.loadObject(memory: memory(caller), address: a[0].u32, length: a[1].i32))]
    }
    linker.defineFunction(
      module: module, name: "wasm_close_bpf_object", in: store, parameters: [.i64],
      results: [.i32]
    ) { [unowned self] _, a in
      [.int32(host.closeObject(handle: a[0].u64))]
    }
    linker.defineFunction(
      module: module, name: "wasm_attach_bpf_program", in: store,
      parameters: [.i64, .i32, .i32], results: [.i32]
    ) { [unowned self] caller, a in
      [
        .int32(
          host.attachProgram(
            memory: memory(caller), handle: a[0].u64, nameAddress: a[1].u32,
            targetAddress: a[2].u32))
      ]
    }
    linker.defineFunction(
      module: module, name: "wasm_attach_bpf_program_fd", in: store,
      parameters: [.i64, .i32, .i32], results: [.i32]
    ) { [unowned self] caller, a in
      [
        .int32(
          host.attachProgram(
            memory: memory(caller), handle: a[0].u64, nameAddress: a[1].u32, guestFD: a[2].i32))
      ]
    }
    linker.defineFunction(
      module: module, name: "wasm_bpf_map_fd_by_name", in: store, parameters: [.i64, .i32],
      results: [.i32]
    ) { [unowned self] caller, a in
      [.int32(host.mapFD(memory: memory(caller), handle: a[0].u64, nameAddress: a[1].u32))]
    }
    linker.defineFunction(
      module: module, name: "wasm_bpf_map_operate", in: store,
      parameters: [.i32, .i32, .i32, .i32, .i32, .i64], results: [.i32]
    ) { [unowned self] caller, a in
      [
        .int32(
          host.mapOperate(
            memory: memory(caller), mapID: a[0].i32, command: a[1].i32, key: a[2].u32,
            value: a[3].u32, nextKey: a[4].u32, flags: a[5].u64))
      ]
    }
    linker.defineFunction(
      module: module, name: "wasm_bpf_buffer_poll", in: store,
      parameters: [.i64, .i32, .i32, .i32, .i32, .i32, .i32], results: [.i32]
    ) { [unowned self] caller, a in
      try self.poll(
        caller, a[0].u64, a[1].i32, sampleFunction: a[2].u32, a[3].u32, a[4].u32, a[5].i32,
        a[6].i32
      ) { index in
        // A C function pointer is a table-0 index; its type must be the callback's.
        guard let f = caller.function(inTable: 0, at: Int(index)), f.type == Self.callbackType
        else { return nil }
        return f
      }
    }
  }

  private func memory(_ caller: Caller) -> GuestMemory {
    caller.memory.map { InterpreterGuestMemory($0) } ?? NoGuestMemory()
  }

  /// Polls with `resolve` giving the guest function to call for a record (nil: the
  /// callback is invalid, and the poll fails with -EINVAL before consuming anything).
  private func poll(
    _ caller: Caller, _ handle: UInt64, _ mapID: Int32, sampleFunction: UInt32,
    _ context: UInt32, _ data: UInt32, _ maxSize: Int32, _ timeout: Int32,
    resolve: (UInt32) -> Function?
  ) throws -> [Value] {
    guard let callback = resolve(sampleFunction) else { return [.int32(-EINVAL)] }
    let result = try host.bufferPoll(
      memory: memory(caller), handle: handle, mapID: mapID, sampleFunction: sampleFunction,
      context: context, data: data, maxSize: maxSize, timeoutMilliseconds: timeout
    ) { _, context, data, size in
      let results = try callback.call([.i32(context), .i32(data), .i32(size)])
      return results.first?.int32 ?? 0
    }
    return [.int32(result)]
  }
}

extension Value {
  fileprivate var u32: UInt32 {
    if case .i32(let v) = self { return v }
    return 0
  }
  fileprivate var i32: Int32 { Int32(bitPattern: u32) }
  fileprivate var u64: UInt64 {
    if case .i64(let v) = self { return v }
    return 0
  }
}
