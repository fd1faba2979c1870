// The one error type of the registry client, the cache and the artifact readers.
// Every failure a user can meet (a bad reference, a registry that answers 401, a
// blob whose bytes do not match their digest) is a value with a kind a caller can
// test and a message that says what was being fetched from where.

/// A failure of the registry client, the cache, an image layout or an artifact.
public struct OCIError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What went wrong, for callers that react differently (the CLI's exit status, a
  /// refetch after a corrupt cache entry).
  public enum Kind: String, Sendable {
    /// The reference text cannot be parsed.
    case invalidReference
    /// DNS, connection, TLS or a timeout: the registry could not be talked to.
    case network
    /// The registry wants credentials we do not have, or refused the ones we sent.
    case unauthorized
    /// 404: no such repository, tag, manifest or blob.
    case notFound
    /// Any other unexpected HTTP status.
    case httpStatus
    /// Bytes that do not hash to the digest that names them.
    case digestMismatch
    /// A body shorter or longer than its descriptor or Content-Length says.
    case sizeMismatch
    /// A declared or actual size above the client's limits.
    case tooLarge
    /// A redirect loop, too many redirects, or a redirect we refuse to follow.
    case redirect
    /// A manifest, index, config or tar the client cannot read.
    case malformed
    /// A well-formed manifest that carries no WebAssembly module we can find.
    case unsupported
    /// An index that lists no wasm platform.
    case noWasmPlatform
    /// Plain HTTP to a host that is neither loopback nor marked insecure.
    case insecureTransport
    /// The local cache or an image layout folder could not be read or written.
    case storage
  }

  public var kind: Kind
  public var message: String

  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}
