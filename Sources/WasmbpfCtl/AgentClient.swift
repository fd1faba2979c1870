// A client of wasmbpfd's control API: one HTTP/1.1 request per connection, over the
// Unix socket or loopback TCP, with SwiftNIO's HTTP codec. Requests are built from
// `AgentOperation` (method and path), the same table the server routes from.

import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import WasmbpfAgentAPI

/// Where the agent listens.
public enum AgentEndpoint: Sendable {
  case unixSocket(String)
  case tcp(host: String, port: Int, token: String)
}

/// A response: status, content type and body (the whole body, or streamed).
public struct AgentResponse: Sendable {
  public var status: Int
  public var contentType: String?
  public var body: Data
}

public enum AgentClientError: Error, CustomStringConvertible {
  case cannotConnect(String, String)
  case api(status: Int, APIErrorBody)
  case unexpected(status: Int, String)
  case badResponse(String)

  public var description: String {
    switch self {
    case .cannotConnect(let target, let reason): "cannot reach wasmbpfd at \(target): \(reason)"
    case .api(_, let body): "\(body.error.message) (\(body.error.code.rawValue))"
    case .unexpected(let status, let text): "HTTP \(status): \(text)"
    case .badResponse(let detail): "unexpected response: \(detail)"
    }
  }
}

public struct AgentClient: Sendable {
  public let endpoint: AgentEndpoint

  public init(endpoint: AgentEndpoint) {
    self.endpoint = endpoint
  }

  /// Calls `operation` and decodes its JSON answer; API errors throw `.api`.
  public func call<Result: Decodable>(
    _ operation: AgentOperation, name: String? = nil, query: [(String, String)] = [],
    body: (some Encodable)? = Optional<Int>.none, as type: Result.Type
  ) async throws -> Result {
    let response = try await send(operation, name: name, query: query, body: body)
    do {
      return try JSONDecoder().decode(Result.self, from: response.body)
    } catch {
      throw AgentClientError.badResponse("\(operation.operationID): \(error)")
    }
  }

  /// Calls `operation`; the raw body on success, `.api` on an API error.
  public func send(
    _ operation: AgentOperation, name: String? = nil, query: [(String, String)] = [],
    body: (some Encodable)? = Optional<Int>.none, onChunk: (@Sendable (ByteBuffer) -> Void)? = nil
  ) async throws -> AgentResponse {
    var path = name.map { operation.path(name: $0) } ?? operation.path
    if !query.isEmpty {
      path += "?" + query.map { "\($0.0)=\(percentEncoded($0.1))" }.joined(separator: "&")
    }
    let payload = try body.map { try JSONEncoder().encode($0) }
    let response = try await request(
      method: HTTPMethod(rawValue: operation.method), path: path, body: payload, onChunk: onChunk)
    guard (200..<300).contains(response.status) || (operation == .ready && response.status == 503)
    else {
      if let error = try? JSONDecoder().decode(APIErrorBody.self, from: response.body) {
        throw AgentClientError.api(status: response.status, error)
      }
      throw AgentClientError.unexpected(
        status: response.status, String(decoding: response.body.prefix(500), as: UTF8.self))
    }
    return response
  }

  /// One request on a new connection. With `onChunk`, body parts are handed over as
  /// they arrive (and not collected).
  public func request(
    method: HTTPMethod, path: String, body: Data?, headers extra: [(String, String)] = [],
    onChunk: (@Sendable (ByteBuffer) -> Void)? = nil
  ) async throws -> AgentResponse {
    let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connectTimeout(.seconds(5))
    let initializer:
      @Sendable (any Channel) -> EventLoopFuture<
        NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
      > = { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHTTPClientHandlers()
          return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
        }
      }
    let channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
    var headers = HTTPHeaders([("Host", "localhost"), ("Connection", "close")])
    do {
      switch endpoint {
      case .unixSocket(let socketPath):
        channel = try await bootstrap.connect(
          unixDomainSocketPath: socketPath, channelInitializer: initializer)
      case .tcp(let host, let port, let token):
        channel = try await bootstrap.connect(
          host: host, port: port, channelInitializer: initializer)
        headers.add(name: "Authorization", value: "Bearer " + token)
      }
    } catch {
      throw AgentClientError.cannotConnect(endpointText, "\(error)")
    }
    if let body {
      headers.add(name: "Content-Type", value: "application/json")
      headers.add(name: "Content-Length", value: String(body.count))
    }
    for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
    let head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
    return try await channel.executeThenClose { inbound, outbound in
      do {
        try await outbound.write(.head(head))
        if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        try await outbound.write(.end(nil))
      } catch {
        // The agent may answer and close before reading a body it refuses (too
        // large): its answer is still there to read.
      }
      var status = 0
      var contentType: String?
      var collected = Data()
      for try await part in inbound {
        switch part {
        case .head(let response):
          status = Int(response.status.code)
          contentType = response.headers.first(name: "Content-Type")
        case .body(let buffer):
          if let onChunk, (200..<300).contains(status) {
            onChunk(buffer)
          } else {
            collected.append(contentsOf: buffer.readableBytesView)
          }
        case .end:
          return AgentResponse(status: status, contentType: contentType, body: collected)
        }
      }
      throw AgentClientError.badResponse("the connection closed before the response ended")
    }
  }

  private var endpointText: String {
    switch endpoint {
    case .unixSocket(let path): path
    case .tcp(let host, let port, _): "\(host):\(port)"
    }
  }
}

private func percentEncoded(_ text: String) -> String {
  text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
}
