// The Wasm GC workloads (`Kernels/binarytrees.wat`, `Kernels/linkedlist.wat`): one
// run per process (hidden option `--gc-once NAME N [ours|wasmtime]`), so that the
// peak resident set (`VmHWM`, see RSSReport.swift for why not `ru_maxrss`) is the
// workload's own. Ours reports the store's GC counters (bytes allocated,
// collections, the longest and total pause); wasmtime (PyPI, Cranelift, `wasm_gc`,
// driven by Peers/wasmtime_peer.py `--once`, in the Python WasmtimePeer picks) reports its call time and the peak
// resident set of its Python process (Python and wasmtime included). docs/gc.md
// has the figures.

import Foundation
import WasmCore
import WasmInterp
import WasmText

enum GCBenchmarks {
  /// One run of `name`'s `run(n)` on `side`; prints one line; returns the exit status.
  static func runOnce(name: String, n: UInt32, side: String) -> Int32 {
    let path = WasmtimeBenchmarks.packageRoot + "/Kernels/" + name + ".wat"
    do {
      switch side {
      case "ours":
        let bytes = try WasmText.encodeModule(source: try readBytes(path))
        let module = try ValidatedModule(bytes: bytes)
        let store = Store()
        let instance = try Linker().instantiate(module, in: store)
        guard let run = instance.function("run") else {
          throw BenchmarkFailure("no exported function run")
        }
        let start = monotonicSeconds()
        let results = try run.call(.i32(n))
        let seconds = monotonicSeconds() - start
        let gc = store.gcStatistics
        let megabytes = Double(gc.allocatedBytes) / 1e6
        emit(
          "gc/\(name) ours: run(\(n)) = \(results.first?.int32 ?? 0), "
            + String(
              format: "%.3f s, %.1f MB allocated (%.0f MB/s), ", seconds, megabytes,
              megabytes / seconds)
            + "\(gc.collections) collections, longest pause "
            + String(
              format: "%.2f ms, total %.1f ms, ", milliseconds(gc.longestPause),
              milliseconds(gc.totalPause))
            + "peak RSS \(peakResidentKB() / 1024) MB")
      case "wasmtime":
        let process = Process()
        process.executableURL = URL(fileURLWithPath: WasmtimePeer.python)
        process.arguments = [
          WasmtimeBenchmarks.packageRoot + "/Peers/wasmtime_peer.py", path, "--once", String(n),
        ]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchmarkFailure("wasmtime peer failed") }
      default: throw BenchmarkFailure("side must be ours or wasmtime, not \(side)")
      }
      return 0
    } catch {
      emit("gc/\(name) \(side): FAILED: \(error)")
      return 1
    }
  }

  static func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
  }

  /// This process's peak resident set (`VmHWM`), in KiB (0 when unreadable).
  static func peakResidentKB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
      return 0
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      return Int(
        line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        ?? 0
    }
    return 0
  }
}
