// The fd_* functions of wasi_snapshot_preview1.
import Glibc
import WasiSys

extension WasiContext {
  // MARK: Helpers

  /// Runs a host call that returns -1 with errno on failure. A signal that wakes a
  /// blocking call (EINTR) retries it, unless the embedder is stopping the guest
  /// (`interruptRequested`): then the call ends with `intr` at once, as `poll_oneoff`
  /// does, instead of blocking again (a read of a terminal or pipe that never gets
  /// data, a write to a full pipe, an accept, a FIFO's open).
  @discardableResult
  func check<T: FixedWidthInteger>(_ call: () -> T) throws(WasiErrno) -> T {
    try Self.check(call, interrupted: interruptRequested)
  }

  /// `check` for helpers without the context: `interrupted` says whether an EINTR
  /// ends the call (`intr`) rather than retrying it.
  @discardableResult
  static func check<T: FixedWidthInteger>(_ call: () -> T, interrupted: () -> Bool)
    throws(WasiErrno) -> T
  {
    while true {
      let result = call()
      if result >= 0 { return result }
      let code = errno
      if code != EINTR || interrupted() { throw WasiErrno(hostErrno: code) }
    }
  }

  /// `check` for writes: an EINTR ends them only when `writeInterruptRequested` says so.
  @discardableResult
  func checkWrite<T: FixedWidthInteger>(_ call: () -> T) throws(WasiErrno) -> T {
    try Self.check(call, interrupted: writeInterruptRequested ?? interruptRequested)
  }

  static func hostIovecs(_ buffers: [UnsafeMutableRawBufferPointer]) -> [iovec] {
    buffers.map { iovec(iov_base: $0.baseAddress, iov_len: $0.count) }
  }

  static func writeFilestat(_ info: stat, _ memory: WasiMemory, at address: UInt32)
    throws(WasiErrno)
  {
    let region = try memory.range(address, 64)
    region.initializeMemory(as: UInt8.self, repeating: 0)
    try memory.store(UInt64(info.st_dev), address)
    try memory.store(UInt64(info.st_ino), address &+ 8)
    try memory.store(fileType(mode: info.st_mode).rawValue, address &+ 16)
    try memory.store(UInt64(info.st_nlink), address &+ 24)
    try memory.store(UInt64(max(0, info.st_size)), address &+ 32)
    try memory.store(nanoseconds(info.st_atim), address &+ 40)
    try memory.store(nanoseconds(info.st_mtim), address &+ 48)
    try memory.store(nanoseconds(info.st_ctim), address &+ 56)
  }

  /// The two timespecs of futimens/utimensat from WASI's times and flags.
  static func timespecs(atim: UInt64, mtim: UInt64, flags rawFlags: UInt16) throws(WasiErrno)
    -> [timespec]
  {
    let flags = WasiTimeFlags(rawValue: rawFlags)
    guard rawFlags & ~0xF == 0, !flags.isSuperset(of: [.atim, .atimNow]),
      !flags.isSuperset(of: [.mtim, .mtimNow])
    else { throw .inval }
    func one(_ time: UInt64, set: Bool, now: Bool) -> timespec {
      if now { return timespec(tv_sec: 0, tv_nsec: wasi_utime_now()) }
      if set {
        return timespec(tv_sec: Int(time / 1_000_000_000), tv_nsec: Int(time % 1_000_000_000))
      }
      return timespec(tv_sec: 0, tv_nsec: wasi_utime_omit())
    }
    return [
      one(atim, set: flags.contains(.atim), now: flags.contains(.atimNow)),
      one(mtim, set: flags.contains(.mtim), now: flags.contains(.mtimNow)),
    ]
  }

  static func offset(_ value: UInt64) throws(WasiErrno) -> off_t {
    guard value <= UInt64(Int64.max) else { throw .inval }
    return off_t(value)
  }

  // MARK: Descriptor state

  func fdClose(_ fd: UInt32) throws(WasiErrno) {
    try table.remove(fd)
  }

  func fdRenumber(_ fd: UInt32, to target: UInt32) throws(WasiErrno) {
    try table.renumber(from: fd, to: target)
  }

  func fdFdstatGet(_ memory: WasiMemory, _ fd: UInt32, result: UInt32) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    var flags = WasiFdFlags()
    if let host = descriptor.hostFD {
      let hostFlags = try check { fcntl(host, F_GETFL) }
      if hostFlags & O_APPEND != 0 { flags.insert(.append) }
      if hostFlags & O_NONBLOCK != 0 { flags.insert(.nonblock) }
      if hostFlags & O_DSYNC != 0 { flags.insert(.dsync) }
      if hostFlags & O_SYNC == O_SYNC { flags.insert([.sync, .rsync]) }
    }
    let region = try memory.range(result, 24)
    region.initializeMemory(as: UInt8.self, repeating: 0)
    try memory.store(descriptor.fileType.rawValue, result)
    try memory.store(flags.rawValue, result &+ 2)
    try memory.store(descriptor.rightsBase.rawValue, result &+ 8)
    try memory.store(descriptor.rightsInheriting.rawValue, result &+ 16)
  }

  func fdFdstatSetFlags(_ fd: UInt32, flags rawFlags: UInt16) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    try descriptor.require(.fdFdstatSetFlags)
    let flags = WasiFdFlags(rawValue: rawFlags)
    guard rawFlags & ~0x1F == 0 else { throw .inval }
    // Linux ignores changes to O_SYNC/O_DSYNC through F_SETFL; say so rather than pretend.
    guard flags.intersection([.dsync, .rsync, .sync]).isEmpty else { throw .notsup }
    guard let host = descriptor.hostFD else { return }
    var hostFlags = try check { fcntl(host, F_GETFL) }
    hostFlags &= ~(O_APPEND | O_NONBLOCK)
    if flags.contains(.append) { hostFlags |= O_APPEND }
    if flags.contains(.nonblock) { hostFlags |= O_NONBLOCK }
    try check { fcntl(host, F_SETFL, hostFlags) }
  }

  func fdFdstatSetRights(_ fd: UInt32, base: UInt64, inheriting: UInt64) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    let newBase = WasiRights(rawValue: base)
    let newInheriting = WasiRights(rawValue: inheriting)
    guard descriptor.rightsBase.isSuperset(of: newBase),
      descriptor.rightsInheriting.isSuperset(of: newInheriting)
    else { throw .notcapable }
    descriptor.rightsBase = newBase
    descriptor.rightsInheriting = newInheriting
  }

  func fdPrestatGet(_ memory: WasiMemory, _ fd: UInt32, result: UInt32) throws(WasiErrno) {
    guard let name = try table.get(fd).preopenName else { throw .badf }
    try memory.store(UInt32(0), result)
    try memory.store(UInt32(name.count), result &+ 4)
  }

  func fdPrestatDirName(_ memory: WasiMemory, _ fd: UInt32, path: UInt32, length: UInt32)
    throws(WasiErrno)
  {
    guard let name = try table.get(fd).preopenName else { throw .badf }
    guard name.count <= Int(length) else { throw .nametoolong }
    try memory.write(name, at: path)
  }

  // MARK: File metadata

  func fdFilestatGet(_ memory: WasiMemory, _ fd: UInt32, result: UInt32) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    try descriptor.require(.fdFilestatGet)
    var info = stat()
    if let host = descriptor.hostFD {
      try check { fstat(host, &info) }
      try Self.writeFilestat(info, memory, at: result)
    } else {
      try Self.writeFilestat(info, memory, at: result)  // an in-memory stream: all zero
    }
  }

  func fdFilestatSetSize(_ fd: UInt32, size: UInt64) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    try descriptor.require(.fdFilestatSetSize)
    guard let host = descriptor.hostFD else { throw .inval }
    let length = try Self.offset(size)
    try check { ftruncate(host, length) }
  }

  func fdFilestatSetTimes(_ fd: UInt32, atim: UInt64, mtim: UInt64, flags: UInt16) throws(WasiErrno)
  {
    let descriptor = try table.get(fd)
    try descriptor.require(.fdFilestatSetTimes)
    let times = try Self.timespecs(atim: atim, mtim: mtim, flags: flags)
    guard let host = descriptor.hostFD else { throw .inval }
    try check { futimens(host, times) }
  }

  func fdAdvise(_ fd: UInt32, offset: UInt64, length: UInt64, advice: UInt8) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    try descriptor.require(.fdAdvise)
    let hostAdvice: Int32
    switch advice {
    case 0: hostAdvice = POSIX_FADV_NORMAL
    case 1: hostAdvice = POSIX_FADV_SEQUENTIAL
    case 2: hostAdvice = POSIX_FADV_RANDOM
    case 3: hostAdvice = POSIX_FADV_WILLNEED
    case 4: hostAdvice = POSIX_FADV_DONTNEED
    case 5: hostAdvice = POSIX_FADV_NOREUSE
    default: throw .inval
    }
    guard let host = descriptor.hostFD else { throw .badf }
    let result = posix_fadvise(host, try Self.offset(offset), try Self.offset(length), hostAdvice)
    if result != 0 { throw WasiErrno(hostErrno: result) }
  }

  func fdAllocate(_ fd: UInt32, offset: UInt64, length: UInt64) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    try descriptor.require(.fdAllocate)
    guard let host = descriptor.hostFD else { throw .badf }
    let result = posix_fallocate(host, try Self.offset(offset), try Self.offset(length))
    if result != 0 { throw WasiErrno(hostErrno: result) }
  }

  func fdSync(_ fd: UInt32, dataOnly: Bool) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    try descriptor.require(dataOnly ? .fdDatasync : .fdSync)
    guard let host = descriptor.hostFD else { return }
    try check { dataOnly ? fdatasync(host) : fsync(host) }
  }

  // MARK: Reading and writing

  func fdRead(_ memory: WasiMemory, _ fd: UInt32, iovs: UInt32, count: UInt32, result: UInt32)
    throws(WasiErrno)
  {
    let descriptor = try table.get(fd)
    try descriptor.require(.fdRead)
    let buffers = try memory.iovecs(iovs, count)
    var total = 0
    switch descriptor.backing {
    case .host(let owner):
      let vectors = Self.hostIovecs(buffers)
      total = try check { readv(owner.fd, vectors, Int32(vectors.count)) }
    case .input(let input):
      for buffer in buffers where input.position < input.bytes.count {
        let take = min(buffer.count, input.bytes.count - input.position)
        input.bytes.withUnsafeBytes { source in
          if let destination = buffer.baseAddress, let from = source.baseAddress {
            destination.copyMemory(from: from + input.position, byteCount: take)
          }
        }
        input.position += take
        total += take
      }
    case .output:
      throw .badf
    case .closed:
      total = 0
    }
    try memory.store(UInt32(truncatingIfNeeded: total), result)
  }

  func fdWrite(_ memory: WasiMemory, _ fd: UInt32, iovs: UInt32, count: UInt32, result: UInt32)
    throws(WasiErrno)
  {
    let descriptor = try table.get(fd)
    try descriptor.require(.fdWrite)
    let buffers = try memory.iovecs(iovs, count)
    var total = 0
    switch descriptor.backing {
    case .host(let owner):
      let vectors = Self.hostIovecs(buffers)
      total = try checkWrite { writev(owner.fd, vectors, Int32(vectors.count)) }
    case .output(let output):
      for buffer in buffers {
        output.append(UnsafeRawBufferPointer(buffer))
        total += buffer.count
      }
    case .input, .closed:
      throw .badf
    }
    try memory.store(UInt32(truncatingIfNeeded: total), result)
  }

  func fdPread(
    _ memory: WasiMemory, _ fd: UInt32, iovs: UInt32, count: UInt32, offset: UInt64, result: UInt32
  ) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    try descriptor.require([.fdRead, .fdSeek])
    let buffers = try memory.iovecs(iovs, count)
    guard let host = descriptor.hostFD else { throw .spipe }
    let start = try Self.offset(offset)
    let vectors = Self.hostIovecs(buffers)
    let total = try check { preadv(host, vectors, Int32(vectors.count), start) }
    try memory.store(UInt32(truncatingIfNeeded: total), result)
  }

  func fdPwrite(
    _ memory: WasiMemory, _ fd: UInt32, iovs: UInt32, count: UInt32, offset: UInt64, result: UInt32
  ) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    try descriptor.require([.fdWrite, .fdSeek])
    let buffers = try memory.iovecs(iovs, count)
    guard let host = descriptor.hostFD else { throw .spipe }
    let start = try Self.offset(offset)
    let vectors = Self.hostIovecs(buffers)
    let total = try checkWrite { pwritev(host, vectors, Int32(vectors.count), start) }
    try memory.store(UInt32(truncatingIfNeeded: total), result)
  }

  func fdSeek(_ memory: WasiMemory, _ fd: UInt32, offset: Int64, whence: UInt8, result: UInt32)
    throws(WasiErrno)
  {
    let descriptor = try table.get(fd)
    try descriptor.require(offset == 0 && whence == 1 ? .fdTell : .fdSeek)
    let hostWhence: Int32
    switch whence {
    case 0: hostWhence = SEEK_SET
    case 1: hostWhence = SEEK_CUR
    case 2: hostWhence = SEEK_END
    default: throw .inval
    }
    guard let host = descriptor.hostFD else { throw .spipe }
    let position = try check { lseek(host, off_t(offset), hostWhence) }
    try memory.store(UInt64(position), result)
  }

  func fdTell(_ memory: WasiMemory, _ fd: UInt32, result: UInt32) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    try descriptor.require(.fdTell)
    guard let host = descriptor.hostFD else { throw .spipe }
    let position = try check { lseek(host, 0, SEEK_CUR) }
    try memory.store(UInt64(position), result)
  }
}
