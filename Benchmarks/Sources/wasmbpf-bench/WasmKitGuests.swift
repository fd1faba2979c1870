// WasmKit's side of GuestBenchmarks: QuickJS under WasmKitWASI, and a host function.

import Foundation
import WasmKit
import WasmKitWASI

/// Runs QuickJS on `GuestBenchmarks.quickJSScript` under WasmKit (default lazy
/// engine, WasmKitWASI) and returns its standard output, read from a pipe after the
/// run (the output is far below a pipe's capacity).
func wasmKitRunQuickJS(_ bytes: [UInt8]) throws -> String {
  var stdoutPipe: [Int32] = [0, 0]
  var stderrPipe: [Int32] = [0, 0]
  guard pipe(&stdoutPipe) == 0 else { throw BenchmarkFailure("pipe failed") }
  guard pipe(&stderrPipe) == 0 else {
    close(stdoutPipe[0])
    close(stdoutPipe[1])
    throw BenchmarkFailure("pipe failed")
  }
  defer { for fd in stdoutPipe + stderrPipe { close(fd) } }
  let module = try WasmKit.parseWasm(bytes: bytes)
  let store = Store(engine: Engine())
  let wasi = try WASIBridgeToHost(
    args: ["quickjs", GuestBenchmarks.quickJSScript], stdin: 0, stdout: stdoutPipe[1],
    stderr: stderrPipe[1])
  let code = try wasi.runAndClose { wasi -> UInt32 in
    var imports = Imports()
    wasi.link(to: &imports, store: store)
    let instance = try module.instantiate(store: store, imports: imports)
    return try wasi.start(instance)
  }
  close(stdoutPipe[1])
  close(stderrPipe[1])
  stdoutPipe[1] = -1
  stderrPipe[1] = -1
  let output = readAll(stdoutPipe[0])
  guard code == 0 else {
    throw BenchmarkFailure("quickjs exited \(code) under WasmKit: \(readAll(stderrPipe[0]))")
  }
  return output
}

/// Everything left to read on `fd`, as UTF-8.
private func readAll(_ fd: Int32) -> String {
  var bytes = [UInt8]()
  var chunk = [UInt8](repeating: 0, count: 4096)
  while true {
    let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if count <= 0 { break }
    bytes += chunk[0..<count]
  }
  return String(decoding: bytes, as: UTF8.self)
}

/// Instantiates the host-call module in WasmKit with `env.f` adding 1; returns `run`.
func wasmKitHostCallRunner(_ bytes: [UInt8]) throws -> (UInt32) throws -> UInt32 {
  let module = try WasmKit.parseWasm(bytes: bytes)
  let store = Store(engine: Engine())
  var imports = Imports()
  imports.define(
    module: "env", name: "f",
    Function(store: store, type: FunctionType(parameters: [.i32], results: [.i32])) {
      _, arguments in
      guard arguments.count == 1, case .i32(let value) = arguments[0] else {
        throw BenchmarkFailure("f called with \(arguments)")
      }
      return [.i32(value &+ 1)]
    })
  let instance = try module.instantiate(store: store, imports: imports)
  guard let run = instance.exports[function: "run"] else {
    throw BenchmarkFailure("no exported function run")
  }
  return { n in
    let results = try run([.i32(n)])
    guard results.count == 1, case .i32(let value) = results[0] else {
      throw BenchmarkFailure("run returned \(results)")
    }
    return value
  }
}

/// `parseWasm` alone, for the memory diagnostics of RSSReport.
func wasmKitParse(_ bytes: [UInt8]) throws -> Any {
  try WasmKit.parseWasm(bytes: bytes)
}
