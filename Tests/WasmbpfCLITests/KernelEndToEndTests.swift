// `wasmbpf-run` running real eBPF tracers (Fixtures/bpf/guests) against the kernel.
// They need root, BTF and tracefs, and fail (never skip) when the machine lacks them.
// Serialized: each counts this machine's BPF links and makes exec events.

import Testing
import WasiBpf

#if canImport(Glibc)
  import Glibc
#endif

func requireKernel() throws {
  struct KernelUnavailable: Error, CustomStringConvertible { var description: String }
  guard geteuid() == 0 else {
    throw KernelUnavailable(description: "wasmbpf-run kernel tests need root (CAP_BPF/CAP_PERFMON)")
  }
  guard access("/sys/kernel/btf/vmlinux", R_OK) == 0 else {
    throw KernelUnavailable(description: "kernel tests need BTF at /sys/kernel/btf/vmlinux")
  }
  guard access("/sys/kernel/tracing/events/sched", R_OK) == 0 else {
    throw KernelUnavailable(
      description: "tracefs is not mounted: mount -t tracefs tracefs /sys/kernel/tracing")
  }
  guard access("/usr/sbin/bpftool", X_OK) == 0 || access("/usr/bin/bpftool", X_OK) == 0 else {
    throw KernelUnavailable(description: "kernel tests need bpftool (apt-get install bpftool)")
  }
}

/// The kernel link ids held by process `pid`, from its bpf_link fds' fdinfo.
func linkIDs(of pid: pid_t) -> [Int] {
  guard let directory = opendir("/proc/\(pid)/fd") else { return [] }
  defer { closedir(directory) }
  var ids: [Int] = []
  var target = [CChar](repeating: 0, count: 128)
  while let entry = readdir(directory) {
    let name = withUnsafeMutablePointer(to: &entry.pointee.d_name) {
      // Up to the NUL: the record may be shorter than d_name.
      $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
    }
    guard name.first?.isNumber == true else { continue }
    let length = readlink("/proc/\(pid)/fd/\(name)", &target, target.count - 1)
    guard length > 0 else { continue }
    let text = String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard text == "anon_inode:bpf_link", let info = readText("/proc/\(pid)/fdinfo/\(name)") else {
      continue
    }
    for line in info.split(separator: "\n") where line.hasPrefix("link_id:") {
      if let id = Int(
        line.dropFirst("link_id:".count).trimmingPrefix(while: { $0 == "\t" || $0 == " " }))
      {
        ids.append(id)
      }
    }
  }
  return ids.sorted()
}

/// The ids `bpftool link list` shows (every BPF link on the machine).
func kernelLinkIDs() throws -> Set<Int> {
  let output = try runTool(["/bin/sh", "-c", "bpftool link list"])
  var ids = Set<Int>()
  for line in output.split(separator: "\n") {
    guard let colon = line.firstIndex(of: ":"), let id = Int(line[..<colon]) else { continue }
    ids.insert(id)
  }
  return ids
}

/// Runs a host tool and returns its standard output.
func runTool(_ argv: [String]) throws -> String {
  var output: [Int32] = [-1, -1]
  try #require(pipe(&output) == 0)
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_adddup2(&actions, output[1], 1)
  posix_spawn_file_actions_addclose(&actions, output[0])
  let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
  defer { args.forEach { free($0) } }
  var pid: pid_t = 0
  let spawned = posix_spawn(&pid, argv[0], &actions, nil, args, environ)
  close(output[1])
  try #require(spawned == 0)
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = read(output[0], &chunk, chunk.count)
    if n < 0 && errno == EINTR { continue }
    if n <= 0 { break }
    bytes += chunk[0..<n]
  }
  close(output[0])
  var status: Int32 = 0
  waitpid(pid, &status, 0)
  return String(decoding: bytes, as: UTF8.self)
}

func runTrue() {
  _ = try? runTool(["/bin/true"])
}

@Suite(.serialized) struct KernelEndToEndTests {
  /// The poll returns EINTR; the tracer leaves its loop and ends with its own status,
  /// leaving its object to the runtime (`-a keep`), which detaches and closes it.
  @Test(arguments: [SIGINT, SIGTERM])
  func aSignalDetachesEveryLinkOfABlockedTracer(signal: Int32) throws {
    try requireKernel()
    let status: Int32 = 0
    // -m matches no command: the guest stays blocked in its ring-buffer poll.
    let process = try RunningProcess([
      "-v", try fixture("bpf/guests/exectrace.wasm"), "-t", "60000", "-n", "1000",
      "-m", "no-such-command-wasmbpf", "-a", "keep",
    ])
    #expect(process.readUntil(timeoutMilliseconds: 30_000) { $0.contains("ready\n") })
    let ids = linkIDs(of: process.pid)
    #expect(ids.count == 2, "exec and exit tracepoint links while it runs")
    let before = try kernelLinkIDs()
    #expect(Set(ids).isSubset(of: before), "bpftool sees the links")
    let start = monotonicMilliseconds()
    kill(process.pid, signal)
    let result = process.finish(timeoutMilliseconds: 10_000)
    // A slice is 50 ms; the bound is generous for a loaded machine, and the guest
    // would otherwise poll for 60 s.
    #expect(monotonicMilliseconds() - start < 5000, "the poll sees the signal within a slice")
    #expect(result.status == status)
    #expect(result.killedBy == nil)
    #expect(result.stdout.hasSuffix("interrupted after 0 events\n"))
    // The runner's own check, made after clean-up and before exit.
    #expect(result.stderr.contains("closed 1 BPF object(s)"))
    #expect(result.stderr.contains("BPF descriptors still open: 0\n"))
    let after = try kernelLinkIDs()
    #expect(
      Set(ids).isDisjoint(with: after), "links left attached: \(Set(ids).intersection(after))")
  }

  /// Ctrl-C on `wasmbpf-run tool.wasm | tee log`: the guest's stdout is a pipe, so its
  /// libc buffers what it prints until it exits. The first SIGINT makes its poll return
  /// EINTR; it leaves its loop, prints its summary and exits by itself, so everything it
  /// printed reaches the pipe, and the status is its own.
  @Test func pipedOutputSurvivesCtrlC() throws {
    try requireKernel()
    let process = try RunningProcess([
      try fixture("bpf/guests/exectrace.wasm"), "-t", "60000", "-n", "100000", "-m", "true",
    ])
    #expect(process.readUntil(timeoutMilliseconds: 30_000) { $0.contains("ready\n") })
    for _ in 0..<5 { runTrue() }
    usleep(300_000)
    kill(process.pid, SIGINT)
    let result = process.finish(timeoutMilliseconds: 10_000)
    #expect(result.status == 0, "the guest's own status: \(result.stderr)")
    #expect(result.stderr == "")
    let events = result.lines.filter { $0.hasPrefix("exec ") || $0.hasPrefix("exit ") }
    #expect(events.count >= 5, "\(result.stdout)")
    #expect(result.lines.last == "interrupted after \(events.count) events", "\(result.stdout)")
  }

  @Test func aTracerRunsAndReportsAnExec() throws {
    try requireKernel()
    let process = try RunningProcess([
      try fixture("bpf/guests/exectrace.wasm"), "-t", "20000", "-n", "1", "-m", "true",
    ])
    #expect(process.readUntil(timeoutMilliseconds: 30_000) { $0.contains("ready\n") })
    runTrue()
    let result = process.finish()
    #expect(result.status == 0)
    #expect(result.lines.contains { $0.hasPrefix("exec ") && $0.hasSuffix(" true") })
  }

  @Test func policyDenialsArePrintedAsAuditRecords() throws {
    try requireKernel()
    let result = try wasmbpfRun([
      "--bpf-policy", "deny-all", try fixture("bpf/guests/exectrace.wasm"), "-t", "100",
    ])
    #expect(result.status == 1, "the guest's own status when its load fails")
    #expect(
      result.stderr.contains(
        "wasmbpf policy 'deny-all': denied load of object 'exectrace.wasm#1' from exectrace.wasm: "
          + "program 'handle_exec' is of kind tracepoint"))
    #expect(result.stderr.contains("[rule programKinds]"))
    let observe = try wasmbpfRun([
      "--bpf-policy", "observe", try fixture("bpf/guests/xdpcount.wasm"), "-t", "100",
    ])
    #expect(
      observe.stderr.contains("wasmbpf policy 'observe': denied load of object 'xdpcount.wasm#1'"))
  }

  @Test func thePolicyInspectProposesLetsTheToolRun() throws {
    try requireKernel()
    let module = try fixture("bpf/guests/exectrace.wasm")
    let proposed = try wasmbpfRun(["inspect", "--policy", module])
    #expect(proposed.status == 0)
    let directory = try temporaryDirectory()
    try writeText(proposed.stdout, to: directory + "/exectrace.toml")
    let process = try RunningProcess([
      "-v", "--bpf-policy", directory + "/exectrace.toml", module, "-t", "20000", "-n", "1", "-m",
      "true",
    ])
    #expect(process.readUntil(timeoutMilliseconds: 30_000) { $0.contains("ready\n") })
    runTrue()
    let result = process.finish()
    #expect(result.status == 0)
    #expect(!result.stderr.contains("denied"))
    #expect(result.stderr.contains("eBPF policy 'exectrace.wasm'"))
    #expect(result.stderr.contains("allowed attach of program 'handle_exec'"))
    // Tightened by hand to the exec hook only: the exit hook is refused.
    let tightened = proposed.stdout.replacingAttach(
      with: "[\"tracepoint/sched/sched_process_exec\"]")
    try writeText(tightened, to: directory + "/tight.toml")
    let refused = try wasmbpfRun([
      "--bpf-policy", directory + "/tight.toml", module, "-t", "100",
    ])
    #expect(refused.stderr.contains("denied attach of program 'handle_exit'"))
    #expect(refused.stderr.contains("[rule attachPoints]"))
  }

  @Test func verifierLogPrintsTheVerifiersLog() throws {
    try requireKernel()
    let module = try fixture("cli/rejected.wasm")
    let plain = try wasmbpfRun([module])
    #expect(plain.status == 1)
    #expect(plain.stderr.contains("wasmbpf-run: load object 'rejected.wasm#1': errno 13"))
    #expect(plain.stderr.contains("(--verifier-log prints the verifier's log)"))
    #expect(!plain.stderr.contains("verifier log:"))
    let logged = try wasmbpfRun(["--verifier-log", module])
    #expect(logged.status == 1)
    #expect(logged.stderr.contains("verifier log:\n"))
    // The verifier names the faulty access.
    #expect(logged.stderr.contains("invalid mem access 'map_value_or_null'"))
  }

  @Test func aTimeoutAlsoDetachesEverything() throws {
    try requireKernel()
    let result = try wasmbpfRun([
      "-v", "--timeout", "500ms", try fixture("bpf/guests/exectrace.wasm"), "-t", "60000", "-n",
      "1000", "-m", "no-such-command-wasmbpf",
    ])
    #expect(result.status == 124)
    #expect(result.stderr.contains("BPF descriptors still open: 0\n"))
  }
}

extension String {
  /// This policy text with its `attach = [...]` line replaced.
  func replacingAttach(with list: String) -> String {
    split(separator: "\n", omittingEmptySubsequences: false).map { line in
      line.hasPrefix("attach = ") ? "attach = " + list : String(line)
    }.joined(separator: "\n")
  }
}
