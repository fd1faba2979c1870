// Lending a guest's directory descriptor to other host modules, so that a guest can
// name a host resource by a capability it was granted (a preopened directory, or one
// opened beneath it) instead of by a host path: e.g. the cgroup of an fd-based BPF
// attach.

extension WasiContext {
  /// The host fd behind guest fd `guestFD` when it is an open directory, else nil.
  /// The fd stays owned by the WASI table: use it only during the current host call,
  /// never close it.
  public func borrowedDirectoryFD(guestFD: UInt32) -> Int32? {
    guard let descriptor = table[guestFD], descriptor.fileType == .directory else { return nil }
    return descriptor.hostFD
  }
}
