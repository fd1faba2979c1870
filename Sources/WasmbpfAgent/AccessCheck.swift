// Who may use the API. On the Unix socket: processes whose uid is 0 or one the
// operator listed, as the kernel reports it (SO_PEERCRED) — the socket file's mode is
// a second fence, not the only one. On the loopback TCP listener: a bearer token,
// compared in constant time.

import HTTPTypes
import Hummingbird
import Logging
import WasmbpfAgentAPI

/// How a listener admits clients.
public enum ListenerAccess: Sendable {
  case peerUIDs(Set<UInt32>)
  case token(String)
}

struct AccessMiddleware: RouterMiddleware {
  typealias Context = AgentRequestContext
  let access: ListenerAccess

  func handle(
    _ request: Request, context: Context,
    next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    switch access {
    case .peerUIDs(let allowed):
      guard let peer = await PeerCredentials.of(context.channel) else {
        return APIErrorBody(.forbidden, "the peer's credentials could not be read").response
      }
      guard allowed.contains(peer.uid) else {
        context.logger.notice(
          "refused a client", metadata: ["uid": "\(peer.uid)", "pid": "\(peer.pid)"])
        return APIErrorBody(
          .forbidden,
          "uid \(peer.uid) may not use this agent (allowed: "
            + allowed.sorted().map(String.init).joined(separator: ", ") + ")"
        ).response
      }
    case .token(let token):
      let given = request.headers[.authorization] ?? ""
      guard constantTimeEqual(given, "Bearer " + token) else {
        return APIErrorBody(
          .unauthorized, "a valid 'Authorization: Bearer TOKEN' header is required"
        )
        .response
      }
    }
    return try await next(request, context)
  }
}

/// Compares without an early exit, so the time does not tell how much of a guess
/// was right.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
  let x = Array(a.utf8)
  let y = Array(b.utf8)
  var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
  for index in 0..<max(x.count, y.count) {
    let p = index < x.count ? x[index] : 0
    let q = index < y.count ? y[index] : 0
    difference |= p ^ q
  }
  return difference == 0 && x.count == y.count
}
