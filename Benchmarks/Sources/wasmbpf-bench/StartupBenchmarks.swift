// Start-up of the command lines: one process running a module whose `_start` does
// nothing, `wasmbpf-run empty.wasm` against `wasmkit-cli run empty.wasm`. What is
// measured is what a user waits for: exec, dynamic linking, runtime initialisation,
// argument parsing, reading, validating and instantiating the module, WASI set-up,
// exit.
//
// The binaries come from release builds (Scripts/bench-startup.sh builds both):
//   WASMBPF_RUN   default: <repo>/.build/release/wasmbpf-run
//   WASMKIT_CLI   default: <repo>/Benchmarks/.build/release/wasmkit-cli

import Foundation

enum StartupBenchmarks {
  /// (module (func (export "_start")))
  static let emptyCommand: [UInt8] = [
    0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03,
    0x02, 0x01, 0x00, 0x07, 0x0A, 0x01, 0x06, 0x5F, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x00,
    0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B,
  ]

  static func make(inputs: BenchmarkInputs) -> [Benchmark] {
    [
      Benchmark(
        name: "startup/empty-start",
        summary: "process: wasmbpf-run empty.wasm vs wasmkit-cli run empty.wasm (release builds)",
        prepare: {
          let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
          let environment = ProcessInfo.processInfo.environment
          let ours =
            environment["WASMBPF_RUN"]
            ?? package.deletingLastPathComponent().appendingPathComponent(
              ".build/release/wasmbpf-run"
            )
            .path
          let peer =
            environment["WASMKIT_CLI"]
            ?? package.appendingPathComponent(".build/release/wasmkit-cli").path
          for binary in [ours, peer] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw BenchmarkFailure(
              "\(binary) not built: run Scripts/bench-startup.sh, or set WASMBPF_RUN / WASMKIT_CLI")
          }
          let module = NSTemporaryDirectory() + "wasmbpf-bench-empty-\(getpid()).wasm"
          _ = FileManager.default.createFile(atPath: module, contents: Data(emptyCommand))
          // Both must succeed on the input before anything is timed.
          guard try runProcess(ours, [module]) == 0, try runProcess(peer, ["run", module]) == 0
          else { throw BenchmarkFailure("a runner failed on the empty command module") }
          return BenchmarkCase(
            ours: { blackHole(try runProcess(ours, [module])) },
            peer: { blackHole(try runProcess(peer, ["run", module])) })
        })
    ]
  }

  /// Spawns `path arguments` with output to /dev/null and returns its exit status.
  static func runProcess(_ path: String, _ arguments: [String]) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
    guard spawned == 0 else { throw BenchmarkFailure("cannot spawn \(path): \(spawned)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status >> 8) & 0xFF
  }
}
