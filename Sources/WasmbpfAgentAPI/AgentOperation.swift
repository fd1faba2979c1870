// The agent's operations: the one table that the server's routes, the client's
// requests and the check of the OpenAPI document (api/wasmbpfd.openapi.json) all
// derive from. Adding an operation means a case here, its handler (the server's
// switch over this type does not compile without one), and its entry in the document
// (a test compares both ways).

import Foundation

/// One operation of the agent's control API.
public enum AgentOperation: String, CaseIterable, Sendable {
  case health
  case ready
  case metrics
  case listGuests
  case loadGuest
  case getGuest
  case removeGuest
  case stopGuest
  case pauseGuest
  case resumeGuest
  case updateGuest
  case guestLogs
  case waitGuest
  case reconcile

  /// The HTTP method.
  public var method: String {
    switch self {
    case .health, .ready, .metrics, .listGuests, .getGuest, .guestLogs, .waitGuest: "GET"
    case .loadGuest, .stopGuest, .pauseGuest, .resumeGuest, .updateGuest, .reconcile: "POST"
    case .removeGuest: "DELETE"
    }
  }

  /// The path template; `{name}` stands for a guest's name.
  public var path: String {
    switch self {
    case .health: "/v1/health"
    case .ready: "/v1/ready"
    case .metrics: "/metrics"
    case .listGuests, .loadGuest: "/v1/guests"
    case .getGuest, .removeGuest: "/v1/guests/{name}"
    case .stopGuest: "/v1/guests/{name}/stop"
    case .pauseGuest: "/v1/guests/{name}/pause"
    case .resumeGuest: "/v1/guests/{name}/resume"
    case .updateGuest: "/v1/guests/{name}/update"
    case .guestLogs: "/v1/guests/{name}/logs"
    case .waitGuest: "/v1/guests/{name}/wait"
    case .reconcile: "/v1/reconcile"
    }
  }

  /// The OpenAPI `operationId`.
  public var operationID: String { rawValue }

  /// Whether the operation reads a JSON request body.
  public var hasRequestBody: Bool { self == .loadGuest || self == .updateGuest }

  /// Whether the path names a guest.
  public var takesGuestName: Bool { path.contains("{name}") }

  /// The path with `{name}` replaced by a guest's name (names are restricted to
  /// characters that need no escaping, see `GuestName`).
  public func path(name: String) -> String {
    path.replacingOccurrences(of: "{name}", with: name)
  }

  /// Whether `path` (without query) is an instance of this operation's template.
  public func matches(path: String) -> Bool {
    let template = self.path.split(separator: "/", omittingEmptySubsequences: false)
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    guard template.count == parts.count else { return false }
    return zip(template, parts).allSatisfy { $0 == "{name}" ? !$1.isEmpty : $0 == $1 }
  }
}
