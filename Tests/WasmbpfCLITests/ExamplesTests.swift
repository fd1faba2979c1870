// The bundled tools (Examples/, built by Scripts/build-examples.sh): each shipped
// policy is exactly what `inspect --policy` proposes for the tool, and each tool runs
// under that policy on the real kernel and reports events the test causes. The kernel
// tests need root, BTF and tracefs and fail (never skip) without them.

import Testing
import WasmbpfCLI

#if canImport(Glibc)
  import Glibc
#endif

/// The repository's root folder.
private let repositoryRoot =
  "/"
  + String(#filePath).split(separator: "/").dropLast(3).joined(
    separator: "/")

/// Every bundled tool.
let exampleNames = [
  "execsnoop", "opensnoop", "exitsnoop", "runqlat", "tcpconnect", "xdpcount", "tcplife",
]

/// A tool built by Scripts/build-examples.sh.
func example(_ name: String) throws -> String {
  let path = repositoryRoot + "/Examples/generated/\(name).wasm"
  try #require(access(path, R_OK) == 0, "\(path) missing: run Scripts/build-examples.sh")
  return path
}

/// The policy file shipped beside a tool's sources.
func examplePolicy(_ name: String) -> String {
  repositoryRoot + "/Examples/\(name)/\(name).toml"
}

@Suite struct ExamplePolicyTests {
  @Test(arguments: exampleNames)
  func theShippedPolicyIsWhatInspectProposes(name: String) throws {
    var output = ""
    var errors = ""
    let status = WasmbpfCLI.run(
      arguments: ["inspect", "--policy", try example(name)], stdout: &output, stderr: &errors)
    #expect(status == 0, "\(errors)")
    let shipped = try #require(readText(examplePolicy(name)), "no \(examplePolicy(name))")
    #expect(
      output == shipped,
      "Examples/\(name)/\(name).toml differs from `wasmbpf-run inspect --policy`: regenerate it")
  }

  @Test func everyToolHasASourceFolderPolicyAndReadmeLine() throws {
    let readme = try #require(readText(repositoryRoot + "/Examples/README.md"))
    var found: [String] = []
    guard let directory = opendir(repositoryRoot + "/Examples") else {
      Issue.record("cannot list Examples/")
      return
    }
    defer { closedir(directory) }
    while let entry = readdir(directory) {
      let name = withUnsafeMutablePointer(to: &entry.pointee.d_name) {
        // Up to the NUL: the record may be shorter than d_name.
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if access(repositoryRoot + "/Examples/\(name)/\(name).bpf.c", R_OK) == 0 {
        found.append(name)
      }
    }
    #expect(found.sorted() == exampleNames.sorted(), "a tool folder is missing from this test")
    for name in exampleNames {
      #expect(readme.contains("| `\(name)` |"), "Examples/README.md has no line for \(name)")
    }
  }
}

/// Runs the tool `name` under its shipped policy with `arguments`, waits for its header
/// (printed once attached), calls `trigger`, and returns how it ended.
private func runExample(
  _ name: String, _ arguments: [String], runtimeOptions: [String] = [], launcher: [String] = [],
  header: String, trigger: () throws -> Void
) throws -> ProcessResult {
  let process = try RunningProcess(
    ["--bpf-policy", examplePolicy(name)] + runtimeOptions + [try example(name)] + arguments,
    launcher: launcher)
  let attached = process.readUntil(timeoutMilliseconds: 60_000) { $0.contains(header) }
  if attached { try trigger() }
  let result = process.finish(timeoutMilliseconds: 60_000)
  #expect(attached, "\(name) never printed its header: \(result.stderr)")
  #expect(result.status == 0, "\(name) exit status \(result.status): \(result.stderr)")
  #expect(!result.stderr.contains("denied"), "the shipped policy refused something")
  return result
}

/// Starts `argv` (an absolute path first) and returns its pid; the caller reaps it.
private func spawn(_ argv: [String]) throws -> pid_t {
  let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
  defer { args.forEach { free($0) } }
  var pid: pid_t = 0
  try #require(posix_spawn(&pid, argv[0], nil, nil, args, environ) == 0)
  return pid
}

private func reap(_ pid: pid_t) {
  var status: Int32 = 0
  while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
}

/// Columns of a tool's output line.
private func columns(_ line: Substring) -> [Substring] {
  line.split(separator: " ", omittingEmptySubsequences: true)
}

/// A listening TCP socket on 127.0.0.1 and a port the kernel picked.
private func listener() throws -> (fd: Int32, port: UInt16) {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  try #require(fd >= 0)
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = 0
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &address) { pointer in
    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
      bind(fd, raw, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, raw, &length) == 0
    }
  }
  try #require(bound)
  return (fd, UInt16(bigEndian: address.sin_port))
}

/// Connects to 127.0.0.1:`port`.
private func connect(toPort port: UInt16) throws -> Int32 {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  try #require(fd >= 0)
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = port.bigEndian
  let connected = withUnsafePointer(to: &address) { pointer in
    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
      Glibc.connect(fd, raw, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
    }
  }
  try #require(connected)
  return fd
}

/// Writes all of `count` bytes, or records a failure.
private func send(_ fd: Int32, count: Int) {
  let bytes = [UInt8](repeating: 0x78, count: count)
  var sent = 0
  while sent < count {
    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + sent, count - sent) }
    if n < 0 && errno == EINTR { continue }
    guard n > 0 else {
      Issue.record("write failed: errno \(errno)")
      return
    }
    sent += n
  }
}

/// Reads exactly `count` bytes (or until the peer closes).
private func receive(_ fd: Int32, count: Int) -> Int {
  var buffer = [UInt8](repeating: 0, count: count)
  var received = 0
  while received < count {
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + received, count - received) }
    if n < 0 && errno == EINTR { continue }
    if n <= 0 { break }
    received += n
  }
  return received
}

/// The cgroup v2 hierarchy's mount point, from /proc/self/mounts.
private func cgroup2Root() throws -> String {
  let mounts = try #require(readText("/proc/self/mounts"))
  let root = mounts.split(separator: "\n").map { $0.split(separator: " ") }.first {
    $0.count > 2 && $0[2] == "cgroup2"
  }
  return String(try #require(root, "no cgroup2 file system is mounted")[1])
}

@Suite struct ExampleKernelTests {
  @Test func execsnoopReportsAnExecWithItsArguments() throws {
    try requireKernel()
    let marker = "wasmbpf-execsnoop-\(getpid())"
    let result = try runExample("execsnoop", ["-d", "2", "-n", marker], header: "PCOMM") {
      _ = try runTool(["/bin/true", marker, "second"])
    }
    let line = result.lines.first { $0.hasSuffix("/bin/true \(marker) second") }
    let fields = try #require(line.map(columns), "no exec line in:\n\(result.stdout)")
    #expect(fields[1] == "true", "the program's name after the exec")
    #expect(fields[4] == "0", "execve returned 0")
    #expect(Int(fields[3]) == Int(getpid()), "the test is the parent")
  }

  @Test func opensnoopReportsOpensAndTheirErrors() throws {
    try requireKernel()
    let directory = try temporaryDirectory()
    let present = directory + "/present", missing = directory + "/missing"
    try writeText("x", to: present)
    let result = try runExample("opensnoop", ["-d", "2", "-f", directory], header: "PATH") {
      let fd = open(present, O_RDONLY)
      #expect(fd >= 0)
      close(fd)
      #expect(open(missing, O_RDONLY) == -1)
    }
    let pid = String(getpid())
    let opened = result.lines.first { $0.hasSuffix(" " + present) }.map(columns)
    let failed = result.lines.first { $0.hasSuffix(" " + missing) }.map(columns)
    let found = try #require(opened, "no line for \(present) in:\n\(result.stdout)")
    let refused = try #require(failed, "no line for \(missing) in:\n\(result.stdout)")
    #expect(found[1] == pid && (Int(found[3]) ?? -1) >= 0 && found[4] == "0")
    #expect(refused[1] == pid && refused[3] == "-1" && refused[4] == "\(ENOENT)")
  }

  @Test func exitsnoopReportsExitCodesAndSignals() throws {
    try requireKernel()
    var exited: pid_t = 0
    var killed: pid_t = 0
    let result = try runExample("exitsnoop", ["-d", "2"], header: "EXIT") {
      exited = try spawn(["/bin/sh", "-c", "exit 7"])
      killed = try spawn(["/bin/sleep", "30"])
      kill(killed, SIGKILL)
      reap(exited)
      reap(killed)
    }
    let code = result.lines.first { columns($0).count > 2 && columns($0)[2] == "\(exited)" }
    let signal = result.lines.first { columns($0).count > 2 && columns($0)[2] == "\(killed)" }
    #expect(code?.hasSuffix(" code 7") == true, "exit 7 of \(exited) in:\n\(result.stdout)")
    #expect(
      signal?.hasSuffix(" signal 9 (KILL)") == true, "SIGKILL of \(killed):\n\(result.stdout)")
    #expect(code.map { Int(columns($0)[3]) == Int(getpid()) } == true, "the test is the parent")
  }

  @Test func runqlatPrintsAHistogramOfRealWaits() throws {
    try requireKernel()
    let result = try runExample("runqlat", ["-d", "2"], header: "Tracing run-queue latency") {
      for _ in 0..<5 { _ = try runTool(["/bin/true"]) }
    }
    let rows = result.lines.filter { $0.contains(" -> ") && $0.hasSuffix("|") }
    let counts = rows.compactMap { row in
      row.split(separator: ":").dropFirst().first.flatMap { Int(columns($0).first ?? "") }
    }
    #expect(result.stdout.contains("usecs : count"), "\(result.stdout)")
    #expect(!rows.isEmpty && counts.count == rows.count, "\(result.stdout)")
    #expect(counts.reduce(0, +) > 0, "threads were scheduled: \(result.stdout)")
    #expect(rows.contains { $0.contains("*") })
  }

  @Test func tcpconnectReportsAConnection() throws {
    try requireKernel()
    let server = try listener()
    defer { close(server.fd) }
    let result = try runExample(
      "tcpconnect", ["-d", "2", "-P", "\(server.port)"], header: "DPORT"
    ) {
      close(try connect(toPort: server.port))
    }
    let line = try #require(
      result.lines.first { $0.hasSuffix(" \(server.port)") }.map(columns),
      "no connect line in:\n\(result.stdout)")
    #expect(line[1] == "\(getpid())")
    #expect(line[3] == "4" && line[4] == "127.0.0.1" && line[5] == "127.0.0.1")
  }

  @Test func tcplifeReportsBothEndsOfAConnectionThroughAGrantedCgroup() throws {
    try requireKernel()
    let server = try listener()
    defer { close(server.fd) }
    let result = try runExample(
      "tcplife", ["-d", "2", "-P", "\(server.port)", "/cgroup"],
      runtimeOptions: ["--dir", try cgroup2Root() + "::/cgroup"], header: "RX_BYTES"
    ) {
      let client = try connect(toPort: server.port)
      let accepted = accept(server.fd, nil, nil)
      #expect(accepted >= 0)
      send(client, count: 1000)
      #expect(receive(accepted, count: 1000) == 1000)
      send(accepted, count: 10)
      #expect(receive(client, count: 10) == 10)
      close(client)
      close(accepted)
    }
    let port = "\(server.port)"
    let outgoing = result.lines.map(columns).first {
      $0.count == 9 && $0[1] == "out" && $0[5] == port
    }
    let incoming = result.lines.map(columns).first {
      $0.count == 9 && $0[1] == "in" && $0[3] == port
    }
    let out = try #require(outgoing, "no outgoing line in:\n\(result.stdout)")
    let into = try #require(incoming, "no incoming line in:\n\(result.stdout)")
    // The kernel counts sequence space: a SYN or FIN may add one to the byte counts.
    #expect((1000...1002).contains(Int(out[6]) ?? 0) && (10...11).contains(Int(out[7]) ?? 0))
    #expect((10...12).contains(Int(into[6]) ?? 0) && (1000...1001).contains(Int(into[7]) ?? 0))
  }

  @Test func xdpcountCountsThePacketsOfItsOwnNetworkNamespace() throws {
    try requireKernel()
    // A namespace of its own: its loopback has only this test's packets, and no other
    // XDP program (another test's, another user's) holds it.
    let namespace = "wasmbpf-xdp-\(getpid())"
    let ip = "/usr/sbin/ip"
    try #require(access(ip, X_OK) == 0, "xdpcount's test needs iproute2 (Scripts/setup-machine.sh)")
    _ = try runTool([ip, "netns", "add", namespace])
    defer { _ = try? runTool([ip, "netns", "delete", namespace]) }
    _ = try runTool([ip, "-n", namespace, "link", "set", "lo", "up"])
    let result = try runExample(
      "xdpcount", ["-d", "2", "-i", "1", "lo"], launcher: [ip, "netns", "exec", namespace],
      header: "PACKETS/s"
    ) {
      _ = try runTool([
        ip, "netns", "exec", namespace, "/bin/bash", "-c",
        "for i in $(seq 20); do echo packet > /dev/udp/127.0.0.1/9; done",
      ])
    }
    let totals = result.lines.drop { !$0.hasPrefix("totals on lo") }.map(columns)
    #expect(
      totals.contains { $0 == ["ipv4/udp", "20", "packets", "\(20 * 49)", "bytes"] },
      "20 UDP packets of 49 bytes (14 Ethernet + 20 IP + 8 UDP + 7 data):\n\(result.stdout)")
    // Each reaches a closed port: the kernel answers with an ICMP port-unreachable.
    #expect(totals.contains { $0.first == "ipv4/icmp" && $0[1] == "20" }, "\(result.stdout)")
  }
}
