// The owner of one attachment of a program to a hook (`struct bpf_link`).

import BpfSys

#if canImport(Glibc)
  import Glibc
#endif

/// Where to attach a program.
public enum BpfAttachTarget: Hashable, Sendable {
  /// As the program's ELF section says (tracepoint/..., uprobe/..., tp_btf/...).
  case automatic
  /// A cgroup v2 directory (sockops and other cgroup programs).
  case cgroupPath(String)
  /// An open fd of a cgroup directory (a directory the guest was granted).
  case cgroupFD(Int32)
  /// A network interface by name (XDP).
  case interface(String)
}

/// One attached program. Detached exactly once: in `deinit`, or earlier by `detach()`.
public final class BpfLink {
  private var handle: OpaquePointer?
  public let programName: String
  public let target: BpfAttachTarget

  init(handle: OpaquePointer, programName: String, target: BpfAttachTarget) {
    self.handle = handle
    self.programName = programName
    self.target = target
  }

  /// The kernel's fd for the link, while attached.
  public var fd: Int32? { handle.map { bpf_link__fd($0) } }

  public var isAttached: Bool { handle != nil }

  /// Detaches now; later calls and `deinit` do nothing.
  public func detach() {
    guard let h = handle else { return }
    handle = nil
    bpf_link__destroy(h)
  }

  deinit { detach() }
}

extension BpfObject {
  /// Attaches program `programName` of this loaded object.
  public func attach(program programName: String, to target: BpfAttachTarget) throws(BpfError)
    -> BpfLink
  {
    let operation = "attach program '\(programName)' of '\(name)'"
    guard isLoaded else { throw BpfError(errno: EINVAL, operation: operation + ": not loaded") }
    guard let program = program(named: programName) else {
      throw BpfError(errno: ENOENT, operation: operation + ": no such program")
    }
    let link: OpaquePointer?
    switch target {
    case .automatic:
      link = bpf_program__attach(program)
    case .cgroupFD(let fd):
      link = bpf_program__attach_cgroup(program, fd)
    case .cgroupPath(let path):
      let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      guard fd >= 0 else { throw BpfError(errno: Glibc.errno, operation: operation + ": open \(path)") }
      link = bpf_program__attach_cgroup(program, fd)
      let savedErrno = Glibc.errno
      close(fd)
      Glibc.errno = savedErrno
    case .interface(let interfaceName):
      let index = if_nametoindex(interfaceName)
      guard index != 0 else {
        throw BpfError(errno: ENODEV, operation: operation + ": no interface \(interfaceName)")
      }
      link = bpf_program__attach_xdp(program, Int32(bitPattern: index))
    }
    guard let handle = link, libbpf_get_error(UnsafeRawPointer(handle)) == 0 else {
      let code = Glibc.errno
      throw BpfError(errno: code == 0 ? EINVAL : code, operation: operation)
    }
    return BpfLink(handle: handle, programName: programName, target: target)
  }
}
