// Content digests (`sha256:<64 hex>`), as the OCI image spec defines them:
// https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests
// Only sha256 is accepted: it is what every registry and tool writes, and a digest
// we cannot verify must not be trusted.

import Crypto

/// A sha256 content digest.
public struct OCIDigest: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
  /// 64 lowercase hexadecimal digits.
  public let hex: String

  /// Parses `sha256:` followed by 64 lowercase hex digits.
  public init(parsing text: String) throws(OCIError) {
    guard let colon = text.firstIndex(of: ":") else {
      throw OCIError(.malformed, "'\(text.prefix(80))' is not a digest (expected sha256:<hex>)")
    }
    let algorithm = text[..<colon]
    let encoded = text[text.index(after: colon)...]
    guard algorithm == "sha256" else {
      throw OCIError(
        .unsupported, "digest algorithm '\(algorithm.prefix(32))' is not supported (only sha256)")
    }
    guard encoded.utf8.count == 64,
      encoded.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
    else {
      throw OCIError(.malformed, "'\(text.prefix(80))' is not a sha256 digest (64 lowercase hex)")
    }
    hex = String(encoded)
  }

  private init(hex: String) { self.hex = hex }

  /// The digest of `bytes`.
  public static func of(_ bytes: [UInt8]) -> OCIDigest {
    var hasher = DigestHasher()
    hasher.update(bytes)
    return hasher.finish()
  }

  fileprivate static func fromHash(_ digest: SHA256.Digest) -> OCIDigest {
    let table = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(64)
    for byte in digest {
      text.append(table[Int(byte >> 4)])
      text.append(table[Int(byte & 0xF)])
    }
    return OCIDigest(hex: String(decoding: text, as: UTF8.self))
  }

  public var description: String { "sha256:" + hex }
  /// The first 12 hex digits, for messages and listings.
  public var short: String { String(hex.prefix(12)) }

  public static func < (lhs: OCIDigest, rhs: OCIDigest) -> Bool { lhs.hex < rhs.hex }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    self = try OCIDigest(parsing: text)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

/// Hashes a stream of chunks and counts them: what a download checks against the
/// descriptor that named it.
public struct DigestHasher: Sendable {
  private var hash = SHA256()
  /// Bytes seen so far.
  public private(set) var count: Int64 = 0

  public init() {}

  public mutating func update(_ raw: UnsafeRawBufferPointer) {
    hash.update(bufferPointer: raw)
    count &+= Int64(raw.count)
  }

  public mutating func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0) }
  }

  public func finish() -> OCIDigest { OCIDigest.fromHash(hash.finalize()) }
}

extension OCIDigest {
  /// Checks that `bytes` hash to this digest; `what` names them in the error.
  public func verify(_ bytes: [UInt8], what: String) throws(OCIError) {
    let actual = OCIDigest.of(bytes)
    guard actual == self else {
      throw OCIError(
        .digestMismatch, "\(what): content has digest \(actual), expected \(self)")
    }
  }
}
