// The path_* functions and fd_readdir of wasi_snapshot_preview1, all resolved
// beneath a directory descriptor (WasiPathResolver).
import Glibc
import WasiSys

extension WasiContext {
  /// The directory descriptor `fd` with `rights`, and its host fd.
  func directory(_ fd: UInt32, _ rights: WasiRights) throws(WasiErrno) -> (WasiDescriptor, Int32) {
    let descriptor = try table.get(fd)
    guard descriptor.fileType == .directory, let host = descriptor.hostFD else { throw .notdir }
    try descriptor.require(rights)
    return (descriptor, host)
  }

  func path(_ memory: WasiMemory, _ address: UInt32, _ length: UInt32) throws(WasiErrno) -> [UInt8]
  {
    guard length < UInt32(WasiPathResolver.maximumLength) else {
      _ = try memory.range(address, UInt64(length))
      throw .nametoolong
    }
    return try memory.bytes(address, length)
  }

  /// The path of an wasi_o_path descriptor as a magic link, for the calls that cannot take
  /// an wasi_o_path fd themselves. The descriptor was resolved beneath the preopen already.
  static func procPath(_ fd: HostFileDescriptor) -> [CChar] {
    WasiPathResolver.cString(Array("/proc/self/fd/\(fd.fd)".utf8))
  }

  // MARK: path_open

  func pathOpen(
    _ memory: WasiMemory, _ fd: UInt32, lookupFlags: UInt32, path address: UInt32,
    pathLength: UInt32, openFlags rawOpen: UInt16, rightsBase: UInt64, rightsInheriting: UInt64,
    fdFlags rawFd: UInt16, result: UInt32
  ) throws(WasiErrno) {
    let (dir, host) = try directory(fd, .pathOpen)
    let path = try path(memory, address, pathLength)
    let openFlags = WasiOpenFlags(rawValue: rawOpen)
    let fdFlags = WasiFdFlags(rawValue: rawFd)
    guard rawOpen & ~0xF == 0, rawFd & ~0x1F == 0 else { throw .inval }
    // Rights the directory cannot pass on are dropped rather than refused: libc
    // implementations ask for more than they need (see docs/wasi.md).
    var base = WasiRights(rawValue: rightsBase).intersection(dir.rightsInheriting)
    let inheriting = WasiRights(rawValue: rightsInheriting).intersection(dir.rightsInheriting)
    if openFlags.contains(.create) { try dir.require(.pathCreateFile) }
    if openFlags.contains(.truncate) { try dir.require(.pathFilestatSetSize) }

    var flags: Int32 = 0
    if openFlags.contains(.create) { flags |= O_CREAT }
    if openFlags.contains(.directory) { flags |= O_DIRECTORY }
    if openFlags.contains(.exclusive) { flags |= O_EXCL }
    if openFlags.contains(.truncate) { flags |= O_TRUNC }
    if fdFlags.contains(.append) { flags |= O_APPEND }
    if fdFlags.contains(.nonblock) { flags |= O_NONBLOCK }
    if fdFlags.contains(.dsync) { flags |= O_DSYNC }
    if fdFlags.contains(.sync) || fdFlags.contains(.rsync) { flags |= O_SYNC }
    let reads = !base.intersection([.fdRead, .fdReaddir]).isEmpty
    let writes =
      !base.intersection([.fdWrite, .fdAllocate, .fdFilestatSetSize]).isEmpty
      || fdFlags.contains(.append) || openFlags.contains(.truncate)
    if writes && dir.isReadOnly { throw .notcapable }
    if writes && !base.contains(.fdWrite) && fdFlags.contains(.append) { throw .notcapable }
    flags |= writes ? (reads ? O_RDWR : O_WRONLY) : O_RDONLY

    let opened = try WasiPathResolver.open(
      beneath: host, path, flags: flags, mode: 0o666,
      followLast: lookupFlags & WasiLookupFlags.symlinkFollow.rawValue != 0,
      interrupted: interruptRequested)
    let type = Self.fileType(ofHostFD: opened.fd)
    switch type {
    case .directory: base.formIntersection(WasiRights.directory)
    case .regularFile: base.formIntersection(WasiRights.regularFile)
    default: base.formIntersection(WasiRights.stream)
    }
    if !writes { base.subtract([.fdWrite, .fdAllocate, .fdFilestatSetSize]) }
    let descriptor = WasiDescriptor(
      backing: .host(opened), fileType: type, rightsBase: base, rightsInheriting: inheriting,
      sandboxRoot: dir.sandboxRoot, isReadOnly: dir.isReadOnly)
    let newFD = try table.insert(descriptor)
    do { try memory.store(newFD, result) } catch {
      _ = try? table.remove(newFD)
      throw error
    }
  }

  // MARK: Directories and names

  func pathCreateDirectory(_ memory: WasiMemory, _ fd: UInt32, path address: UInt32, length: UInt32)
    throws(WasiErrno)
  {
    let (_, host) = try directory(fd, .pathCreateDirectory)
    let target = try WasiPathResolver.parent(
      beneath: host, try path(memory, address, length), interrupted: interruptRequested)
    try check { mkdirat(target.parent.fd, target.name, 0o777) }
  }

  func pathRemoveDirectory(_ memory: WasiMemory, _ fd: UInt32, path address: UInt32, length: UInt32)
    throws(WasiErrno)
  {
    let (_, host) = try directory(fd, .pathRemoveDirectory)
    let target = try WasiPathResolver.parent(
      beneath: host, try path(memory, address, length), interrupted: interruptRequested)
    try check { unlinkat(target.parent.fd, target.name, AT_REMOVEDIR) }
  }

  func pathUnlinkFile(_ memory: WasiMemory, _ fd: UInt32, path address: UInt32, length: UInt32)
    throws(WasiErrno)
  {
    let (_, host) = try directory(fd, .pathUnlinkFile)
    let target = try WasiPathResolver.parent(
      beneath: host, try path(memory, address, length), interrupted: interruptRequested)
    if target.requiresDirectory {
      // "name/" never names a non-directory; a directory is not unlinked either.
      var info = stat()
      try check { fstatat(target.parent.fd, target.name, &info, AT_SYMLINK_NOFOLLOW) }
      throw info.st_mode & S_IFMT == S_IFDIR ? .isdir : .notdir
    }
    try check { unlinkat(target.parent.fd, target.name, 0) }
  }

  func pathRename(
    _ memory: WasiMemory, _ fd: UInt32, oldPath: UInt32, oldLength: UInt32, newFD: UInt32,
    newPath: UInt32, newLength: UInt32
  ) throws(WasiErrno) {
    let (oldDir, oldHost) = try directory(fd, .pathRenameSource)
    let (newDir, newHost) = try directory(newFD, .pathRenameTarget)
    guard oldDir.sandboxRoot == newDir.sandboxRoot else { throw .xdev }
    let source = try WasiPathResolver.parent(
      beneath: oldHost, try path(memory, oldPath, oldLength), interrupted: interruptRequested)
    try source.checkTrailingSlash()
    let target = try WasiPathResolver.parent(
      beneath: newHost, try path(memory, newPath, newLength), interrupted: interruptRequested)
    try target.checkTrailingSlash()
    if target.requiresDirectory && !source.requiresDirectory {
      // "x" -> "y/" renames only a directory.
      var info = stat()
      try check { fstatat(source.parent.fd, source.name, &info, AT_SYMLINK_NOFOLLOW) }
      if info.st_mode & S_IFMT != S_IFDIR { throw .notdir }
    }
    try check { renameat(source.parent.fd, source.name, target.parent.fd, target.name) }
  }

  func pathLink(
    _ memory: WasiMemory, _ fd: UInt32, lookupFlags: UInt32, oldPath: UInt32, oldLength: UInt32,
    newFD: UInt32, newPath: UInt32, newLength: UInt32
  ) throws(WasiErrno) {
    let (oldDir, oldHost) = try directory(fd, .pathLinkSource)
    let (newDir, newHost) = try directory(newFD, .pathLinkTarget)
    guard oldDir.sandboxRoot == newDir.sandboxRoot else { throw .xdev }
    let old = try path(memory, oldPath, oldLength)
    let target = try WasiPathResolver.parent(
      beneath: newHost, try path(memory, newPath, newLength), interrupted: interruptRequested)
    // Linux looks the source up before the new name: a missing source is `noent`
    // even when the new name is refused too.
    if lookupFlags & WasiLookupFlags.symlinkFollow.rawValue != 0 {
      // Follow the source's links beneath the preopen first, then link what they reach.
      let source = try WasiPathResolver.open(
        beneath: oldHost, old, flags: wasi_o_path, followLast: true, interrupted: interruptRequested
      )
      let sourcePath = Self.procPath(source)
      try target.refuseTrailingSlashForNewName()
      try check {
        linkat(AT_FDCWD, sourcePath, target.parent.fd, target.name, AT_SYMLINK_FOLLOW)
      }
    } else {
      let source = try WasiPathResolver.parent(
        beneath: oldHost, old, interrupted: interruptRequested)
      try source.checkTrailingSlash()
      var info = stat()
      try check { fstatat(source.parent.fd, source.name, &info, AT_SYMLINK_NOFOLLOW) }
      try target.refuseTrailingSlashForNewName()
      try check { linkat(source.parent.fd, source.name, target.parent.fd, target.name, 0) }
    }
  }

  func pathSymlink(
    _ memory: WasiMemory, oldPath: UInt32, oldLength: UInt32, _ fd: UInt32, newPath: UInt32,
    newLength: UInt32
  ) throws(WasiErrno) {
    let (_, host) = try directory(fd, .pathSymlink)
    let contents = try path(memory, oldPath, oldLength)
    try WasiPathResolver.validate(contents)
    // An absolute link could never be followed inside the sandbox (resolution refuses
    // it) but would point elsewhere on the host: refused, as the other runtimes refuse
    // it, with `perm` as wasmtime and uvwasi return (docs/wasi.md).
    guard contents.first != UInt8(ascii: "/") else { throw .perm }
    let target = try WasiPathResolver.parent(
      beneath: host, try path(memory, newPath, newLength), interrupted: interruptRequested)
    try target.refuseTrailingSlashForNewName()
    let hostContents = WasiPathResolver.cString(contents)
    try check { symlinkat(hostContents, target.parent.fd, target.name) }
  }

  func pathReadlink(
    _ memory: WasiMemory, _ fd: UInt32, path address: UInt32, length: UInt32, buffer: UInt32,
    bufferLength: UInt32, result: UInt32
  ) throws(WasiErrno) {
    let (_, host) = try directory(fd, .pathReadlink)
    let target = try WasiPathResolver.parent(
      beneath: host, try path(memory, address, length), interrupted: interruptRequested)
    try target.checkTrailingSlash()
    let region = try memory.range(buffer, UInt64(bufferLength))
    _ = try memory.range(result, 4)
    guard let destination = region.baseAddress else { throw .inval }
    let count = try check {
      readlinkat(target.parent.fd, target.name, destination, region.count)
    }
    try memory.store(UInt32(count), result)
  }

  // MARK: Metadata by path

  func pathFilestatGet(
    _ memory: WasiMemory, _ fd: UInt32, lookupFlags: UInt32, path address: UInt32, length: UInt32,
    result: UInt32
  ) throws(WasiErrno) {
    let (_, host) = try directory(fd, .pathFilestatGet)
    let opened = try WasiPathResolver.open(
      beneath: host, try path(memory, address, length), flags: wasi_o_path,
      followLast: lookupFlags & WasiLookupFlags.symlinkFollow.rawValue != 0,
      interrupted: interruptRequested)
    var info = stat()
    try check { fstat(opened.fd, &info) }
    try Self.writeFilestat(info, memory, at: result)
  }

  func pathFilestatSetTimes(
    _ memory: WasiMemory, _ fd: UInt32, lookupFlags: UInt32, path address: UInt32, length: UInt32,
    atim: UInt64, mtim: UInt64, flags: UInt16
  ) throws(WasiErrno) {
    let (_, host) = try directory(fd, .pathFilestatSetTimes)
    let times = try Self.timespecs(atim: atim, mtim: mtim, flags: flags)
    let path = try path(memory, address, length)
    if lookupFlags & WasiLookupFlags.symlinkFollow.rawValue != 0 {
      let opened = try WasiPathResolver.open(
        beneath: host, path, flags: wasi_o_path, followLast: true, interrupted: interruptRequested)
      let hostPath = Self.procPath(opened)
      try check { utimensat(AT_FDCWD, hostPath, times, 0) }
    } else {
      let target = try WasiPathResolver.parent(beneath: host, path, interrupted: interruptRequested)
      try target.checkTrailingSlash()
      try check { utimensat(target.parent.fd, target.name, times, AT_SYMLINK_NOFOLLOW) }
    }
  }

  // MARK: fd_readdir

  func fdReaddir(
    _ memory: WasiMemory, _ fd: UInt32, buffer: UInt32, length: UInt32, cookie: UInt64,
    result: UInt32
  ) throws(WasiErrno) {
    let (dir, host) = try directory(fd, .fdReaddir)
    let region = try memory.range(buffer, UInt64(length))
    _ = try memory.range(result, 4)
    if cookie == 0 || dir.directoryListing == nil {
      dir.directoryListing = try listDirectory(host)
    }
    let listing = dir.directoryListing ?? []
    var used = 0
    var index = cookie
    while index < UInt64(listing.count), used < region.count {
      let entry = listing[Int(index)]
      var record = [UInt8](repeating: 0, count: 24)
      record.withUnsafeMutableBytes { bytes in
        bytes.storeBytes(of: (index + 1).littleEndian, toByteOffset: 0, as: UInt64.self)
        bytes.storeBytes(of: entry.inode.littleEndian, toByteOffset: 8, as: UInt64.self)
        bytes.storeBytes(
          of: UInt32(entry.name.count).littleEndian, toByteOffset: 16, as: UInt32.self)
        bytes.storeBytes(of: entry.type.rawValue, toByteOffset: 20, as: UInt8.self)
      }
      record += entry.name
      let take = min(record.count, region.count - used)
      record.withUnsafeBytes { source in
        if let destination = region.baseAddress, let from = source.baseAddress {
          (destination + used).copyMemory(from: from, byteCount: take)
        }
      }
      used += take
      index += 1
    }
    try memory.store(UInt32(used), result)
  }

  /// Reads every entry of the directory open as `fd` (through a fresh descriptor, so
  /// the guest's own offset is untouched).
  func listDirectory(_ fd: Int32) throws(WasiErrno) -> [WasiDirectoryEntry] {
    let reader = try check { openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
    guard let stream = fdopendir(reader) else {
      let failure = WasiErrno.current
      close(reader)
      throw failure
    }
    defer { closedir(stream) }
    var entries: [WasiDirectoryEntry] = []
    while true {
      errno = 0
      guard let raw = readdir(stream) else {
        if errno != 0 { throw .current }
        break
      }
      // Read up to the NUL in place: a record can be shorter than d_name's 256
      // bytes (readdir packs them), so copying the whole field reads past it.
      let name = withUnsafeMutablePointer(to: &raw.pointee.d_name) { field in
        field.withMemoryRebound(to: UInt8.self, capacity: 256) { start in
          Array(
            UnsafeBufferPointer(
              start: start,
              count: strlen(UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self))))
        }
      }
      var type: WasiFileType
      switch Int32(raw.pointee.d_type) {
      case Int32(DT_REG): type = .regularFile
      case Int32(DT_DIR): type = .directory
      case Int32(DT_LNK): type = .symbolicLink
      case Int32(DT_CHR): type = .characterDevice
      case Int32(DT_BLK): type = .blockDevice
      case Int32(DT_SOCK): type = .socketStream
      default: type = .unknown
      }
      if type == .unknown {
        var info = stat()
        let hostName = WasiPathResolver.cString(name)
        if fstatat(fd, hostName, &info, AT_SYMLINK_NOFOLLOW) == 0 {
          type = Self.fileType(mode: info.st_mode)
        }
      }
      entries.append(WasiDirectoryEntry(inode: UInt64(raw.pointee.d_ino), type: type, name: name))
    }
    return entries
  }
}
