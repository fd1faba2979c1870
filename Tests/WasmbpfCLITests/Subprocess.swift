// Spawns the built `wasmbpf-run` (next to the test bundle in the build folder) and
// collects its output and exit status, with a hook to act while it runs (send a
// signal once it printed "ready", look at its /proc entries).

import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The `wasmbpf-run` binary of this build: beside the test executable.
func binaryPath() throws -> String {
  var buffer = [CChar](repeating: 0, count: 4096)
  let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
  try #require(length > 0, "cannot read /proc/self/exe")
  let exe = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  var directory = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast()
  // On Linux the tests run from <build>/debug/<package>PackageTests.xctest.
  if directory.last?.hasSuffix(".xctest") == true { directory = directory.dropLast() }
  let path = directory.joined(separator: "/") + "/wasmbpf-run"
  try #require(access(path, X_OK) == 0, "wasmbpf-run not built at \(path)")
  return path
}

/// A fixture built by Scripts/build-fixtures.sh.
func fixture(_ relative: String) throws -> String {
  let root = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
  let path = "/" + root + "/Fixtures/generated/" + relative
  try #require(access(path, R_OK) == 0, "fixture \(path) missing: run Scripts/build-fixtures.sh")
  return path
}

struct ProcessResult {
  /// The exit status, or 128 + N when signal N killed the process.
  var status: Int32
  /// The signal that killed the process; nil when it exited (as wasmbpf-run does
  /// itself on SIGINT/SIGTERM, after cleaning up).
  var killedBy: Int32?
  var stdout: String
  var stderr: String
  var lines: [Substring] { stdout.split(separator: "\n") }
}

/// A running `wasmbpf-run`.
final class RunningProcess {
  let pid: pid_t
  private var outputFD: Int32
  private var errorFD: Int32
  private(set) var stdout: [UInt8] = []
  private(set) var stderr: [UInt8] = []

  /// `standardInput`: a descriptor the process gets as its stdin (the caller keeps
  /// its own); /dev/null when nil. `launcher`: a command that runs `binary` (default:
  /// this build's wasmbpf-run), its first element an absolute path: `setpriv ...`,
  /// `["/usr/sbin/ip", "netns", "exec", NAME]`.
  init(
    _ arguments: [String], environment: [String]? = nil, standardInput: Int32? = nil,
    launcher: [String] = [], binary: String? = nil
  ) throws {
    let binary = try binary ?? binaryPath()
    let program = launcher.first ?? binary
    var output: [Int32] = [-1, -1]
    var errors: [Int32] = [-1, -1]
    try #require(pipe(&output) == 0 && pipe(&errors) == 0)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let standardInput {
      posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
    } else {
      posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    }
    posix_spawn_file_actions_adddup2(&actions, output[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
    posix_spawn_file_actions_addclose(&actions, output[0])
    posix_spawn_file_actions_addclose(&actions, errors[0])
    let argv: [UnsafeMutablePointer<CChar>?] =
      (launcher + [binary] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var envp: [UnsafeMutablePointer<CChar>?]?
    if let environment { envp = environment.map { strdup($0) } + [nil] }
    defer { envp?.forEach { free($0) } }
    var pid: pid_t = 0
    let result: Int32
    if var envp {
      result = posix_spawn(&pid, program, &actions, nil, argv, &envp)
    } else {
      result = posix_spawn(&pid, program, &actions, nil, argv, environ)
    }
    close(output[1])
    close(errors[1])
    try #require(result == 0, "posix_spawn: \(result)")
    self.pid = pid
    self.outputFD = output[0]
    self.errorFD = errors[0]
  }

  var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
  var stderrText: String { String(decoding: stderr, as: UTF8.self) }

  /// Reads output until `condition` holds for stdout (true) or both streams end
  /// (false), or `timeoutMilliseconds` pass.
  @discardableResult
  func readUntil(timeoutMilliseconds: Int = 60_000, _ condition: (String) -> Bool = { _ in false })
    -> Bool
  {
    var deadline = timespec()
    clock_gettime(CLOCK_MONOTONIC, &deadline)
    let end = deadline.tv_sec * 1000 + deadline.tv_nsec / 1_000_000 + timeoutMilliseconds
    while outputFD >= 0 || errorFD >= 0 {
      if condition(stdoutText) { return true }
      var now = timespec()
      clock_gettime(CLOCK_MONOTONIC, &now)
      let remaining = end - (now.tv_sec * 1000 + now.tv_nsec / 1_000_000)
      if remaining <= 0 { return false }
      var fds = [
        pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0),
        pollfd(fd: errorFD, events: Int16(POLLIN), revents: 0),
      ]
      let ready = poll(&fds, 2, Int32(clamping: remaining))
      if ready < 0 && errno != EINTR { return false }
      for index in 0..<2 where fds[index].fd >= 0 && fds[index].revents != 0 {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = read(fds[index].fd, &chunk, chunk.count)
        if count <= 0 {
          close(fds[index].fd)
          if index == 0 { outputFD = -1 } else { errorFD = -1 }
        } else if index == 0 {
          stdout += chunk[0..<count]
        } else {
          stderr += chunk[0..<count]
        }
      }
    }
    return condition(stdoutText)
  }

  /// Reads to the end and reaps the process: its exit status, or 128 + the signal
  /// that killed it. Kills it when it outlives `timeoutMilliseconds`.
  func finish(timeoutMilliseconds: Int = 60_000) -> ProcessResult {
    readUntil(timeoutMilliseconds: timeoutMilliseconds)
    if outputFD >= 0 || errorFD >= 0 {
      Issue.record("wasmbpf-run did not finish in time; killing it")
      kill(pid, SIGKILL)
      readUntil(timeoutMilliseconds: 5000)
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let code: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    let signal: Int32? = (status & 0x7F) == 0 ? nil : status & 0x7F
    return ProcessResult(status: code, killedBy: signal, stdout: stdoutText, stderr: stderrText)
  }
}

/// Runs `wasmbpf-run arguments` to completion.
func wasmbpfRun(_ arguments: [String], environment: [String]? = nil) throws -> ProcessResult {
  try RunningProcess(arguments, environment: environment).finish()
}

/// How much slower than usual the binaries under test run: 1, or what
/// WASMBPF_TEST_TIME_SCALE says (Scripts/sanitize.sh sets 10: under a sanitizer the
/// CLI's start-up alone can outlast a 300 ms --timeout). Tests whose guest must get
/// going before a deadline multiply the deadline by it.
let testTimeScale: Int = {
  guard let text = getenv("WASMBPF_TEST_TIME_SCALE"), let scale = Int(String(cString: text)),
    scale >= 1
  else { return 1 }
  return scale
}()

/// Milliseconds of a monotonic clock.
func monotonicMilliseconds() -> Int {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
}
