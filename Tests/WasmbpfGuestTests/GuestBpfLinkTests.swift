// Pausing and resuming a running tracer's BPF links on the real kernel: the links go
// (the kernel stops delivering events) and come back to the same hooks without the
// object being reloaded or the guest disturbed. Also: counters of delivered events,
// and links asked paused before the guest attached anything.

import Testing
import WasiBpf
import WasiPreview1
import WasmbpfGuest

#if canImport(Glibc)
  import Glibc
#endif

/// Fails the calling test with a clear reason when this machine cannot load BPF.
func requireKernel() throws {
  struct KernelUnavailable: Error, CustomStringConvertible { var description: String }
  guard geteuid() == 0 else {
    throw KernelUnavailable(description: "kernel BPF tests need root (CAP_BPF/CAP_PERFMON)")
  }
  guard access("/sys/kernel/tracing/events/sched", R_OK) == 0 else {
    throw KernelUnavailable(
      description: "tracefs is not mounted: mount -t tracefs tracefs /sys/kernel/tracing")
  }
}

func runTrue() {
  var pid: pid_t = 0
  let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
  defer { free(argv[0]) }
  guard posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0 else { return }
  var status: Int32 = 0
  waitpid(pid, &status, 0)
}

/// The exec tracer, polling until stopped, counting every `true` run on the machine.
func tracer(stdout: Collected) -> Guest {
  var configuration = GuestConfiguration(
    module: .file(fixturePath("bpf/guests/exectrace.wasm")), policy: .unrestricted)
  configuration.arguments = ["-m", "true", "-n", "1000000", "-t", "60000"]
  configuration.stdout = .sink { stdout.append($0) }
  return Guest(configuration)
}

/// Runs /bin/true until the guest's delivered events grow past `count`, or 5 s pass.
func eventsGrow(_ guest: Guest, beyond count: UInt64) -> Bool {
  for _ in 0..<100 {
    runTrue()
    usleep(50_000)
    if guest.counters.eventsDelivered > count { return true }
  }
  return false
}

@Suite(.serialized) struct GuestBpfLinkTests {
  @Test func pauseDetachesEveryLinkAndResumeAttachesThemAgain() throws {
    try requireKernel()
    let output = Collected()
    let guest = tracer(stdout: output)
    try guest.start()
    defer {
      guest.interrupt(forceAfter: .seconds(5))
      _ = guest.wait()
    }
    try #require(output.waitFor("ready\n"), "\(output.text)")
    #expect(guest.usesBpf)
    #expect(guest.attachments.map(\.programName) == ["handle_exec", "handle_exit"])
    #expect(guest.counters.attachedLinks == 2)
    #expect(eventsGrow(guest, beyond: 0), "events while attached")

    #expect(guest.pauseLinks() == 2)
    #expect(guest.linksPaused)
    #expect(guest.counters.attachedLinks == 0)
    #expect(guest.counters.attachedLinks == 0 && guest.counters.links == 2)
    // Events already in the ring drain; then nothing new arrives.
    usleep(300_000)
    let paused = guest.counters.eventsDelivered
    for _ in 0..<10 { runTrue() }
    usleep(300_000)
    #expect(guest.counters.eventsDelivered == paused, "no event while paused")
    #expect(guest.state == .running, "the guest runs on, polling")

    #expect(guest.resumeLinks().isEmpty)
    #expect(!guest.linksPaused)
    #expect(guest.counters.attachedLinks == 2)
    #expect(eventsGrow(guest, beyond: paused), "events again after the resume")

    guest.interrupt()
    #expect(guest.wait().exitCode == 0)
    // It counts the events that matched (`true`); the host counts every record.
    let summary = output.text.split(separator: "\n").last ?? ""
    #expect(summary.hasPrefix("interrupted after "), "\(output.text)")
    #expect(guest.counters.openObjects == 0 && guest.counters.links == 0)
  }

  @Test func linksPausedBeforeTheStartWaitForTheResume() throws {
    try requireKernel()
    let output = Collected()
    let guest = tracer(stdout: output)
    guest.pauseLinks()
    try guest.start()
    defer {
      guest.interrupt(forceAfter: .seconds(5))
      _ = guest.wait()
    }
    try #require(output.waitFor("ready\n"), "\(output.text)")
    #expect(guest.attachments.count == 2, "the guest's attach succeeded")
    #expect(guest.counters.attachedLinks == 0)
    for _ in 0..<5 { runTrue() }
    usleep(300_000)
    #expect(guest.counters.eventsDelivered == 0)
    #expect(guest.resumeLinks().isEmpty)
    #expect(eventsGrow(guest, beyond: 0))
    #expect(guest.counters.callbackNanoseconds > 0)
    #expect(guest.counters.pollCalls > 0)
  }
}
