// The bearer-token half of registry auth (https://distribution.github.io/distribution/spec/auth/token/),
// which docker-registry delegates to a service of its own: this one issues JWTs
// signed with ES256 by a key openssl made for the test, carrying the key's
// certificate in the `x5c` header so that the registry checks it against its
// `rootcertbundle`. A user with the right password gets what they ask for; anyone
// else gets a token that grants nothing.

import Crypto
import Foundation
import Testing

final class TokenService {
  let server: TestHTTPServer
  let certificatePath: String
  let folder: String
  static let service = "wasmbpf-test-registry"
  static let issuer = "wasmbpf-test-issuer"

  var realm: String { "http://\(server.address)/token" }

  init(user: String, password: String) throws {
    let openssl = try tool("openssl", package: "openssl")
    folder = try temporaryFolder("token")
    let made = try run([
      openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-keyout", folder + "/key.pem", "-out", folder + "/cert.pem", "-days", "2",
      "-subj", "/CN=wasmbpf test token issuer",
    ])
    try #require(made.status == 0, "openssl: \(made.stderr)")
    certificatePath = folder + "/cert.pem"
    let key = try P256.Signing.PrivateKey(
      pemRepresentation: String(contentsOfFile: folder + "/key.pem", encoding: .utf8))
    let certificate = try String(contentsOfFile: certificatePath, encoding: .utf8)
    // The PEM body is the certificate's DER in base64: what x5c holds.
    let der = certificate.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    let expected = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    server = try TestHTTPServer { request in
      guard request.path == "/token" else { return TestResponse(status: .notFound) }
      let authenticated = request.headers.first(name: "Authorization") == expected
      if request.headers.contains(name: "Authorization") && !authenticated {
        return .json(
          #"{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}"#,
          status: .unauthorized)
      }
      var access: [[String: Any]] = []
      if authenticated {
        for scope in request.query("scope") {
          // repository:NAME:ACTIONS
          let parts = scope.split(separator: ":")
          guard parts.count == 3, parts[0] == "repository" else { continue }
          access.append([
            "type": "repository", "name": String(parts[1]),
            "actions": parts[2].split(separator: ",").map(String.init),
          ])
        }
      }
      let now = Int(Date().timeIntervalSince1970)
      let claims: [String: Any] = [
        "iss": Self.issuer, "sub": authenticated ? user : "", "aud": Self.service,
        "exp": now + 300, "nbf": now - 30, "iat": now, "jti": UUID().uuidString, "access": access,
      ]
      let header: [String: Any] = ["alg": "ES256", "typ": "JWT", "x5c": [der]]
      let token = Self.sign(header: header, claims: claims, key: key)
      return .json(#"{"token":"\#(token)","expires_in":300}"#)
    }
  }

  func stop() {
    server.stop()
    removeFolder(folder)
  }

  private static func sign(
    header: [String: Any], claims: [String: Any], key: P256.Signing.PrivateKey
  )
    -> String
  {
    func encode(_ object: [String: Any]) -> String {
      base64URL(
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }
    let input = encode(header) + "." + encode(claims)
    let signature = (try? key.signature(for: Data(input.utf8)))?.rawRepresentation ?? Data()
    return input + "." + base64URL(signature)
  }

  private static func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
  }
}
