// What a guest holds in the kernel, for embedders that report it.

extension Guest {
  /// The names of the maps of the objects the guest has loaded (empty before it loads
  /// one, and once it has finished).
  public var bpfMaps: [String] {
    (locked { host })?.mapNames ?? []
  }
}
