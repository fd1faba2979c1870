// An OCI distribution API client (https://github.com/opencontainers/distribution-spec):
// the transport rules of `TransportPolicy`, the auth dance of a 401 (Basic, or a
// Bearer token from the realm the registry names), redirects followed by hand
// (bounded, loops refused, credentials never sent to another origin, no downgrade to
// plain HTTP), and every response body read against a size limit. What is fetched
// and pushed is in RegistryClient+Content.swift.

import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// The settings of a `RegistryClient`.
public struct RegistryClientConfiguration: Sendable {
  public var transport = TransportPolicy()
  public var credentials = CredentialStore.standard()
  public var limits = Limits()
  public var userAgent = "wasmbpf-oci/0.1"
  /// Host names answered with a fixed address instead of DNS (like curl's `--resolve`),
  /// for tests that need a host name that is not loopback.
  public var resolve: [String: String] = [:]
  /// Seconds to connect; seconds a response may go silent; seconds one transfer may take.
  public var connectTimeout: Int64 = 15
  public var readTimeout: Int64 = 60
  public var transferTimeLimit: Int64 = 3600
  /// Whether a failed connection attempt is retried (with backoff, until the connect
  /// timeout). Off by default: a command should report an unknown host, a refused
  /// connection or a TLS failure at once, and probing HTTPS before plain HTTP on a
  /// loopback registry must not wait out the timeout. A long-running agent may want it.
  public var retriesConnections = false

  public init() {}

  /// The configuration every command line and daemon starts from: credentials from
  /// the files `environment` names, `insecureRegistries` (`host[:port]`, as
  /// `--insecure-registry` gives them), and `$WASMBPF_CERTS_DIRS` (folders of
  /// `HOST[:PORT]/*.crt`, colon-separated) in place of the standard certs.d folders.
  public init(environment: [String: String], insecureRegistries: [String]) {
    transport.insecureRegistries = Set(insecureRegistries.map { $0.lowercased() })
    credentials = CredentialStore.standard(environment: environment)
    if let folders = environment["WASMBPF_CERTS_DIRS"] {
      transport.certificateDirectories = folders.split(separator: ":").map(String.init)
    }
  }
}

/// The scope of a registry operation, for bearer tokens: pull, or pull and push.
public enum RegistryAccess: String, Sendable {
  case pull = "pull"
  case push = "pull,push"
}

/// A client for OCI registries. Create one per command (it holds connections and
/// tokens) and `shutdown()` it when done.
public final class RegistryClient: Sendable {
  public let configuration: RegistryClientConfiguration
  let http: HTTPClient
  private let state = NIOLockedValueBox(State())

  private struct State {
    /// `https://host` or `http://host`, once a registry answered.
    var endpoints: [String: String] = [:]
    /// The challenge a registry's `/v2/` answered with.
    var challenges: [String: AuthChallenge] = [:]
    /// Authorization header values by "registry repository access".
    var authorizations: [String: String] = [:]
  }

  public init(configuration: RegistryClientConfiguration = RegistryClientConfiguration()) {
    self.configuration = configuration
    var http = HTTPClient.Configuration(
      redirectConfiguration: .disallow,
      timeout: .init(
        connect: .seconds(configuration.connectTimeout),
        read: .seconds(configuration.readTimeout)),
      decompression: .disabled)
    http.dnsOverride = configuration.resolve
    http.connectionPool.retryConnectionEstablishment = configuration.retriesConnections
    self.http = HTTPClient(
      eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: http)
  }

  /// Closes the connections; call once, when done with the client.
  public func shutdown() async {
    try? await http.shutdown()
  }

  var limits: Limits { configuration.limits }

  // MARK: Requests

  /// A request to send: the path under the registry (`/v2/...`) or an absolute URL
  /// (an upload location).
  struct Call {
    var method: HTTPMethod
    var target: String
    var headers: [(String, String)] = []
    var body: [UInt8]? = nil
  }

  /// Sends `call` to `registry`, authenticating for `repository` with `access` when
  /// the registry asks, and following redirects of GET and HEAD.
  func send(
    _ call: Call, registry: String, repository: String, access: RegistryAccess
  ) async throws(OCIError) -> HTTPClientResponse {
    let base = try await endpoint(registry)
    let url = call.target.hasPrefix("/") ? base + call.target : call.target
    let scopeKey = "\(registry) \(repository) \(access.rawValue)"
    var authorization = state.withLockedValue { state in
      state.authorizations[scopeKey]
    }
    if authorization == nil, let challenge = state.withLockedValue({ $0.challenges[registry] }) {
      authorization = try await authorize(
        challenge, registry: registry, repository: repository, access: access)
      state.withLockedValue { $0.authorizations[scopeKey] = authorization }
    }
    var response = try await sendFollowingRedirects(
      call, url: url, registry: registry, authorization: authorization)
    guard response.status == .unauthorized else { return response }

    let header = response.headers.first(name: "WWW-Authenticate") ?? ""
    await discard(response)
    guard let challenge = AuthChallenge(header: header) else {
      throw OCIError(
        .unauthorized,
        "\(registry) refused the request (401) and names no Basic or Bearer challenge")
    }
    let refused = authorization != nil
    state.withLockedValue { $0.challenges[registry] = challenge }
    let renewed = try await authorize(
      challenge, registry: registry, repository: repository, access: access)
    guard !refused || renewed != authorization else { throw refusal(registry, repository) }
    state.withLockedValue { $0.authorizations[scopeKey] = renewed }
    response = try await sendFollowingRedirects(
      call, url: url, registry: registry, authorization: renewed)
    if response.status == .unauthorized {
      await discard(response)
      throw refusal(registry, repository)
    }
    return response
  }

  /// The error of a 401 that credentials (or their absence) did not get past.
  private func refusal(_ registry: String, _ repository: String) -> OCIError {
    guard let source = ((try? configuration.credentials.credentials(for: registry)) ?? nil)?.source
    else {
      return OCIError(
        .unauthorized,
        "\(registry) refused anonymous access to \(repository) (401); no credentials are "
          + "configured for it (docker login, or an auth entry in ~/.docker/config.json)")
    }
    return OCIError(
      .unauthorized, "\(registry) refused the credentials from \(source) for \(repository) (401)")
  }

  /// The Authorization header value for `challenge`.
  private func authorize(
    _ challenge: AuthChallenge, registry: String, repository: String, access: RegistryAccess
  ) async throws(OCIError) -> String {
    let credentials = try configuration.credentials.credentials(for: registry)
    switch challenge.scheme {
    case .basic:
      guard let credentials else {
        throw OCIError(
          .unauthorized,
          "\(registry) requires credentials (401, Basic) and none are configured for it "
            + "(docker login, or an auth entry in ~/.docker/config.json)")
      }
      return "Basic " + basicToken(credentials)
    case .bearer:
      return "Bearer "
        + (try await fetchToken(
          challenge, registry: registry, repository: repository, access: access,
          credentials: credentials))
    }
  }

  private func basicToken(_ credentials: Credentials) -> String {
    Data((credentials.username + ":" + credentials.password).utf8).base64EncodedString()
  }

  /// GET realm?service=...&scope=repository:NAME:ACTIONS, with Basic credentials
  /// when we have some (anonymous tokens otherwise).
  private func fetchToken(
    _ challenge: AuthChallenge, registry: String, repository: String, access: RegistryAccess,
    credentials: Credentials?
  ) async throws(OCIError) -> String {
    guard let realm = challenge.realm, var components = URLComponents(string: realm),
      let scheme = components.scheme, scheme == "https" || scheme == "http",
      let host = components.host
    else {
      throw OCIError(.unauthorized, "\(registry) names an unusable token realm")
    }
    let realmHost = components.port.map { "\(host):\($0)" } ?? host
    if scheme == "http" && !configuration.transport.allowsPlainHTTP(realmHost) {
      throw OCIError(
        .insecureTransport,
        "\(registry) names the token realm \(realm), over plain HTTP to a host that is neither "
          + "loopback nor an --insecure-registry")
    }
    var query = components.queryItems ?? []
    if let service = challenge.service {
      query.append(URLQueryItem(name: "service", value: service))
    }
    query.append(URLQueryItem(name: "scope", value: "repository:\(repository):\(access.rawValue)"))
    components.queryItems = query
    guard let url = components.string else {
      throw OCIError(.unauthorized, "\(registry) names an unusable token realm")
    }
    var request = HTTPClientRequest(url: url)
    request.headers.add(name: "User-Agent", value: configuration.userAgent)
    if let credentials {
      request.headers.add(name: "Authorization", value: "Basic " + basicToken(credentials))
    }
    request.tlsConfiguration = try configuration.transport.tlsConfiguration(for: realmHost)
    let response = try await execute(request, what: "token request to \(realmHost)")
    guard response.status == .ok else {
      let detail = await errorDetail(response)
      let status = response.status.code
      throw OCIError(
        .unauthorized,
        "the token service \(realmHost) refused \(credentials == nil ? "anonymous " : "")access "
          + "to \(repository) (\(status))\(detail)")
    }
    let body = try await readBody(response, limit: 64 << 10, what: "token response")
    let token: TokenResponse = try decodeJSON(body, what: "token response")
    guard let value = token.value, !value.isEmpty, value.utf8.count <= 16 << 10,
      value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
    else {
      throw OCIError(.unauthorized, "the token service \(realmHost) answered without a token")
    }
    return value
  }

  /// Follows redirects of GET/HEAD: at most `limits.redirects`, no URL twice, only to
  /// http(s), never down to plain HTTP for a host that may not have it, and without
  /// the Authorization header once the origin changes.
  private func sendFollowingRedirects(
    _ call: Call, url: String, registry: String, authorization: String?
  ) async throws(OCIError) -> HTTPClientResponse {
    var current = url
    var visited: [String] = [url]
    var authorization = authorization
    let origin = Self.origin(of: url)
    for _ in 0...limits.redirects {
      var request = HTTPClientRequest(url: current)
      request.method = call.method
      request.headers.add(name: "User-Agent", value: configuration.userAgent)
      for (name, value) in call.headers { request.headers.add(name: name, value: value) }
      if let authorization { request.headers.add(name: "Authorization", value: authorization) }
      if let body = call.body {
        request.body = .bytes(ByteBuffer(bytes: body))
        request.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
      }
      request.tlsConfiguration = try configuration.transport.tlsConfiguration(
        for: Self.hostPort(of: current) ?? registry)
      let response = try await execute(request, what: "\(call.method.rawValue) \(current)")
      let redirectCodes: Set<UInt> = [301, 302, 303, 307, 308]
      guard redirectCodes.contains(response.status.code),
        call.method == .GET || call.method == .HEAD
      else {
        return response
      }
      let location = response.headers.first(name: "Location")
      await discard(response)
      guard let location,
        let next = URL(string: location, relativeTo: URL(string: current))?
          .absoluteString
      else {
        throw OCIError(
          .redirect, "\(current) redirects (\(response.status.code)) without a usable Location")
      }
      guard next.hasPrefix("https://") || next.hasPrefix("http://") else {
        throw OCIError(.redirect, "\(current) redirects to a non-HTTP URL")
      }
      if next.hasPrefix("http://"),
        !configuration.transport.allowsPlainHTTP(Self.hostPort(of: next) ?? "")
      {
        throw OCIError(
          .insecureTransport,
          "\(current) redirects to plain HTTP (\(next.prefix(200))), to a host that is neither "
            + "loopback nor an --insecure-registry")
      }
      guard !visited.contains(next) else {
        throw OCIError(
          .redirect, "redirect loop: \(next.prefix(200)) was already visited (from \(url))")
      }
      visited.append(next)
      if Self.origin(of: next) != origin { authorization = nil }
      current = next
    }
    throw OCIError(.redirect, "more than \(limits.redirects) redirects from \(url)")
  }

  /// Executes one request, turning transport failures into `OCIError.network`.
  func execute(_ request: HTTPClientRequest, what: String) async throws(OCIError)
    -> HTTPClientResponse
  {
    do {
      return try await http.execute(request, timeout: .seconds(configuration.readTimeout))
    } catch {
      throw OCIError(.network, "\(what): \(Self.describeTransportError(error))")
    }
  }

  /// `https://host:port` or `http://host:port` for `registry`: HTTPS when it answers;
  /// plain HTTP after HTTPS failed, only for a loopback or insecure registry.
  func endpoint(_ registry: String) async throws(OCIError) -> String {
    if let known = state.withLockedValue({ $0.endpoints[registry] }) { return known }
    let host = registry == RegistryReference.dockerHub ? "registry-1.docker.io" : registry
    do {
      return try await ping(registry: registry, base: "https://" + host)
    } catch let secure {
      guard secure.kind == .network, configuration.transport.allowsPlainHTTP(registry) else {
        throw OCIError(secure.kind, "cannot reach registry \(registry): \(secure.message)")
      }
      do {
        return try await ping(registry: registry, base: "http://" + host)
      } catch let plain {
        throw OCIError(
          plain.kind,
          "cannot reach registry \(registry): over HTTPS: \(secure.message); over HTTP: "
            + plain.message)
      }
    }
  }

  /// GET /v2/, which a registry answers with 200, or 401 and its challenge. Anything
  /// else (a TLS server's 400 to plain HTTP, a web server's 404) is not a registry
  /// endpoint, and counts as a failure of this scheme.
  private func ping(registry: String, base: String) async throws(OCIError) -> String {
    var request = HTTPClientRequest(url: base + "/v2/")
    request.headers.add(name: "User-Agent", value: configuration.userAgent)
    request.tlsConfiguration = try configuration.transport.tlsConfiguration(for: registry)
    let response = try await execute(request, what: "GET \(base)/v2/")
    let challenge = response.headers.first(name: "WWW-Authenticate").flatMap(AuthChallenge.init)
    await discard(response)
    guard response.status == .ok || response.status == .unauthorized else {
      throw OCIError(
        .network,
        "GET \(base)/v2/ answered \(response.status.code) \(response.status.reasonPhrase), not a "
          + "registry's 200 or 401")
    }
    state.withLockedValue { state in
      state.endpoints[registry] = base
      if response.status == .unauthorized, let challenge { state.challenges[registry] = challenge }
    }
    return base
  }

  // MARK: Bodies

  /// The whole body, refused past `limit` bytes (declared or received).
  func readBody(_ response: HTTPClientResponse, limit: Int64, what: String) async throws(OCIError)
    -> [UInt8]
  {
    var bytes: [UInt8] = []
    try await streamBody(response, limit: limit, what: what) { chunk throws(OCIError) in
      bytes += chunk.readableBytesView
    }
    return bytes
  }

  /// Hands each chunk of the body to `consume`, refusing more than `limit` bytes (a
  /// Content-Length above it is refused before anything is read) and a transfer that
  /// outlives the time limit.
  func streamBody(
    _ response: HTTPClientResponse, limit: Int64, what: String,
    consume: (ByteBuffer) throws(OCIError) -> Void
  ) async throws(OCIError) {
    if let declared = response.headers.first(name: "Content-Length").flatMap(Int64.init),
      declared > limit
    {
      await discard(response, upTo: 0)
      throw OCIError(
        .tooLarge,
        "\(what): the registry declares \(declared) bytes, more than the limit of \(limit)")
    }
    let deadline = monotonicMilliseconds() + Int(clamping: configuration.transferTimeLimit * 1000)
    var received: Int64 = 0
    do {
      for try await chunk in response.body {
        received += Int64(chunk.readableBytes)
        guard received <= limit else {
          throw OCIError(
            .tooLarge, "\(what): more than the limit of \(limit) bytes received; transfer stopped")
        }
        guard monotonicMilliseconds() <= deadline else {
          throw OCIError(
            .network, "\(what): took longer than \(configuration.transferTimeLimit) s; stopped")
        }
        try consume(chunk)
      }
    } catch let error as OCIError {
      throw error
    } catch {
      throw OCIError(
        .sizeMismatch,
        "\(what): the transfer broke off after \(received) bytes: "
          + Self.describeTransportError(error))
    }
  }

  /// Reads and drops a body (a small one: an error document, a redirect's page).
  func discard(_ response: HTTPClientResponse, upTo limit: Int = 64 << 10) async {
    var seen = 0
    do {
      for try await chunk in response.body {
        seen += chunk.readableBytes
        if seen > limit { break }
      }
    } catch {}
  }

  /// `: MESSAGE` from a registry's error document (`{"errors":[{"code","message"}]}`).
  func errorDetail(_ response: HTTPClientResponse) async -> String {
    struct Document: Decodable {
      struct Entry: Decodable {
        var code: String?
        var message: String?
      }
      var errors: [Entry]?
    }
    guard let body = try? await readBody(response, limit: 64 << 10, what: "error document"),
      let document = try? JSONDecoder().decode(Document.self, from: Data(body)),
      let first = document.errors?.first
    else { return "" }
    let text = [first.code, first.message].compactMap { $0 }.joined(separator: ": ")
    let printable = text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }
    return text.isEmpty ? "" : ": " + String(String.UnicodeScalarView(printable.prefix(200)))
  }

  // MARK: URLs and errors

  /// `scheme://host[:port]` of a URL.
  static func origin(of url: String) -> String {
    guard let parsed = URL(string: url), let scheme = parsed.scheme, let host = parsed.host else {
      return url
    }
    return "\(scheme)://\(host)" + (parsed.port.map { ":\($0)" } ?? "")
  }

  /// `host[:port]` of a URL.
  static func hostPort(of url: String) -> String? {
    guard let parsed = URL(string: url), let host = parsed.host else { return nil }
    let name = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    return name + (parsed.port.map { ":\($0)" } ?? "")
  }

  /// A one-line reason for a failed connection or transfer.
  static func describeTransportError(_ error: any Error) -> String {
    if let error = error as? HTTPClientError {
      switch error {
      case .connectTimeout: return "connection timed out"
      case .readTimeout: return "no data for too long (read timeout)"
      case .deadlineExceeded: return "no response in time"
      case .remoteConnectionClosed: return "the server closed the connection"
      case .tlsHandshakeTimeout: return "TLS handshake timed out"
      default: return "\(error)"
      }
    }
    let text = String(describing: error)
    if text.contains("UnknownHost") || text.contains("NXDOMAIN") {
      let reason = text.range(of: "UnknownHost: ").map { text[$0.upperBound...] }?
        .prefix { $0 != "(" }.trimmingCharacters(in: .whitespaces)
      return "unknown host (DNS lookup failed: \(reason ?? text))"
    }
    if text.contains("connectionRefused") || text.contains("Connection refused") {
      return "connection refused"
    }
    if text.contains("certificate verify failed") || text.contains("CERTIFICATE_VERIFY_FAILED") {
      return "TLS certificate not trusted (system store and certs.d): \(text)"
    }
    return text
  }
}
