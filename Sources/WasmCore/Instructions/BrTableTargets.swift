// The immediate of `br_table`, as a view over the instruction's bytes.
// https://webassembly.github.io/spec/core/binary/instructions.html#control-instructions

/// The targets of a `br_table`, read lazily from the (already checked) bytes of the
/// instruction, so visiting one allocates nothing. Valid only during the visit.
public struct BrTableTargets: Sequence {
  @usableFromInline let start: UnsafePointer<UInt8>
  /// Number of targets, not counting the default.
  public let count: Int
  /// The label used when the operand is out of range.
  public let defaultTarget: UInt32

  @inlinable
  init(start: UnsafePointer<UInt8>, count: Int, defaultTarget: UInt32) {
    self.start = start
    self.count = count
    self.defaultTarget = defaultTarget
  }

  public struct Iterator: IteratorProtocol {
    @usableFromInline var pointer: UnsafePointer<UInt8>
    @usableFromInline var remaining: Int

    @inlinable
    init(pointer: UnsafePointer<UInt8>, remaining: Int) {
      self.pointer = pointer
      self.remaining = remaining
    }

    @inlinable
    public mutating func next() -> UInt32? {
      guard remaining > 0 else { return nil }
      remaining -= 1
      // The decoder checked every LEB128 before handing out the view.
      var result: UInt32 = 0
      var shift: UInt32 = 0
      while true {
        let byte = pointer.pointee
        pointer += 1
        result |= UInt32(byte & 0x7F) << shift
        if byte & 0x80 == 0 || shift >= 28 { return result }
        shift += 7
      }
    }
  }

  @inlinable
  public func makeIterator() -> Iterator { Iterator(pointer: start, remaining: count) }

  @inlinable
  public var underestimatedCount: Int { count }
}
