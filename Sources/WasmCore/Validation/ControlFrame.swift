// Control frames of the validation algorithm.
// https://webassembly.github.io/spec/core/appendix/algorithm.html#data-structures
//
// A frame does not copy its block's types: it refers to them (no type, one result,
// or a function type of the module), so opening a block allocates nothing.

/// The parameter and result types of a block, or of the function body itself.
package struct BlockSignature: Hashable, Sendable {
  package var parameterCount: Int
  package var resultCount: Int
  /// The function type that holds the types, for type-index block types and the
  /// function body; nil for the empty and single-result forms.
  package var typeIndex: UInt32?
  /// The result of a single-result block type (`unknown` otherwise).
  package var singleResult: OperandType

  /// `[] -> []`.
  package static let empty = BlockSignature(
    parameterCount: 0, resultCount: 0, typeIndex: nil, singleResult: .unknown)

  /// `[] -> [type]`.
  @inlinable
  package static func single(_ type: OperandType) -> BlockSignature {
    BlockSignature(parameterCount: 0, resultCount: 1, typeIndex: nil, singleResult: type)
  }

  @inlinable
  package init(parameterCount: Int, resultCount: Int, typeIndex: UInt32?, singleResult: OperandType)
  {
    self.parameterCount = parameterCount
    self.resultCount = resultCount
    self.typeIndex = typeIndex
    self.singleResult = singleResult
  }
}

/// One entry of the validator's control stack.
package struct ControlFrame: Hashable, Sendable {
  package enum Kind: UInt8, Hashable, Sendable {
    /// The function body (the bottom frame).
    case function
    case block
    case loop
    /// An `if` whose `else` has not been seen (yet).
    case `if`
    /// The `else` branch of an `if`.
    case `else`
    /// A `try_table` (exception handling): a block whose catch clauses branch out.
    case tryTable
  }

  package var kind: Kind
  package var signature: BlockSignature
  /// Operand stack height when the frame was entered, below its parameters.
  package var height: Int
  /// Whether the rest of the frame is unreachable (after `br`, `return`, ...):
  /// operands below `height` then pop as `unknown`.
  package var unreachable: Bool
  /// Offset of the instruction that opened the frame.
  package var offset: Int
  /// How many non-defaultable locals were initialised when the frame was entered
  /// (the frame's end forgets the ones initialised inside it).
  package var initializationHeight: Int

  @inlinable
  package init(
    kind: Kind, signature: BlockSignature, height: Int, unreachable: Bool, offset: Int,
    initializationHeight: Int = 0
  ) {
    self.kind = kind
    self.signature = signature
    self.height = height
    self.unreachable = unreachable
    self.offset = offset
    self.initializationHeight = initializationHeight
  }

  /// How many values a branch to this frame's label carries: a loop's parameters,
  /// otherwise the results.
  @inlinable
  package var labelArity: Int {
    kind == .loop ? signature.parameterCount : signature.resultCount
  }
}
