// Errors in WebAssembly text (`.wat`) and script (`.wast`) sources.

/// A text-format error: where in the source it is and what is wrong.
public struct TextError: Error, Hashable, Sendable, CustomStringConvertible {
  /// 1-based line of the offending token.
  public var line: Int
  /// 1-based column (in bytes) of the offending token.
  public var column: Int
  /// What is wrong, in terms of the text format ("unknown operator", ...).
  public var message: String

  public init(line: Int, column: Int, message: String) {
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String { "\(line):\(column): \(message)" }
}
