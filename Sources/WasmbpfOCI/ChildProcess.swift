// Runs a credential helper: its input written, its output read up to a limit, and
// the process killed when it outlives its time.

#if canImport(Glibc)
  import Glibc
#endif

struct ChildOutput {
  var status: Int32
  var output: [UInt8]
}

func runChild(
  _ path: String, arguments: [String], input: [UInt8], outputLimit: Int, timeoutMilliseconds: Int
) throws(OCIError) -> ChildOutput {
  var stdinPipe: [Int32] = [-1, -1]
  var stdoutPipe: [Int32] = [-1, -1]
  guard pipe(&stdinPipe) == 0 else { throw OCIError(.storage, "pipe: \(errnoText())") }
  guard pipe(&stdoutPipe) == 0 else {
    close(stdinPipe[0])
    close(stdinPipe[1])
    throw OCIError(.storage, "pipe: \(errnoText())")
  }
  // Our ends must not leak into the child (or into a guest's later children).
  for fd in [stdinPipe[0], stdinPipe[1], stdoutPipe[0], stdoutPipe[1]] {
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
  }
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
  posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
  let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
  defer { argv.forEach { free($0) } }
  var pid: pid_t = 0
  let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
  close(stdinPipe[0])
  close(stdoutPipe[1])
  guard spawned == 0 else {
    close(stdinPipe[1])
    close(stdoutPipe[0])
    throw OCIError(.storage, "cannot start \(path): \(errnoText(spawned))")
  }
  // The input is a host name: far below a pipe's buffer, so this cannot block.
  _ = input.withUnsafeBytes { write(stdinPipe[1], $0.baseAddress, $0.count) }
  close(stdinPipe[1])

  var output: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 4096)
  var timeLeft = timeoutMilliseconds
  var failure: OCIError?
  while true {
    var descriptor = pollfd(fd: stdoutPipe[0], events: Int16(POLLIN), revents: 0)
    let started = monotonicMilliseconds()
    let ready = poll(&descriptor, 1, Int32(clamping: timeLeft))
    timeLeft -= monotonicMilliseconds() - started
    if ready < 0 && errno == EINTR { continue }
    if ready <= 0 || timeLeft <= 0 {
      failure = OCIError(.network, "\(path) did not answer within \(timeoutMilliseconds) ms")
      break
    }
    let count = read(stdoutPipe[0], &chunk, chunk.count)
    if count < 0 && errno == EINTR { continue }
    if count <= 0 { break }
    output += chunk[0..<count]
    if output.count > outputLimit {
      failure = OCIError(.tooLarge, "\(path) printed more than \(outputLimit) bytes")
      break
    }
  }
  close(stdoutPipe[0])
  if failure != nil { kill(pid, SIGKILL) }
  var status: Int32 = 0
  while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
  if let failure { throw failure }
  let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
  return ChildOutput(status: exitCode, output: output)
}

func monotonicMilliseconds() -> Int {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
}
