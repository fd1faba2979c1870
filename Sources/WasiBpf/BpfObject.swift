// The owner of one libbpf `bpf_object`.
//
// Opening parses the ELF and BTF in this process only (after a child process has
// parsed it without crashing: libbpf is not hardened against hostile ELF); nothing
// reaches the kernel until `load()`. That split is what lets a policy inspect programs, helper calls and
// maps first. The object keeps its own copy of the ELF bytes: libbpf reads them lazily
// until load, and a guest's memory may change or move under it.

import BpfSys

#if canImport(Glibc)
  import Glibc
#endif

/// How loading reports the kernel verifier's log.
public struct BpfLogOptions: Sendable {
  /// 0: ask for a log only when a load fails (libbpf then retries with level 1);
  /// 1 or 2: always log (2 is the verifier's verbose level).
  public var verifierLogLevel: UInt32
  /// Bytes kept of the log; the kernel truncates beyond this.
  public var verifierLogSize: Int

  public init(verifierLogLevel: UInt32 = 0, verifierLogSize: Int = 256 * 1024) {
    self.verifierLogLevel = verifierLogLevel
    self.verifierLogSize = verifierLogSize
  }
}

/// An opened BPF object. Closed (every program and map fd released) exactly once, in
/// `deinit`; links made from it are separate owners (`BpfLink`).
public final class BpfObject {
  let handle: OpaquePointer
  private let image: UnsafeMutableRawBufferPointer
  private let logBuffer: UnsafeMutableBufferPointer<CChar>
  public let name: String
  public private(set) var isLoaded = false

  /// Opens an ELF BPF object from bytes (copied). Nothing is sent to the kernel.
  public init(
    elf bytes: UnsafeRawBufferPointer, name: String, log: BpfLogOptions = BpfLogOptions()
  ) throws(BpfError) {
    guard bytes.count > 0 else {
      throw BpfError(errno: EINVAL, operation: "open object '\(name)': empty ELF")
    }
    let image = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
    image.copyMemory(from: bytes)
    do {
      try Self.probeOpen(image, name: name)
    } catch {
      image.deallocate()
      throw error
    }
    let logBuffer = UnsafeMutableBufferPointer<CChar>.allocate(
      capacity: max(log.verifierLogSize, 1))
    logBuffer.initialize(repeating: 0)
    var options = bpf_object_open_opts()
    options.sz = MemoryLayout<bpf_object_open_opts>.size
    options.kernel_log_buf = logBuffer.baseAddress
    options.kernel_log_size = logBuffer.count
    options.kernel_log_level = log.verifierLogLevel
    let opened: OpaquePointer? = name.withCString { cName in
      options.object_name = cName
      return bpf_object__open_mem(image.baseAddress, image.count, &options)
    }
    // libbpf 1.x returns NULL and sets errno on failure.
    guard let handle = opened, libbpf_get_error(UnsafeRawPointer(handle)) == 0 else {
      let code = Glibc.errno
      image.deallocate()
      logBuffer.deallocate()
      throw BpfError(errno: code == 0 ? EINVAL : code, operation: "open object '\(name)'")
    }
    self.handle = handle
    self.image = image
    self.logBuffer = logBuffer
    self.name = name
  }

  /// Longest a child process may take to parse an object (`probeOpen`).
  static let probeTimeoutMilliseconds = 10_000

  /// Parses `image` with libbpf in a child process first (`wasmbpf_open_probe_spawn`):
  /// an object that crashes or hangs libbpf's parser there is refused here, before
  /// this process parses it. libbpf's parse is deterministic, so an object the child
  /// survives is safe to open in this process.
  static func probeOpen(_ image: UnsafeMutableRawBufferPointer, name: String) throws(BpfError) {
    let operation = "open object '\(name)'"
    let pid = wasmbpf_open_probe_spawn(image.baseAddress, image.count)
    guard pid > 0 else {
      throw BpfError(errno: Glibc.errno, operation: operation + ": fork for the ELF check")
    }
    var status: Int32 = 0
    var waited = 0
    var pause: UInt32 = 50
    while true {
      let result = waitpid(pid, &status, WNOHANG)
      if result == pid { break }
      if result < 0 {
        if Glibc.errno == EINTR { continue }
        // Someone else reaped it (an embedder's SIGCHLD handler): no verdict.
        throw BpfError(errno: Glibc.errno, operation: operation + ": wait for the ELF check")
      }
      if waited >= probeTimeoutMilliseconds * 1000 {
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && Glibc.errno == EINTR {}
        throw BpfError(
          errno: EINVAL,
          operation: operation + ": libbpf took longer than \(probeTimeoutMilliseconds / 1000) s "
            + "to parse the ELF (in a child process); refused")
      }
      usleep(pause)
      waited += Int(pause)
      pause = min(pause * 2, 10_000)
    }
    let signal = status & 0x7F
    let exitStatus = (status >> 8) & 0xFF
    // 0: parsed; WASMBPF_PROBE_REFUSED: an ordinary parse error, which this process's
    // own open reports. Anything else (a signal, a sanitizer's exit) is a crash.
    guard signal == 0, exitStatus == 0 || exitStatus == WASMBPF_PROBE_REFUSED else {
      let how = signal != 0 ? "signal \(signal)" : "exit status \(exitStatus)"
      throw BpfError(
        errno: EINVAL,
        operation: operation + ": the ELF crashes libbpf's parser (\(how) in a child process); "
          + "refused")
    }
  }

  deinit {
    bpf_object__close(handle)
    image.deallocate()
    logBuffer.deallocate()
  }

  /// The verifier's log of the last program or BTF load (empty when none was asked).
  public var verifierLog: String {
    logBuffer[logBuffer.count - 1] = 0
    return String(cString: logBuffer.baseAddress!)
  }

  /// Loads every program and creates every map in the kernel (CO-RE relocations
  /// against the running kernel's BTF). A failure carries the verifier's log.
  public func load() throws(BpfError) {
    guard !isLoaded else { return }
    let result = bpf_object__load(handle)
    guard result == 0 else {
      throw BpfError(errno: -result, operation: "load object '\(name)'", verifierLog: verifierLog)
    }
    isLoaded = true
  }

  func program(named programName: String) -> OpaquePointer? {
    bpf_object__find_program_by_name(handle, programName)
  }

  /// The kernel fd of map `mapName`, once loaded.
  public func mapFD(named mapName: String) -> Int32? {
    guard isLoaded else { return nil }
    let fd = bpf_object__find_map_fd_by_name(handle, mapName)
    return fd >= 0 ? fd : nil
  }

  /// Whether `fd` is the fd of one of this object's maps.
  public func ownsMapFD(_ fd: Int32) -> Bool {
    guard isLoaded, fd >= 0 else { return false }
    var map = bpf_object__next_map(handle, nil)
    while let m = map {
      if bpf_map__fd(m) == fd { return true }
      map = bpf_object__next_map(handle, m)
    }
    return false
  }

  /// Programs and maps as the ELF declares them, with each program's helper calls.
  public func describe() -> BpfObjectDescription {
    var programs: [BpfProgramDescription] = []
    var program = bpf_object__next_program(handle, nil)
    while let p = program {
      programs.append(BpfProgramDescription(program: p))
      program = bpf_object__next_program(handle, p)
    }
    var maps: [BpfMapDescription] = []
    var map = bpf_object__next_map(handle, nil)
    while let m = map {
      maps.append(BpfMapDescription(map: m))
      map = bpf_object__next_map(handle, m)
    }
    return BpfObjectDescription(name: name, programs: programs, maps: maps)
  }
}
