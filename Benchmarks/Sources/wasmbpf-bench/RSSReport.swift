// Peak resident memory running the large guest (`rss/quickjs`): a child process per
// side, this binary re-executed with the hidden `--guest-once SIDE` option, which
// runs `guest/quickjs`'s work once, prints its peak resident set and exits. Memory
// is not a time, so these rows get their own table.
//
// Why not `ru_maxrss` from `wait4`: on Linux `exec` folds the high-water mark of the
// address space it replaces into the process's `maxrss`, and `posix_spawn` execs from
// a vfork-style child sharing the parent's address space, so every child reported
// the parent's own peak (48.5 MB for all three sides when tried). The child's
// `VmHWM` (/proc/self/status, the peak of its own post-exec address space) does not
// carry that over.
//
// `none` runs the same child without a guest: the process's own floor (Swift
// runtime, Foundation, both runtimes' code), reported so that the difference each
// side adds can be read.

import Foundation
import WasmInterp

enum RSSReport {
  static let name = "rss/quickjs"
  static let sides = ["none", "ours", "peer"]

  /// The child's body: runs one side once; returns the exit status.
  static func runChild(side: String, inputs: BenchmarkInputs) -> Int32 {
    do {
      switch side {
      case "none": break
      case "ours":
        blackHole(try GuestBenchmarks.runQuickJS(readBytes(GuestBenchmarks.quickJSPath(inputs))))
      case "peer":
        blackHole(try wasmKitRunQuickJS(readBytes(GuestBenchmarks.quickJSPath(inputs))))
      // Diagnostics (not in the table): stopping after loading, after instantiating.
      case "ours-load":
        blackHole(try ValidatedModule(bytes: readBytes(GuestBenchmarks.quickJSPath(inputs))))
      case "ours-instantiate":
        blackHole(try LoadBenchmarks.loadAndInstantiate(
          readBytes(GuestBenchmarks.quickJSPath(inputs)), lazy: true))
      // Two runs in one process: the second store must not pay for the first.
      case "ours-twice":
        let bytes = try readBytes(GuestBenchmarks.quickJSPath(inputs))
        blackHole(try GuestBenchmarks.runQuickJS(bytes))
        blackHole(try GuestBenchmarks.runQuickJS(bytes))
      case "peer-twice":
        let bytes = try readBytes(GuestBenchmarks.quickJSPath(inputs))
        blackHole(try wasmKitRunQuickJS(bytes))
        blackHole(try wasmKitRunQuickJS(bytes))
      case "peer-load":
        blackHole(try wasmKitParse(readBytes(GuestBenchmarks.quickJSPath(inputs))))
      case "peer-instantiate":
        blackHole(try wasmKitLoadAndInstantiateLazily(readBytes(GuestBenchmarks.quickJSPath(inputs))))
      default:
        emit("--guest-once: unknown side \(side)")
        return 2
      }
      guard let peak = peakResidentKilobytes() else {
        emit("--guest-once: no VmHWM in /proc/self/status")
        return 1
      }
      emit("VmHWM \(peak)")
      return 0
    } catch {
      emit("--guest-once \(side): \(error)")
      return 1
    }
  }

  /// Runs `runs` children per side, interleaved, and prints the median peak RSS of
  /// each side and the ratio ours/WasmKit (raw, and above the `none` floor).
  static func run(runs: Int, inputs: BenchmarkInputs) throws {
    var samples = [String: [Double]]()
    for round in 0..<runs {
      let order = round % 2 == 0 ? sides : sides.reversed()
      for side in order {
        samples[side, default: []].append(try childPeakRSS(side: side, inputs: inputs))
      }
    }
    let medians = sides.map { median(samples[$0] ?? []) }
    let (none, ours, peer) = (medians[0], medians[1], medians[2])
    emit("")
    emit("peak RSS (VmHWM of a child process running the guest once; median of \(runs)):")
    emit(pad("benchmark", 34, left: true) + pad("floor", 10) + pad("ours", 10) + pad("WasmKit", 10)
        + pad("ours/WK", 9) + pad("above floor o/WK", 18))
    emit(
      pad(name, 34, left: true) + pad(megabytes(none), 10) + pad(megabytes(ours), 10)
        + pad(megabytes(peer), 10) + pad(String(format: "%.3f", ours / peer), 9)
        + pad(String(format: "%.3f", (ours - none) / max(peer - none, 1)), 18))
  }

  static func megabytes(_ kilobytes: Double) -> String {
    String(format: "%.1f MB", kilobytes / 1024)
  }

  /// This process's peak resident set in kilobytes (`VmHWM`).
  static func peakResidentKilobytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
      return nil
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
    }
    return nil
  }

  /// Spawns this executable with `--guest-once side` and returns the peak resident
  /// set in kilobytes that the child printed.
  static func childPeakRSS(side: String, inputs: BenchmarkInputs) throws -> Double {
    let path = "/proc/self/exe"
    let arguments = [
      CommandLine.arguments[0], "--modules", inputs.modulesDirectory, "--guest-once", side,
    ]
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var output: [Int32] = [0, 0]
    guard pipe(&output) == 0 else { throw BenchmarkFailure("pipe failed") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, output[1], 1)
    posix_spawn_file_actions_addclose(&actions, output[0])
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
    close(output[1])
    defer { close(output[0]) }
    guard spawned == 0 else { throw BenchmarkFailure("cannot spawn \(path): \(spawned)") }
    var text = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(output[0], $0.baseAddress, $0.count) }
      if count <= 0 { break }
      text += chunk[0..<count]
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let printed = String(decoding: text, as: UTF8.self)
    guard status == 0, let line = printed.split(separator: "\n").last(where: { $0.hasPrefix("VmHWM ") }),
      let kilobytes = Double(line.dropFirst(6))
    else { throw BenchmarkFailure("\(name) child \(side) failed (\(status)): \(printed)") }
    return kilobytes
  }
}
