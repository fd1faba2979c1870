// A guest as the node agent and embedders hold it: configured by value, run on its
// own thread or the caller's, stopped gracefully or by force, by a limit or by the
// embedder, observed through its counters and output sinks. The guest is the
// command-line fixture (Fixtures/cli/cli_guest.c), which has one behaviour per mode.

import Testing
import WasiBpf
import WasiPreview1
import WasmInterp
import WasmbpfGuest

#if canImport(Glibc)
  import Glibc
#endif

func fixturePath(_ relative: String) -> String {
  let root = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
  return "/" + root + "/Fixtures/generated/" + relative
}

/// Bytes a guest wrote, collected from its thread.
final class Collected: @unchecked Sendable {
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
  /// Waits up to `milliseconds` for the text to contain `marker`.
  func waitFor(_ marker: String, milliseconds: Int = 30_000) -> Bool {
    for _ in 0..<(milliseconds / 10) {
      if text.contains(marker) { return true }
      usleep(10_000)
    }
    return text.contains(marker)
  }
}

/// The command-line fixture in `mode`, its stdout collected.
func cliGuest(_ arguments: [String], stdout: Collected) -> GuestConfiguration {
  var configuration = GuestConfiguration(
    module: .file(fixturePath("cli/cli_guest.wasm")), policy: BpfPolicy())
  configuration.arguments = arguments
  configuration.stdout = .sink { stdout.append($0) }
  return configuration
}

extension GuestOutcome {
  var exitCode: UInt32? {
    if case .exited(let code) = self { return code }
    return nil
  }
  var stopReason: GuestStopReason? {
    if case .stopped(let reason) = self { return reason }
    return nil
  }
  var trap: Trap? {
    if case .trapped(let trap) = self { return trap }
    return nil
  }
  var failure: GuestFailure? {
    if case .failed(let failure) = self { return failure }
    return nil
  }
}

@Suite struct GuestLifecycleTests {
  @Test func aCommandRunsOnTheCallersThreadWithItsOutputInASink() {
    let output = Collected()
    var configuration = cliGuest(["args", "x", "--y"], stdout: output)
    configuration.limits.countsFuel = true
    let guest = Guest(configuration)
    #expect(guest.state == .created)
    let outcome = guest.run()
    #expect(outcome.exitCode == 0)
    #expect(guest.state == .finished)
    #expect(output.text.contains("argv[0] \(fixturePath("cli/cli_guest.wasm"))\n"))
    #expect(output.text.contains("argv[2] x\nargv[3] --y\n"))
    let counters = guest.counters
    #expect(counters.hostCalls > 0)
    #expect(counters.memoryBytes >= 65536)
    #expect(counters.fuelConsumed > 0, "fuel is counted when unmetered too, if asked")
  }

  @Test func anUnmeteredGuestCountsNoFuelUnlessAsked() {
    let guest = Guest(cliGuest(["args", "x"], stdout: Collected()))
    #expect(guest.run().exitCode == 0)
    #expect(guest.counters.fuelConsumed == 0)
  }

  @Test func aGuestStartedOnItsOwnThreadReportsItsExitStatus() throws {
    let guest = Guest(cliGuest(["exit", "7"], stdout: Collected()))
    try guest.start()
    #expect(guest.wait().exitCode == 7)
    #expect(guest.outcome?.exitCode == 7)
    var buffer: UInt8 = 0
    #expect(read(guest.completionDescriptor, &buffer, 1) == 1, "the completion fd is readable")
    #expect(throws: GuestLifecycleError.self) { try guest.start() }
  }

  @Test func aGuestKeepsRunningWhenItsHandleIsDropped() throws {
    let output = Collected()
    do {
      let guest = Guest(cliGuest(["sleep", "100"], stdout: output))
      try guest.start()
    }
    #expect(output.waitFor("slept 0\n"), "\(output.text)")
  }

  @Test func aGracefulInterruptEndsASleepAndTheGuestFinishesByItself() throws {
    let output = Collected()
    let guest = Guest(cliGuest(["sleep", "60000"], stdout: output))
    try guest.start()
    #expect(output.waitFor("sleeping\n"))
    let start = monotonicMilliseconds()
    guest.interrupt()
    #expect(guest.wait().exitCode == 0, "its own status")
    #expect(monotonicMilliseconds() - start < 5000)
    #expect(output.text == "sleeping\nslept -1\n")
  }

  @Test func aLoopIgnoresTheGracefulInterruptAndIsStoppedAfterTheGracePeriod() throws {
    let output = Collected()
    let guest = Guest(cliGuest(["loop"], stdout: output))
    try guest.start()
    #expect(output.waitFor("looping\n"))
    let start = monotonicMilliseconds()
    guest.interrupt(forceAfter: .milliseconds(200), reason: .signal(SIGTERM))
    #expect(guest.wait().stopReason == .signal(SIGTERM))
    #expect(monotonicMilliseconds() - start >= 200)
  }

  @Test func forceStopStopsALoopAtOnceAndTheFirstReasonWins() throws {
    let output = Collected()
    let guest = Guest(cliGuest(["loop"], stdout: output))
    try guest.start()
    #expect(output.waitFor("looping\n"))
    guest.forceStop(.requested)
    guest.forceStop(.timeout)
    #expect(guest.wait().stopReason == .requested)
  }

  @Test func aStopBeforeTheStartStopsTheGuestBeforeItRuns() {
    let output = Collected()
    let guest = Guest(cliGuest(["loop"], stdout: output))
    guest.forceStop()
    #expect(guest.run().stopReason == .requested)
    #expect(output.text == "")
  }

  @Test func theTimeLimitStopsABlockedGuest() {
    var configuration = cliGuest(["sleep", "60000"], stdout: Collected())
    configuration.limits.timeout = .milliseconds(200)
    let start = monotonicMilliseconds()
    #expect(Guest(configuration).run().stopReason == .timeout)
    #expect(monotonicMilliseconds() - start < 5000)
  }

  @Test func runningOutOfFuelIsATrapWithANamedBacktrace() {
    var configuration = cliGuest(["loop"], stdout: Collected())
    configuration.limits.fuel = 100_000
    let guest = Guest(configuration)
    let trap = guest.run().trap
    #expect(trap?.kind == .outOfFuel)
    #expect(trap?.report.contains("wasm backtrace:") == true)
    #expect(trap?.report.contains("main") == true, "\(trap?.report ?? "")")
    #expect(guest.counters.traps == 1)
    #expect(guest.counters.fuelConsumed >= 99_000)
  }

  @Test func anInvokedExportReturnsItsValues() {
    var configuration = cliGuest([], stdout: Collected())
    configuration.entry = .invoke(function: "add", arguments: ["2", "40"])
    guard case .returned(let values) = Guest(configuration).run() else {
      Issue.record("no values")
      return
    }
    #expect(values == [.i32(42)])
  }

  @Test func failuresBeforeTheGuestRunsSayWhatIsWrong() {
    var configuration = cliGuest([], stdout: Collected())
    configuration.entry = .invoke(function: "nope", arguments: [])
    let entry = Guest(configuration).run().failure
    #expect(entry?.kind == .entry)
    #expect(entry?.message.contains("exports no function 'nope'") == true)

    configuration.entry = .invoke(function: "add", arguments: ["2", "x"])
    #expect(Guest(configuration).run().failure?.kind == .entry)

    let garbage = Guest(GuestConfiguration(module: .bytes([0, 1, 2]), policy: BpfPolicy()))
    #expect(garbage.run().failure?.kind == .module)

    let missing = Guest(GuestConfiguration(module: .file("/no/such.wasm"), policy: BpfPolicy()))
    #expect(missing.run().failure?.message.contains("cannot read /no/such.wasm") == true)

    var directory = cliGuest(["args"], stdout: Collected())
    directory.preopens = [WasiPreopen(hostPath: "/no/such/directory")]
    #expect(Guest(directory).run().failure?.kind == .configuration)
  }

  @Test func preopensReachTheGuestInTheirOrder() {
    let output = Collected()
    var configuration = cliGuest(["preopens"], stdout: output)
    configuration.preopens = [
      WasiPreopen(hostPath: "/tmp", guestPath: "/b", isReadOnly: true),
      WasiPreopen(hostPath: "/tmp", guestPath: "/a"),
    ]
    #expect(Guest(configuration).run().exitCode == 0)
    #expect(output.text == "fd 3 /b\nfd 4 /a\n")
  }

  @Test func pausingAGuestWithoutBpfDoesNothing() {
    let guest = Guest(cliGuest(["exit", "0"], stdout: Collected()))
    #expect(guest.pauseLinks() == 0)
    #expect(guest.linksPaused)
    #expect(guest.run().exitCode == 0)
    #expect(guest.resumeLinks().isEmpty)
    #expect(!guest.usesBpf)
  }
}

func monotonicMilliseconds() -> Int {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
}

extension GuestLifecycleTests {
  @Test func aGracefulInterruptBeforeTheStartEndsTheFirstWait() throws {
    let output = Collected()
    let guest = Guest(cliGuest(["sleep", "60000"], stdout: output))
    guest.interrupt()
    #expect(guest.state == .created)
    let start = monotonicMilliseconds()
    try guest.start()
    #expect(guest.wait().exitCode == 0)
    #expect(monotonicMilliseconds() - start < 5000)
    #expect(output.text == "sleeping\nslept -1\n")
  }
}
