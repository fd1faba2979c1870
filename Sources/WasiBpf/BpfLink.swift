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
  /// A uprobe whose binary is named by a host path (`/proc/self/fd/N` for a file the
  /// host opened beneath a guest's granted directory).
  case uprobe(BpfUprobeTarget)
}

/// Where a uprobe goes, as its ELF section names it (`uprobe/PATH:FUNCTION[+OFFSET]`,
/// `uretprobe/...`, with or without `.s`), read the way libbpf's auto-attach reads it.
public struct BpfUprobeTarget: Hashable, Sendable {
  public var binaryPath: String
  /// The function's symbol; nil when the section gives a raw address.
  public var function: String?
  /// Bytes past the function's entry, or the raw address.
  public var offset: UInt64
  /// A return probe (`uretprobe`).
  public var isReturn: Bool

  public init(binaryPath: String, function: String?, offset: UInt64 = 0, isReturn: Bool = false) {
    self.binaryPath = binaryPath
    self.function = function
    self.offset = offset
    self.isReturn = isReturn
  }

  /// nil when the section is not a uprobe's or names no binary and function
  /// (`SEC("uprobe")`, attached by the program itself).
  public init?(sectionName: String) {
    guard let slash = sectionName.firstIndex(of: "/") else { return nil }
    let type = sectionName[..<slash]
    switch type {
    case "uprobe", "uprobe.s": isReturn = false
    case "uretprobe", "uretprobe.s": isReturn = true
    default: return nil
    }
    let rest = sectionName[sectionName.index(after: slash)...]
    guard let colon = rest.firstIndex(of: ":") else { return nil }
    let path = rest[..<colon]
    var symbol = rest[rest.index(after: colon)...]
    guard !path.isEmpty, !symbol.isEmpty else { return nil }
    binaryPath = String(path)
    offset = 0
    if let plus = symbol.lastIndex(of: "+") {
      guard let value = Self.number(symbol[symbol.index(after: plus)...]) else { return nil }
      offset = value
      symbol = symbol[..<plus]
    }
    if let address = Self.number(symbol) {
      function = nil
      // Both come from the object's ELF: wrapping keeps a hostile section from
      // trapping; the kernel refuses an offset past the binary's end.
      offset = offset &+ address
    } else {
      function = String(symbol)
    }
  }

  /// A decimal, 0x hexadecimal or 0 octal number, as strtoul(..., 0) reads one.
  private static func number(_ text: Substring) -> UInt64? {
    if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
    if text.count > 1, text.hasPrefix("0") { return UInt64(text.dropFirst(), radix: 8) }
    return UInt64(text)
  }
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
      guard fd >= 0 else {
        throw BpfError(errno: Glibc.errno, operation: operation + ": open \(path)")
      }
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
    case .uprobe(let uprobe):
      guard let offset = Int(exactly: uprobe.offset) else {
        throw BpfError(errno: EINVAL, operation: operation + ": offset \(uprobe.offset)")
      }
      var options = bpf_uprobe_opts()
      options.sz = MemoryLayout<bpf_uprobe_opts>.size
      options.retprobe = uprobe.isReturn
      link = uprobe.binaryPath.withCString { path in
        if let function = uprobe.function {
          return function.withCString { name in
            options.func_name = name
            return bpf_program__attach_uprobe_opts(program, -1, path, offset, &options)
          }
        }
        return bpf_program__attach_uprobe_opts(program, -1, path, offset, &options)
      }
    }
    guard let handle = link, libbpf_get_error(UnsafeRawPointer(handle)) == 0 else {
      let code = Glibc.errno
      throw BpfError(errno: code == 0 ? EINVAL : code, operation: operation)
    }
    return BpfLink(handle: handle, programName: programName, target: target)
  }
}
