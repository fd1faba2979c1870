// Every eBPF guest fixture (Fixtures/bpf/guests) run by the real `wasmbpf-run` binary
// against the real kernel, with the events each waits for made by this test while it
// runs, and its output checked.

import Testing
import WasmbpfTestSupport

#if canImport(Glibc)
  import Glibc
#endif

@Suite(.serialized) struct GuestFixtureRunTests {
  /// Runs `wasmbpf-run extraArguments guest.wasm arguments`, calls `trigger` until
  /// stdout contains `expected` (or the guest ends), and returns the result.
  func run(
    _ guest: String, _ arguments: [String], extraArguments: [String] = [], expected: String,
    trigger: () -> Void
  ) throws -> ProcessResult {
    try requireKernel()
    let process = try RunningProcess(
      extraArguments + [try fixture("bpf/guests/\(guest).wasm")] + arguments)
    #expect(process.readUntil(timeoutMilliseconds: 30_000) { $0.contains("ready\n") })
    for _ in 0..<400 {
      trigger()
      if process.readUntil(timeoutMilliseconds: 25, { $0.contains(expected) }) { break }
    }
    return process.finish()
  }

  @Test func exectrace() throws {
    let result = try run(
      "exectrace", ["-m", "true", "-n", "1", "-t", "20000"], expected: " true\n"
    ) {
      runTrue()
    }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines.contains { $0.hasPrefix("exec ") && $0.hasSuffix(" true") })
  }

  @Test func execsnoop() throws {
    let result = try run(
      "execsnoop", ["-m", "/bin/true", "-n", "1", "-t", "20000"], expected: "/bin/true\n"
    ) {
      runTrue()
    }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines.contains { $0.hasPrefix("execve ") && $0.hasSuffix(" /bin/true") })
  }

  @Test func sleephist() throws {
    try requireKernel()
    let process = try RunningProcess([try fixture("bpf/guests/sleephist.wasm"), "-t", "1500"])
    #expect(process.readUntil(timeoutMilliseconds: 30_000) { $0.contains("ready\n") })
    for _ in 0..<10 { usleep(50_000) }  // ten 50 ms sleeps: the 32768-65535 us bucket
    let result = process.finish()
    #expect(result.status == 0, "\(result.stderr)")
    let bucket = result.lines.first { $0.hasPrefix("usecs 32768-65535 ") }
    #expect((bucket.flatMap { Int($0.split(separator: " ").last!) } ?? 0) >= 5, "\(result.stdout)")
  }

  /// The guest's section says `uprobe/./uprobe_target:...`, as upstream examples do: the
  /// binary is found in the directory granted as `.`, not in wasmbpf-run's own.
  @Test func uprobeThroughAGrantedDirectory() throws {
    let target = try fixture("bpf/guests/uprobe_target")
    let directory = String(target[..<target.lastIndex(of: "/")!])
    let result = try run(
      "uprobe", ["-m", "9", "-n", "1", "-t", "20000"],
      extraArguments: ["--ro-dir", directory + "::."], expected: " 9\n"
    ) {
      _ = try? runTool([target, "9"])
    }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines.contains { $0.hasPrefix("uprobe ") && $0.hasSuffix(" 9") })
  }

  @Test func uprobeWithoutAGrantIsRefused() throws {
    try requireKernel()
    let result = try wasmbpfRun([try fixture("bpf/guests/uprobe.wasm"), "-t", "100"])
    #expect(result.status == 1)
    #expect(result.stdout == "")
    #expect(
      result.stderr.contains(
        "attach program 'on_target' of 'uprobe.wasm#1': open ./uprobe_target beneath the "
          + "guest's granted directories: errno 13"), "\(result.stderr)")
  }

  @Test func xdpcount() throws {
    let result = try withLoopbackXDP {
      try run("xdpcount", ["-a", "lo", "-n", "10", "-t", "20000"], expected: "packets") {
        sendUDP(count: 5)
      }
    }
    #expect(result.status == 0, "\(result.stderr)")
    let count = result.lines.first { $0.hasPrefix("packets ") }.flatMap { Int($0.dropFirst(8)) }
    #expect((count ?? 0) >= 10)
  }

  /// Upstream's sockops attaches to `/sys/fs/cgroup/`, a cgroup v1 tmpfs on this
  /// machine kind: the grant makes the guest's `/sys/fs/cgroup/` the v2 hierarchy.
  @Test func sockopsOnTheUpstreamPathThroughAGrantedDirectory() throws {
    let result = try run(
      "sockops", ["-a", "/sys/fs/cgroup/", "-n", "1", "-t", "20000"],
      extraArguments: ["--dir", "/sys/fs/cgroup/unified::/sys/fs/cgroup/"], expected: "connect"
    ) { connectToLoopback() }
    #expect(result.status == 0, "\(result.stderr)")
    let fields = result.lines.first { $0.hasPrefix("connect ") }?.split(separator: " ") ?? []
    #expect(fields.count == 6 && (Int(fields[3]) ?? 0) >= 1, "\(result.stdout)")
  }

  @Test func sockopsOnAHostPathWhenAskedFor() throws {
    let result = try run(
      "sockops", ["-a", "/sys/fs/cgroup/unified", "-n", "1", "-t", "20000"],
      extraArguments: ["--bpf-host-paths"], expected: "connect"
    ) { connectToLoopback() }
    #expect(result.status == 0, "\(result.stderr)")
    // Without the opt-in, a path the guest was not granted does not exist for it.
    let refused = try wasmbpfRun([
      try fixture("bpf/guests/sockops.wasm"), "-a", "/sys/fs/cgroup/unified", "-t", "100",
    ])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("attach to /sys/fs/cgroup/unified failed: -13"))
  }

  @Test func sockopsThroughAGrantedDirectory() throws {
    // The cgroup reaches the guest only as a read-only preopen; it attaches by fd.
    let result = try run(
      "sockops", ["-m", "fd", "-a", "/cgroup", "-n", "1", "-t", "20000"],
      extraArguments: ["--ro-dir", "/sys/fs/cgroup/unified::/cgroup"], expected: "connect"
    ) { connectToLoopback() }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines.contains { $0.hasPrefix("connect ") })
  }

  @Test func config() throws {
    let result = try run("config", ["-a", "50", "-n", "1", "-t", "20000"], expected: "result") {
      _ = getppid()
    }
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.lines.contains("result \(getpid()) 100"), "\(result.stdout)")
  }
}

private func sendUDP(count: Int) {
  let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
  guard fd >= 0 else { return }
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = in_port_t(9).bigEndian
  address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
  var byte: UInt8 = 0
  for _ in 0..<count {
    _ = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        sendto(fd, &byte, 1, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
  }
}

/// One TCP connection over loopback to a listener of our own (accepted and closed).
private func connectToLoopback() {
  let stream = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
  let listener = socket(AF_INET, stream, 0)
  guard listener >= 0 else { return }
  defer { close(listener) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      bind(listener, $0, length) == 0 && listen(listener, 4) == 0
        && getsockname(listener, $0, &length) == 0
    }
  }
  guard bound else { return }
  let client = socket(AF_INET, stream, 0)
  guard client >= 0 else { return }
  defer { close(client) }
  _ = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
    }
  }
  let accepted = accept(listener, nil, nil)
  if accepted >= 0 { close(accepted) }
}
