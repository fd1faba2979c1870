// eBPF benchmarks against the real kernel (root). The peer here is not WasmKit but a
// native libbpf program doing the same work in C (Sources/NativeBpf), so these rows
// say what running the user-space half in our Wasm sandbox costs:
//   bpf/load-attach      the exectrace guest from start to attached and back (instantiate,
//                        WASI, load the embedded object, attach two tracepoints, detach)
//                        vs libbpf loading and attaching the same object
//   bpf/ring-throughput  200,000 ring-buffer records delivered into the ringbench guest's
//                        memory and through its callback vs a native ring_buffer__poll
//                        consumer; a producer thread calls getppid() in a loop meanwhile
// They are left out of the WasmKit geometric mean. Fixtures: Scripts/build-fixtures.sh.

import Foundation
import NativeBpf
import WasiBpf
import WasiPreview1
import WasmCore
import WasmInterp

enum BpfBenchmarks {
  static let ringRecords = 200_000

  static func make(inputs: BenchmarkInputs) -> [Benchmark] {
    [
      Benchmark(
        name: "bpf/load-attach",
        summary: "exectrace.wasm: instantiate + load + attach 2 tracepoints + close, vs native libbpf (peer: C, not WasmKit)",
        prepare: {
          let guest = try fixture("exectrace.wasm")
          let object = try fixture("exectrace.bpf.o")
          let module = try ValidatedModule(bytes: guest)
          try requireSuccess(native_load_attach(object, object.count), "native load+attach")
          guard try runGuest(module, ["-n", "0", "-t", "0"]) == 0 else {
            throw BenchmarkFailure("the exectrace guest failed to load and attach")
          }
          return BenchmarkCase(
            ours: { blackHole(try runGuest(module, ["-n", "0", "-t", "0"])) },
            peer: { blackHole(native_load_attach(object, object.count)) },
            bytesPerRun: guest.count)
        }),
      Benchmark(
        name: "bpf/ring-throughput",
        summary: "\(ringRecords) ring-buffer records into the ringbench guest vs a native libbpf consumer (peer: C, not WasmKit)",
        prepare: {
          let guest = try fixture("ringbench.wasm")
          let object = try fixture("ringbench.bpf.o")
          let module = try ValidatedModule(bytes: guest)
          let arguments = ["-n", "\(ringRecords)", "-t", "20000"]
          let ours = { () throws -> Void in
            let code = try withProducer { try runGuest(module, arguments) }
            guard code == 0 else { throw BenchmarkFailure("ringbench guest exited \(code)") }
          }
          let peer = { () throws -> Void in
            let consumed = withProducer {
              native_ring_consume(object, object.count, "produce", "records", ringRecords, 20000)
            }
            guard consumed >= ringRecords else {
              throw BenchmarkFailure("native consumer got \(consumed) records")
            }
          }
          try ours()
          try peer()
          return BenchmarkCase(ours: ours, peer: peer)
        }),
    ]
  }

  static func fixture(_ name: String) throws -> [UInt8] {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = repository.appendingPathComponent("Fixtures/generated/bpf/guests/\(name)").path
    guard geteuid() == 0 else { throw BenchmarkSkipped("eBPF benchmarks need root") }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw BenchmarkSkipped("\(path) missing: run Scripts/build-fixtures.sh")
    }
    return [UInt8](data)
  }

  static func requireSuccess(_ result: Int32, _ what: String) throws {
    guard result == 0 else { throw BenchmarkFailure("\(what) failed: \(result)") }
  }

  /// Runs a fixture guest in-process with WASI (output discarded) and wasm_bpf.
  static func runGuest(_ module: ValidatedModule, _ arguments: [String]) throws -> UInt32 {
    let store = Store()
    let wasi = try WasiPreview1(
      configuration: WasiConfiguration(
        arguments: ["guest.wasm"] + arguments, stdout: .buffer(), stderr: .buffer()))
    defer { wasi.context.closeAll() }
    let bpf = WasmBpf(options: BpfHostOptions(policy: .unrestricted, moduleName: "guest.wasm"))
    defer { bpf.host.closeAll() }
    var linker = Linker()
    wasi.define(in: &linker, store: store)
    bpf.define(in: &linker, store: store)
    let instance = try linker.instantiate(module, in: store)
    return try wasi.start(instance)
  }

  /// Runs `body` while a second thread calls getppid() as fast as it can.
  static func withProducer<R>(_ body: () throws -> R) rethrows -> R {
    let stop = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    stop.initialize(to: 0)
    defer { stop.deallocate() }
    var thread = pthread_t()
    pthread_create(
      &thread, nil,
      { raw in
        let flag = raw!.assumingMemoryBound(to: Int32.self)
        while flag.pointee == 0 { _ = getppid() }
        return nil
      }, stop)
    defer {
      stop.pointee = 1
      pthread_join(thread, nil)
    }
    return try body()
  }
}
