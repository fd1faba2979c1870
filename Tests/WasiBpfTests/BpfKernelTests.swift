// Tests against the running kernel: they need root (CAP_BPF, CAP_PERFMON), BTF and a
// mounted tracefs. They fail, never skip, when the kernel cannot run them.

import Testing
import WasiBpf

#if canImport(Glibc)
  import Glibc
#endif

/// Every suite that loads programs into the kernel, one at a time: they share the
/// kernel's hooks (an exec tracer sees every exec), and leak checks count this
/// process's BPF links.
@Suite(.serialized) struct KernelSuites {}

/// Fails the calling test with a clear reason when this machine cannot load BPF.
func requireKernel() throws {
  struct KernelUnavailable: Error, CustomStringConvertible { var description: String }
  guard geteuid() == 0 else {
    throw KernelUnavailable(description: "kernel BPF tests need root (CAP_BPF/CAP_PERFMON)")
  }
  guard access("/sys/kernel/btf/vmlinux", R_OK) == 0 else {
    throw KernelUnavailable(description: "kernel BPF tests need BTF at /sys/kernel/btf/vmlinux")
  }
  guard access("/sys/kernel/tracing/events/syscalls", R_OK) == 0 else {
    throw KernelUnavailable(
      description: "tracefs is not mounted: mount -t tracefs tracefs /sys/kernel/tracing")
  }
}

/// What fd `fd` of this process refers to ("anon_inode:bpf-map"), or nil when closed.
func fdTarget(_ fd: Int32) -> String? {
  var buffer = [CChar](repeating: 0, count: 256)
  let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
  guard n > 0 else { return nil }
  return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func spawnTrue() -> pid_t {
  var pid: pid_t = 0
  let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
  defer { free(argv[0]) }
  let result = posix_spawn(&pid, "/bin/true", nil, nil, argv, environ)
  precondition(result == 0, "posix_spawn failed: \(result)")
  var status: Int32 = 0
  waitpid(pid, &status, 0)
  return pid
}

extension KernelSuites {
  @Suite struct BpfKernelTests {
    func loadedSample() throws -> BpfObject {
      let bytes = try fixtureBytes("bpf/inspect_sample.bpf.o")
      let object = try bytes.withUnsafeBytes { try BpfObject(elf: $0, name: "inspect_sample") }
      try object.load()
      return object
    }

    @Test func ringBufferDeliversExecEventsAndEverythingIsReleased() throws {
      try requireKernel()
      var heldFDs: [(Int32, String)] = []
      do {
        let object = try loadedSample()
        #expect(object.isLoaded)
        let mapFD = try #require(object.mapFD(named: "events"))
        #expect(object.ownsMapFD(mapFD))
        #expect(!object.ownsMapFD(0))
        #expect(object.mapFD(named: "no_such_map") == nil)
        let link = try object.attach(program: "trace_execve", to: .automatic)
        let linkFD = try #require(link.fd)
        heldFDs = [(mapFD, fdTarget(mapFD) ?? ""), (linkFD, fdTarget(linkFD) ?? "")]
        #expect(heldFDs[0].1.contains("bpf-map"))
        #expect(heldFDs[1].1.contains("bpf_link"))

        let ring = try BpfRingBuffer(mapFD: mapFD)
        let child = spawnTrue()
        var sawChild = false
        for _ in 0..<20 where !sawChild {
          _ = try ring.poll(timeoutMilliseconds: 100) { record in
            guard record.count >= 8 else { return .continue }
            let pid = record.loadUnaligned(as: UInt32.self)
            if pid == UInt32(bitPattern: child) {
              sawChild = true
              return .stop
            }
            return .continue
          }
        }
        #expect(sawChild, "no execve event for child \(child)")
        link.detach()
        #expect(!link.isAttached)
        #expect(link.fd == nil)
      }
      // The object, its link and its ring buffer are gone: their fds are closed (or,
      // if a parallel test reused the number, now refer to something else).
      for (fd, target) in heldFDs {
        #expect(fdTarget(fd) != target, "fd \(fd) (\(target)) still open")
      }
    }

    @Test func verifierRejectionCarriesTheLog() throws {
      try requireKernel()
      let bytes = try fixtureBytes("bpf/verifier_reject.bpf.o")
      let object = try bytes.withUnsafeBytes { try BpfObject(elf: $0, name: "verifier_reject") }
      let error = try #require(throws: BpfError.self) { try object.load() }
      #expect(error.errno == EACCES || error.errno == EINVAL)
      let log = try #require(error.verifierLog)
      #expect(log.contains("invalid mem access"), "verifier log was: \(log)")
      #expect(!object.isLoaded)
    }

    @Test func attachingUnknownProgramsAndTargetsFailsCleanly() throws {
      try requireKernel()
      let object = try loadedSample()
      let unknown = try #require(throws: BpfError.self) {
        try object.attach(program: "no_such_program", to: .automatic)
      }
      #expect(unknown.errno == ENOENT)
      let noInterface = try #require(throws: BpfError.self) {
        try object.attach(program: "trace_execve", to: .interface("nosuchif0"))
      }
      #expect(noInterface.errno == ENODEV)
      let badCgroup = try #require(throws: BpfError.self) {
        try object.attach(program: "trace_execve", to: .cgroupPath("/nonexistent/cgroup"))
      }
      #expect(badCgroup.errno == ENOENT)
    }

    @Test func unloadedObjectsRefuseAttach() throws {
      let bytes = try fixtureBytes("bpf/inspect_sample.bpf.o")
      let object = try bytes.withUnsafeBytes { try BpfObject(elf: $0, name: "inspect_sample") }
      let error = try #require(throws: BpfError.self) {
        try object.attach(program: "trace_execve", to: .automatic)
      }
      #expect(error.errno == EINVAL)
      #expect(object.mapFD(named: "events") == nil)
    }
  }
}

extension KernelSuites {
  @Suite struct BpfMapTests {
    @Test func hashMapRoundTripThroughTheFourCommands() throws {
      try requireKernel()
      let bytes = try fixtureBytes("bpf/inspect_sample.bpf.o")
      let object = try bytes.withUnsafeBytes { try BpfObject(elf: $0, name: "inspect_sample") }
      try object.load()
      let fd = try #require(object.mapFD(named: "counts"))
      let info = try BpfMapInfo(fd: fd)
      #expect(info.typeName == "hash")
      #expect(info.name == "counts")
      #expect(info.keySize == 4 && info.valueSize == 8)
      #expect(!info.isPerCPU)
      #expect(info.valueTransferSize() == 8)

      func operate(
        _ command: BpfMapCommand, key: UInt32?, value: inout UInt64, next: inout UInt32,
        flags: UInt64 = 0
      ) -> Int32 {
        var k = key ?? 0
        return withUnsafeMutableBytes(of: &value) { v in
          withUnsafeMutableBytes(of: &next) { n in
            withUnsafeBytes(of: &k) { kp in
              bpfMapOperateUnchecked(
                fd: fd, command: command, key: key == nil ? nil : kp.baseAddress,
                value: v.baseAddress, nextKey: n.baseAddress, flags: flags)
            }
          }
        }
      }
      var value: UInt64 = 42
      var next: UInt32 = 0
      #expect(operate(.update, key: 7, value: &value, next: &next) == 0)
      #expect(operate(.update, key: 7, value: &value, next: &next, flags: 1) == -EEXIST)
      value = 0
      #expect(operate(.lookup, key: 7, value: &value, next: &next) == 0)
      #expect(value == 42)
      #expect(operate(.getNextKey, key: nil, value: &value, next: &next) == 0)
      #expect(next == 7)
      #expect(operate(.getNextKey, key: 7, value: &value, next: &next) == -ENOENT)
      #expect(operate(.delete, key: 7, value: &value, next: &next) == 0)
      #expect(operate(.lookup, key: 7, value: &value, next: &next) == -ENOENT)
    }

    @Test func perCPUValuesSpanEveryPossibleCPU() throws {
      try requireKernel()
      let bytes = try fixtureBytes("bpf/inspect_sample.bpf.o")
      let object = try bytes.withUnsafeBytes { try BpfObject(elf: $0, name: "inspect_sample") }
      try object.load()
      let info = try BpfMapInfo(fd: try #require(object.mapFD(named: "scratch")))
      #expect(info.isPerCPU)
      #expect(info.valueSize == 4)
      #expect(info.valueTransferSize(possibleCPUs: 3) == 24)
      #expect(info.valueTransferSize() == 8 * bpfPossibleCPUs)
    }

    @Test func nonMapFDsAreRefused() throws {
      try requireKernel()
      #expect(throws: BpfError.self) { try BpfMapInfo(fd: 0) }
      #expect(throws: BpfError.self) { try BpfMapInfo(fd: -1) }
      #expect(throws: BpfError.self) { try BpfMapInfo(fd: 99999) }
    }
  }
}
