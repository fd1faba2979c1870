// eBPF benchmarks against the real kernel (root). The peer here is not WasmKit but a
// native libbpf program doing the same work in C (Sources/NativeBpf), so these rows
// say what running the user-space half in our Wasm sandbox costs:
//   bpf/load-attach      the exectrace guest from start to attached (instantiate, WASI,
//                        load the embedded object, attach two tracepoints) vs libbpf
//                        opening, loading and attaching the same object; detaching
//                        (an RCU grace period, ~100 ms for both) happens after the
//                        timed region of each run
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
        summary: "exectrace.wasm: instantiate + run to 2 tracepoints attached, vs native libbpf open+load+attach (peer: C, not WasmKit; detaching is not timed)",
        prepare: {
          let guest = try fixture("exectrace.wasm")
          let object = try fixture("exectrace.bpf.o")
          let module = try ValidatedModule(bytes: guest)
          guard let probe = native_load_attach_keep(object, object.count) else {
            throw BenchmarkFailure("native load+attach failed")
          }
          native_release(probe)
          let arguments = ["-n", "0", "-t", "0", "-a", "keep"]
          let (code, host) = try runGuest(module, arguments, keepObjects: true)
          guard code == 0, host.openObjectCount == 1 else {
            throw BenchmarkFailure("the exectrace guest failed to load and attach")
          }
          host.closeAll()
          return BenchmarkCase(
            ours: {}, peer: {}, bytesPerRun: guest.count,
            selfTimed: (
              ours: {
                let start = monotonicSeconds()
                let (_, host) = try runGuest(module, arguments, keepObjects: true)
                let elapsed = monotonicSeconds() - start
                host.closeAll()
                return elapsed
              },
              peer: {
                let start = monotonicSeconds()
                let kept = native_load_attach_keep(object, object.count)
                let elapsed = monotonicSeconds() - start
                guard kept != nil else { throw BenchmarkFailure("native load+attach failed") }
                native_release(kept)
                return elapsed
              }
            ))
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
            let code = try withProducer { try runGuest(module, arguments).0 }
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

  /// Runs a fixture guest in-process with WASI (output discarded) and wasm_bpf. With
  /// `keepObjects` the guest's BPF objects stay loaded and attached for the caller.
  static func runGuest(
    _ module: ValidatedModule, _ arguments: [String], keepObjects: Bool = false
  ) throws -> (UInt32, BpfHost) {
    let store = Store()
    let wasi = try WasiPreview1(
      configuration: WasiConfiguration(
        arguments: ["guest.wasm"] + arguments, stdout: .buffer(), stderr: .buffer()))
    defer { wasi.context.closeAll() }
    let bpf = WasmBpf(options: BpfHostOptions(policy: .unrestricted, moduleName: "guest.wasm"))
    defer { if !keepObjects { bpf.host.closeAll() } }
    var linker = Linker()
    wasi.define(in: &linker, store: store)
    bpf.define(in: &linker, store: store)
    let instance = try linker.instantiate(module, in: store)
    return (try wasi.start(instance), bpf.host)
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
