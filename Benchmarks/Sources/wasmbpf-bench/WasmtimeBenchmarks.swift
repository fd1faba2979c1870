// Wasm 3.0 kernels that WasmKit 0.4.2 cannot run (exception handling), and the
// tail-call kernel, against wasmtime (PyPI `wasmtime`, Cranelift): reported, not
// targeted, as a JIT compiler is not an interpreter's peer. The wasmtime side is a
// long-lived Python process (Benchmarks/Peers/wasmtime_peer.py) that times each
// `run(n)` itself, so both sides are self-timed and interleaved by the harness.
//
//   wasmtime/tailcall    Kernels/tailcall.c (-mtail-call): a threaded-code
//                        interpreter dispatching through return_call_indirect, and a
//                        direct mutual tail recursion
//   wasmtime/exceptions  Kernels/exceptions.wat: throw, catch, catch_all, cleanup
//                        frames (catch_all_ref + throw_ref) 1 to 8 frames deep
//
// The Python used is WASMBPF_PEER_PYTHON, else Benchmarks/work/peer-venv/bin/python3
// (Scripts/bench-smoke.sh makes it), else python3.

import Foundation
import WasmCore
import WasmInterp
import WasmText

enum WasmtimeBenchmarks {
  static let sizes: [String: UInt32] = ["tailcall": 20_000, "exceptions": 5_000]

  static func make(inputs: BenchmarkInputs) -> [Benchmark] {
    let kernels = [
      ("tailcall", inputs.kernelsDirectory + "/tailcall.wasm"),
      ("exceptions", packageRoot + "/Kernels/exceptions.wat"),
    ]
    return kernels.map { name, path in
      Benchmark(
        name: "wasmtime/\(name)",
        summary:
          "run(\(sizes[name] ?? 1)) of a Wasm 3.0 kernel, ours vs wasmtime (PyPI, Cranelift)",
        prepare: {
          let n = sizes[name] ?? 1
          let ours = try ourKernel(path)
          let peer = try WasmtimePeer(kernel: path)
          let (expected, _) = try peer.run(n)
          let actual = try ours(n)
          guard expected == actual else {
            throw BenchmarkFailure("checksums differ: wasmtime \(expected), ours \(actual)")
          }
          return BenchmarkCase(
            ours: {}, peer: {},
            selfTimed: (
              ours: {
                let start = monotonicSeconds()
                blackHole(try ours(n))
                return monotonicSeconds() - start
              },
              peer: { try peer.run(n).seconds }
            ))
        })
    }
  }

  /// The Benchmarks package folder.
  static var packageRoot: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
  }

  /// `run(n)` of a kernel (.wasm, or .wat read with WasmText) on our interpreter.
  static func ourKernel(_ path: String) throws -> (UInt32) throws -> UInt32 {
    var bytes = try readBytes(path)
    if path.hasSuffix(".wat") { bytes = try WasmText.encodeModule(source: bytes) }
    return try KernelBenchmarks.ourKernel(bytes)
  }
}

/// A wasmtime instance of a kernel in a Python process, driven over pipes.
final class WasmtimePeer {
  let process = Process()
  let input = Pipe()
  let output = Pipe()
  var buffer: [UInt8] = []

  /// WASMBPF_PEER_PYTHON, else the venv Scripts/bench-smoke.sh makes, else the system's.
  static var python: String {
    let venv = WasmtimeBenchmarks.packageRoot + "/work/peer-venv/bin/python3"
    return ProcessInfo.processInfo.environment["WASMBPF_PEER_PYTHON"]
      ?? (FileManager.default.isExecutableFile(atPath: venv) ? venv : "/usr/bin/python3")
  }

  init(kernel: String) throws {
    process.executableURL = URL(fileURLWithPath: Self.python)
    process.arguments = [WasmtimeBenchmarks.packageRoot + "/Peers/wasmtime_peer.py", kernel]
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    guard try readLine() == "ready" else {
      throw BenchmarkFailure("the wasmtime peer did not start (is PyPI wasmtime installed?)")
    }
  }

  deinit {
    try? input.fileHandleForWriting.write(contentsOf: Data("quit\n".utf8))
    process.waitUntilExit()
  }

  func readLine() throws -> String {
    while true {
      if let newline = buffer.firstIndex(of: 10) {
        let line = String(decoding: buffer[..<newline], as: UTF8.self)
        buffer.removeSubrange(...newline)
        return line
      }
      let chunk = output.fileHandleForReading.availableData
      guard !chunk.isEmpty else { throw BenchmarkFailure("the wasmtime peer exited") }
      buffer += chunk
    }
  }

  /// `run(n)` in wasmtime: its result and the seconds the call took.
  func run(_ n: UInt32) throws -> (result: UInt32, seconds: Double) {
    try input.fileHandleForWriting.write(contentsOf: Data("\(n)\n".utf8))
    let fields = try readLine().split(separator: " ")
    guard fields.count == 2, let result = UInt32(fields[0]), let seconds = Double(fields[1]) else {
      throw BenchmarkFailure("unexpected answer from the wasmtime peer")
    }
    return (result, seconds)
  }
}
