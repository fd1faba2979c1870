// The semantics of the `wasm_bpf` import module for one guest instance, independent
// of the interpreter: the interpreter's import glue turns guest calls into calls here,
// passing the guest's memory and a way to call back into the guest.
//
// Guest-visible numbers are ids in per-instance tables, never host pointers or kernel
// fds: an object handle is a never-reused 64-bit id; a map "fd" is a small id that
// names one map of one of this instance's objects. Anything else is refused.
//
// Errors are negative errno values (`-EINVAL`...), as the ABI says; a load failure is
// handle 0. Policy refusals are reported to the logger as audit records.

#if canImport(Glibc)
  import Glibc
#endif

/// Calls function `tableIndex` of the guest's table 0 with `(ctx, data, size) -> i32`.
/// Throws whatever ends the guest (a trap, `proc_exit`, an interrupt): the poll stops
/// and rethrows it once libbpf has returned.
public typealias BpfGuestCallback =
  (_ tableIndex: UInt32, _ context: UInt32, _ data: UInt32, _ size: UInt32) throws -> Int32

public struct BpfHostOptions: Sendable {
  public var policy: BpfPolicy
  /// Name of the guest module, for audit records.
  public var moduleName: String
  public var log: BpfLogOptions
  /// Longest single wait inside a poll; longer timeouts wait in slices of this, checking
  /// `shouldStop` between them, so an interrupt is seen quickly.
  public var pollSliceMilliseconds: Int32
  /// Upper bound of a guest's poll timeout.
  public var maxPollTimeoutMilliseconds: Int32
  /// Largest BPF object a guest may hand over.
  public var maxObjectBytes: Int

  public init(
    policy: BpfPolicy = BpfPolicy(), moduleName: String = "guest",
    log: BpfLogOptions = BpfLogOptions(), pollSliceMilliseconds: Int32 = 50,
    maxPollTimeoutMilliseconds: Int32 = 60_000, maxObjectBytes: Int = 64 << 20
  ) {
    self.policy = policy
    self.moduleName = moduleName
    self.log = log
    self.pollSliceMilliseconds = pollSliceMilliseconds
    self.maxPollTimeoutMilliseconds = maxPollTimeoutMilliseconds
    self.maxObjectBytes = maxObjectBytes
  }
}

/// One loaded object of the guest, with everything made from it.
final class BpfObjectEntry {
  let object: BpfObject
  let description: BpfObjectDescription
  var links: [BpfLink] = []
  /// Event buffers by kernel map fd, made on first poll.
  var buffers: [Int32: BpfEventBuffer] = [:]
  /// Guest map ids handed out for this object's maps.
  var mapIDs: [Int32] = []

  init(object: BpfObject, description: BpfObjectDescription) {
    self.object = object
    self.description = description
  }
}

struct GuestMapEntry {
  let objectHandle: UInt64
  let kernelFD: Int32
  let name: String
  let info: BpfMapInfo
}

public final class BpfHost {
  public let options: BpfHostOptions
  public let enforcer: BpfPolicyEnforcer
  /// Receives libbpf's and the verifier's messages and load failures (with the log).
  public var diagnostics: ((String) -> Void)?
  /// Checked between poll slices; true ends the poll with `-EINTR`.
  public var shouldStop: () -> Bool = { false }
  /// Resolves a guest's WASI fd to the host fd of a directory it was granted (for
  /// `wasm_attach_bpf_program_fd`); nil when the embedder grants none.
  public var guestDirectoryFD: ((UInt32) -> Int32?)?

  private var objects: [UInt64: BpfObjectEntry] = [:]
  private var nextHandle: UInt64 = 1
  private var maps: [Int32: GuestMapEntry] = [:]
  private var nextMapID: Int32 = 3
  /// The last load error, for embedders (the guest only sees handle 0).
  public private(set) var lastError: BpfError?

  public init(options: BpfHostOptions) {
    self.options = options
    self.enforcer = BpfPolicyEnforcer(
      policy: options.policy, module: options.moduleName, possibleCPUs: bpfPossibleCPUs)
  }

  deinit { closeAll() }

  /// Number of objects the guest holds open.
  public var openObjectCount: Int { objects.count }

  /// Detaches every link and closes every object and buffer (instance end, trap,
  /// interrupt). Safe to call more than once.
  public func closeAll() {
    for handle in objects.keys.sorted() { _ = closeObject(handle: handle) }
  }

  // MARK: wasm_load_bpf_object(i32 obj_buf, i32 obj_len) -> i64

  public func loadObject(memory: GuestMemory, address: UInt32, length: Int32) -> Int64 {
    guard length > 0, Int(length) <= options.maxObjectBytes else {
      lastError = BpfError(errno: EINVAL, operation: "load object: bad length \(length)")
      return 0
    }
    let name = "\(options.moduleName)#\(nextHandle)"
    let opened: Result<BpfObject, BpfError> = memory.withBytes { bytes in
      guard
        let range = GuestRange(address: address, length: UInt64(length), memoryBytes: bytes.count)
      else {
        return .failure(BpfError(errno: EFAULT, operation: "load object: buffer outside memory"))
      }
      let elf = UnsafeRawBufferPointer(rebasing: bytes[range.offset..<range.offset + range.count])
      return Result { () throws(BpfError) in try BpfObject(elf: elf, name: name, log: options.log) }
    }
    let object: BpfObject
    switch opened {
    case .success(let o): object = o
    case .failure(let error):
      lastError = error
      return 0
    }
    let description = object.describe()
    do {
      try enforcer.admitLoad(of: description)
    } catch {
      lastError = BpfError(errno: error.errno, operation: error.description)
      return 0
    }
    do {
      try object.load()
    } catch {
      enforcer.released(object: description)
      lastError = error
      diagnostics?(error.description)
      return 0
    }
    let handle = nextHandle
    nextHandle += 1  // 2^64 loads of at least a system call each: cannot overflow
    objects[handle] = BpfObjectEntry(object: object, description: description)
    return Int64(bitPattern: handle)
  }

  // MARK: wasm_close_bpf_object(i64 obj) -> i32

  public func closeObject(handle: UInt64) -> Int32 {
    guard let entry = objects.removeValue(forKey: handle) else { return -EINVAL }
    for link in entry.links {
      link.detach()
      enforcer.releasedLink()
    }
    entry.links = []
    for id in entry.mapIDs { maps[id] = nil }
    // A poll of this object's buffer may be on the stack (close from a callback): it
    // holds its own references, so the buffer is freed when that poll returns.
    entry.buffers = [:]
    enforcer.released(object: entry.description)
    return 0
  }

  // MARK: wasm_attach_bpf_program(i64 obj, i32 name, i32 target) -> i32

  public func attachProgram(
    memory: GuestMemory, handle: UInt64, nameAddress: UInt32, targetAddress: UInt32
  ) -> Int32 {
    guard let entry = objects[handle] else { return -EINVAL }
    guard let programName = memory.readCString(address: nameAddress, limit: 256) else {
      return -EFAULT
    }
    var targetText = ""
    if targetAddress != 0 {
      guard let text = memory.readCString(address: targetAddress, limit: 4096) else {
        return -EFAULT
      }
      targetText = text
    }
    guard let program = entry.description.programs.first(where: { $0.name == programName }) else {
      return -ENOENT
    }
    return attach(program, of: entry, to: attachTarget(for: program, text: targetText))
  }

  /// Asks the policy, then attaches; the entry owns the link.
  private func attach(
    _ program: BpfProgramDescription, of entry: BpfObjectEntry, to target: BpfAttachTarget
  ) -> Int32 {
    do {
      try enforcer.admitAttach(of: program, objectName: entry.object.name, to: target)
    } catch {
      return -error.errno
    }
    do {
      entry.links.append(try entry.object.attach(program: program.name, to: target))
      return 0
    } catch {
      enforcer.releasedLink()
      diagnostics?(error.description)
      return -error.errno
    }
  }

  // MARK: wasm_attach_bpf_program_fd(i64 obj, i32 name, i32 target_fd) -> i32

  /// Attaches a cgroup program to the cgroup directory the guest holds as WASI fd
  /// `guestFD`: the guest names a capability it was granted, not a host path.
  public func attachProgram(
    memory: GuestMemory, handle: UInt64, nameAddress: UInt32, guestFD: Int32
  ) -> Int32 {
    guard let entry = objects[handle] else { return -EINVAL }
    guard let programName = memory.readCString(address: nameAddress, limit: 256) else {
      return -EFAULT
    }
    guard let program = entry.description.programs.first(where: { $0.name == programName }) else {
      return -ENOENT
    }
    switch BpfProgramKind(sectionName: program.sectionName) {
    case .sockops, .cgroup: break
    default: return -EINVAL
    }
    guard guestFD >= 0, let hostFD = guestDirectoryFD?(UInt32(guestFD)) else { return -EBADF }
    return attach(program, of: entry, to: .cgroupFD(hostFD))
  }

  /// An empty target means automatic attach; otherwise cgroup programs take a cgroup
  /// path, XDP an interface name, and everything else ignores it (as the ABI says).
  func attachTarget(for program: BpfProgramDescription, text: String) -> BpfAttachTarget {
    guard !text.isEmpty else { return .automatic }
    switch BpfProgramKind(sectionName: program.sectionName) {
    case .sockops, .cgroup: return .cgroupPath(text)
    case .xdp: return .interface(text)
    default: return .automatic
    }
  }

  // MARK: wasm_bpf_map_fd_by_name(i64 obj, i32 name) -> i32

  public func mapFD(memory: GuestMemory, handle: UInt64, nameAddress: UInt32) -> Int32 {
    guard let entry = objects[handle] else { return -EINVAL }
    guard let name = memory.readCString(address: nameAddress, limit: 256) else { return -EFAULT }
    if let existing = entry.mapIDs.first(where: { maps[$0]?.name == name }) { return existing }
    guard let kernelFD = entry.object.mapFD(named: name) else { return -ENOENT }
    guard let info = try? BpfMapInfo(fd: kernelFD) else { return -EINVAL }
    // Ids are never reused; a guest that loads and closes objects for long enough to
    // use up 2^31 of them gets EMFILE, not a wrapped (possibly live) id.
    guard nextMapID < Int32.max else { return -EMFILE }
    let id = nextMapID
    nextMapID += 1
    maps[id] = GuestMapEntry(objectHandle: handle, kernelFD: kernelFD, name: name, info: info)
    entry.mapIDs.append(id)
    return id
  }

  // MARK: wasm_bpf_map_operate(i32 fd, i32 cmd, i32 key, i32 value, i32 next_key, i64 flags)

  public func mapOperate(
    memory: GuestMemory, mapID: Int32, command rawCommand: Int32, key: UInt32, value: UInt32,
    nextKey: UInt32, flags: UInt64
  ) -> Int32 {
    guard let map = maps[mapID] else { return -EBADF }
    guard let command = BpfMapCommand(rawValue: rawCommand) else { return -EINVAL }
    let operation: BpfMapOperation
    switch command {
    case .lookup: operation = .lookup
    case .update: operation = .update
    case .delete: operation = .delete
    case .getNextKey: operation = .nextKey
    }
    do {
      try enforcer.admitMapOperation(operation, map: map.name)
    } catch {
      return -error.errno
    }
    let keySize = UInt64(map.info.keySize)
    let valueSize = UInt64(map.info.valueTransferSize())
    return memory.withBytes { bytes -> Int32 in
      func pointer(_ address: UInt32, _ size: UInt64) -> UnsafeMutableRawPointer?? {
        // A memory of 0 bytes has no base address: nothing is in bounds then.
        guard let range = GuestRange(address: address, length: size, memoryBytes: bytes.count),
          let base = bytes.baseAddress
        else { return .some(nil) }
        return .some(base + range.offset)
      }
      // A key of 0 asks for the first key (get-next-key only); elsewhere it is a pointer.
      var keyPointer: UnsafeMutableRawPointer? = nil
      if !(command == .getNextKey && key == 0) {
        guard case .some(let p?) = pointer(key, keySize) else { return -EFAULT }
        keyPointer = p
      }
      var valuePointer: UnsafeMutableRawPointer? = nil
      var nextPointer: UnsafeMutableRawPointer? = nil
      switch command {
      case .lookup, .update:
        guard case .some(let p?) = pointer(value, valueSize) else { return -EFAULT }
        valuePointer = p
      case .getNextKey:
        guard case .some(let p?) = pointer(nextKey, keySize) else { return -EFAULT }
        nextPointer = p
      case .delete:
        break
      }
      return bpfMapOperateUnchecked(
        fd: map.kernelFD, command: command, key: keyPointer, value: valuePointer,
        nextKey: nextPointer, flags: flags)
    }
  }

  // MARK: wasm_bpf_buffer_poll(i64 obj, i32 fd, i32 fn, i32 ctx, i32 data, i32 max, i32 timeout)

  /// Polls a ring buffer or perf event array of the object; copies each record into
  /// guest memory at `data` (truncated to `maxSize`) and calls `callback`. Returns the
  /// number of records consumed or a negative errno; rethrows what the callback threw.
  public func bufferPoll(
    memory: GuestMemory, handle: UInt64, mapID: Int32, sampleFunction: UInt32, context: UInt32,
    data: UInt32, maxSize: Int32, timeoutMilliseconds: Int32, callback: BpfGuestCallback
  ) throws -> Int32 {
    guard let entry = objects[handle] else { return -EINVAL }
    guard let map = maps[mapID], map.objectHandle == handle else { return -EBADF }
    guard maxSize >= 0 else { return -EINVAL }
    do {
      try enforcer.admitMapOperation(.poll, map: map.name)
    } catch {
      return -error.errno
    }
    guard GuestRange(address: data, length: UInt64(maxSize), memoryBytes: memory.byteCount) != nil
    else { return -EFAULT }
    let buffer: BpfEventBuffer
    if let existing = entry.buffers[map.kernelFD] {
      buffer = existing
    } else {
      do {
        switch map.info.typeName {
        case "ringbuf": buffer = try BpfRingBuffer(mapFD: map.kernelFD)
        case "perf_event_array": buffer = try BpfPerfBuffer(mapFD: map.kernelFD)
        default: return -EINVAL
        }
      } catch {
        return -error.errno
      }
      entry.buffers[map.kernelFD] = buffer
    }
    var remaining = min(max(timeoutMilliseconds, 0), options.maxPollTimeoutMilliseconds)
    var total: Int32 = 0
    var thrown: Error?
    var stopped = false
    let consume = { (record: UnsafeRawBufferPointer) -> BpfRecordDecision in
      // The guest may have grown its memory in the last callback: check again.
      let copied = memory.withBytes { bytes -> Int? in
        let size = min(record.count, Int(maxSize))
        guard let range = GuestRange(address: data, length: UInt64(size), memoryBytes: bytes.count)
        else { return nil }
        if size > 0 {
          (bytes.baseAddress! + range.offset).copyMemory(from: record.baseAddress!, byteCount: size)
        }
        return size
      }
      guard let size = copied else {
        stopped = true
        return .stop
      }
      do {
        let result = try callback(sampleFunction, context, data, UInt32(size))
        if result != 0 { stopped = true }
      } catch {
        thrown = error
        stopped = true
      }
      return stopped ? .stop : .continue
    }
    repeat {
      if shouldStop() { return total > 0 ? total : -EINTR }
      let slice = min(remaining, options.pollSliceMilliseconds)
      remaining -= slice
      do {
        let n = try buffer.poll(timeoutMilliseconds: slice, consume: consume)
        total &+= Int32(clamping: n)
      } catch {
        if let thrown { throw thrown }
        return error.errno == EINTR && total > 0 ? total : -error.errno
      }
      if let thrown { throw thrown }
    } while total == 0 && remaining > 0 && !stopped
    return total
  }
}
