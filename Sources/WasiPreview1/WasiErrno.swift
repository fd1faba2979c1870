// The `errno` type of wasi_snapshot_preview1 and the mapping from Linux errno values.
// https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-errno-variant
import Glibc

/// A WASI error number. Every WASI function returns one (`success` is 0).
public enum WasiErrno: UInt16, Error, Sendable {
  case success = 0, toobig, acces, addrinuse, addrnotavail, afnosupport, again, already
  case badf, badmsg, busy, canceled, child, connaborted, connrefused, connreset, deadlk
  case destaddrreq, dom, dquot, exist, fault, fbig, hostunreach, idrm, ilseq, inprogress
  case intr, inval, io, isconn, isdir, loop, mfile, mlink, msgsize, multihop, nametoolong
  case netdown, netreset, netunreach, nfile, nobufs, nodev, noent, noexec, nolck, nolink
  case nomem, nomsg, noprotoopt, nospc, nosys, notconn, notdir, notempty, notrecoverable
  case notsock, notsup, notty, nxio, overflow, ownerdead, perm, pipe, proto, protonosupport
  case prototype, range, rofs, spipe, srch, stale, timedout, txtbsy, xdev, notcapable

  /// The WASI equivalent of a Linux `errno` value (`EIO` for the few with none).
  public init(hostErrno code: Int32) {
    self = WasiErrno.hostTable[code] ?? .io
  }

  /// The WASI equivalent of the calling thread's current `errno`.
  static var current: WasiErrno { WasiErrno(hostErrno: errno) }

  /// The Linux `errno` value for this error, for host modules that report Linux
  /// numbers: `notcapable` (no Linux equivalent) is `EACCES`, `success` is 0.
  public var hostErrno: Int32 {
    switch self {
    case .success: return 0
    case .notcapable: return EACCES
    default: return WasiErrno.hostTable.first { $0.value == self }?.key ?? EIO
    }
  }

  private static let hostTable: [Int32: WasiErrno] = [
    E2BIG: .toobig, EACCES: .acces, EADDRINUSE: .addrinuse, EADDRNOTAVAIL: .addrnotavail,
    EAFNOSUPPORT: .afnosupport, EAGAIN: .again, EALREADY: .already, EBADF: .badf,
    EBADMSG: .badmsg, EBUSY: .busy, ECANCELED: .canceled, ECHILD: .child,
    ECONNABORTED: .connaborted, ECONNREFUSED: .connrefused, ECONNRESET: .connreset,
    EDEADLK: .deadlk, EDESTADDRREQ: .destaddrreq, EDOM: .dom, EDQUOT: .dquot, EEXIST: .exist,
    EFAULT: .fault, EFBIG: .fbig, EHOSTUNREACH: .hostunreach, EIDRM: .idrm, EILSEQ: .ilseq,
    EINPROGRESS: .inprogress, EINTR: .intr, EINVAL: .inval, EIO: .io, EISCONN: .isconn,
    EISDIR: .isdir, ELOOP: .loop, EMFILE: .mfile, EMLINK: .mlink, EMSGSIZE: .msgsize,
    EMULTIHOP: .multihop, ENAMETOOLONG: .nametoolong, ENETDOWN: .netdown,
    ENETRESET: .netreset, ENETUNREACH: .netunreach, ENFILE: .nfile, ENOBUFS: .nobufs,
    ENODEV: .nodev, ENOENT: .noent, ENOEXEC: .noexec, ENOLCK: .nolck, ENOLINK: .nolink,
    ENOMEM: .nomem, ENOMSG: .nomsg, ENOPROTOOPT: .noprotoopt, ENOSPC: .nospc,
    ENOSYS: .nosys, ENOTCONN: .notconn, ENOTDIR: .notdir, ENOTEMPTY: .notempty,
    ENOTRECOVERABLE: .notrecoverable, ENOTSOCK: .notsock, EOPNOTSUPP: .notsup,
    ENOTTY: .notty, ENXIO: .nxio, EOVERFLOW: .overflow, EOWNERDEAD: .ownerdead,
    EPERM: .perm, EPIPE: .pipe, EPROTO: .proto, EPROTONOSUPPORT: .protonosupport,
    EPROTOTYPE: .prototype, ERANGE: .range, EROFS: .rofs, ESPIPE: .spipe, ESRCH: .srch,
    ESTALE: .stale, ETIMEDOUT: .timedout, ETXTBSY: .txtbsy, EXDEV: .xdev,
  ]
}
