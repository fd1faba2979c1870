// One XDP program per interface: the tests that attach one to the loopback interface
// (in WasiBpfTests and WasmbpfCLITests, which run in one test process, and in other
// test runs on the same machine) take turns through a lock file. Each call opens the
// file anew, so two threads of one process exclude each other too (flock locks an
// open file description, not a process). Synchronous only: a holder that awaited
// could wait for a pool thread that a blocked waiter holds.

#if canImport(Glibc)
  import Glibc
#endif

/// Runs `body` while this process holds the machine-wide lock for XDP on `lo`.
public func withLoopbackXDP<R>(_ body: () throws -> R) rethrows -> R {
  let descriptor = open("/tmp/wasmbpf-tests-xdp-lo.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o666)
  if descriptor >= 0 {
    while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
  }
  defer { if descriptor >= 0 { close(descriptor) } }
  return try body()
}
