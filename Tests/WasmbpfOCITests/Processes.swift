// Spawning the tools these tests use for real (docker-registry, skopeo, umoci, tar,
// openssl, htpasswd, and our own wasmbpf-run and wasmbpf-oci), and temporary folders.

import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

struct ToolResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

struct ToolMissing: Error, CustomStringConvertible {
  var description: String
}

/// The absolute path of a tool, or a failure naming the Debian package to install.
func tool(_ name: String, package: String) throws -> String {
  for folder in ["/usr/bin", "/usr/sbin", "/bin", "/usr/local/bin"] {
    let path = "\(folder)/\(name)"
    if access(path, X_OK) == 0 { return path }
  }
  throw ToolMissing(
    description: "\(name) is not installed: apt-get install \(package) (.ci/run does)")
}

/// This build's products folder (where wasmbpf-run and wasmbpf-oci are).
func productsFolder() throws -> String {
  var buffer = [CChar](repeating: 0, count: 4096)
  let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
  try #require(length > 0)
  let exe = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  var folder = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast()
  if folder.last?.hasSuffix(".xctest") == true { folder = folder.dropLast() }
  return folder.joined(separator: "/")
}

func wasmbpfRunPath() throws -> String {
  let path = try productsFolder() + "/wasmbpf-run"
  try #require(access(path, X_OK) == 0, "wasmbpf-run not built at \(path)")
  try #require(access(try productsFolder() + "/wasmbpf-oci", X_OK) == 0, "wasmbpf-oci not built")
  return path
}

/// A fixture built by Scripts/build-fixtures.sh.
func fixture(_ relative: String) throws -> String {
  let root = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
  let path = "/" + root + "/Fixtures/generated/" + relative
  try #require(access(path, R_OK) == 0, "fixture \(path) missing: run Scripts/build-fixtures.sh")
  return path
}

/// A new empty folder, removed at process exit by nobody: tests remove what they make.
func temporaryFolder(_ label: String = "oci") throws -> String {
  var template = Array("/tmp/wasmbpf-\(label)-XXXXXX".utf8CString)
  let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
  try #require(made != nil)
  return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func removeFolder(_ path: String) {
  try? FileManager.default.removeItem(atPath: path)
}

func writeFile(_ path: String, _ text: String) throws {
  try writeFile(path, Array(text.utf8))
}

/// Writes through a close-on-exec descriptor: one inherited by a child another test
/// forks meanwhile would keep the file open for writing (an executable written here
/// would then fail to start with ETXTBSY).
func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
  try #require(fd >= 0, "open \(path): \(errno)")
  defer { close(fd) }
  var offset = 0
  while offset < bytes.count {
    let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    try #require(written > 0 || errno == EINTR, "write \(path): \(errno)")
    if written > 0 { offset += written }
  }
}

func readBytes(_ path: String) throws -> [UInt8] {
  Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Starts `argv` with `environment` added to ours; `files` sets up its descriptors.
func spawnProcess(
  _ argv: [String], environment: [String: String] = [:],
  files: (inout posix_spawn_file_actions_t) -> Void
) throws -> pid_t {
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  files(&actions)
  var merged = ProcessInfo.processInfo.environment
  for (key, value) in environment { merged[key] = value }
  let envp: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0)=\($1)") } + [nil]
  let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
  defer {
    envp.forEach { free($0) }
    args.forEach { free($0) }
  }
  var pid: pid_t = 0
  let spawned = posix_spawn(&pid, argv[0], &actions, nil, args, envp)
  try #require(spawned == 0, "posix_spawn \(argv[0]): \(spawned)")
  return pid
}

/// Runs `argv` to completion (killed after `timeoutSeconds`), with `environment`
/// added to ours, and `input` on its stdin.
@discardableResult
func run(
  _ argv: [String], environment: [String: String] = [:], input: [UInt8] = [],
  timeoutSeconds: Int = 120
) throws -> ToolResult {
  var output: [Int32] = [-1, -1]
  var errors: [Int32] = [-1, -1]
  var inputPipe: [Int32] = [-1, -1]
  try #require(pipe(&output) == 0 && pipe(&errors) == 0 && pipe(&inputPipe) == 0)
  let spawned = Result {
    try spawnProcess(argv, environment: environment) { actions in
      posix_spawn_file_actions_adddup2(&actions, inputPipe[0], 0)
      posix_spawn_file_actions_adddup2(&actions, output[1], 1)
      posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
      for fd in [output[0], errors[0], inputPipe[1], output[1], errors[1], inputPipe[0]] {
        posix_spawn_file_actions_addclose(&actions, fd)
      }
    }
  }
  close(output[1])
  close(errors[1])
  close(inputPipe[0])
  let pid = try spawned.get()
  if !input.isEmpty { _ = input.withUnsafeBytes { write(inputPipe[1], $0.baseAddress, $0.count) } }
  close(inputPipe[1])

  var stdoutBytes: [UInt8] = []
  var stderrBytes: [UInt8] = []
  var open = [output[0], errors[0]]
  let deadline = Date().addingTimeInterval(TimeInterval(timeoutSeconds))
  var chunk = [UInt8](repeating: 0, count: 65536)
  while !open.isEmpty {
    if Date() > deadline {
      kill(pid, SIGKILL)
      Issue.record("\(argv.joined(separator: " ")) did not finish in \(timeoutSeconds) s")
      break
    }
    var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    let ready = poll(&fds, nfds_t(fds.count), 500)
    if ready < 0 && errno != EINTR { break }
    for entry in fds where entry.revents != 0 {
      let count = read(entry.fd, &chunk, chunk.count)
      if count <= 0 {
        close(entry.fd)
        open.removeAll { $0 == entry.fd }
      } else if entry.fd == output[0] {
        stdoutBytes += chunk[0..<count]
      } else {
        stderrBytes += chunk[0..<count]
      }
    }
  }
  for fd in open { close(fd) }
  var status: Int32 = 0
  while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
  let code: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
  return ToolResult(
    status: code, stdout: String(decoding: stdoutBytes, as: UTF8.self),
    stderr: String(decoding: stderrBytes, as: UTF8.self))
}

/// A process left running (a registry), its stderr in a file; stopped by `stop()`.
final class BackgroundProcess {
  let pid: pid_t
  let logPath: String

  init(_ argv: [String], logPath: String) throws {
    self.logPath = logPath
    pid = try spawnProcess(argv) { actions in
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
      posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
      posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    }
  }

  var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

  /// Waits until the log matches `pattern`'s first capture group, or fails.
  func waitForLog(_ find: (String) -> String?, seconds: Int = 20) throws -> String {
    let deadline = Date().addingTimeInterval(TimeInterval(seconds))
    while Date() < deadline {
      if let found = find(log) { return found }
      var status: Int32 = 0
      if waitpid(pid, &status, WNOHANG) == pid {
        throw ToolMissing(description: "the server exited early; its log:\n\(log)")
      }
      usleep(20_000)
    }
    throw ToolMissing(description: "the server did not start in \(seconds) s; its log:\n\(log)")
  }

  func stop() {
    kill(pid, SIGTERM)
    var status: Int32 = 0
    for _ in 0..<200 {
      if waitpid(pid, &status, WNOHANG) == pid { return }
      usleep(10_000)
    }
    kill(pid, SIGKILL)
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
  }
}
