// A small HTTP server on a free loopback port, over SwiftNIO's HTTP/1 server
// pipeline, for what a real registry will not do: the bearer-token service the
// registry's token auth needs, and a hostile registry (redirect loops, bodies cut
// off, oversized manifests) whose every answer the test writes.

import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

struct TestRequest: Sendable {
  var method: HTTPMethod
  var uri: String
  var headers: HTTPHeaders
  var body: [UInt8]

  var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }

  /// The query's values for `name`, percent-decoded.
  func query(_ name: String) -> [String] {
    guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return [] }
    return query.split(separator: "&").compactMap { pair in
      let parts = pair.split(separator: "=", maxSplits: 1)
      guard parts.count == 2, parts[0] == name else { return nil }
      return String(parts[1]).removingPercentEncoding
    }
  }
}

struct TestResponse: Sendable {
  var status: HTTPResponseStatus
  var headers: [(String, String)] = []
  var body: [UInt8] = []
  /// Send only this many bytes of the body, then close the connection (the
  /// Content-Length still promises all of it).
  var cutAfter: Int? = nil

  static func json(_ text: String, status: HTTPResponseStatus = .ok) -> TestResponse {
    TestResponse(
      status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
  }
}

final class TestHTTPServer: Sendable {
  let port: Int
  private let channel: any Channel
  /// Requests seen, in order ("METHOD URI").
  let requests = NIOLockedValueBox<[String]>([])

  init(handler: @escaping @Sendable (TestRequest) -> TestResponse) throws {
    let seen = requests
    let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.configureHTTPServerPipeline()
          try channel.pipeline.syncOperations.addHandler(
            RequestHandler(handler: handler, seen: seen))
        }
      }
    channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
    port = channel.localAddress?.port ?? 0
  }

  var address: String { "127.0.0.1:\(port)" }

  func stop() {
    try? channel.close().wait()
  }
}

private final class RequestHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  let handler: @Sendable (TestRequest) -> TestResponse
  let seen: NIOLockedValueBox<[String]>
  var head: HTTPRequestHead?
  var body: [UInt8] = []

  init(
    handler: @escaping @Sendable (TestRequest) -> TestResponse, seen: NIOLockedValueBox<[String]>
  ) {
    self.handler = handler
    self.seen = seen
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    switch unwrapInboundIn(data) {
    case .head(let head):
      self.head = head
      body = []
    case .body(var buffer):
      body += buffer.readBytes(length: buffer.readableBytes) ?? []
    case .end:
      guard let head else { return }
      seen.withLockedValue { $0.append("\(head.method.rawValue) \(head.uri)") }
      let response = handler(
        TestRequest(method: head.method, uri: head.uri, headers: head.headers, body: body))
      var headers = HTTPHeaders(response.headers)
      if !headers.contains(name: "Content-Length") && !headers.contains(name: "Transfer-Encoding") {
        headers.add(name: "Content-Length", value: String(response.body.count))
      }
      context.write(
        wrapOutboundOut(
          .head(HTTPResponseHead(version: head.version, status: response.status, headers: headers))),
        promise: nil)
      let sent = response.cutAfter.map { min($0, response.body.count) } ?? response.body.count
      if sent > 0 || head.method != .HEAD {
        context.write(
          wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body.prefix(sent))))),
          promise: nil)
      }
      if response.cutAfter != nil {
        context.flush()
        context.close(promise: nil)
      } else {
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
      }
      self.head = nil
    }
  }
}
