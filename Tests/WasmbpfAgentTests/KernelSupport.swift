// Test support for kernel tests: the kernel objects a process holds, from bpftool,
// and ways to make events (execs of a named binary, TCP connections on loopback).

import Foundation
import Testing
import WasmbpfAgentAPI
import WasmbpfCtl

#if canImport(Glibc)
  import Glibc
#endif

/// Ids of the BPF programs and links a process holds, read from its descriptors
/// (/proc/PID/fdinfo: `prog_id:` and `link_id:` lines; this machine's bpftool is
/// built without the pids column). Whether they still exist is asked of bpftool.
/// Other engineers load programs on the same machine: only these ids are looked at.
struct HeldObjects: Equatable {
  var programs: Set<Int> = []
  var links: Set<Int> = []

  static func of(pid: Int32) throws -> HeldObjects {
    var result = HeldObjects()
    let directory = "/proc/\(pid)/fdinfo"
    for entry in try FileManager.default.contentsOfDirectory(atPath: directory) {
      guard let text = try? String(contentsOfFile: directory + "/" + entry, encoding: .utf8) else {
        continue
      }
      for line in text.split(separator: "\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let id = Int(parts[1].trimmingCharacters(in: .whitespaces)) else {
          continue
        }
        if parts[0] == "prog_id" { result.programs.insert(id) }
        if parts[0] == "link_id" { result.links.insert(id) }
      }
    }
    return result
  }

  /// Which of `programs` and `links` still exist in the kernel (held by anyone),
  /// according to bpftool.
  static func existing(programs: Set<Int>, links: Set<Int>) throws -> HeldObjects {
    HeldObjects(
      programs: programs.intersection(try allIDs("prog")),
      links: links.intersection(try allIDs("link")))
  }

  private static func allIDs(_ kind: String) throws -> Set<Int> {
    let result = try runCommand("/usr/sbin/bpftool", ["-j", kind, "show"])
    try #require(result.status == 0, "bpftool \(kind) show failed: \(result.output)")
    let text = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    if text.isEmpty { return [] }
    let list = try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    return Set(list.compactMap { $0["id"] as? Int })
  }
}

/// Execs a copy of /bin/true named `name` (its comm), `count` times.
func execMarker(_ name: String, in folder: TemporaryFolder, count: Int = 1) throws {
  let path = folder.file(name)
  if access(path, X_OK) != 0 {
    try FileManager.default.copyItem(atPath: "/bin/true", toPath: path)
  }
  for _ in 0..<count { try runCommand(path, []) }
}

/// Opens and closes `count` TCP connections to a listener on 127.0.0.1.
func loopbackConnections(_ count: Int) throws {
  let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  try #require(listener >= 0)
  defer { close(listener) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = 0
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  try withUnsafeMutablePointer(to: &address) { pointer in
    try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      try #require(bind(listener, $0, length) == 0 && listen(listener, 16) == 0)
      try #require(getsockname(listener, $0, &length) == 0)
    }
  }
  for _ in 0..<count {
    let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(client >= 0)
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) }
    }
    try #require(connected == 0, "connect failed: \(errno)")
    let accepted = accept(listener, nil, nil)
    if accepted >= 0 { close(accepted) }
    close(client)
  }
}

/// Polls `condition` every 50 ms until it holds or `seconds` pass. The condition is
/// checked once more after the deadline: on 2 cores the cooperative pool has 2 threads,
/// and when other suites' tests block both (synchronous waits for processes), a waiting
/// test resumes only after its deadline, and must look before giving up.
func eventually(
  _ seconds: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
  _ condition: () async throws -> Bool
) async throws {
  let deadline = Date().addingTimeInterval(seconds)
  while true {
    if try await condition() { return }
    if Date() >= deadline { break }
    try await Task.sleep(for: .milliseconds(50))
  }
  Issue.record("timed out after \(seconds) s waiting for: \(what)", sourceLocation: sourceLocation)
  throw CancellationError()
}

/// Mounts tracefs if it is not (tracepoint attach needs it), as .ci/run does.
func requireTracefs() throws {
  if access("/sys/kernel/tracing/events", F_OK) != 0 {
    _ = try runCommand("/bin/mount", ["-t", "tracefs", "tracefs", "/sys/kernel/tracing"])
  }
  try #require(access("/sys/kernel/tracing/events", F_OK) == 0, "tracefs is not mounted")
}

extension AgentClient {
  func load(
    _ name: String, _ module: String, _ args: [String], policy: String = "observe",
    limits: GuestLimits = GuestLimits(), restart: RestartPolicy = .never
  ) async throws -> GuestInfo {
    let request = LoadRequest(
      name: name,
      spec: ToolSpec(
        module: ModuleSource(file: module), args: args, policy: PolicySource(preset: policy),
        limits: limits, restart: restart))
    return try await call(.loadGuest, body: request, as: GuestInfo.self)
  }

  func guest(_ name: String) async throws -> GuestInfo {
    try await call(.getGuest, name: name, as: GuestInfo.self)
  }

  func logs(_ name: String) async throws -> String {
    String(decoding: try await send(.guestLogs, name: name).body, as: UTF8.self)
  }
}
