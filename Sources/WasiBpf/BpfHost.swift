// The semantics of the `wasm_bpf` import module for one guest instance, independent
// of the interpreter: the import table (WasmBpfImports.swift) turns guest calls into
// calls here, passing the guest's memory and a way to call back into the guest.
// Attaching and pausing links is in BpfHost+Attach.swift, polling event buffers in
// BpfHost+Poll.swift.
//
// Guest-visible numbers are ids in per-instance tables, never host pointers or kernel
// fds: an object handle is a never-reused 64-bit id; a map "fd" is a small id that
// names one map of one of this instance's objects. Anything else is refused.
//
// Errors are negative Linux errno values (`-EINVAL`...), as the ABI says, with one
// exception: an interrupted poll returns the guest's own EINTR (`guestInterrupted`),
// which is what a guest's `err == -EINTR` compares against. A load failure is handle
// 0. Policy refusals are reported to the logger as audit records.
//
// Threads: the guest's thread makes every call but `pauseLinks`, `resumeLinks`,
// `attachments`, `openObjectCount` and `statistics`, which any thread may use while
// the guest runs. One lock guards the tables; it is never held while the guest runs
// (a poll's callbacks run outside it).

import WasmCore

import WasmCore

#if canImport(Glibc)
  import Glibc
#endif

/// Whether a guest's attach targets (a cgroup path, a uprobe's binary) name files of
/// the host or of the guest's own granted directories.
public enum BpfAttachPaths: Sendable, Hashable {
  /// Through the guest's granted directories (`BpfHost.files`), as the guest sees
  /// them: `--dir /sys/fs/cgroup/unified::/sys/fs/cgroup/` makes the guest's
  /// `/sys/fs/cgroup/` that host cgroup. The default.
  case guest
  /// As host paths, opened by the runtime as given (the reference runtimes' way).
  case host
}

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
  public var attachPaths: BpfAttachPaths

  public init(
    policy: BpfPolicy = BpfPolicy(), moduleName: String = "guest",
    log: BpfLogOptions = BpfLogOptions(), pollSliceMilliseconds: Int32 = 50,
    maxPollTimeoutMilliseconds: Int32 = 60_000, maxObjectBytes: Int = 64 << 20,
    attachPaths: BpfAttachPaths = .guest
  ) {
    self.policy = policy
    self.moduleName = moduleName
    self.log = log
    self.pollSliceMilliseconds = pollSliceMilliseconds
    self.maxPollTimeoutMilliseconds = maxPollTimeoutMilliseconds
    self.maxObjectBytes = maxObjectBytes
    self.attachPaths = attachPaths
  }
}

/// How the host reaches what a guest was granted (its WASI preopens), to open the
/// files a guest names as attach targets. Implemented over a WASI context by the
/// embedder (WasmbpfGuest does it); without one, a guest can name no file.
public protocol BpfGuestFiles: AnyObject {
  /// A new host fd (owned by the caller) for `path` as the guest names it, opened
  /// read-only beneath the directory it was granted. Throws the errno (positive, Linux
  /// numbering) of the refusal: EACCES when no granted directory holds the path.
  func openHostDescriptor(guestPath path: String, directory: Bool) throws(BpfError) -> Int32
  /// A duplicate (owned by the caller) of the host fd behind the guest's directory fd
  /// `guestFD`.
  func duplicateDirectoryDescriptor(guestFD: UInt32) throws(BpfError) -> Int32
}

/// What the host tells its embedder beyond audit records.
public struct BpfDiagnostic: Sendable, CustomStringConvertible {
  public enum Kind: Sendable, Hashable {
    /// An object failed to open or load; `verifierLog` has the kernel's log if any.
    case loadFailed
    /// A program failed to attach (or to re-attach on resume).
    case attachFailed
    /// A warning libbpf printed during one of this host's calls.
    case libbpfWarning
    /// An informational message of libbpf.
    case libbpfInfo
    /// The process lacks the privileges BPF needs: what is missing and how to grant
    /// it. Given once per host, in place of libbpf's own advice.
    case privileges
  }
  public var kind: Kind
  /// One line (or a few, for `.privileges`), without the verifier's log.
  public var message: String
  public var verifierLog: String?

  public init(kind: Kind, message: String, verifierLog: String? = nil) {
    self.kind = kind
    self.message = message
    self.verifierLog = verifierLog
  }

  public var description: String {
    guard let verifierLog, !verifierLog.isEmpty else { return message }
    return message + "\nverifier log:\n" + verifierLog
  }
}

/// One loaded object of the guest, with everything made from it.
final class BpfObjectEntry {
  let object: BpfObject
  let description: BpfObjectDescription
  var attachments: [BpfAttachment] = []
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

public final class BpfHost: @unchecked Sendable {
  /// What an interrupted poll returns, negated: EINTR as wasi-libc numbers it (27),
  /// the value a guest compiled against it compares with. Linux's EINTR (4) would
  /// read as EINPROGRESS there.
  public static let guestInterrupted: Int32 = 27

  public let options: BpfHostOptions
  public let enforcer: BpfPolicyEnforcer
  /// Counters any thread may read while the guest runs.
  public let statistics = BpfHostStatistics()
  /// Receives load and attach failures (with the verifier's log), libbpf's messages
  /// and the privilege hint. Called on the thread of the failing call.
  public var diagnostics: ((BpfDiagnostic) -> Void)?
  /// Checked between poll slices; true ends the poll with `-guestInterrupted`.
  public var shouldStop: () -> Bool = { false }
  /// The guest's granted directories, for attach targets it names by path or fd.
  public var files: BpfGuestFiles?

  let lock = BpfHostLock()
  var objects: [UInt64: BpfObjectEntry] = [:]
  private var nextHandle: UInt64 = 1
  var maps: [Int32: GuestMapEntry] = [:]
  private var nextMapID: Int32 = 3
  /// Set while `pauseLinks` holds every link detached.
  var linksPaused = false
  /// The privilege hint was given (once per host).
  var gavePrivilegeHint = false
  /// The last load error, for embedders (the guest only sees handle 0).
  public private(set) var lastError: BpfError?

  public init(options: BpfHostOptions) {
    self.options = options
    self.enforcer = BpfPolicyEnforcer(
      policy: options.policy, module: options.moduleName, possibleCPUs: bpfPossibleCPUs)
  }

  deinit { closeAll() }

  /// Number of objects the guest holds open.
  public var openObjectCount: Int { lock.withLock { objects.count } }

  /// Detaches every link and closes every object and buffer (instance end, trap,
  /// interrupt). Safe to call more than once.
  public func closeAll() {
    lock.withLock {
      for handle in objects.keys.sorted() { _ = closeObject(handle: handle) }
    }
  }

  // MARK: wasm_load_bpf_object(i32 obj_buf, i32 obj_len) -> i64

  public func loadObject(memory: some GuestMemory, address: UInt32, length: Int32) -> Int64 {
    guard length > 0, Int(length) <= options.maxObjectBytes else {
      lastError = BpfError(errno: EINVAL, operation: "load object: bad length \(length)")
      return 0
    }
    return lock.withLock { () -> Int64 in
      let name = "\(options.moduleName)#\(nextHandle)"
      let (opened, openMessages) = LibbpfLog.capture {
        memory.withBytes { bytes -> Result<BpfObject, BpfError> in
          guard
            let range = GuestRange(
              address: address, length: UInt64(length), memoryBytes: bytes.count)
          else {
            return .failure(
              BpfError(errno: EFAULT, operation: "load object: buffer outside memory"))
          }
          let elf = UnsafeRawBufferPointer(
            rebasing: bytes[range.offset..<range.offset + range.count])
          return Result { () throws(BpfError) in
            try BpfObject(elf: elf, name: name, log: options.log)
          }
        }
      }
      let object: BpfObject
      switch opened {
      case .success(let o): object = o
      case .failure(let error):
        lastError = error
        report(error, .loadFailed, libbpf: openMessages, networking: false)
        return 0
      }
      let description = object.describe()
      do throws(BpfPolicyDenial) {
        try enforcer.admitLoad(of: description)
      } catch {
        lastError = BpfError(errno: error.errno, operation: error.description)
        return 0
      }
      let networking = description.programs.contains {
        BpfProgramKind(sectionName: $0.sectionName).needsNetworkAdministration
      }
      let (loaded, loadMessages) = LibbpfLog.capture {
        Result { () throws(BpfError) in try object.load() }
      }
      if case .failure(let error) = loaded {
        enforcer.released(object: description)
        lastError = error
        report(error, .loadFailed, libbpf: openMessages + loadMessages, networking: networking)
        return 0
      }
      forward(openMessages + loadMessages)
      let handle = nextHandle
      nextHandle += 1  // 2^64 loads of at least a system call each: cannot overflow
      objects[handle] = BpfObjectEntry(object: object, description: description)
      return Int64(bitPattern: handle)
    }
  }

  // MARK: wasm_close_bpf_object(i64 obj) -> i32

  public func closeObject(handle: UInt64) -> Int32 {
    lock.withLock {
      guard let entry = objects.removeValue(forKey: handle) else { return -EINVAL }
      for attachment in entry.attachments {
        attachment.detach()
        enforcer.releasedLink()
      }
      entry.attachments = []
      for id in entry.mapIDs { maps[id] = nil }
      // A poll of this object's buffer may be on the stack (close from a callback):
      // the poll holds the buffer, and the buffer its object, until the poll returns.
      entry.buffers = [:]
      enforcer.released(object: entry.description)
      return 0
    }
  }

  // MARK: wasm_bpf_map_fd_by_name(i64 obj, i32 name) -> i32

  public func mapFD(memory: some GuestMemory, handle: UInt64, nameAddress: UInt32) -> Int32 {
    lock.withLock {
      guard let entry = objects[handle] else { return -EINVAL }
      guard let name = memory.readCString(address: nameAddress, limit: 256) else {
        return -EFAULT
      }
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
  }

  // MARK: wasm_bpf_map_operate(i32 fd, i32 cmd, i32 key, i32 value, i32 next_key, i64 flags)

  public func mapOperate(
    memory: some GuestMemory, mapID: Int32, command rawCommand: Int32, key: UInt32,
    value: UInt32, nextKey: UInt32, flags: UInt64
  ) -> Int32 {
    // The map's fd stays open while the lock is held (a close needs it).
    lock.withLock {
      guard let map = maps[mapID] else { return -EBADF }
      guard let command = BpfMapCommand(rawValue: rawCommand) else { return -EINVAL }
      let operation: BpfMapOperation
      switch command {
      case .lookup: operation = .lookup
      case .update: operation = .update
      case .delete: operation = .delete
      case .getNextKey: operation = .nextKey
      }
      do throws(BpfPolicyDenial) {
        try enforcer.admitMapOperation(operation, map: map.name)
      } catch {
        return -error.errno
      }
      let keySize = UInt64(map.info.keySize)
      let valueSize = UInt64(map.info.valueTransferSize())
      return memory.withBytes { bytes -> Int32 in
        func pointer(_ address: UInt32, _ size: UInt64) -> UnsafeMutableRawPointer? {
          // A memory of 0 bytes has no base address: nothing is in bounds then.
          guard let range = GuestRange(address: address, length: size, memoryBytes: bytes.count),
            let base = bytes.baseAddress
          else { return nil }
          return base + range.offset
        }
        // A key of 0 asks for the first key (get-next-key only); elsewhere a pointer.
        var keyPointer: UnsafeMutableRawPointer? = nil
        if !(command == .getNextKey && key == 0) {
          guard let p = pointer(key, keySize) else { return -EFAULT }
          keyPointer = p
        }
        var valuePointer: UnsafeMutableRawPointer? = nil
        var nextPointer: UnsafeMutableRawPointer? = nil
        switch command {
        case .lookup, .update:
          guard let p = pointer(value, valueSize) else { return -EFAULT }
          valuePointer = p
        case .getNextKey:
          guard let p = pointer(nextKey, keySize) else { return -EFAULT }
          nextPointer = p
        case .delete:
          break
        }
        return bpfMapOperateUnchecked(
          fd: map.kernelFD, command: command, key: keyPointer, value: valuePointer,
          nextKey: nextPointer, flags: flags)
      }
    }
  }

  // MARK: Diagnostics

  /// Reports a failed load or attach: the privilege hint (once) in place of libbpf's
  /// advice when the process lacks what BPF needs, else libbpf's messages and the
  /// error with its verifier log.
  func report(
    _ error: BpfError, _ kind: BpfDiagnostic.Kind, libbpf messages: [LibbpfMessage],
    networking: Bool
  ) {
    if error.errno == EPERM || error.errno == EACCES,
      let hint = BpfPrivileges.hint(networking: networking)
    {
      if !gavePrivilegeHint {
        gavePrivilegeHint = true
        diagnostics?(BpfDiagnostic(kind: .privileges, message: hint))
      }
      return
    }
    forward(messages)
    diagnostics?(
      BpfDiagnostic(kind: kind, message: error.summary, verifierLog: error.verifierLog))
  }

  /// Hands libbpf's messages to the embedder.
  func forward(_ messages: [LibbpfMessage]) {
    guard let diagnostics else { return }
    for message in messages {
      diagnostics(
        BpfDiagnostic(
          kind: message.isWarning ? .libbpfWarning : .libbpfInfo, message: message.text))
    }
  }
}
