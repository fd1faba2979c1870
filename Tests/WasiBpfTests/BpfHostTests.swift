// The wasm_bpf semantics on a guest memory held in a host buffer, against the real
// kernel: the hostile-guest cases (forged handles and fds, bad pointers and sizes,
// unterminated strings, close and throw inside a callback) and the normal paths.

import Testing
import WasiBpf

#if canImport(Glibc)
  import Glibc
#endif

struct GuestExit: Error, Equatable { var code: Int32 }

extension KernelSuites {
  @Suite struct BpfHostTests {
    let objectAddress: UInt32 = 0x1000

    /// A host with `inspect_sample` in guest memory at `objectAddress`, and strings.
    func makeHost(policy: BpfPolicy = .unrestricted) throws -> (BpfHost, BufferGuestMemory, Int32) {
      try requireKernel()
      let elf = try fixtureBytes("bpf/inspect_sample.bpf.o")
      let memory = BufferGuestMemory(size: 0x10000)
      memory.withBytes { bytes in
        bytes.baseAddress!.advanced(by: Int(objectAddress)).copyMemory(
          from: elf, byteCount: elf.count)
      }
      let host = BpfHost(options: BpfHostOptions(policy: policy, moduleName: "test.wasm"))
      return (host, memory, Int32(elf.count))
    }

    func put(_ memory: BufferGuestMemory, _ text: String, at address: UInt32) {
      let bytes = Array(text.utf8) + [0]
      memory.withBytes { raw in
        for (i, b) in bytes.enumerated() { raw[Int(address) + i] = b }
      }
    }

    @Test func loadRefusesBadBuffersAndPolicyDenials() throws {
      let (host, memory, length) = try makeHost()
      #expect(host.loadObject(memory: memory, address: 0xFFFF, length: length) == 0)
      #expect(host.lastError?.errno == EFAULT)
      #expect(host.loadObject(memory: memory, address: objectAddress, length: 0) == 0)
      #expect(host.loadObject(memory: memory, address: objectAddress, length: -5) == 0)
      #expect(host.loadObject(memory: memory, address: UInt32.max, length: Int32.max) == 0)
      // Not an ELF: garbage bytes.
      #expect(host.loadObject(memory: memory, address: 0x100, length: 64) == 0)
      #expect(host.openObjectCount == 0)

      let (strict, strictMemory, _) = try makeHost(policy: .observe)
      var audit: [BpfAuditRecord] = []
      strict.enforcer.logger = { audit.append($0) }
      #expect(strict.loadObject(memory: strictMemory, address: objectAddress, length: length) == 0)
      #expect(strict.lastError?.errno == EPERM)
      #expect(audit.count == 1 && audit[0].rule == "helpers")
    }

    @Test func handlesAreOpaqueAndNeverReused() throws {
      let (host, memory, length) = try makeHost()
      let first = host.loadObject(memory: memory, address: objectAddress, length: length)
      #expect(first > 0)
      #expect(host.closeObject(handle: UInt64(first)) == 0)
      #expect(host.closeObject(handle: UInt64(first)) == -EINVAL)  // stale
      let second = host.loadObject(memory: memory, address: objectAddress, length: length)
      #expect(second > 0 && second != first)
      #expect(host.closeObject(handle: 0) == -EINVAL)
      #expect(host.closeObject(handle: 0xDEAD_BEEF) == -EINVAL)
      put(memory, "trace_execve", at: 0x100)
      #expect(
        host.attachProgram(memory: memory, handle: 77, nameAddress: 0x100, targetAddress: 0)
          == -EINVAL)
      #expect(host.mapFD(memory: memory, handle: UInt64(first), nameAddress: 0x100) == -EINVAL)
    }

    @Test func attachChecksNamesAndStrings() throws {
      let (host, memory, length) = try makeHost()
      let handle = UInt64(host.loadObject(memory: memory, address: objectAddress, length: length))
      put(memory, "no_such_program", at: 0x100)
      #expect(
        host.attachProgram(memory: memory, handle: handle, nameAddress: 0x100, targetAddress: 0)
          == -ENOENT)
      // An unterminated name at the very end of memory.
      memory.withBytes { raw in for i in (raw.count - 8)..<raw.count { raw[i] = 0x41 } }
      let end = UInt32(memory.byteCount - 8)
      #expect(
        host.attachProgram(memory: memory, handle: handle, nameAddress: end, targetAddress: 0)
          == -EFAULT)
      #expect(
        host.attachProgram(
          memory: memory, handle: handle, nameAddress: 0xFFFF_FFF0, targetAddress: 0) == -EFAULT)
      put(memory, "trace_execve", at: 0x100)
      #expect(
        host.attachProgram(memory: memory, handle: handle, nameAddress: 0x100, targetAddress: end)
          == -EFAULT)
      // An empty target string (the upstream SDK's default) means automatic attach.
      put(memory, "", at: 0x200)
      #expect(
        host.attachProgram(memory: memory, handle: handle, nameAddress: 0x100, targetAddress: 0x200)
          == 0)
      #expect(host.enforcer.linkCount == 1)
      #expect(host.closeObject(handle: handle) == 0)
      #expect(host.enforcer.linkCount == 0)
    }

    @Test func mapOperationsCheckIdsPointersAndSizes() throws {
      let (host, memory, length) = try makeHost()
      let handle = UInt64(host.loadObject(memory: memory, address: objectAddress, length: length))
      put(memory, "counts", at: 0x100)
      let counts = host.mapFD(memory: memory, handle: handle, nameAddress: 0x100)
      #expect(counts >= 3)
      #expect(host.mapFD(memory: memory, handle: handle, nameAddress: 0x100) == counts)
      put(memory, "nope", at: 0x140)
      #expect(host.mapFD(memory: memory, handle: handle, nameAddress: 0x140) == -ENOENT)

      // key 7 at 0x200, value 99 at 0x208.
      memory.withBytes { raw in
        raw.storeBytes(of: UInt32(7), toByteOffset: 0x200, as: UInt32.self)
        raw.storeBytes(of: UInt64(99), toByteOffset: 0x208, as: UInt64.self)
      }
      func op(
        _ id: Int32, _ cmd: Int32, key: UInt32 = 0x200, value: UInt32 = 0x208, next: UInt32 = 0x210,
        flags: UInt64 = 0
      ) -> Int32 {
        host.mapOperate(
          memory: memory, mapID: id, command: cmd, key: key, value: value, nextKey: next,
          flags: flags)
      }
      #expect(op(counts, 2) == 0)
      memory.withBytes { $0.storeBytes(of: UInt64(0), toByteOffset: 0x208, as: UInt64.self) }
      #expect(op(counts, 1) == 0)
      #expect(memory.withBytes { $0.load(fromByteOffset: 0x208, as: UInt64.self) } == 99)
      #expect(op(counts, 4, key: 0) == 0)
      #expect(memory.withBytes { $0.load(fromByteOffset: 0x210, as: UInt32.self) } == 7)
      #expect(op(counts, 4) == -ENOENT)
      // Forged ids: host fds 0/1/2, the kernel fd number itself, negative.
      for forged: Int32 in [0, 1, 2, -1, 1000, counts + 50] {
        #expect(op(forged, 1) == -EBADF)
      }
      #expect(op(counts, 9) == -EINVAL)
      #expect(op(counts, 0) == -EINVAL)
      // Out-of-range pointers: the value would end past memory.
      let last = UInt32(memory.byteCount - 4)
      #expect(op(counts, 1, value: last) == -EFAULT)
      #expect(op(counts, 1, key: UInt32.max) == -EFAULT)
      #expect(op(counts, 4, next: last + 2) == -EFAULT)
      #expect(op(counts, 3) == 0)
      #expect(op(counts, 3) == -ENOENT)

      // A per-CPU lookup needs 8 bytes per possible CPU: a 4-byte value slot at the end
      // of memory is refused before the syscall.
      put(memory, "scratch", at: 0x180)
      let scratch = host.mapFD(memory: memory, handle: handle, nameAddress: 0x180)
      memory.withBytes { $0.storeBytes(of: UInt32(0), toByteOffset: 0x200, as: UInt32.self) }
      #expect(op(scratch, 1, value: UInt32(memory.byteCount - 8 * bpfPossibleCPUs + 4)) == -EFAULT)
      #expect(op(scratch, 1, value: UInt32(memory.byteCount - 8 * bpfPossibleCPUs)) == 0)

      // After close every id of the object is dead.
      #expect(host.closeObject(handle: handle) == 0)
      #expect(op(counts, 1) == -EBADF)
    }

    @Test func readOnlyPolicyRefusesGuestUpdates() throws {
      var policy = BpfPolicy.unrestricted
      policy.mapRules = [BpfMapRule(pattern: "counts", access: .readOnly)]
      let (host, memory, length) = try makeHost(policy: policy)
      var audit: [BpfAuditRecord] = []
      host.enforcer.logger = { audit.append($0) }
      let handle = UInt64(host.loadObject(memory: memory, address: objectAddress, length: length))
      put(memory, "counts", at: 0x100)
      let counts = host.mapFD(memory: memory, handle: handle, nameAddress: 0x100)
      #expect(
        host.mapOperate(
          memory: memory, mapID: counts, command: 2, key: 0x200, value: 0x208, nextKey: 0, flags: 0)
          == -EPERM)
      #expect(
        host.mapOperate(
          memory: memory, mapID: counts, command: 1, key: 0x200, value: 0x208, nextKey: 0, flags: 0)
          == -ENOENT)
      #expect(audit.map(\.rule) == ["maps"])
    }

    /// Loads, attaches the exec tracer and returns (host, memory, handle, ring id).
    func tracer() throws -> (BpfHost, BufferGuestMemory, UInt64, Int32) {
      let (host, memory, length) = try makeHost()
      let handle = UInt64(host.loadObject(memory: memory, address: objectAddress, length: length))
      put(memory, "trace_execve", at: 0x100)
      #expect(
        host.attachProgram(memory: memory, handle: handle, nameAddress: 0x100, targetAddress: 0)
          == 0)
      put(memory, "events", at: 0x140)
      let ring = host.mapFD(memory: memory, handle: handle, nameAddress: 0x140)
      #expect(ring >= 3)
      return (host, memory, handle, ring)
    }

    @Test func ringBufferRecordsLandInGuestMemoryAndStopOnNonZero() throws {
      let (host, memory, handle, ring) = try tracer()
      let child = spawnTrue()
      var seenPIDs: [UInt32] = []
      var calls = 0
      for _ in 0..<20 where !seenPIDs.contains(UInt32(bitPattern: child)) {
        let n = try host.bufferPoll(
          BpfPollRequest(
            object: handle, map: ring, context: 0x300, data: 0x400, capacity: 4096,
            timeoutMilliseconds: 100), memory: memory
        ) { context, data, size in
          #expect(context == 0x300 && data == 0x400 && size == 8)
          calls += 1
          seenPIDs.append(memory.withBytes { $0.load(fromByteOffset: Int(data), as: UInt32.self) })
          return 1  // stop after each record
        }
        #expect(n >= 0)
        #expect(n <= 1, "a non-zero callback result must stop the poll")
      }
      #expect(seenPIDs.contains(UInt32(bitPattern: child)))
      #expect(calls == seenPIDs.count)
    }

    @Test func hostileBufferPolls() throws {
      // Not attached: no event can arrive (other tests exec processes in parallel).
      let (host, memory, length) = try makeHost()
      let handle = UInt64(host.loadObject(memory: memory, address: objectAddress, length: length))
      put(memory, "events", at: 0x140)
      let ring = host.mapFD(memory: memory, handle: handle, nameAddress: 0x140)
      func poll(
        _ handle: UInt64, _ id: Int32, data: UInt32 = 0x400, max: Int32 = 4096, timeout: Int32 = 0
      ) throws -> Int32 {
        try host.bufferPoll(
          BpfPollRequest(
            object: handle, map: id, context: 0, data: data, capacity: max,
            timeoutMilliseconds: timeout), memory: memory
        ) { _, _, _ in 0 }
      }
      #expect(try poll(999, ring) == -EINVAL)
      #expect(try poll(handle, 1) == -EBADF)
      put(memory, "counts", at: 0x180)
      let counts = host.mapFD(memory: memory, handle: handle, nameAddress: 0x180)
      #expect(try poll(handle, counts) == -EINVAL)  // not an event buffer
      #expect(try poll(handle, ring, data: UInt32(memory.byteCount - 10)) == -EFAULT)
      #expect(try poll(handle, ring, max: -1) == -EINVAL)
      // Negative and huge timeouts are clamped; an interrupt ends a long wait quickly.
      #expect(try poll(handle, ring, timeout: -1) >= 0)
      var checks = 0
      host.shouldStop = {
        checks += 1; return checks > 2
      }
      // The guest's own EINTR (wasi-libc numbers it 27), not Linux's.
      #expect(try poll(handle, ring, timeout: Int32.max) == -BpfHost.guestInterrupted)
      #expect(BpfHost.guestInterrupted == 27)
    }

    @Test func closeAndExitInsideACallbackAreSafe() throws {
      let (host, memory, handle, ring) = try tracer()
      // Close from inside the callback: the poll finishes on its own references.
      var closed = false
      for _ in 0..<20 where !closed {
        _ = spawnTrue()
        _ = try host.bufferPoll(
          BpfPollRequest(
            object: handle, map: ring, context: 0, data: 0x400, capacity: 4096,
            timeoutMilliseconds: 100), memory: memory
        ) { _, _, _ in
          if !closed { closed = host.closeObject(handle: handle) == 0 }
          return 0
        }
      }
      #expect(closed)
      #expect(host.openObjectCount == 0)
      #expect(host.enforcer.linkCount == 0)

      // proc_exit (any error) inside the callback propagates out of the poll.
      let (host2, memory2, handle2, ring2) = try tracer()
      var thrown: GuestExit?
      for _ in 0..<20 where thrown == nil {
        _ = spawnTrue()
        do {
          _ = try host2.bufferPoll(
            BpfPollRequest(
              object: handle2, map: ring2, context: 0, data: 0x400, capacity: 4096,
              timeoutMilliseconds: 100), memory: memory2
          ) { _, _, _ in throw GuestExit(code: 3) }
        } catch let exit as GuestExit {
          thrown = exit
        }
      }
      #expect(thrown == GuestExit(code: 3))
      host2.closeAll()
      #expect(host2.openObjectCount == 0)
    }

    @Test func recordsAreTruncatedToMaxSize() throws {
      let (host, memory, handle, ring) = try tracer()
      memory.withBytes { raw in for i in 0x400..<0x410 { raw[i] = 0xEE } }
      var sizes: [UInt32] = []
      for _ in 0..<20 where sizes.isEmpty {
        _ = spawnTrue()
        _ = try host.bufferPoll(
          BpfPollRequest(
            object: handle, map: ring, context: 0, data: 0x400, capacity: 3,
            timeoutMilliseconds: 100), memory: memory
        ) { _, _, size in
          sizes.append(size)
          return 0
        }
      }
      #expect(sizes.allSatisfy { $0 == 3 })
      #expect(memory.withBytes { $0[0x403] } == 0xEE)
    }
  }
}
