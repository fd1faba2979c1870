// Attaching a guest's programs, and pausing them: every attachment keeps what it
// needs to attach again (its program, its resolved target and any host fd that target
// refers to), so `pauseLinks` can detach every link and `resumeLinks` re-attach them
// without reloading the object or disturbing the guest.
//
// A target the guest names by path (a cgroup directory, a uprobe's binary) is
// resolved through the directories the guest was granted (`BpfHost.files`), unless
// the embedder asked for host paths (`BpfAttachPaths.host`). The policy judges the
// attach point as the guest named it, before any file is opened.

#if canImport(Glibc)
  import Glibc
#endif

/// A host fd the host opened for an attach target, closed when its attachment goes.
final class BpfOwnedDescriptor {
  let fd: Int32
  init(_ fd: Int32) { self.fd = fd }
  deinit { close(fd) }
}

/// One program attached (or, while paused, to be attached) to one target.
final class BpfAttachment {
  let program: BpfProgramDescription
  /// The attach point as the policy judged it: "cgroup:/sys/fs/cgroup/", a section name.
  let point: String
  let target: BpfAttachTarget
  /// The fd `target` refers to, if the host opened one.
  let descriptor: BpfOwnedDescriptor?
  /// nil while paused, or when a resume could not attach again.
  var link: BpfLink?

  init(
    program: BpfProgramDescription, point: String, target: BpfAttachTarget,
    descriptor: BpfOwnedDescriptor?
  ) {
    self.program = program
    self.point = point
    self.target = target
    self.descriptor = descriptor
  }

  func detach() {
    link?.detach()
    link = nil
  }
}

/// What embedders see of one attachment (`BpfHost.attachments`).
public struct BpfAttachmentInfo: Sendable, Hashable {
  /// The guest's handle of the object the program belongs to.
  public var objectHandle: UInt64
  public var objectName: String
  public var programName: String
  /// "tracepoint/sched/sched_process_exec", "xdp:lo", "cgroup:/sys/fs/cgroup/", ...
  public var attachPoint: String
  /// false while links are paused, or when a resume could not attach it again.
  public var isAttached: Bool
}

/// What a guest asked to attach to, before any file is opened.
private enum RequestedTarget {
  case automatic
  case cgroupPath(String)
  case cgroupDirectory(guestFD: UInt32)
  case interface(String)
  case uprobe(BpfUprobeTarget)
}

extension BpfHost {
  // MARK: wasm_attach_bpf_program(i64 obj, i32 name, i32 target) -> i32

  public func attachProgram(
    memory: some GuestMemory, handle: UInt64, nameAddress: UInt32, targetAddress: UInt32
  ) -> Int32 {
    lock.withLock {
      let (entry, program): (BpfObjectEntry, BpfProgramDescription)
      switch lookUp(memory: memory, handle: handle, nameAddress: nameAddress) {
      case .found(let e, let p): (entry, program) = (e, p)
      case .refused(let errno): return -errno
      }
      var targetText = ""
      if targetAddress != 0 {
        guard let text = memory.readCString(address: targetAddress, limit: 4096) else {
          return -EFAULT
        }
        targetText = text
      }
      return attach(program, of: entry, to: requestedTarget(for: program, text: targetText))
    }
  }

  // MARK: wasm_attach_bpf_program_fd(i64 obj, i32 name, i32 target_fd) -> i32

  /// Attaches a cgroup program to the cgroup directory the guest holds as WASI fd
  /// `guestFD`: the guest names a capability it was granted, not a host path.
  public func attachProgram(
    memory: some GuestMemory, handle: UInt64, nameAddress: UInt32, guestFD: Int32
  ) -> Int32 {
    lock.withLock {
      let (entry, program): (BpfObjectEntry, BpfProgramDescription)
      switch lookUp(memory: memory, handle: handle, nameAddress: nameAddress) {
      case .found(let e, let p): (entry, program) = (e, p)
      case .refused(let errno): return -errno
      }
      switch BpfProgramKind(sectionName: program.sectionName) {
      case .sockops, .cgroup: break
      default: return -EINVAL
      }
      guard guestFD >= 0 else { return -EBADF }
      return attach(program, of: entry, to: .cgroupDirectory(guestFD: UInt32(guestFD)))
    }
  }

  private enum ProgramLookup {
    case found(BpfObjectEntry, BpfProgramDescription)
    /// A positive errno.
    case refused(Int32)
  }

  /// The object `handle` and its program named at `nameAddress`.
  private func lookUp(memory: some GuestMemory, handle: UInt64, nameAddress: UInt32)
    -> ProgramLookup
  {
    guard let entry = objects[handle] else { return .refused(EINVAL) }
    guard let name = memory.readCString(address: nameAddress, limit: 256) else {
      return .refused(EFAULT)
    }
    guard let program = entry.description.programs.first(where: { $0.name == name }) else {
      return .refused(ENOENT)
    }
    return .found(entry, program)
  }

  /// An empty target means automatic attach; otherwise cgroup programs take a cgroup
  /// path, XDP an interface name, and everything else ignores it (as the ABI says). A
  /// uprobe's binary comes from its section name.
  private func requestedTarget(for program: BpfProgramDescription, text: String)
    -> RequestedTarget
  {
    switch BpfProgramKind(sectionName: program.sectionName) {
    case .sockops, .cgroup: return text.isEmpty ? .automatic : .cgroupPath(text)
    case .xdp: return text.isEmpty ? .automatic : .interface(text)
    case .uprobe:
      return BpfUprobeTarget(sectionName: program.sectionName).map { .uprobe($0) } ?? .automatic
    default: return .automatic
    }
  }

  /// The attach point the policy judges: what the guest named.
  private func attachPoint(_ program: BpfProgramDescription, _ requested: RequestedTarget)
    -> String
  {
    switch requested {
    case .automatic, .uprobe: return program.sectionName
    case .cgroupPath(let path): return "cgroup:\(path)"
    case .cgroupDirectory: return "cgroup-fd"
    case .interface(let name): return "xdp:\(name)"
    }
  }

  /// Asks the policy, resolves the target, then attaches (unless links are paused:
  /// then at the next resume); the entry owns the attachment.
  private func attach(
    _ program: BpfProgramDescription, of entry: BpfObjectEntry, to requested: RequestedTarget
  ) -> Int32 {
    let point = attachPoint(program, requested)
    do throws(BpfPolicyDenial) {
      try enforcer.admitAttach(of: program, objectName: entry.object.name, point: point)
    } catch {
      return -error.errno
    }
    let attachment: BpfAttachment
    do throws(BpfError) {
      let target: BpfAttachTarget
      let descriptor: BpfOwnedDescriptor?
      do throws(BpfError) {
        (target, descriptor) = try resolve(requested)
      } catch {
        diagnostics?(
          BpfDiagnostic(
            kind: .attachFailed,
            message: "attach program '\(program.name)' of '\(entry.object.name)': \(error.summary)")
        )
        throw error
      }
      attachment = BpfAttachment(
        program: program, point: point, target: target, descriptor: descriptor)
      if !linksPaused {
        let (result, messages) = LibbpfLog.capture {
          Result { () throws(BpfError) in try entry.object.attach(program: program.name, to: target)
          }
        }
        switch result {
        case .success(let link): attachment.link = link
        case .failure(let error):
          report(
            error, .attachFailed, libbpf: messages,
            networking: BpfProgramKind(sectionName: program.sectionName)
              .needsNetworkAdministration)
          throw error
        }
      }
    } catch {
      enforcer.releasedLink()
      return -error.errno
    }
    entry.attachments.append(attachment)
    return 0
  }

  /// Opens what the guest named, through its granted directories (or as a host path
  /// when so configured).
  private func resolve(_ requested: RequestedTarget) throws(BpfError) -> (
    BpfAttachTarget, BpfOwnedDescriptor?
  ) {
    func guestFiles() throws(BpfError) -> BpfGuestFiles {
      guard let files else {
        throw BpfError(errno: EACCES, operation: "attach: the guest was granted no directories")
      }
      return files
    }
    switch requested {
    case .automatic:
      return (.automatic, nil)
    case .interface(let name):
      return (.interface(name), nil)
    case .cgroupPath(let path):
      guard options.attachPaths == .guest else { return (.cgroupPath(path), nil) }
      let fd = try guestFiles().openHostDescriptor(guestPath: path, directory: true)
      return (.cgroupFD(fd), BpfOwnedDescriptor(fd))
    case .cgroupDirectory(let guestFD):
      let fd = try guestFiles().duplicateDirectoryDescriptor(guestFD: guestFD)
      return (.cgroupFD(fd), BpfOwnedDescriptor(fd))
    case .uprobe(var uprobe):
      guard options.attachPaths == .guest else { return (.automatic, nil) }
      let fd = try guestFiles().openHostDescriptor(guestPath: uprobe.binaryPath, directory: false)
      // The kernel and libbpf open the binary by path: this one names the file the
      // guest was allowed to reach, whatever happens to the path afterwards.
      uprobe.binaryPath = "/proc/self/fd/\(fd)"
      return (.uprobe(uprobe), BpfOwnedDescriptor(fd))
    }
  }

  // MARK: Pause and resume (any thread)

  /// Detaches every link of the guest, keeping its objects, maps, buffers and the
  /// guest itself as they are; links the guest makes meanwhile wait for the resume.
  /// Returns the number of links detached.
  @discardableResult
  public func pauseLinks() -> Int {
    lock.withLock {
      linksPaused = true
      var detached = 0
      for entry in objects.values {
        for attachment in entry.attachments where attachment.link != nil {
          attachment.detach()
          detached += 1
        }
      }
      return detached
    }
  }

  /// Attaches again every link `pauseLinks` detached (and those made while paused),
  /// to the same targets, without reloading anything. Returns what could not be
  /// attached (a cgroup removed meanwhile...); those stay detached, and are reported
  /// to `diagnostics` too.
  @discardableResult
  public func resumeLinks() -> [BpfError] {
    lock.withLock {
      linksPaused = false
      var failures: [BpfError] = []
      for handle in objects.keys.sorted() {
        guard let entry = objects[handle] else { continue }
        for attachment in entry.attachments where attachment.link == nil {
          do throws(BpfError) {
            attachment.link = try entry.object.attach(
              program: attachment.program.name, to: attachment.target)
          } catch {
            failures.append(error)
            diagnostics?(BpfDiagnostic(kind: .attachFailed, message: "resume: " + error.summary))
          }
        }
      }
      return failures
    }
  }

  /// True between `pauseLinks` and `resumeLinks`.
  public var areLinksPaused: Bool { lock.withLock { linksPaused } }

  /// Every attachment of the guest, by object then in attach order.
  public var attachments: [BpfAttachmentInfo] {
    lock.withLock {
      objects.keys.sorted().flatMap { handle in
        let entry = objects[handle]!
        return entry.attachments.map {
          BpfAttachmentInfo(
            objectHandle: handle, objectName: entry.object.name, programName: $0.program.name,
            attachPoint: $0.point, isAttached: $0.link != nil)
        }
      }
    }
  }
}
