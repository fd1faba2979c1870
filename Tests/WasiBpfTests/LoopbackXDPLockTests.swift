import Testing
import WasmbpfTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The loopback XDP lock excludes another holder while `body` runs, also one in this
/// process, and is free again once `body` has returned.
@Suite struct LoopbackXDPLockTests {
  /// Whether an exclusive lock on the lock file can be taken right now, from a
  /// descriptor of its own.
  func lockIsFree() throws -> Bool {
    let descriptor = open("/tmp/wasmbpf-tests-xdp-lo.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o666)
    try #require(descriptor >= 0)
    defer { close(descriptor) }
    return flock(descriptor, LOCK_EX | LOCK_NB) == 0
  }

  @Test func excludesOthersWhileHeld() throws {
    let heldInside = try withLoopbackXDP { try lockIsFree() }
    #expect(!heldInside)
    // Others' test runs may hold it for a while: wait for it rather than race them.
    var free = false
    for _ in 0..<600 where !free {
      free = try lockIsFree()
      if !free { usleep(100_000) }
    }
    #expect(free)
  }
}
