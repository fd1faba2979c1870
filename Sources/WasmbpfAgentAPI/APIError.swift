// Every error response has one shape, `{"error": {"code": ..., "message": ...}}`, with
// a code a client can switch on and a message a person can act on.

import Foundation

/// The machine-readable part of an error response.
public enum APIErrorCode: String, Codable, Sendable, CaseIterable {
  case malformedJSON = "malformed-json"
  case unknownField = "unknown-field"
  case invalidField = "invalid-field"
  case bodyTooLarge = "body-too-large"
  case unsupportedMediaType = "unsupported-media-type"
  case pathNotAllowed = "path-not-allowed"
  case notFound = "not-found"
  case methodNotAllowed = "method-not-allowed"
  case conflict
  case forbidden
  case unauthorized
  case loadFailed = "load-failed"
  case invalidPolicy = "invalid-policy"
  case unsupported
  case timeout
  case internalError = "internal"

  /// The HTTP status that goes with the code.
  public var httpStatus: Int {
    switch self {
    case .malformedJSON, .unknownField, .invalidField: 400
    case .unauthorized: 401
    case .forbidden, .pathNotAllowed: 403
    case .notFound: 404
    case .methodNotAllowed: 405
    case .conflict: 409
    case .bodyTooLarge: 413
    case .unsupportedMediaType: 415
    // Well-formed requests the agent cannot act on: a module that does not load, a
    // policy whose text is not a policy, an OCI source to an agent built without OCI
    // support (a 4xx, so clients do not retry as after a 5xx).
    case .loadFailed, .invalidPolicy, .unsupported: 422
    case .timeout: 504
    case .internalError: 500
    }
  }
}

/// An error response's body.
public struct APIErrorBody: Codable, Equatable, Sendable, Error, CustomStringConvertible {
  public struct Detail: Codable, Equatable, Sendable {
    public var code: APIErrorCode
    public var message: String
  }
  public var error: Detail

  public init(_ code: APIErrorCode, _ message: String) {
    error = Detail(code: code, message: message)
  }

  public var description: String { "\(error.code.rawValue): \(error.message)" }
}
