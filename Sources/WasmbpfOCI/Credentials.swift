// Registry credentials, from the files other OCI tools write, in the order
// containers/image (skopeo, podman) reads them, which ends with Docker's:
//
//   $REGISTRY_AUTH_FILE
//   $XDG_RUNTIME_DIR/containers/auth.json
//   $HOME/.config/containers/auth.json
//   $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json
//
// Each is `{"auths": {"HOST[:PORT]": {"auth": base64("user:password")}}}`; Docker's may
// also name a credential helper (`credHelpers` per host, or `credsStore` for all),
// the `docker-credential-NAME` program that `docker login` stored the secret with.

import Foundation

/// A user name and password (or an identity token) for one registry.
public struct Credentials: Sendable, Equatable {
  public var username: String
  public var password: String
  /// Where they came from, for messages (never the secret itself).
  public var source: String

  public init(username: String, password: String, source: String) {
    self.username = username
    self.password = password
    self.source = source
  }
}

/// Finds credentials for a registry host in the auth files.
public struct CredentialStore: Sendable {
  /// The files read, in order (the first that has an entry for a host wins).
  public var files: [String]
  /// Folders searched for `docker-credential-NAME` helpers; nil: $PATH.
  public var helperSearchPath: String?

  /// The standard files, from the environment.
  public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> CredentialStore
  {
    var files: [String] = []
    if let file = environment["REGISTRY_AUTH_FILE"], !file.isEmpty { files.append(file) }
    if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
      files.append(runtime + "/containers/auth.json")
    }
    let home = environment["HOME"] ?? NSHomeDirectory()
    files.append(home + "/.config/containers/auth.json")
    if let docker = environment["DOCKER_CONFIG"], !docker.isEmpty {
      files.append(docker + "/config.json")
    } else {
      files.append(home + "/.docker/config.json")
    }
    return CredentialStore(files: files, helperSearchPath: environment["PATH"])
  }

  public init(files: [String], helperSearchPath: String? = nil) {
    self.files = files
    self.helperSearchPath = helperSearchPath
  }

  /// No credentials at all (anonymous access only).
  public static let none = CredentialStore(files: [])

  private struct AuthFile: Decodable {
    struct Entry: Decodable {
      var auth: String?
      var username: String?
      var password: String?
      var identitytoken: String?
    }
    var auths: [String: Entry]?
    var credHelpers: [String: String]?
    var credsStore: String?
  }

  /// The credentials for `registry` (`host[:port]`), or nil for anonymous access. A
  /// file that exists but cannot be read or parsed is an error: silently going
  /// anonymous would turn a typo into a confusing 401.
  public func credentials(for registry: String) throws(OCIError) -> Credentials? {
    let keys = Self.keys(for: registry)
    for path in files {
      guard let bytes = try readAuthFile(path) else { continue }
      let file: AuthFile = try decodeJSON(bytes, what: path)
      for (key, entry) in file.auths ?? [:] where keys.contains(Self.normalize(key)) {
        if let credentials = try decodeEntry(entry, path: path, key: key) { return credentials }
      }
      if let helper = file.credHelpers?.first(where: { keys.contains(Self.normalize($0.key)) })?
        .value ?? file.credsStore
      {
        if let credentials = try CredentialHelper(name: helper, searchPath: helperSearchPath)
          .get(serverURL: registry)
        {
          return credentials
        }
      }
    }
    return nil
  }

  private func decodeEntry(_ entry: AuthFile.Entry, path: String, key: String) throws(OCIError)
    -> Credentials?
  {
    if let username = entry.username, let password = entry.password {
      return Credentials(username: username, password: password, source: path)
    }
    if let token = entry.identitytoken, !token.isEmpty {
      // An OAuth2 refresh token (Docker Hub with 2FA): not supported (docs/oci.md).
      throw OCIError(
        .unauthorized,
        "\(path): the entry for '\(key)' holds an identity token, which wasmbpf does not "
          + "exchange; log in with a user name and password or an access token")
    }
    guard let auth = entry.auth, !auth.isEmpty else { return nil }
    guard let data = Data(base64Encoded: auth), let text = String(data: data, encoding: .utf8),
      let colon = text.firstIndex(of: ":")
    else {
      throw OCIError(.unauthorized, "\(path): 'auth' of '\(key)' is not base64 of user:password")
    }
    return Credentials(
      username: String(text[..<colon]), password: String(text[text.index(after: colon)...]),
      source: path)
  }

  private func readAuthFile(_ path: String) throws(OCIError) -> [UInt8]? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    do {
      return try readFileBounded(path, limit: 1 << 20)
    } catch {
      throw OCIError(.unauthorized, "cannot read the credentials file \(path): \(error.message)")
    }
  }

  /// The keys a host may be stored under: `host`, `https://host`, `http://host/v1/`...
  /// all normalize to the host; Docker Hub's `index.docker.io` names `docker.io` too.
  static func keys(for registry: String) -> Set<String> {
    var keys: Set<String> = [registry]
    if registry == RegistryReference.dockerHub {
      keys.formUnion(["index.docker.io", "registry-1.docker.io"])
    }
    return keys
  }

  static func normalize(_ key: String) -> String {
    var text = Substring(key)
    for scheme in ["https://", "http://"] where text.hasPrefix(scheme) {
      text = text.dropFirst(scheme.count)
    }
    if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
    return text.lowercased()
  }
}

/// `docker-credential-NAME get`: the host on stdin, `{"Username", "Secret"}` on stdout.
struct CredentialHelper {
  var name: String
  var searchPath: String?

  func get(serverURL: String) throws(OCIError) -> Credentials? {
    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    else {
      throw OCIError(.unauthorized, "credential helper name '\(name.prefix(64))' is not valid")
    }
    let program = "docker-credential-" + name
    guard let path = findExecutable(program, searchPath: searchPath) else {
      throw OCIError(
        .unauthorized, "the credentials file names the helper \(program), which is not on PATH")
    }
    let result: ChildOutput
    do {
      result = try runChild(
        path, arguments: ["get"], input: Array(serverURL.utf8), outputLimit: 64 << 10,
        timeoutMilliseconds: 30_000)
    } catch {
      throw OCIError(.unauthorized, "\(program) get: \(error.message)")
    }
    struct Answer: Decodable {
      var Username: String?
      var Secret: String?
    }
    guard result.status == 0 else {
      // Helpers say "credentials not found in native keychain" and exit 1.
      let message = String(decoding: result.output.prefix(200), as: UTF8.self)
      if message.contains("not found") { return nil }
      throw OCIError(.unauthorized, "\(program) get failed (status \(result.status)): \(message)")
    }
    let answer: Answer = try decodeJSON(result.output, what: "\(program) output")
    guard let username = answer.Username, let secret = answer.Secret else { return nil }
    if username == "<token>" {
      throw OCIError(
        .unauthorized, "\(program) returned an identity token, which wasmbpf does not exchange")
    }
    return Credentials(username: username, password: secret, source: program)
  }
}
