// Decoding and validation errors.
//
// Messages follow the spirit of the spec testsuite's expected texts ("unexpected end",
// "integer too large", "type mismatch", "unknown local", ...) so that the spec harness
// can compare them and a person reading one knows what the spec says went wrong.

/// An error found while decoding or validating a module, with where it was found.
public struct WasmError: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    /// The bytes are not a well-formed binary module (spec: `assert_malformed`).
    case malformed
    /// The module is well-formed but does not validate (spec: `assert_invalid`).
    case invalid
    /// A limit of this implementation was exceeded (not a spec error).
    case implementationLimit
  }

  public var kind: Kind
  /// Byte offset in the module binary where the problem was found.
  public var offset: Int
  /// A short, spec-style message, for example "unexpected end" or "type mismatch".
  public var message: String

  public init(_ kind: Kind, _ message: String, at offset: Int) {
    self.kind = kind
    self.message = message
    self.offset = offset
  }

  public static func malformed(_ message: String, at offset: Int) -> WasmError {
    WasmError(.malformed, message, at: offset)
  }

  public static func invalid(_ message: String, at offset: Int) -> WasmError {
    WasmError(.invalid, message, at: offset)
  }

  public var description: String {
    let kindText: String
    switch kind {
    case .malformed: kindText = "malformed"
    case .invalid: kindText = "invalid"
    case .implementationLimit: kindText = "implementation limit"
    }
    return "\(kindText) module at offset 0x\(String(offset, radix: 16)): \(message)"
  }
}
