// The fixture guests (Fixtures/bpf/guests) run unmodified on our interpreter with
// WASI and wasm_bpf against the real kernel. While a guest runs, a background thread
// makes the events it waits for (execs, sleeps, packets, connections, calls).

import Synchronization
import Testing
import WasiBpf
import WasiPreview1
import WasmCore
import WasmInterp
import WasmbpfGuest
import WasmbpfTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// Runs `body` on a pthread until `stop()` is called; `stop()` joins it.
final class BackgroundLoop: @unchecked Sendable {
  private var thread = pthread_t()
  // Read by the loop's thread while the test's thread sets it: an atomic (a plain
  // Int32 here was a data race ThreadSanitizer reported).
  private let stopped = Atomic<Bool>(false)
  private let body: () -> Void

  init(every milliseconds: Int, _ body: @escaping () -> Void) {
    self.body = body
    let box = Unmanaged.passRetained(self).toOpaque()
    let interval = UInt32(milliseconds * 1000)
    intervalMicroseconds = interval
    pthread_create(
      &thread, nil,
      { raw in
        let loop = Unmanaged<BackgroundLoop>.fromOpaque(raw!).takeRetainedValue()
        while !loop.stopped.load(ordering: .acquiring) {
          loop.body()
          usleep(loop.intervalMicroseconds)
        }
        return nil
      }, box)
  }

  private var intervalMicroseconds: UInt32 = 0

  func stop() {
    stopped.store(true, ordering: .releasing)
    pthread_join(thread, nil)
  }
}

struct GuestRun {
  var exitCode: UInt32
  var stdout: String
  var stderr: String
  var lines: [Substring] { stdout.split(separator: "\n") }
}

/// What the fixture guests name by path, granted as the guest names it: the cgroup v2
/// root (sockops), and the folder of the uprobe's target binary as `.` (the uprobe's
/// section says `./uprobe_target`).
let fixtureGrants = [
  WasiPreopen(hostPath: "/sys/fs/cgroup/unified", isReadOnly: true),
  WasiPreopen(hostPath: fixturePath("bpf/guests"), guestPath: ".", isReadOnly: true),
]

/// Bytes a guest wrote, collected from its thread.
final class CollectedOutput: @unchecked Sendable {
  private var bytes: [UInt8] = []
  private var mutex = pthread_mutex_t()
  init() { pthread_mutex_init(&mutex, nil) }
  func append(_ buffer: UnsafeRawBufferPointer) {
    pthread_mutex_lock(&mutex)
    bytes.append(contentsOf: buffer)
    pthread_mutex_unlock(&mutex)
  }
  var text: String {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// Audit records, collected from the guest's thread.
final class CollectedRecords: @unchecked Sendable {
  private var records: [BpfAuditRecord] = []
  private var mutex = pthread_mutex_t()
  init() { pthread_mutex_init(&mutex, nil) }
  func append(_ record: BpfAuditRecord) {
    pthread_mutex_lock(&mutex)
    records.append(record)
    pthread_mutex_unlock(&mutex)
  }
  var all: [BpfAuditRecord] {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return records
  }
}

/// Runs fixture guest `name` with `arguments` under `policy` (as `Guest` runs every
/// guest), with its output captured; `audit` gets each record afterwards.
func runGuest(
  _ name: String, _ arguments: [String], policy: BpfPolicy = .unrestricted,
  preopens: [WasiPreopen] = fixtureGrants, audit: ((BpfAuditRecord) -> Void)? = nil
) throws -> GuestRun {
  let stdout = CollectedOutput()
  let stderr = CollectedOutput()
  let records = CollectedRecords()
  var configuration = GuestConfiguration(
    module: .bytes(try fixtureBytes("bpf/guests/\(name).wasm")), policy: policy)
  configuration.name = "\(name).wasm"
  configuration.arguments = arguments
  configuration.preopens = preopens
  configuration.stdout = .sink { stdout.append($0) }
  configuration.stderr = .sink { stderr.append($0) }
  let trace = CollectedOutput()
  let guest = Guest(
    configuration,
    observer: GuestObserver(
      audit: { records.append($0) },
      trace: { line in Array((line + "\n").utf8).withUnsafeBytes { trace.append($0) } }))
  let code: UInt32
  switch guest.run() {
  case .exited(let exit): code = exit
  case .trapped(let trap): throw trap
  case let other:
    struct GuestDidNotExit: Error, CustomStringConvertible { var description: String }
    throw GuestDidNotExit(description: "\(name): \(other); stderr: \(stderr.text)")
  }
  for record in records.all { audit?(record) }
  // The guest closes its objects itself when it succeeds; the host closes the rest.
  #expect(code != 0 || trace.text.contains("closed 0 BPF object(s)"), "\(trace.text)")
  let counters = guest.counters
  #expect(counters.openObjects == 0 && counters.links == 0, "every object closed at the end")
  return GuestRun(exitCode: code, stdout: stdout.text, stderr: stderr.text)
}

extension KernelSuites {
  @Suite struct GuestEndToEndTests {
    @Test func exectraceSeesExecsThroughARingBuffer() throws {
      try requireKernel()
      var children: [pid_t] = []
      let trigger = BackgroundLoop(every: 50) { children.append(spawnTrue()) }
      let run = try runGuest("exectrace", ["-m", "true", "-n", "2", "-t", "10000"])
      trigger.stop()
      #expect(run.exitCode == 0, "\(run.stderr)")
      #expect(run.lines.first == "ready")
      let events = run.lines.dropFirst()
      #expect(events.count >= 2)
      var ours = 0
      for line in events {
        let parts = line.split(separator: " ")
        #expect(
          parts.count == 3 && (parts[0] == "exec" || parts[0] == "exit") && parts[2] == "true")
        // Other suites run /bin/true in parallel: those events are real too.
        if parts.count == 3, children.contains(pid_t(parts[1]) ?? -1) { ours += 1 }
      }
      // Tests of other targets (the CLI's) run /bin/true in parallel: theirs count too.
      #expect(ours >= 1, "no event of our own children in \(run.stdout)")
    }

    @Test func execsnoopSeesExecvePathsThroughAPerfBuffer() throws {
      try requireKernel()
      let trigger = BackgroundLoop(every: 50) { _ = spawnTrue() }
      let run = try runGuest("execsnoop", ["-m", "/bin/true", "-n", "3", "-t", "10000"])
      trigger.stop()
      #expect(run.exitCode == 0, "\(run.stderr)")
      let events = run.lines.filter { $0.hasPrefix("execve ") }
      #expect(events.count >= 3)
      #expect(events.allSatisfy { $0.hasSuffix(" /bin/true") })
    }

    @Test func sleephistIteratesAHistogramByKey() throws {
      try requireKernel()
      let trigger = BackgroundLoop(every: 1) { usleep(50_000) }
      let run = try runGuest("sleephist", ["-t", "1000"])
      trigger.stop()
      #expect(run.exitCode == 0, "\(run.stderr)")
      // 50 ms sleeps land in the 32768-65535 us bucket.
      let bucket = run.lines.first { $0.hasPrefix("usecs 32768-65535 ") }
      let count = bucket.flatMap { Int($0.split(separator: " ").last!) } ?? 0
      #expect(count >= 3, "\(run.stdout)")
      // Buckets come out in order.
      let lows = run.lines.filter { $0.hasPrefix("usecs ") }.compactMap {
        Int($0.split(separator: " ")[1].split(separator: "-")[0])
      }
      #expect(lows == lows.sorted())
    }

    @Test func uprobeFiresOnTheTargetBinary() throws {
      try requireKernel()
      let target = fixturePath("bpf/guests/uprobe_target")
      let trigger = BackgroundLoop(every: 50) { _ = spawn(target, ["7", "8"]) }
      let run = try runGuest("uprobe", ["-m", "7", "-n", "2", "-t", "10000"])
      trigger.stop()
      #expect(run.exitCode == 0, "\(run.stderr)")
      let events = run.lines.filter { $0.hasPrefix("uprobe ") }
      #expect(events.count >= 2)
      #expect(events.allSatisfy { $0.hasSuffix(" 7") })
    }

    @Test func xdpCountsPacketsOnLoopback() throws {
      try requireKernel()
      let trigger = BackgroundLoop(every: 20) { sendUDPToLoopback(count: 5) }
      let run = try withLoopbackXDP {
        try runGuest("xdpcount", ["-a", "lo", "-n", "20", "-t", "10000"])
      }
      trigger.stop()
      #expect(run.exitCode == 0, "\(run.stderr)")
      let packets = run.lines.first { $0.hasPrefix("packets ") }.flatMap { Int($0.dropFirst(8)) }
      #expect((packets ?? 0) >= 20, "\(run.stdout)")
    }

    @Test func sockopsCountsConnectionsOnTheCgroup() throws {
      try requireKernel()
      let server = LoopbackServer()
      let trigger = BackgroundLoop(every: 50) { server.connectOnce() }
      let run = try runGuest("sockops", ["-a", "/sys/fs/cgroup/unified", "-n", "2", "-t", "10000"])
      trigger.stop()
      server.close()
      #expect(run.exitCode == 0, "\(run.stderr)")
      let parts = run.lines.first { $0.hasPrefix("connect ") }?.split(separator: " ") ?? []
      #expect(parts.count == 6)
      #expect((Int(parts.count == 6 ? parts[3] : "0") ?? 0) >= 2, "\(run.stdout)")
    }

    @Test func sockopsAttachesThroughAGrantedDirectoryFD() throws {
      try requireKernel()
      let cgroup = WasiPreopen(
        hostPath: "/sys/fs/cgroup/unified", guestPath: "/cgroup", isReadOnly: true)
      let server = LoopbackServer()
      let trigger = BackgroundLoop(every: 50) { server.connectOnce() }
      var policy = BpfPolicy.unrestricted
      policy.attachPoints = ["cgroup-fd"]  // only through a granted fd, never by path
      let run = try runGuest(
        "sockops", ["-m", "fd", "-a", "/cgroup", "-n", "1", "-t", "10000"], policy: policy,
        preopens: [cgroup])
      trigger.stop()
      server.close()
      #expect(run.exitCode == 0, "\(run.stderr)")
      #expect(run.lines.contains { $0.hasPrefix("connect ") })

      // Without the grant the guest cannot name the cgroup: by path the policy refuses,
      // and a directory it does not hold does not exist for it.
      let byPath = try runGuest(
        "sockops", ["-a", "/sys/fs/cgroup/unified", "-t", "100"], policy: policy)
      #expect(byPath.exitCode == 1)
      #expect(byPath.stderr.contains("attach to /sys/fs/cgroup/unified failed: -\(EPERM)"))
      let ungranted = try runGuest(
        "sockops", ["-m", "fd", "-a", "/cgroup", "-t", "100"], policy: policy)
      #expect(ungranted.exitCode == 1)
      #expect(ungranted.stderr.contains("open /cgroup failed"))
    }

    @Test func configFlowsFromGuestToKernelAndBack() throws {
      try requireKernel()
      let trigger = BackgroundLoop(every: 20) { _ = getppid() }
      let run = try runGuest("config", ["-a", "21", "-n", "1", "-t", "10000"])
      trigger.stop()
      #expect(run.exitCode == 0, "\(run.stderr)")
      #expect(run.lines.contains("result \(getpid()) 42"), "\(run.stdout)")
    }

    @Test func aPolicyThatGrantsLessFailsTheGuestWithAnAuditRecord() throws {
      try requireKernel()
      var records: [BpfAuditRecord] = []
      let run = try runGuest("xdpcount", ["-t", "100"], policy: .observe) { records.append($0) }
      #expect(run.exitCode == 1)
      #expect(run.stderr.contains("load failed"))
      #expect(records.count == 1)
      #expect(records.first?.rule == "programKinds")
      #expect(records.first?.module == "xdpcount.wasm")
    }
  }
}

// MARK: Event sources

func fixturePath(_ relative: String) -> String {
  let root = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
  return "/" + root + "/Fixtures/generated/" + relative
}

func spawn(_ path: String, _ arguments: [String]) -> pid_t {
  var pid: pid_t = 0
  let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
  defer { argv.forEach { free($0) } }
  guard posix_spawn(&pid, path, nil, nil, argv, environ) == 0 else { return -1 }
  var status: Int32 = 0
  waitpid(pid, &status, 0)
  return pid
}

func sendUDPToLoopback(count: Int) {
  let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
  guard fd >= 0 else { return }
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = in_port_t(9).bigEndian  // discard
  address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
  var payload: UInt8 = 0
  for _ in 0..<count {
    _ = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        sendto(fd, &payload, 1, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
  }
}

/// A TCP listener on 127.0.0.1 that accepts (and closes) whatever connects.
final class LoopbackServer: @unchecked Sendable {
  let fd: Int32
  var port: UInt16 = 0

  init() {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
        bind(fd, p, length)
        listen(fd, 64)
        return getsockname(fd, p, &length)
      }
    }
    port = UInt16(bigEndian: address.sin_port)
  }

  func connectOnce() {
    let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard client >= 0 else { return }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
    _ = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    let accepted = accept(fd, nil, nil)
    if accepted >= 0 { Glibc.close(accepted) }
    Glibc.close(client)
  }

  func close() { Glibc.close(fd) }
}
