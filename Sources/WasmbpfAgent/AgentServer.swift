// The control API over HTTP/1.1 (Hummingbird): one route per `AgentOperation`, each
// answered by `respond`, whose switch covers every operation. Errors of any kind leave
// as the one JSON error shape of api/wasmbpfd.openapi.json.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WasmbpfAgentAPI

/// The HTTP side of the API: routes, request parsing, responses.
public struct AgentServer: Sendable {
  /// Largest request body: a load request is a few hundred bytes; an inline policy a
  /// few KiB.
  public static let maxBodyBytes = 1 << 20
  /// Longest `wait`.
  static let maxWaitMilliseconds: UInt64 = 600_000

  let agent: Agent

  public init(agent: Agent) {
    self.agent = agent
  }

  /// A router serving every operation, behind the access check of its listener.
  func router(access: ListenerAccess) -> Router<AgentRequestContext> {
    let router = Router(context: AgentRequestContext.self)
    router.add(middleware: ErrorShapeMiddleware())
    router.add(middleware: AccessMiddleware(access: access))
    for operation in AgentOperation.allCases {
      router.on(
        RouterPath(operation.path), method: HTTPRequest.Method(operation.method)!
      ) { request, context in
        try await respond(to: operation, request: request, context: context)
      }
    }
    return router
  }

  func respond(to operation: AgentOperation, request: Request, context: AgentRequestContext)
    async throws -> Response
  {
    switch operation {
    case .health:
      return json(agent.health(readiness: false))
    case .ready:
      return json(agent.health(readiness: true), status: agent.ready ? .ok : .serviceUnavailable)
    case .metrics:
      return text(agent.metricsText(), contentType: "text/plain; version=0.0.4; charset=utf-8")
    case .listGuests:
      return json(GuestList(guests: agent.list()))
    case .loadGuest:
      let body = try await decodeBody(LoadRequest.self, request)
      return json(try await agent.load(body), status: .created)
    case .getGuest:
      return json(try agent.info(try name(context)))
    case .removeGuest:
      return json(try await agent.remove(try name(context)))
    case .stopGuest:
      return json(try await agent.stop(try name(context)))
    case .pauseGuest:
      return json(try agent.pause(try name(context)))
    case .resumeGuest:
      return json(try agent.resume(try name(context)))
    case .updateGuest:
      let guest = try name(context)
      let body = try await decodeBody(UpdateRequest.self, request)
      return json(try await agent.update(guest, body))
    case .guestLogs:
      return try logs(request: request, context: context)
    case .waitGuest:
      let guest = try name(context)
      let timeout =
        try integerQuery(request, "timeoutMs", max: Self.maxWaitMilliseconds)
        ?? Self.maxWaitMilliseconds
      return json(try await agent.wait(guest, timeout: .milliseconds(Int64(timeout))))
    case .reconcile:
      return json(await agent.reconcile())
    }
  }

  // MARK: logs

  private func logs(request: Request, context: AgentRequestContext) throws -> Response {
    let guest = try name(context)
    let follow = try booleanQuery(request, "follow") ?? false
    let tail = try integerQuery(request, "tail", max: 1_000_000).map { Int($0) }
    let streams: Set<OutputStream>
    switch request.uri.queryParameters.get("stream") {
    case nil, "both": streams = [.stdout, .stderr]
    case "stdout": streams = [.stdout]
    case "stderr": streams = [.stderr]
    case let other?:
      throw APIErrorBody(.invalidField, "stream '\(other)' is not stdout, stderr or both")
    }
    let buffer = try agent.logs(guest)
    var headers = HTTPFields()
    headers[.contentType] = "text/plain; charset=utf-8"
    guard follow else {
      var text = ""
      for line in buffer.snapshot(tail: tail) where streams.contains(line.stream) {
        text += line.text + "\n"
      }
      return Response(
        status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
    let lines = buffer.follow(tail: tail)
    return Response(
      status: .ok, headers: headers,
      body: ResponseBody { writer in
        for await line in lines where streams.contains(line.stream) {
          try await writer.write(ByteBuffer(string: line.text + "\n"))
        }
        try await writer.finish(nil)
      })
  }

  // MARK: request parts

  private func name(_ context: AgentRequestContext) throws(APIErrorBody) -> String {
    let name = context.parameters.get("name") ?? ""
    if let problem = GuestName.problem(name) { throw APIErrorBody(.invalidField, problem) }
    return name
  }

  private func decodeBody<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
    if let contentType = request.headers[.contentType] {
      let mediaType = contentType.split(separator: ";").first.map {
        $0.trimmingCharacters(in: .whitespaces).lowercased()
      }
      guard mediaType == "application/json" else {
        throw APIErrorBody(
          .unsupportedMediaType, "the body must be application/json, not \(contentType)")
      }
    }
    var request = request
    let body: ByteBuffer
    do {
      body = try await request.collectBody(upTo: Self.maxBodyBytes)
    } catch let error as HTTPError where error.status == .contentTooLarge {
      throw APIErrorBody(.bodyTooLarge, "the body is larger than \(Self.maxBodyBytes) bytes")
    } catch is NIOTooManyBytesError {
      throw APIErrorBody(.bodyTooLarge, "the body is larger than \(Self.maxBodyBytes) bytes")
    }
    do {
      return try decodeStrictly(T.self, from: Data(buffer: body))
    } catch {
      throw APIErrorBody(error.code, error.description)
    }
  }

  private func booleanQuery(_ request: Request, _ key: String) throws(APIErrorBody) -> Bool? {
    guard let text = request.uri.queryParameters.get(key) else { return nil }
    switch text {
    case "true", "1": return true
    case "false", "0": return false
    default: throw APIErrorBody(.invalidField, "\(key) '\(text)' is not true or false")
    }
  }

  private func integerQuery(_ request: Request, _ key: String, max: UInt64) throws(APIErrorBody)
    -> UInt64?
  {
    guard let text = request.uri.queryParameters.get(key) else { return nil }
    guard let value = UInt64(text), value <= max else {
      throw APIErrorBody(.invalidField, "\(key) '\(text)' is not an integer from 0 to \(max)")
    }
    return value
  }

  // MARK: responses

  private func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
    jsonResponse(value, status: status)
  }

  private func text(_ text: String, contentType: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = contentType
    return Response(
      status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
  }
}

func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status) -> Response {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
  let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
  var headers = HTTPFields()
  headers[.contentType] = "application/json"
  return Response(
    status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
}

extension APIErrorBody {
  var response: Response {
    jsonResponse(self, status: HTTPResponse.Status(code: error.code.httpStatus))
  }
}

/// Turns whatever a handler or the router throws into the API's error shape.
struct ErrorShapeMiddleware: RouterMiddleware {
  typealias Context = AgentRequestContext

  func handle(
    _ request: Request, context: Context,
    next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    do {
      return try await next(request, context)
    } catch let error as APIErrorBody {
      return error.response
    } catch let error as HTTPError where error.status == .notFound {
      // A path the API has, with another method: 405 and the methods it takes.
      let path = request.uri.path
      let methods = AgentOperation.allCases.filter { $0.matches(path: path) }.map(\.method)
      guard !methods.isEmpty else {
        return APIErrorBody(
          .notFound, "no operation \(request.method) \(path) (see api/wasmbpfd.openapi.json)"
        ).response
      }
      var response = APIErrorBody(
        .methodNotAllowed, "\(path) takes \(methods.joined(separator: ", ")), not \(request.method)"
      ).response
      response.headers[.allow] = methods.joined(separator: ", ")
      return response
    } catch let error as HTTPError {
      let code: APIErrorCode
      switch error.status {
      case .notFound: code = .notFound
      case .contentTooLarge: code = .bodyTooLarge
      case .badRequest: code = .malformedJSON
      case .methodNotAllowed: code = .notFound
      default: code = .internalError
      }
      return APIErrorBody(code, error.body ?? error.status.reasonPhrase).response
    } catch {
      context.logger.error("request failed", metadata: ["error": "\(error)"])
      return APIErrorBody(.internalError, "\(error)").response
    }
  }
}
