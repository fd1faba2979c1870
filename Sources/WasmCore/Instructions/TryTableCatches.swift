// The catch clauses of `try_table`, as a view over the instruction's bytes.
// https://webassembly.github.io/spec/core/binary/instructions.html#control-instructions

/// One catch clause of a `try_table`.
public struct CatchClause: Hashable, Sendable {
  public enum Kind: UInt8, Hashable, Sendable {
    /// `catch x l`: exceptions of tag x; the label receives their values.
    case `catch` = 0
    /// `catch_ref x l`: the values, then the exception as an `exnref`.
    case catchRef = 1
    /// `catch_all l`: any exception; the label receives nothing.
    case catchAll = 2
    /// `catch_all_ref l`: any exception, as an `exnref`.
    case catchAllRef = 3

    /// Whether the clause names a tag.
    @inlinable public var hasTag: Bool { self == .catch || self == .catchRef }
    /// Whether the label also receives the exception reference.
    @inlinable public var passesReference: Bool { self == .catchRef || self == .catchAllRef }
  }

  public var kind: Kind
  /// The tag index (0 for the catch-all forms).
  public var tag: UInt32
  /// The branch target, a label depth counted from outside the `try_table`.
  public var label: UInt32

  @inlinable
  public init(kind: Kind, tag: UInt32, label: UInt32) {
    self.kind = kind
    self.tag = tag
    self.label = label
  }
}

/// The catch clauses of a `try_table`, read lazily from the (already checked)
/// bytes of the instruction, so visiting one allocates nothing. Valid only during
/// the visit.
public struct TryTableCatches: Sequence {
  @usableFromInline let start: UnsafePointer<UInt8>
  public let count: Int

  @inlinable
  init(start: UnsafePointer<UInt8>, count: Int) {
    self.start = start
    self.count = count
  }

  public struct Iterator: IteratorProtocol {
    @usableFromInline var pointer: UnsafePointer<UInt8>
    @usableFromInline var remaining: Int

    @inlinable
    init(pointer: UnsafePointer<UInt8>, remaining: Int) {
      self.pointer = pointer
      self.remaining = remaining
    }

    /// A LEB128 u32 the decoder has already checked.
    @inlinable
    mutating func readU32() -> UInt32 {
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

    @inlinable
    public mutating func next() -> CatchClause? {
      guard remaining > 0 else { return nil }
      remaining -= 1
      let kind = CatchClause.Kind(rawValue: pointer.pointee) ?? .catchAll
      pointer += 1
      let tag = kind.hasTag ? readU32() : 0
      return CatchClause(kind: kind, tag: tag, label: readU32())
    }
  }

  @inlinable
  public func makeIterator() -> Iterator { Iterator(pointer: start, remaining: count) }

  @inlinable
  public var underestimatedCount: Int { count }
}
