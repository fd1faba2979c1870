// Who is on the other end of the Unix socket. The kernel records the connecting
// process's pid, uid and gid when it connects (SO_PEERCRED); the agent answers only
// root (or the uids the operator added), whatever the socket file's mode says, so a
// mistaken chmod does not open the node's eBPF to everyone.

import NIOCore

#if canImport(Glibc)
  import Glibc
#endif

/// The connecting process's identity as the kernel saw it at connect time.
public struct PeerCredentials: Sendable, Equatable {
  public var pid: Int32
  public var uid: UInt32
  public var gid: UInt32
}

extension PeerCredentials {
  /// Reads SO_PEERCRED from a connected Unix-socket channel; nil for other channels.
  static func of(_ channel: any Channel) async -> PeerCredentials? {
    guard let provider = channel as? any SocketOptionProvider else { return nil }
    do {
      let value: KernelUcred = try await provider.unsafeGetSocketOption(
        level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
      ).get()
      return PeerCredentials(pid: value.pid, uid: value.uid, gid: value.gid)
    } catch {
      return nil
    }
  }
}

/// `struct ucred` of <sys/socket.h> (pid, uid, gid: three 32-bit fields), which glibc
/// declares only under _GNU_SOURCE, so Swift's Glibc module does not see it.
struct KernelUcred: Sendable {
  var pid: Int32 = 0
  var uid: UInt32 = 0
  var gid: UInt32 = 0
}
