// The WASI core without an interpreter: imports called with raw arguments over a
// host buffer standing in for guest memory.
import Glibc
import Testing
import WasiPreview1

/// A fake guest: 64 KiB of memory and a WASI context.
final class CoreGuest {
  var memory = [UInt8](repeating: 0, count: 65536)
  let context: WasiContext

  init(_ configuration: WasiConfiguration = WasiConfiguration(stdout: .buffer(), stderr: .buffer()))
    throws
  {
    context = try WasiContext(configuration: configuration)
  }

  /// Calls the import `name`; returns its errno.
  func call(_ name: String, _ arguments: UInt64...) throws -> WasiErrno {
    guard let function = WasiImport.all.first(where: { $0.name == name }) else {
      throw HostError(description: "no import \(name)")
    }
    let results = try memory.withUnsafeMutableBytes { bytes in
      try function.call(context, memory: WasiMemory(bytes: bytes), arguments: arguments)
    }
    return WasiErrno(rawValue: UInt16(results.first ?? 0)) ?? .io
  }

  func put(_ bytes: [UInt8], at address: Int) {
    memory.replaceSubrange(address..<address + bytes.count, with: bytes)
  }
  func put(_ text: String, at address: Int) { put(Array(text.utf8), at: address) }
  func u32(_ address: Int) -> UInt32 {
    memory[address..<address + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }
  }
  func u64(_ address: Int) -> UInt64 {
    memory[address..<address + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
  }
  func putU32(_ value: UInt32, at address: Int) {
    for index in 0..<4 { memory[address + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
  }

  /// path_open of `path` (placed at 1024) beneath `dir`; the new fd, or the errno.
  func open(
    _ dir: UInt32, _ path: String, oflags: UInt64 = 0, rights: UInt64 = WasiRights.all.rawValue,
    fdflags: UInt64 = 0, follow: Bool = true
  ) throws -> Result<UInt32, WasiErrno> {
    put(path, at: 1024)
    let errno = try call(
      "path_open", UInt64(dir), follow ? 1 : 0, 1024, UInt64(path.utf8.count), oflags, rights,
      rights,
      fdflags, 2048)
    return errno == .success ? .success(u32(2048)) : .failure(errno)
  }

  /// fd_write of `text` to `fd`; the errno.
  func write(_ fd: UInt32, _ text: String) throws -> WasiErrno {
    put(text, at: 4096)
    putU32(4096, at: 512)
    putU32(UInt32(text.utf8.count), at: 516)
    return try call("fd_write", UInt64(fd), 512, 1, 520)
  }
}

extension Result {
  var value: Success? { if case .success(let value) = self { value } else { nil } }
  var error: Failure? { if case .failure(let error) = self { error } else { nil } }
}

@Suite struct CoreTests {
  @Test func errnoValuesFollowTheSpec() {
    #expect(WasiErrno.toobig.rawValue == 1)
    #expect(WasiErrno.inval.rawValue == 28)
    #expect(WasiErrno.noent.rawValue == 44)
    #expect(WasiErrno.notcapable.rawValue == 76)
    #expect(WasiErrno(hostErrno: ENOENT) == .noent)
    #expect(WasiErrno(hostErrno: EWOULDBLOCK) == .again)
    #expect(WasiErrno(hostErrno: ENOTSUP) == .notsup)
    #expect(WasiErrno(hostErrno: EXDEV) == .xdev)
    #expect(WasiErrno(hostErrno: 9999) == .io)
  }

  @Test func everyPreview1FunctionIsDefined() {
    let expected: Set<String> = [
      "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get",
      "clock_time_get", "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get",
      "fd_fdstat_set_flags", "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size",
      "fd_filestat_set_times", "fd_pread", "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite",
      "fd_read", "fd_readdir", "fd_renumber", "fd_seek", "fd_sync", "fd_tell", "fd_write",
      "path_create_directory", "path_filestat_get", "path_filestat_set_times", "path_link",
      "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
      "path_unlink_file", "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get",
      "sock_accept", "sock_recv", "sock_send", "sock_shutdown",
    ]
    #expect(Set(WasiImport.all.map(\.name)) == expected)
    #expect(WasiImport.all.count == expected.count)
    #expect(WasiImport.all.first { $0.name == "path_open" }?.type.parameters.count == 9)
  }

  @Test func guestPointersAreBoundsChecked() throws {
    let guest = try CoreGuest()
    #expect(try guest.call("fd_write", 1, 65532, 1, 0) == .fault)  // iovec runs off the end
    guest.putU32(0xFFFF_FFFF, at: 0)
    guest.putU32(0xFFFF_FFFF, at: 4)
    #expect(try guest.call("fd_write", 1, 0, 1, 16) == .fault)  // would wrap in 32 bits
    #expect(try guest.call("fd_write", 1, 0, 0, 65535) == .fault)  // result pointer
    #expect(try guest.call("fd_write", 1, 0, 0xFFFF_FFFF, 16) == .fault)  // iovec count
    #expect(try guest.call("args_sizes_get", 65534, 0) == .fault)
    // Outside memory is EFAULT even when there is nothing to write.
    #expect(try guest.call("args_get", 0xFFFF_FFFC, 0) == .fault)
    #expect(try guest.call("random_get", 65000, 1000) == .fault)
    #expect(try guest.call("clock_time_get", 0, 0, 65530) == .fault)
    #expect(try guest.call("poll_oneoff", 0, 0, 0xFFFF_FFFF, 0) == .inval)
    #expect(try guest.call("poll_oneoff", 60000, 0, 1000, 0) == .fault)
    #expect(try guest.call("fd_prestat_dir_name", 0, 0, 0xFFFF_FFFF) == .badf)
    #expect(guest.context.stdoutBuffer.bytes.isEmpty)
  }

  @Test func manyIovecsMakeAShortWrite() throws {
    let guest = try CoreGuest()
    // 2000 one-byte iovecs over "0123456789..." at 40000.
    for index in 0..<2000 {
      guest.putU32(UInt32(40000 + index % 10), at: 8 * index)
      guest.putU32(1, at: 8 * index + 4)
    }
    guest.put("0123456789", at: 40000)
    #expect(try guest.call("fd_write", 1, 0, 2000, 30000) == .success)
    #expect(guest.u32(30000) == 1024)
    #expect(guest.context.stdoutBuffer.bytes.count == 1024)
    // A bad pointer past the first 1024 is still a fault, and nothing is written.
    guest.putU32(0xFFFF_0000, at: 8 * 1500)
    #expect(try guest.call("fd_write", 1, 0, 2000, 30000) == .fault)
    #expect(guest.context.stdoutBuffer.bytes.count == 1024)
  }

  @Test func argumentsAreWrittenWithinBounds() throws {
    let guest = try CoreGuest(WasiConfiguration(arguments: ["a", "bc"], stdout: .buffer()))
    #expect(try guest.call("args_sizes_get", 0, 4) == .success)
    #expect(guest.u32(0) == 2 && guest.u32(4) == 5)
    #expect(try guest.call("args_get", 100, 200) == .success)
    #expect(guest.u32(100) == 200 && guest.u32(104) == 202)
    #expect(Array(guest.memory[200..<205]) == Array("a\0bc\0".utf8))
    #expect(try guest.call("args_get", 100, 65533) == .fault)  // "bc\0" would run off the end
  }

  @Test func descriptorTableIsTheInstancesOwn() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let guest = try CoreGuest(
      WasiConfiguration(
        preopens: [WasiPreopen(hostPath: dir.path, guestPath: "/d")], stdout: .buffer()))
    let first = try #require(try guest.open(3, "a", oflags: 1).value)
    let second = try #require(try guest.open(3, "b", oflags: 1).value)
    #expect((first, second) == (4, 5))
    #expect(try guest.call("fd_close", 4) == .success)
    #expect(try guest.call("fd_close", 4) == .badf)
    #expect(try guest.open(3, "c", oflags: 1).value == 4)  // lowest free number again
    #expect(try guest.call("fd_renumber", 5, 4) == .success)
    #expect(try guest.write(5, "x") == .badf)
    #expect(try guest.write(4, "to b") == .success)
    #expect(try readFile(dir.sub("b")) == Array("to b".utf8))
    #expect(try readFile(dir.sub("c")) == [])
    #expect(try guest.call("fd_prestat_get", 3, 0) == .success)
    #expect(guest.u32(0) == 0 && guest.u32(4) == 2)
    #expect(try guest.call("fd_prestat_dir_name", 3, 16, 1) == .nametoolong)
    #expect(try guest.call("fd_prestat_dir_name", 3, 16, 2) == .success)
    #expect(Array(guest.memory[16..<18]) == Array("/d".utf8))
    #expect(try guest.call("fd_close", 3) == .success)  // a preopen can be closed
    #expect(try guest.open(3, "a").error == .badf)
  }

  @Test func readOnlyPreopenRefusesEveryWrite() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try writeFile(dir.sub("f"), "data")
    let guest = try CoreGuest(
      WasiConfiguration(
        preopens: [WasiPreopen(hostPath: dir.path, isReadOnly: true)], stdout: .buffer()))
    #expect(try guest.call("fd_fdstat_get", 3, 0) == .success)
    let base = WasiRights(rawValue: guest.u64(8))
    let inheriting = WasiRights(rawValue: guest.u64(16))
    #expect(base.isDisjoint(with: .writing) && inheriting.isDisjoint(with: .writing))
    #expect(try guest.open(3, "new", oflags: 1).error == .notcapable)
    #expect(try guest.open(3, "f", oflags: 8).error == .notcapable)
    #expect(try guest.open(3, "f", fdflags: 1).error == .notcapable)  // append
    let fd = try #require(try guest.open(3, "f").value)
    #expect(try guest.write(fd, "x") == .notcapable)
    #expect(try guest.call("fd_filestat_set_size", UInt64(fd), 0) == .notcapable)
    #expect(try guest.call("fd_allocate", UInt64(fd), 0, 10) == .notcapable)
    #expect(
      try guest.call("fd_fdstat_set_rights", UInt64(fd), WasiRights.all.rawValue, 0) == .notcapable)
    #expect(try readFile(dir.sub("f")) == Array("data".utf8))
  }

  @Test func fileOperations() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let guest = try CoreGuest(
      WasiConfiguration(preopens: [WasiPreopen(hostPath: dir.path)], stdout: .buffer()))
    let fd = try #require(try guest.open(3, "f", oflags: 1).value)
    #expect(try guest.write(fd, "hello world") == .success)
    #expect(guest.u32(520) == 11)
    #expect(try guest.call("fd_tell", UInt64(fd), 0) == .success && guest.u64(0) == 11)
    #expect(try guest.call("fd_seek", UInt64(fd), UInt64(bitPattern: -5), 2, 0) == .success)
    #expect(guest.u64(0) == 6)
    #expect(try guest.call("fd_seek", UInt64(fd), 0, 3, 0) == .inval)
    // pread "world" at offset 6 into 4096.
    guest.putU32(4096, at: 512)
    guest.putU32(5, at: 516)
    #expect(try guest.call("fd_pread", UInt64(fd), 512, 1, 6, 520) == .success)
    #expect(guest.u32(520) == 5 && Array(guest.memory[4096..<4101]) == Array("world".utf8))
    #expect(try guest.call("fd_filestat_set_size", UInt64(fd), 5) == .success)
    #expect(try guest.call("fd_allocate", UInt64(fd), 0, 100) == .success)
    #expect(try guest.call("fd_advise", UInt64(fd), 0, 0, 1) == .success)
    #expect(try guest.call("fd_advise", UInt64(fd), 0, 0, 9) == .inval)
    #expect(try guest.call("fd_sync", UInt64(fd)) == .success)
    #expect(try guest.call("fd_datasync", UInt64(fd)) == .success)
    #expect(try guest.call("fd_filestat_get", UInt64(fd), 0) == .success)
    #expect(guest.memory[16] == WasiFileType.regularFile.rawValue && guest.u64(32) == 100)
    // Times: explicit mtime, then read back by path.
    #expect(try guest.call("fd_filestat_set_times", UInt64(fd), 0, 5_000_000_123, 4) == .success)
    // atim together with atim_now is invalid.
    #expect(try guest.call("fd_filestat_set_times", UInt64(fd), 0, 0, 3) == .inval)
    guest.put("f", at: 1024)
    #expect(try guest.call("path_filestat_get", 3, 1, 1024, 1, 0) == .success)
    #expect(guest.u64(48) == 5_000_000_123)
    #expect(
      try guest.call("path_filestat_set_times", 3, 0, 1024, 1, 7_000_000_000, 0, 1) == .success)
    #expect(try guest.call("path_filestat_get", 3, 0, 1024, 1, 0) == .success)
    #expect(guest.u64(40) == 7_000_000_000)
    // Flags: append is honoured, synchronous flags cannot be changed on Linux.
    #expect(try guest.call("fd_fdstat_set_flags", UInt64(fd), 1) == .success)
    #expect(try guest.call("fd_fdstat_get", UInt64(fd), 0) == .success && guest.memory[2] & 1 == 1)
    #expect(try guest.call("fd_fdstat_set_flags", UInt64(fd), 16) == .notsup)
    #expect(try guest.call("fd_seek", UInt64(fd), 0, 0, 0) == .success)
    #expect(try guest.write(fd, "!") == .success)
    #expect(try readFile(dir.sub("f")).count == 101)
    // A file is not a directory.
    #expect(try guest.open(fd, "x").error == .notdir)
  }

  @Test func readdirPagesWithCookies() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var names: Set<String> = [".", ".."]
    for index in 0..<40 {
      let name = "file-with-a-longish-name-\(index)"
      try writeFile(dir.sub(name), "")
      names.insert(name)
    }
    let guest = try CoreGuest(WasiConfiguration(preopens: [WasiPreopen(hostPath: dir.path)]))
    var seen: [String] = []
    var cookie: UInt64 = 0
    var calls = 0
    // A 100-byte buffer holds at most two entries; a truncated last entry is re-read
    // from its cookie, as wasi-libc does.
    while calls < 200 {
      calls += 1
      #expect(try guest.call("fd_readdir", 3, 8192, 100, cookie, 0) == .success)
      let used = Int(guest.u32(0))
      var offset = 8192
      var complete = 0
      while offset + 24 <= 8192 + used {
        let length = Int(guest.u32(offset + 16))
        guard offset + 24 + length <= 8192 + used else { break }
        seen.append(
          String(decoding: guest.memory[(offset + 24)..<(offset + 24 + length)], as: UTF8.self))
        cookie = guest.u64(offset)
        offset += 24 + length
        complete += 1
      }
      if used < 100 { break }
      #expect(complete > 0)
    }
    #expect(Set(seen) == names)
    #expect(seen.count == names.count)
  }

  @Test func pathRightsAreEnforced() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try dir.mkdir("sub")
    let guest = try CoreGuest(WasiConfiguration(preopens: [WasiPreopen(hostPath: dir.path)]))
    // A directory opened with only read rights cannot create in it.
    let sub = try #require(
      try guest.open(3, "sub", oflags: 2, rights: WasiRights([.pathOpen, .fdReaddir]).rawValue)
        .value)
    #expect(try guest.open(sub, "new", oflags: 1).error == .notcapable)
    guest.put("d", at: 1024)
    #expect(try guest.call("path_create_directory", UInt64(sub), 1024, 1) == .notcapable)
    #expect(try guest.call("path_create_directory", 3, 1024, 1) == .success)
    // Rights of a regular file never include directory rights.
    try writeFile(dir.sub("f"), "")
    let file = try #require(try guest.open(3, "f").value)
    #expect(try guest.call("fd_fdstat_get", UInt64(file), 0) == .success)
    #expect(WasiRights(rawValue: guest.u64(8)).isDisjoint(with: .directoryOnly))
    #expect(guest.memory[0] == WasiFileType.regularFile.rawValue)
  }

  /// poll_oneoff on a host descriptor: the clock fires while the socket is empty;
  /// once the peer writes, the socket is reported with its byte count. The clock is
  /// 50 ms while nothing else can happen, and 60 s when the socket is ready (so a
  /// thread descheduled for a while on a loaded machine cannot see it fire too).
  @Test func pollWaitsOnHostDescriptors() throws {
    var pair: [Int32] = [0, 0]
    #expect(
      socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0
    )
    let guest = try CoreGuest()
    let fd = try guest.context.addSocket(hostFD: pair[0])
    func subscribe(clockNanoseconds: UInt64 = 60_000_000_000) {
      guest.put([UInt8](repeating: 0, count: 96), at: 0)
      guest.memory[0] = 11  // userdata
      guest.memory[8] = 1  // fd_read
      guest.putU32(fd, at: 16)
      guest.memory[48] = 22
      guest.memory[56] = 0  // clock
      guest.putU32(1, at: 64)  // monotonic
      guest.putU32(UInt32(truncatingIfNeeded: clockNanoseconds), at: 72)  // relative
      guest.putU32(UInt32(truncatingIfNeeded: clockNanoseconds >> 32), at: 76)
    }
    subscribe(clockNanoseconds: 50_000_000)
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    #expect(try guest.call("poll_oneoff", 0, 1000, 2, 2000) == .success)
    var end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &end)
    let waited = (end.tv_sec - start.tv_sec) * 1_000_000_000 + (end.tv_nsec - start.tv_nsec)
    #expect(guest.u32(2000) == 1)
    #expect(guest.u64(1000) == 22 && guest.memory[1010] == 0)
    #expect(waited >= 50_000_000)

    #expect(write(pair[1], "12345", 5) == 5)
    subscribe()
    #expect(try guest.call("poll_oneoff", 0, 1000, 2, 2000) == .success)
    #expect(guest.u32(2000) == 1)
    #expect(guest.u64(1000) == 11 && guest.memory[1010] == 1)
    #expect(guest.u64(1016) == 5)  // bytes available
    #expect(guest.u32(1008) & 0xFFFF == 0)  // no error

    close(pair[1])
    subscribe()
    #expect(try guest.call("poll_oneoff", 0, 1000, 2, 2000) == .success)
    // The peer is gone: still readable (5 bytes left), and hung up.
    #expect(guest.u64(1000) == 11 && guest.u64(1016) == 5)
    #expect(guest.memory[1024] & 1 == 1)
  }

  @Test func acceptOnAListeningSocket() throws {
    let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    #expect(listener >= 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let name = Array("\0wasi-accept-\(getpid())".utf8)  // abstract: nothing on disk
    withUnsafeMutableBytes(of: &address.sun_path) { path in
      for (index, byte) in name.enumerated() { path[index] = byte }
    }
    let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
    }
    #expect(bound == 0 && listen(listener, 4) == 0)
    let client = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(client) }
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) }
    }
    #expect(connected == 0)
    #expect(write(client, "hi", 2) == 2)

    let guest = try CoreGuest()
    let fd = try guest.context.addSocket(hostFD: listener)
    #expect(try guest.call("sock_accept", UInt64(fd), 0, 0) == .success)
    let accepted = guest.u32(0)
    #expect(accepted == fd + 1)
    #expect(try guest.call("sock_accept", UInt64(fd), 0xFF, 0) == .inval)
    guest.putU32(4096, at: 512)
    guest.putU32(16, at: 516)
    #expect(try guest.call("sock_recv", UInt64(accepted), 512, 1, 1, 520, 524) == .success)  // peek
    #expect(guest.u32(520) == 2)
    #expect(try guest.call("sock_recv", UInt64(accepted), 512, 1, 0, 520, 524) == .success)
    #expect(guest.u32(520) == 2 && Array(guest.memory[4096..<4098]) == Array("hi".utf8))
    #expect(try guest.call("sock_recv", UInt64(accepted), 512, 1, 4, 520, 524) == .inval)
    guest.put("back", at: 4096)
    guest.putU32(4, at: 516)
    #expect(try guest.call("sock_send", UInt64(accepted), 512, 1, 0, 520) == .success)
    var reply = [UInt8](repeating: 0, count: 8)
    #expect(read(client, &reply, 8) == 4 && Array(reply[0..<4]) == Array("back".utf8))
    #expect(try guest.call("sock_shutdown", UInt64(accepted), 9) == .inval)
    #expect(try guest.call("sock_shutdown", UInt64(accepted), 3) == .success)
    #expect(read(client, &reply, 8) == 0)
  }

  /// wasi-libc's isatty() is "character device without seek/tell rights": a
  /// terminal must look like that, /dev/null and in-memory buffers must not.
  @Test func terminalsLookLikeTerminals() throws {
    let guest = try CoreGuest(
      WasiConfiguration(stdout: .file(path: "/dev/ptmx"), stderr: .file(path: "/dev/null")))
    #expect(try guest.call("fd_fdstat_get", 1, 0) == .success)
    #expect(guest.memory[0] == WasiFileType.characterDevice.rawValue)
    #expect(WasiRights(rawValue: guest.u64(8)).isDisjoint(with: [.fdSeek, .fdTell]))
    #expect(try guest.call("fd_fdstat_get", 2, 0) == .success)
    #expect(guest.memory[0] == WasiFileType.characterDevice.rawValue)
    #expect(WasiRights(rawValue: guest.u64(8)).contains(.fdSeek))
    let buffered = try CoreGuest()
    #expect(try buffered.call("fd_fdstat_get", 1, 0) == .success)
    #expect(buffered.memory[0] != WasiFileType.characterDevice.rawValue)
  }

  @Test func trailingSlashesNameDirectories() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try writeFile(dir.sub("f"), "")
    try dir.mkdir("d")
    let guest = try CoreGuest(WasiConfiguration(preopens: [WasiPreopen(hostPath: dir.path)]))
    func call(_ name: String, _ first: String, _ second: String? = nil) throws -> WasiErrno {
      guest.put(first, at: 1024)
      guard let second else { return try guest.call(name, 3, 1024, UInt64(first.utf8.count)) }
      guest.put(second, at: 2048)
      return try guest.call(
        name, 3, 1024, UInt64(first.utf8.count), 3, 2048, UInt64(second.utf8.count))
    }
    #expect(try call("path_unlink_file", "f/") == .notdir)
    #expect(try call("path_unlink_file", "d/") == .isdir)
    #expect(try call("path_rename", "f/", "g") == .notdir)
    #expect(try call("path_rename", "f", "g/") == .notdir)
    #expect(try call("path_rename", "d/", "e/") == .success)
    #expect(try call("path_create_directory", "n/") == .success)
    #expect(try call("path_remove_directory", "n/") == .success)
    #expect(shellOutput("ls '\(dir.path)' | tr '\\n' ' '") == "e f ")
  }

  /// A directory on the path is swapped for a symlink to the outside while the guest
  /// opens through it: the kernel-checked resolution never lets one open escape.
  @Test func symlinkSwappedInDuringResolution() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try dir.mkdir("box")
    try dir.mkdir("box/real")
    try dir.mkdir("outside")
    try writeFile(dir.sub("box/real/secret.txt"), "inside")
    try writeFile(dir.sub("outside/secret.txt"), "OUTSIDE")
    #expect(symlink(dir.sub("outside"), dir.sub("box/evil")) == 0)
    let guest = try CoreGuest(WasiConfiguration(preopens: [WasiPreopen(hostPath: dir.sub("box"))]))
    let boxPath = dir.sub("box")
    var thread = pthread_t()
    let started = pthread_create(
      &thread, nil,
      { argument in
        let path = Unmanaged<NSStringBox>.fromOpaque(argument.unsafelyUnwrapped).takeRetainedValue()
          .value
        let real = "\(path)/real"
        let evil = "\(path)/evil"
        let hold = "\(path)/hold"
        // Swap the two names over and over: "real" is sometimes the link out.
        for _ in 0..<5000 {
          rename(real, hold)
          rename(evil, real)
          rename(real, evil)
          rename(hold, real)
        }
        return nil
      }, Unmanaged.passRetained(NSStringBox(boxPath)).toOpaque())
    #expect(started == 0)
    var insideReads = 0
    for _ in 0..<3000 {
      for name in ["real/secret.txt", "evil/secret.txt"] {
        guard let fd = try guest.open(3, name).value else { continue }
        guest.putU32(4096, at: 512)
        guest.putU32(16, at: 516)
        #expect(try guest.call("fd_read", UInt64(fd), 512, 1, 520) == .success)
        let text = String(
          decoding: guest.memory[4096..<(4096 + Int(guest.u32(520)))], as: UTF8.self)
        #expect(text == "inside")
        insideReads += 1
        _ = try guest.call("fd_close", UInt64(fd))
      }
    }
    pthread_join(thread, nil)
    #expect(insideReads > 0)
  }
}

/// Carries a String into a pthread.
final class NSStringBox {
  let value: String
  init(_ value: String) { self.value = value }
}
