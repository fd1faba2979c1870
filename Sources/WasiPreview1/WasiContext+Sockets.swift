// sock_accept, sock_recv, sock_send and sock_shutdown over host sockets the embedder
// handed to the instance (`WasiContext.addSocket`) or inherited as a standard stream.
import Glibc
import WasiSys

extension WasiContext {
  func sockAccept(_ memory: WasiMemory, _ fd: UInt32, flags: UInt16, result: UInt32)
    throws(WasiErrno)
  {
    let descriptor = try table.get(fd)
    try descriptor.require(.sockAccept)
    guard flags & ~WasiFdFlags.nonblock.rawValue == 0 else { throw .inval }
    guard let host = descriptor.hostFD else { throw .notsock }
    _ = try memory.range(result, 4)
    var hostFlags = Int32(SOCK_CLOEXEC.rawValue)
    if flags & WasiFdFlags.nonblock.rawValue != 0 { hostFlags |= Int32(SOCK_NONBLOCK.rawValue) }
    let accepted = try check { wasi_accept4(host, hostFlags) }
    let owner = HostFileDescriptor(accepted)
    let newFD = try table.insert(
      WasiDescriptor(
        backing: .host(owner), fileType: .socketStream,
        rightsBase: WasiRights.stream.subtracting(.sockAccept), rightsInheriting: []))
    try memory.store(newFD, result)
  }

  func sockRecv(
    _ memory: WasiMemory, _ fd: UInt32, iovs: UInt32, count: UInt32, flags: UInt16,
    dataLength: UInt32, resultFlags: UInt32
  ) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    try descriptor.require(.fdRead)
    guard flags & ~0x3 == 0 else { throw .inval }
    guard let host = descriptor.hostFD else { throw .notsock }
    let buffers = try memory.iovecs(iovs, count)
    _ = try memory.range(dataLength, 4)
    _ = try memory.range(resultFlags, 2)
    var hostFlags: Int32 = 0
    if flags & 1 != 0 { hostFlags |= Int32(MSG_PEEK) }
    if flags & 2 != 0 { hostFlags |= Int32(MSG_WAITALL) }
    var vectors = Self.hostIovecs(buffers)
    let (received, messageFlags) = try vectors.withUnsafeMutableBufferPointer {
      vectorBuffer throws(WasiErrno) -> (Int, Int32) in
      var message = msghdr()
      message.msg_iov = vectorBuffer.baseAddress
      message.msg_iovlen = vectorBuffer.count
      let count = try check { recvmsg(host, &message, hostFlags) }
      return (count, message.msg_flags)
    }
    try memory.store(UInt32(truncatingIfNeeded: received), dataLength)
    let truncated = messageFlags & Int32(MSG_TRUNC) != 0
    try memory.store(UInt16(truncated ? 1 : 0), resultFlags)
  }

  func sockSend(
    _ memory: WasiMemory, _ fd: UInt32, iovs: UInt32, count: UInt32, flags: UInt16, result: UInt32
  ) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    try descriptor.require(.fdWrite)
    guard flags == 0 else { throw .inval }
    guard let host = descriptor.hostFD else { throw .notsock }
    let buffers = try memory.iovecs(iovs, count)
    _ = try memory.range(result, 4)
    var vectors = Self.hostIovecs(buffers)
    let sent = try vectors.withUnsafeMutableBufferPointer { vectorBuffer throws(WasiErrno) -> Int in
      var message = msghdr()
      message.msg_iov = vectorBuffer.baseAddress
      message.msg_iovlen = vectorBuffer.count
      // MSG_NOSIGNAL: a closed peer is EPIPE for the guest, not SIGPIPE for the host.
      return try checkWrite { sendmsg(host, &message, Int32(MSG_NOSIGNAL)) }
    }
    try memory.store(UInt32(truncatingIfNeeded: sent), result)
  }

  func sockShutdown(_ fd: UInt32, how: UInt8) throws(WasiErrno) {
    let descriptor = try table.get(fd)
    try descriptor.require(.sockShutdown)
    let hostHow: Int32
    switch how {
    case 1: hostHow = Int32(SHUT_RD)
    case 2: hostHow = Int32(SHUT_WR)
    case 3: hostHow = Int32(SHUT_RDWR)
    default: throw .inval
    }
    guard let host = descriptor.hostFD else { throw .notsock }
    try check { shutdown(host, hostHow) }
  }
}
