// The wasi_snapshot_preview1 import table: each function's name, Wasm signature and
// how its raw arguments map onto the core (WasiContext). Independent of the
// interpreter: arguments arrive as raw bits (i32 zero-extended, i64 as is) and every
// function but proc_exit returns an errno.
import WasmCore

/// One function of wasi_snapshot_preview1.
public struct WasiImport: Sendable {
  public let name: String
  public let type: FunctionType
  /// Runs the function. Throws `WasiExit` to end the instance; every other outcome
  /// is the returned errno (nil for functions without a result).
  let body: @Sendable (WasiContext, WasiMemory, [UInt64]) throws -> WasiErrno?

  /// Calls the function with raw argument bits; returns its results' raw bits.
  public func call(_ context: WasiContext, memory: WasiMemory, arguments: [UInt64]) throws
    -> [UInt64]
  {
    guard arguments.count == type.parameters.count else { throw WasiErrno.inval }
    guard let errno = try body(context, memory, arguments) else { return [] }
    return [UInt64(errno.rawValue)]
  }
}

extension WasiImport {
  /// The import module name.
  public static let moduleName = "wasi_snapshot_preview1"

  private static func function(
    _ name: String, _ parameters: [ValueType],
    _ body: @escaping @Sendable (WasiContext, WasiMemory, Arguments) throws(WasiErrno) -> Void
  ) -> WasiImport {
    WasiImport(name: name, type: FunctionType(parameters: parameters, results: [.i32])) {
      context, memory, raw in
      do {
        try body(context, memory, Arguments(raw: raw))
        return .success
      } catch let error as WasiErrno {
        return error
      }
    }
  }

  /// Raw arguments, read in order.
  struct Arguments {
    let raw: [UInt64]
    subscript(index: Int) -> UInt32 { UInt32(truncatingIfNeeded: raw[index]) }
    func u64(_ index: Int) -> UInt64 { raw[index] }
    func u16(_ index: Int) -> UInt16 { UInt16(truncatingIfNeeded: raw[index]) }
    func u8(_ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: raw[index]) }
  }

  /// Every function of wasi_snapshot_preview1.
  public static let all: [WasiImport] = {
    let i32 = ValueType.i32
    let i64 = ValueType.i64
    return [
      function("args_get", [i32, i32]) { c, m, a throws(WasiErrno) in
        try c.argsGet(m, argv: a[0], buffer: a[1])
      },
      function("args_sizes_get", [i32, i32]) { c, m, a throws(WasiErrno) in
        try c.argsSizesGet(m, count: a[0], size: a[1])
      },
      function("environ_get", [i32, i32]) { c, m, a throws(WasiErrno) in
        try c.environGet(m, environ: a[0], buffer: a[1])
      },
      function("environ_sizes_get", [i32, i32]) { c, m, a throws(WasiErrno) in
        try c.environSizesGet(m, count: a[0], size: a[1])
      },
      function("clock_res_get", [i32, i32]) { c, m, a throws(WasiErrno) in
        try c.clockResGet(m, id: a[0], result: a[1])
      },
      function("clock_time_get", [i32, i64, i32]) { c, m, a throws(WasiErrno) in
        try c.clockTimeGet(m, id: a[0], precision: a.u64(1), result: a[2])
      },
      function("fd_advise", [i32, i64, i64, i32]) { c, _, a throws(WasiErrno) in
        try c.fdAdvise(a[0], offset: a.u64(1), length: a.u64(2), advice: a.u8(3))
      },
      function("fd_allocate", [i32, i64, i64]) { c, _, a throws(WasiErrno) in
        try c.fdAllocate(a[0], offset: a.u64(1), length: a.u64(2))
      },
      function("fd_close", [i32]) { c, _, a throws(WasiErrno) in try c.fdClose(a[0]) },
      function("fd_datasync", [i32]) { c, _, a throws(WasiErrno) in
        try c.fdSync(a[0], dataOnly: true)
      },
      function("fd_fdstat_get", [i32, i32]) { c, m, a throws(WasiErrno) in
        try c.fdFdstatGet(m, a[0], result: a[1])
      },
      function("fd_fdstat_set_flags", [i32, i32]) { c, _, a throws(WasiErrno) in
        try c.fdFdstatSetFlags(a[0], flags: a.u16(1))
      },
      function("fd_fdstat_set_rights", [i32, i64, i64]) { c, _, a throws(WasiErrno) in
        try c.fdFdstatSetRights(a[0], base: a.u64(1), inheriting: a.u64(2))
      },
      function("fd_filestat_get", [i32, i32]) { c, m, a throws(WasiErrno) in
        try c.fdFilestatGet(m, a[0], result: a[1])
      },
      function("fd_filestat_set_size", [i32, i64]) { c, _, a throws(WasiErrno) in
        try c.fdFilestatSetSize(a[0], size: a.u64(1))
      },
      function("fd_filestat_set_times", [i32, i64, i64, i32]) { c, _, a throws(WasiErrno) in
        try c.fdFilestatSetTimes(a[0], atim: a.u64(1), mtim: a.u64(2), flags: a.u16(3))
      },
      function("fd_pread", [i32, i32, i32, i64, i32]) { c, m, a throws(WasiErrno) in
        try c.fdPread(m, a[0], iovs: a[1], count: a[2], offset: a.u64(3), result: a[4])
      },
      function("fd_prestat_get", [i32, i32]) { c, m, a throws(WasiErrno) in
        try c.fdPrestatGet(m, a[0], result: a[1])
      },
      function("fd_prestat_dir_name", [i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.fdPrestatDirName(m, a[0], path: a[1], length: a[2])
      },
      function("fd_pwrite", [i32, i32, i32, i64, i32]) { c, m, a throws(WasiErrno) in
        try c.fdPwrite(m, a[0], iovs: a[1], count: a[2], offset: a.u64(3), result: a[4])
      },
      function("fd_read", [i32, i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.fdRead(m, a[0], iovs: a[1], count: a[2], result: a[3])
      },
      function("fd_readdir", [i32, i32, i32, i64, i32]) { c, m, a throws(WasiErrno) in
        try c.fdReaddir(m, a[0], buffer: a[1], length: a[2], cookie: a.u64(3), result: a[4])
      },
      function("fd_renumber", [i32, i32]) { c, _, a throws(WasiErrno) in
        try c.fdRenumber(a[0], to: a[1])
      },
      function("fd_seek", [i32, i64, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.fdSeek(m, a[0], offset: Int64(bitPattern: a.u64(1)), whence: a.u8(2), result: a[3])
      },
      function("fd_sync", [i32]) { c, _, a throws(WasiErrno) in try c.fdSync(a[0], dataOnly: false)
      },
      function("fd_tell", [i32, i32]) { c, m, a throws(WasiErrno) in
        try c.fdTell(m, a[0], result: a[1])
      },
      function("fd_write", [i32, i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.fdWrite(m, a[0], iovs: a[1], count: a[2], result: a[3])
      },
      function("path_create_directory", [i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.pathCreateDirectory(m, a[0], path: a[1], length: a[2])
      },
      function("path_filestat_get", [i32, i32, i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.pathFilestatGet(m, a[0], lookupFlags: a[1], path: a[2], length: a[3], result: a[4])
      },
      function("path_filestat_set_times", [i32, i32, i32, i32, i64, i64, i32]) {
        c, m, a throws(WasiErrno) in
        try c.pathFilestatSetTimes(
          m, a[0], lookupFlags: a[1], path: a[2], length: a[3], atim: a.u64(4), mtim: a.u64(5),
          flags: a.u16(6))
      },
      function("path_link", [i32, i32, i32, i32, i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.pathLink(
          m, a[0], lookupFlags: a[1], oldPath: a[2], oldLength: a[3], newFD: a[4], newPath: a[5],
          newLength: a[6])
      },
      function("path_open", [i32, i32, i32, i32, i32, i64, i64, i32, i32]) {
        c, m, a throws(WasiErrno) in
        try c.pathOpen(
          m, a[0], lookupFlags: a[1], path: a[2], pathLength: a[3], openFlags: a.u16(4),
          rightsBase: a.u64(5), rightsInheriting: a.u64(6), fdFlags: a.u16(7), result: a[8])
      },
      function("path_readlink", [i32, i32, i32, i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.pathReadlink(
          m, a[0], path: a[1], length: a[2], buffer: a[3], bufferLength: a[4], result: a[5])
      },
      function("path_remove_directory", [i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.pathRemoveDirectory(m, a[0], path: a[1], length: a[2])
      },
      function("path_rename", [i32, i32, i32, i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.pathRename(
          m, a[0], oldPath: a[1], oldLength: a[2], newFD: a[3], newPath: a[4], newLength: a[5])
      },
      function("path_symlink", [i32, i32, i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.pathSymlink(m, oldPath: a[0], oldLength: a[1], a[2], newPath: a[3], newLength: a[4])
      },
      function("path_unlink_file", [i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.pathUnlinkFile(m, a[0], path: a[1], length: a[2])
      },
      function("poll_oneoff", [i32, i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.pollOneoff(m, subscriptions: a[0], events: a[1], count: a[2], result: a[3])
      },
      WasiImport(name: "proc_exit", type: FunctionType(parameters: [i32], results: [])) {
        _, _, raw in
        throw WasiExit(code: UInt32(truncatingIfNeeded: raw[0]))
      },
      WasiImport(name: "proc_raise", type: FunctionType(parameters: [i32], results: [i32])) {
        context, _, raw in
        do {
          try context.procRaise(signal: UInt8(truncatingIfNeeded: raw[0]))
          return .success
        } catch let error as WasiErrno {
          return error
        }
      },
      function("random_get", [i32, i32]) { c, m, a throws(WasiErrno) in
        try c.randomGet(m, buffer: a[0], length: a[1])
      },
      function("sched_yield", []) { c, _, _ throws(WasiErrno) in try c.schedYield() },
      function("sock_accept", [i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.sockAccept(m, a[0], flags: a.u16(1), result: a[2])
      },
      function("sock_recv", [i32, i32, i32, i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.sockRecv(
          m, a[0], iovs: a[1], count: a[2], flags: a.u16(3), dataLength: a[4], resultFlags: a[5])
      },
      function("sock_send", [i32, i32, i32, i32, i32]) { c, m, a throws(WasiErrno) in
        try c.sockSend(m, a[0], iovs: a[1], count: a[2], flags: a.u16(3), result: a[4])
      },
      function("sock_shutdown", [i32, i32]) { c, _, a throws(WasiErrno) in
        try c.sockShutdown(a[0], how: a.u8(1))
      },
    ]
  }()
}
