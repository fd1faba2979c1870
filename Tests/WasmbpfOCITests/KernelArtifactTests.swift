// The whole story on the real kernel: the exec tracer fixture pushed with its
// policy, pulled by tag on the same machine, and run with `--bpf-policy artifact`:
// the policy that travelled with it is the one enforced, and exec events arrive.
// Needs root, BTF and tracefs; fails (never skips) without them.

import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct KernelArtifactTests {
  func requireKernel() throws {
    guard geteuid() == 0 else {
      throw ToolMissing(description: "the kernel test needs root (CAP_BPF, CAP_PERFMON)")
    }
    guard access("/sys/kernel/btf/vmlinux", R_OK) == 0 else {
      throw ToolMissing(description: "the kernel test needs BTF at /sys/kernel/btf/vmlinux")
    }
    guard access("/sys/kernel/tracing/events/sched", R_OK) == 0 else {
      throw ToolMissing(description: "tracefs is not mounted at /sys/kernel/tracing")
    }
  }

  @Test func pushPullAndRunTheExecTracerUnderItsOwnPolicy() throws {
    try requireKernel()
    let registry = try TestRegistry()
    defer { registry.stop() }
    let sandbox = try CommandLineSandbox()
    defer { sandbox.remove() }
    let exectrace = try fixture("bpf/guests/exectrace.wasm")
    let proposed = try sandbox.wasmbpf(["inspect", "--policy", exectrace])
    try #require(proposed.status == 0)
    // The tool's policy: what inspect proposes, named, and held to the exec hook and
    // the exit hook it attaches to.
    let policy = proposed.stdout.replacingOccurrences(
      of: "name = \"exectrace.wasm\"", with: "name = \"exectrace from the registry\"")
    try #require(policy.contains("exectrace from the registry"))
    try writeFile(sandbox.folder + "/exectrace.toml", policy)
    let reference = "\(registry.address)/tools/exectrace:1.0"
    let pushed = try sandbox.wasmbpf([
      "push", "--policy", sandbox.folder + "/exectrace.toml", exectrace, reference,
    ])
    try #require(pushed.status == 0, "\(pushed.stderr)")
    let pulled = try sandbox.wasmbpf(["pull", reference])
    try #require(pulled.status == 0, "\(pulled.stderr)")

    let tracer = try TracerProcess(
      [
        try wasmbpfRunPath(), "-v", "--bpf-policy", "artifact", "oci://" + reference,
        "-t", "20000", "-n", "1", "-m", "true",
      ],
      environment: sandbox.environment)
    #expect(
      tracer.readUntil { $0.contains("ready\n") }, "the tracer did not attach: \(tracer.errors)")
    for _ in 0..<5 { _ = try run(["/bin/true"]) }
    let (status, output, errors) = tracer.finish()
    #expect(status == 0, "\(errors)")
    #expect(
      output.split(separator: "\n").contains { $0.hasPrefix("exec ") && $0.hasSuffix(" true") },
      "\(output)")
    #expect(errors.contains("the artifact carries a policy"))
    #expect(errors.contains("applied (--bpf-policy artifact)"))
    #expect(errors.contains("eBPF policy 'exectrace from the registry'"), "\(errors)")
    #expect(errors.contains("allowed attach of program 'handle_exec'"))
    #expect(!errors.contains("denied"))
    #expect(errors.contains("BPF descriptors still open: 0"))
  }
}

/// A process whose stdout is read as it runs (the tracer prints `ready` when attached).
final class TracerProcess {
  let pid: pid_t
  private var outputFD: Int32
  private let errorPath: String
  private var output: [UInt8] = []

  init(_ argv: [String], environment: [String: String]) throws {
    var pipeFDs: [Int32] = [-1, -1]
    try #require(pipe(&pipeFDs) == 0)
    let errorPath = try temporaryFolder("tracer") + "/stderr"
    self.errorPath = errorPath
    let spawned = Result {
      try spawnProcess(argv, environment: environment) { actions in
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addopen(
          &actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
      }
    }
    close(pipeFDs[1])
    let pid = try spawned.get()
    self.pid = pid
    outputFD = pipeFDs[0]
  }

  var errors: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

  /// Reads stdout until `condition` holds, the stream ends, or 30 s pass.
  func readUntil(_ condition: (String) -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(30)
    var chunk = [UInt8](repeating: 0, count: 4096)
    while outputFD >= 0 && Date() < deadline {
      if condition(String(decoding: output, as: UTF8.self)) { return true }
      var descriptor = pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)
      guard poll(&descriptor, 1, 200) > 0 else { continue }
      let count = read(outputFD, &chunk, chunk.count)
      if count <= 0 {
        close(outputFD)
        outputFD = -1
      } else {
        output += chunk[0..<count]
      }
    }
    return condition(String(decoding: output, as: UTF8.self))
  }

  /// Reads to the end, reaps the process (killed after 60 s), removes its stderr file.
  func finish() -> (Int32, String, String) {
    let deadline = Date().addingTimeInterval(60)
    while outputFD >= 0 && Date() < deadline { _ = readUntil { _ in false } }
    if outputFD >= 0 {
      kill(pid, SIGKILL)
      close(outputFD)
      outputFD = -1
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let code: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let errors = self.errors
    removeFolder(String(errorPath.dropLast("/stderr".count)))
    return (code, String(decoding: output, as: UTF8.self), errors)
  }
}
