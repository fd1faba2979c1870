// A Wasm guest that calls every wasm_bpf import with forged, stale and out-of-range
// arguments (Fixtures/bpf/guests/hostile): each gets the errno the host must give,
// and the host neither crashes nor leaks; closing, exiting and trapping inside a
// ring-buffer callback end cleanly.

import Testing
import WasiBpf
import WasiPreview1
import WasmInterp

#if canImport(Glibc)
  import Glibc
#endif

extension KernelSuites {
  @Suite struct HostileGuestTests {
    /// The results the hostile guest prints, by check name.
    func results(_ run: GuestRun) -> [String: Int64] {
      var table: [String: Int64] = [:]
      for line in run.lines {
        let parts = line.split(separator: " ")
        if parts.count == 2, let value = Int64(parts[1]) { table[String(parts[0])] = value }
      }
      return table
    }

    @Test func everyImportRefusesBadArguments() throws {
      try requireKernel()
      let run = try runGuest("hostile", [])
      #expect(run.exitCode == 0, "\(run.stderr)")
      let r = results(run)
      let expected: [String: Int64] = [
        "load-out-of-memory": 0, "load-negative-length": 0, "load-garbage": 0,
        "close-zero": -Int64(EINVAL), "close-forged": -Int64(EINVAL),
        "attach-forged": -Int64(EINVAL), "load-valid": 1,
        "attach-unknown-program": -Int64(ENOENT),
        "attach-fd-not-cgroup-program": -Int64(EINVAL), "attach-unterminated-name": -Int64(EFAULT),
        "attach-name-out-of-memory": -Int64(EFAULT), "map-unknown-name": -Int64(ENOENT),
        "map-name-unterminated": -Int64(EFAULT), "map-host-fd-0": -Int64(EBADF),
        "map-host-fd-2": -Int64(EBADF), "map-forged-fd": -Int64(EBADF),
        "map-bad-command": -Int64(EINVAL), "map-key-out-of-memory": -Int64(EFAULT),
        "map-value-out-of-memory": -Int64(EFAULT), "map-update": 0, "map-lookup": 0,
        "next-key-out-of-memory": -Int64(EFAULT),
        "poll-forged-handle": -Int64(EINVAL), "poll-not-a-buffer": -Int64(EINVAL),
        "poll-callback-out-of-table": -Int64(EINVAL),
        "poll-callback-wrong-type": -Int64(EINVAL), "poll-data-out-of-memory": -Int64(EFAULT),
        "poll-negative-size": -Int64(EINVAL), "poll-negative-timeout": 1,
        "close": 0, "close-stale": -Int64(EINVAL), "map-after-close": -Int64(EBADF),
      ]
      for (name, value) in expected.sorted(by: { $0.key < $1.key }) {
        #expect(r[name] == value, "\(name): got \(r[name].map(String.init) ?? "nothing")")
      }
      // 8 bytes cannot hold a per-CPU value on a machine with 2+ possible CPUs.
      if bpfPossibleCPUs > 1 { #expect(r["percpu-too-small"] == -Int64(EFAULT)) }
    }

    func runWithExecs(_ mode: String) throws -> GuestRun {
      let trigger = BackgroundLoop(every: 30) { _ = spawnTrue() }
      defer { trigger.stop() }
      return try runGuest("hostile", ["-m", mode, "-t", "10000"])
    }

    @Test func closingTheObjectInsideItsCallbackIsSafe() throws {
      try requireKernel()
      let run = try runWithExecs("close")
      #expect(run.exitCode == 0, "\(run.stderr)")
      let r = results(run)
      #expect(r["close-in-callback"] == 0)
      #expect(r["events"] == 1)
      #expect(r["stale-after-close"] == -Int64(EINVAL))
    }

    @Test func exitInsideACallbackEndsTheGuestWithItsCode() throws {
      try requireKernel()
      let run = try runWithExecs("exit")
      #expect(run.exitCode == 7)
      #expect(!run.lines.contains { $0.hasPrefix("events") }, "execution went on after exit")
    }

    @Test func aTrapInsideACallbackEndsTheGuestAndReleasesEverything() throws {
      try requireKernel()
      let linksBefore = bpfLinkCount()
      do {
        _ = try runWithExecs("trap")
        Issue.record("the guest's trap was lost")
      } catch let trap as Trap {
        #expect(trap.kind == .unreachable || trap.kind == .hostError, "\(trap)")
      }
      #expect(bpfLinkCount() == linksBefore, "a link outlived the trapped guest")
    }
  }
}

/// BPF links of this process (fds whose target is anon_inode:bpf_link).
func bpfLinkCount() -> Int {
  guard let dir = opendir("/proc/self/fd") else { return -1 }
  defer { closedir(dir) }
  var count = 0
  while let entry = readdir(dir) {
    let name = withUnsafeMutablePointer(to: &entry.pointee.d_name) {
      // Up to the NUL: the record may be shorter than d_name.
      $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
    }
    if let fd = Int32(name), fdTarget(fd) == "anon_inode:bpf_link" { count += 1 }
  }
  return count
}
