// The `WWW-Authenticate` challenge of a 401, and the token exchange it asks for:
// https://distribution.github.io/distribution/spec/auth/token/
//
//   Bearer realm="https://auth.example/token",service="registry.example",scope="..."
//   Basic realm="Registry"

/// A parsed challenge.
struct AuthChallenge: Equatable, Sendable {
  enum Scheme: Equatable, Sendable { case basic, bearer }
  var scheme: Scheme
  var parameters: [String: String]

  var realm: String? { parameters["realm"] }
  var service: String? { parameters["service"] }

  /// The first Basic or Bearer challenge in a header value; nil for other schemes.
  init?(header: String) {
    guard header.utf8.count <= 8192 else { return nil }
    var scanner = Scanner(Array(header.utf8))
    scanner.skipSpaces()
    let name = scanner.token().lowercased()
    switch name {
    case "basic": scheme = .basic
    case "bearer": scheme = .bearer
    default: return nil
    }
    var parameters: [String: String] = [:]
    while !scanner.atEnd {
      scanner.skipSpaces()
      let key = scanner.token().lowercased()
      scanner.skipSpaces()
      guard !key.isEmpty, scanner.take(UInt8(ascii: "=")) else { break }
      scanner.skipSpaces()
      guard let value = scanner.value() else { break }
      parameters[key] = value
      scanner.skipSpaces()
      guard scanner.take(UInt8(ascii: ",")) else { break }
    }
    self.parameters = parameters
  }

  /// A small scanner over the header's bytes (tokens, quoted strings).
  private struct Scanner {
    var bytes: [UInt8]
    var index = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var atEnd: Bool { index >= bytes.count }

    mutating func skipSpaces() {
      while index < bytes.count && (bytes[index] == 0x20 || bytes[index] == 0x09) { index += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
      guard index < bytes.count, bytes[index] == byte else { return false }
      index += 1
      return true
    }

    mutating func token() -> String {
      let start = index
      while index < bytes.count, bytes[index] > 0x20, bytes[index] != UInt8(ascii: "="),
        bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "\"")
      {
        index += 1
      }
      return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// A token or a quoted string (with `\` escapes).
    mutating func value() -> String? {
      guard take(UInt8(ascii: "\"")) else { return token() }
      var value: [UInt8] = []
      while index < bytes.count {
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\"") { return String(decoding: value, as: UTF8.self) }
        if byte == UInt8(ascii: "\\"), index < bytes.count {
          value.append(bytes[index])
          index += 1
        } else {
          value.append(byte)
        }
      }
      return nil
    }
  }
}

/// What a token endpoint answers (`token`, or OAuth2's `access_token`).
struct TokenResponse: Decodable {
  var token: String?
  var access_token: String?
  var expires_in: Int?

  var value: String? { token ?? access_token }
}
