// What a guest holds, for embedders that report it (the node agent's `list`).

extension BpfHost {
  /// The names of the maps of every object the guest has loaded, in load order.
  public var mapNames: [String] {
    lock.withLock {
      objects.keys.sorted().flatMap { handle in
        objects[handle].map { $0.description.maps.map(\.name) } ?? []
      }
    }
  }
}
