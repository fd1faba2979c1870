// A guest blocked inside a WASI host call (reading a pipe that never gets data,
// opening a FIFO nobody writes, writing to a FIFO nobody drains) ends on ONE signal,
// or when --timeout expires, with the documented status. Each test waits until the
// guest's thread is asleep in the kernel (its /proc wchan names the pipe wait), so
// the signal really interrupts a blocked system call rather than arriving first.
// The bounds on elapsed time are generous: without the fix the guest never ends
// (the test kills it after 10 s and fails).

import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Waits until the process's main thread (the guest's) sleeps in the kernel in a
/// function whose name contains `function` (its wchan: `anon_pipe_read`,
/// `wait_for_partner`...; "0" when the kernel hides it, then any sleep counts).
/// Returns whether it did, and the wchan last seen.
private func waitUntilBlocked(_ pid: pid_t, in function: String) -> (Bool, String) {
  let deadline = monotonicMilliseconds() + 30_000
  var seen = ""
  while monotonicMilliseconds() < deadline {
    let stat = readText("/proc/\(pid)/stat") ?? ""
    // The state follows the command name's closing parenthesis.
    let state = stat.lastIndex(of: ")").map { stat[stat.index($0, offsetBy: 2)...].prefix(1) }
    seen = readText("/proc/\(pid)/wchan") ?? ""
    if state == "S" && (seen == "0" || seen.contains(function)) { return (true, seen) }
    usleep(10_000)
  }
  return (false, seen)
}

/// A pipe whose ends are close-on-exec (a process spawned by a parallel test cannot
/// hold them open).
private func makePipe() throws -> (read: Int32, write: Int32) {
  var ends: [Int32] = [-1, -1]
  try #require(pipe(&ends) == 0)
  // (pipe2 is not visible to Swift: the moment before these two calls is harmless
  // here, a copy of an end held elsewhere changes nothing in these tests.)
  _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
  _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
  return (ends[0], ends[1])
}

private func makeFifo() throws -> (directory: String, path: String) {
  let directory = try temporaryDirectory()
  let path = directory + "/fifo"
  try #require(mkfifo(path, 0o600) == 0)
  return (directory, path)
}

private func removeFifo(_ fifo: (directory: String, path: String)) {
  unlink(fifo.path)
  rmdir(fifo.directory)
}

/// Waits for the guest to print `marker` and fall asleep in `function`, then sends
/// it one `signal` and expects it to end by itself within 5 s with `status` and
/// the runner's stop message. Returns how it ended, for further checks.
private func expectOneSignalStops(
  _ process: RunningProcess, printing marker: String, asleepIn function: String,
  signal: Int32, status: Int32, name: String
) -> ProcessResult {
  #expect(process.readUntil(timeoutMilliseconds: 30_000) { $0.contains(marker) })
  let (blocked, wchan) = waitUntilBlocked(process.pid, in: function)
  #expect(blocked, "asleep in \(wchan)")
  let start = monotonicMilliseconds()
  kill(process.pid, signal)
  let result = process.finish(timeoutMilliseconds: 10_000)
  let elapsed = monotonicMilliseconds() - start
  #expect(elapsed < 5000, "ended \(elapsed) ms after the signal")
  #expect(result.status == status)
  #expect(result.killedBy == nil, "exits by itself after cleaning up")
  #expect(result.stderr == "wasmbpf-run: stopped by \(name)\n")
  return result
}

@Suite struct BlockedGuestTests {
  @Test(arguments: [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")])
  func oneSignalStopsAGuestBlockedReadingStdin(signal: Int32, status: Int32, name: String)
    throws
  {
    let input = try makePipe()
    defer {
      close(input.read)
      close(input.write)
    }
    let process = try RunningProcess([try guest(), "read"], standardInput: input.read)
    let result = expectOneSignalStops(
      process, printing: "reading\n", asleepIn: "pipe_read", signal: signal, status: status,
      name: name)
    #expect(result.stdout.hasPrefix("reading\n"))
  }

  @Test func theTimeoutStopsAGuestBlockedReadingStdin() throws {
    let input = try makePipe()
    defer {
      close(input.read)
      close(input.write)
    }
    let start = monotonicMilliseconds()
    let process = try RunningProcess(
      ["--timeout", "500ms", try guest(), "read"], standardInput: input.read)
    let result = process.finish(timeoutMilliseconds: 15_000)
    let elapsed = monotonicMilliseconds() - start
    // From the spawn, start-up included (generous under load).
    #expect(elapsed >= 500 && elapsed < 10_000, "ended after \(elapsed) ms")
    #expect(result.status == 124)
    #expect(result.killedBy == nil)
    #expect(result.stderr == "error: timed out after 500 ms\n")
    #expect(result.stdout.hasPrefix("reading\n"))
  }

  /// path_open of a FIFO without a writer waits in open(2) for one.
  @Test func oneSignalStopsAGuestBlockedOpeningAFifo() throws {
    let fifo = try makeFifo()
    defer { removeFifo(fifo) }
    let process = try RunningProcess([
      "--dir", fifo.directory + "::/data", try guest(), "open-fifo", "/data/fifo",
    ])
    _ = expectOneSignalStops(
      process, printing: "opening\n", asleepIn: "wait_for_partner", signal: SIGINT,
      status: 130, name: "SIGINT")
  }

  /// fd_write to a FIFO whose reader never reads waits in write(2) once it is full.
  @Test func oneSignalStopsAGuestBlockedWritingAFullFifo() throws {
    let fifo = try makeFifo()
    defer { removeFifo(fifo) }
    // The test holds the read end (without reading), so the guest's open succeeds.
    let reader = open(fifo.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    try #require(reader >= 0)
    defer { close(reader) }
    let process = try RunningProcess([
      "--dir", fifo.directory + "::/data", try guest(), "fill", "/data/fifo",
    ])
    _ = expectOneSignalStops(
      process, printing: "filling\n", asleepIn: "pipe_write", signal: SIGTERM, status: 143,
      name: "SIGTERM")
  }
}
