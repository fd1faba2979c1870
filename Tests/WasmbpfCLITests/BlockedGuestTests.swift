// A guest blocked inside a WASI host call (reading a pipe that never gets data,
// opening a FIFO nobody writes, writing to a FIFO nobody drains) and a signal: the
// first SIGINT/SIGTERM ends its waits (the read or open returns EINTR and the guest
// finishes by itself, with its own status), but not its writes (its last output must
// not be lost): a guest blocked writing is stopped when the grace period ends, or on a
// second signal. --timeout stops it at once. Each test waits until the guest's thread
// is asleep in the kernel (its /proc wchan names the pipe wait), so the signal really
// interrupts a blocked system call rather than arriving first. The bounds on elapsed
// time are generous: without the fix the guest never ends (the test kills it after
// 10 s and fails).

import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Waits until a thread of the process (the guest's) sleeps in the kernel in a
/// function whose name contains `function` (its wchan: `anon_pipe_read`,
/// `wait_for_partner`...; "0" when the kernel hides it, then any sleep counts).
/// Returns whether it did, and the wchans last seen.
private func waitUntilBlocked(_ pid: pid_t, in function: String) -> (Bool, String) {
  let deadline = monotonicMilliseconds() + 30_000
  var seen: [String] = []
  while monotonicMilliseconds() < deadline {
    seen = []
    for task in threadIDs(of: pid) {
      let stat = readText("/proc/\(pid)/task/\(task)/stat") ?? ""
      // The state follows the command name's closing parenthesis.
      let state = stat.lastIndex(of: ")").map { stat[stat.index($0, offsetBy: 2)...].prefix(1) }
      let wchan = readText("/proc/\(pid)/task/\(task)/wchan") ?? ""
      seen.append(wchan)
      if state == "S" && (wchan == "0" || wchan.contains(function)) { return (true, wchan) }
    }
    usleep(10_000)
  }
  return (false, seen.joined(separator: ", "))
}

/// The ids of the process's threads.
private func threadIDs(of pid: pid_t) -> [String] {
  guard let directory = opendir("/proc/\(pid)/task") else { return [] }
  defer { closedir(directory) }
  var ids: [String] = []
  while let entry = readdir(directory) {
    let name = withUnsafeMutablePointer(to: &entry.pointee.d_name) {
      // Up to the NUL: the record may be shorter than d_name.
      $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
    }
    if name.first?.isNumber == true { ids.append(name) }
  }
  return ids
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
/// it `signals` (one every 100 ms) and expects wasmbpf-run to exit by itself within
/// 5 s with `status` and `stderr`. Returns how it ended, for further checks.
private func expectSignals(
  _ signals: [Int32], to process: RunningProcess, printing marker: String,
  asleepIn function: String, status: Int32, stderr: String
) -> ProcessResult {
  #expect(process.readUntil(timeoutMilliseconds: 30_000) { $0.contains(marker) })
  let (blocked, wchan) = waitUntilBlocked(process.pid, in: function)
  #expect(blocked, "asleep in \(wchan)")
  let start = monotonicMilliseconds()
  for (index, signal) in signals.enumerated() {
    if index > 0 { usleep(100_000) }
    kill(process.pid, signal)
  }
  let result = process.finish(timeoutMilliseconds: 10_000)
  let elapsed = monotonicMilliseconds() - start
  #expect(elapsed < 5000, "ended \(elapsed) ms after the signal")
  #expect(result.status == status)
  #expect(result.killedBy == nil, "exits by itself after cleaning up")
  #expect(result.stderr == stderr)
  return result
}

@Suite struct BlockedGuestTests {
  @Test(arguments: [SIGINT, SIGTERM])
  func oneSignalEndsTheReadOfABlockedGuest(signal: Int32) throws {
    let input = try makePipe()
    defer {
      close(input.read)
      close(input.write)
    }
    let process = try RunningProcess([try guest(), "read"], standardInput: input.read)
    // The read returns EINTR; the guest reports it and exits with its own status (5).
    let result = expectSignals(
      [signal], to: process, printing: "reading\n", asleepIn: "pipe_read", status: 5, stderr: "")
    #expect(result.stdout == "reading\nread -1 (Interrupted system call)\n")
  }

  @Test func aSecondSignalStopsTheGuestWithoutWaitingForTheGracePeriod() throws {
    // A loop makes no host call that could end with EINTR: only a stop ends it.
    let process = try RunningProcess(["--grace-period", "60s", try guest(), "loop"])
    #expect(process.readUntil(timeoutMilliseconds: 30_000) { $0.contains("looping\n") })
    kill(process.pid, SIGINT)
    usleep(200_000)
    let start = monotonicMilliseconds()
    kill(process.pid, SIGINT)
    let result = process.finish(timeoutMilliseconds: 10_000)
    #expect(monotonicMilliseconds() - start < 5000, "the second signal does not wait 60 s")
    #expect(result.status == 130)
    #expect(result.stderr == "wasmbpf-run: stopped by SIGINT\n")
  }

  @Test func theTimeoutStopsAGuestBlockedReadingStdin() throws {
    let input = try makePipe()
    defer {
      close(input.read)
      close(input.write)
    }
    let start = monotonicMilliseconds()
    let timeout = 500 * testTimeScale
    let process = try RunningProcess(
      ["--timeout", "\(timeout)ms", try guest(), "read"], standardInput: input.read)
    let result = process.finish(timeoutMilliseconds: 15_000 * testTimeScale)
    let elapsed = monotonicMilliseconds() - start
    // From the spawn, start-up included (generous under load).
    #expect(elapsed >= timeout && elapsed < 10_000 * testTimeScale, "ended after \(elapsed) ms")
    #expect(result.status == 124)
    #expect(result.killedBy == nil)
    #expect(result.stderr == "error: timed out after \(timeout) ms\n")
    #expect(result.stdout.hasPrefix("reading\n"))
  }

  /// path_open of a FIFO without a writer waits in open(2) for one.
  @Test func oneSignalStopsAGuestBlockedOpeningAFifo() throws {
    let fifo = try makeFifo()
    defer { removeFifo(fifo) }
    let process = try RunningProcess([
      "--dir", fifo.directory + "::/data", try guest(), "open-fifo", "/data/fifo",
    ])
    let result = expectSignals(
      [SIGINT], to: process, printing: "opening\n", asleepIn: "wait_for_partner", status: 5,
      stderr: "")
    #expect(result.stdout == "opening\nopen -1 (Interrupted system call)\n")
  }

  /// fd_write to a FIFO whose reader never reads waits in write(2) once it is full. A
  /// first signal does not end a write (the guest's last output must get out): the
  /// grace period, or a second signal, stops the guest.
  @Test(arguments: [[SIGTERM], [SIGTERM, SIGTERM]])
  func aGuestBlockedWritingIsStoppedAfterTheGracePeriod(signals: [Int32]) throws {
    let fifo = try makeFifo()
    defer { removeFifo(fifo) }
    // The test holds the read end (without reading), so the guest's open succeeds.
    let reader = open(fifo.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    try #require(reader >= 0)
    defer { close(reader) }
    let grace = signals.count == 1 ? "300ms" : "60s"
    let process = try RunningProcess([
      "--grace-period", grace, "--dir", fifo.directory + "::/data", try guest(), "fill",
      "/data/fifo",
    ])
    let start = monotonicMilliseconds()
    _ = expectSignals(
      signals, to: process, printing: "filling\n", asleepIn: "pipe_write", status: 143,
      stderr: "wasmbpf-run: stopped by SIGTERM\n")
    if signals.count == 1 {
      #expect(monotonicMilliseconds() - start >= 300, "not before the grace period")
    }
  }
}
