// The GC heap's collector: a non-moving mark and sweep, run by an allocation of
// running code when the heap has grown past its threshold (twice what survived
// the last collection, at least `GCStatistics.minimumThreshold`).
//
// Roots: the value stack's live part (from its base to the end of the running
// frame), scanned conservatively: a cell counts when it is the address of an
// object of this store (a set lookup, never a dereference of an arbitrary value),
// so an integer that happens to equal an address only keeps that object a little
// longer. Objects never move, so a conservative root is always safe. Precise roots:
// the globals, tables and element segments of every instance, the payloads of
// exceptions an `exnref` may reach and of the one propagating, and objects the
// host holds (until it releases them, GCHostReferences.swift). Inside objects,
// only those whose type has reference fields are scanned. docs/gc.md says why.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Counters of a store's GC heap.
public struct GCStatistics: Sendable {
  /// Bytes allocated since the store was made (objects and their headers).
  public var allocatedBytes = 0
  /// Collections run, and the longest and total time they took.
  public var collections = 0
  public var longestPause: Duration = .zero
  public var totalPause: Duration = .zero
  /// Bytes of objects alive after the last collection.
  public var liveBytesAfterLastCollection = 0
  /// Objects the host holds (not yet released with `Store.release(_:)`).
  public var hostHeldObjects = 0

  /// The heap size below which no collection runs.
  static let minimumThreshold = 4 << 20
}

extension StoreRuntime {
  /// Marks every object reachable from the roots and frees the others. `stackTop`:
  /// the end of the value stack's live part.
  func collect(stackTop: UnsafeMutablePointer<UInt64>) {
    let clock = ContinuousClock()
    let start = clock.now
    var work: [UInt] = []
    func visit(_ cell: UInt64) {
      guard GCRef.isObject(cell) else { return }
      let address = UInt(truncatingIfNeeded: cell)
      guard gcObjects.contains(address) else { return }
      let header = GCHeader.header(cell)
      guard header.pointee.tag & GCHeader.markBit == 0 else { return }
      header.pointee.tag |= GCHeader.markBit
      if header.pointee.tag & GCHeader.referencesBit != 0 { work.append(address) }
    }
    func visit(_ cells: UnsafeMutablePointer<UInt64>, count: Int) {
      var i = 0
      while i < count {
        visit(cells[i])
        i += 1
      }
    }
    // Roots.
    if let stack, stackTop > stack { visit(stack, count: stackTop - stack) }
    for instance in instances {
      for global in instance.globals { visit(global.cell, count: 2) }
      for table in instance.tables {
        visit(table.state.pointee.elements, count: table.state.pointee.count)
      }
      for segment in instance.elementSegments {
        if let base = segment.pointee.base {
          visit(base.assumingMemoryBound(to: UInt64.self), count: segment.pointee.count)
        }
      }
    }
    var exceptions = exposedExceptions
    if let pending = context.pointee.pendingException { exceptions.append(pending) }
    for exception in exceptions {
      visit(ExceptionHeader.payload(exception), count: exception.pointee.cellCount)
    }
    for (address, _) in hostHandles { visit(UInt64(address)) }
    // Everything reachable from them.
    while let address = work.popLast() {
      let cell = UInt64(address)
      let header = GCHeader.header(cell)
      let cells =
        header.pointee.cellsPerElement == 0
        ? header.pointee.count : header.pointee.count * header.pointee.cellsPerElement
      visit(GCHeader.cells(cell), count: cells)
    }
    // Sweep.
    var live = 0
    var survivors: Set<UInt> = []
    survivors.reserveCapacity(gcObjects.count)
    for address in gcObjects {
      let header = UnsafeMutablePointer<GCHeader>(bitPattern: address).unsafelyUnwrapped
      if header.pointee.tag & GCHeader.markBit != 0 {
        header.pointee.tag &= ~GCHeader.markBit
        live += Self.objectBytes(header)
        survivors.insert(address)
      } else {
        free(UnsafeMutableRawPointer(header))
      }
    }
    gcObjects = survivors
    gcBytes = live
    gcThreshold = max(GCStatistics.minimumThreshold, 2 * live)
    let pause = clock.now - start
    gcStatistics.collections += 1
    gcStatistics.totalPause += pause
    if pause > gcStatistics.longestPause { gcStatistics.longestPause = pause }
    gcStatistics.liveBytesAfterLastCollection = live
  }

  /// The bytes an object takes, header included.
  static func objectBytes(_ header: UnsafeMutablePointer<GCHeader>) -> Int {
    let cells =
      header.pointee.cellsPerElement == 0
      ? header.pointee.count : header.pointee.count * header.pointee.cellsPerElement
    return MemoryLayout<GCHeader>.stride + cells * 8
  }

}
