// Request bodies and tool definitions are read strictly: a field the schema does not
// name is an error, not silently ignored, because a misspelt `limits` or `policy`
// would otherwise run a tool with less protection than its author wrote down. The
// OpenAPI document says the same with `additionalProperties: false`.

import Foundation

/// A coding key for any field name, used to list the fields a JSON object has.
struct AnyCodingKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

extension Decoder {
  /// Throws when the object being decoded has a field that `Keys` does not name.
  func rejectUnknownFields<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
    let container = try self.container(keyedBy: AnyCodingKey.self)
    let known = Set(Keys.allCases.map(\.stringValue))
    for key in container.allKeys where !known.contains(key.stringValue) {
      throw APIDecodingFailure.unknownField(
        path: fieldPath.isEmpty ? key.stringValue : fieldPath + "." + key.stringValue,
        known: Keys.allCases.map(\.stringValue))
    }
  }
}

extension Decoder {
  /// Where the value being decoded is, as messages name fields: `spec.preopens[1].host`.
  var fieldPath: String {
    codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
      .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
  }
}

/// Why a request body or a tool definition could not be read.
public enum APIDecodingFailure: Error, Equatable, CustomStringConvertible {
  case malformed(String)
  case unknownField(path: String, known: [String])
  case invalidField(path: String, reason: String)
  /// Every field is valid on its own (the OpenAPI schema accepts the request) but
  /// together they ask for what cannot be done: a 422, not a 400.
  case conflictingPolicy(path: String, reason: String)

  public var description: String {
    switch self {
    case .malformed(let detail): "malformed JSON: \(detail)"
    case .unknownField(let path, let known):
      "unknown field '\(path)' (known here: \(known.joined(separator: ", ")))"
    case .invalidField(let path, let reason), .conflictingPolicy(let path, let reason):
      "field '\(path)': \(reason)"
    }
  }

  /// The error code an API response carries for this failure.
  public var code: APIErrorCode {
    switch self {
    case .malformed: .malformedJSON
    case .unknownField: .unknownField
    case .invalidField: .invalidField
    case .conflictingPolicy: .invalidPolicy
    }
  }
}

/// Decodes `T` from JSON, turning Foundation's errors into messages that name the
/// field and say what was expected.
public func decodeStrictly<T: Decodable>(_ type: T.Type, from data: Data) throws(APIDecodingFailure)
  -> T
{
  do {
    return try JSONDecoder().decode(T.self, from: data)
  } catch let failure as APIDecodingFailure {
    throw failure
  } catch let error as DecodingError {
    var failure = APIDecodingFailure(error)
    if case .malformed(let decoderMessage) = failure {
      // JSONDecoder says only "not valid JSON"; the serializer says where. When the
      // serializer reads it, the JSON is fine and a value is out of range (a negative
      // or too large number), which the decoder reports without its field.
      do {
        _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        failure = .invalidField(path: "(a number)", reason: decoderMessage)
      } catch {
        if let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String {
          failure = .malformed(detail)
        }
      }
    }
    throw failure
  } catch {
    throw .malformed("\(error)")
  }
}

extension APIDecodingFailure {
  init(_ error: DecodingError) {
    func path(_ context: DecodingError.Context, _ last: CodingKey? = nil) -> String {
      let keys = context.codingPath + (last.map { [$0] } ?? [])
      let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        .joined(separator: ".")
        .replacingOccurrences(of: ".[", with: "[")
      return text.isEmpty ? "(body)" : text
    }
    switch error {
    case .dataCorrupted(let context) where context.codingPath.isEmpty:
      // Foundation's parser says where: "Unexpected end of file", "Unexpected character
      // 'x' around line 1, column 9".
      if let underlying = context.underlyingError {
        let detail = (underlying as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        self = .malformed(detail ?? "\(underlying)")
      } else {
        self = .malformed(context.debugDescription)
      }
    case .dataCorrupted(let context):
      self = .invalidField(path: path(context), reason: context.debugDescription)
    case .keyNotFound(let key, let context):
      self = .invalidField(path: path(context, key), reason: "required field is missing")
    case .typeMismatch(let type, let context):
      self = .invalidField(path: path(context), reason: "expected \(jsonTypeName(type))")
    case .valueNotFound(let type, let context):
      self = .invalidField(path: path(context), reason: "expected \(jsonTypeName(type)), got null")
    @unknown default:
      self = .malformed("\(error)")
    }
  }
}

private func jsonTypeName(_ type: Any.Type) -> String {
  switch type {
  case is String.Type: "a string"
  case is Bool.Type: "true or false"
  case is UInt64.Type, is UInt32.Type, is UInt.Type: "a non-negative integer"
  case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
  case is [String].Type: "an array of strings"
  case is [String: String].Type: "an object of strings"
  case is [String: Any].Type: "an object"
  case is [Any].Type: "an array"
  default: "a value of type \(type)"
  }
}

extension KeyedDecodingContainer {
  /// A non-negative integer field; a negative, fractional or too large number is an
  /// error naming the field (Foundation's decoder reports those as invalid JSON,
  /// without saying where).
  func decodeUnsignedIfPresent(forKey key: Key) throws -> UInt64? {
    guard contains(key), try !decodeNil(forKey: key) else { return nil }
    if let value = try? decode(UInt64.self, forKey: key) { return value }
    let path = (codingPath + [key]).map(\.stringValue).joined(separator: ".")
    guard let number = try? decode(Double.self, forKey: key) else {
      throw APIDecodingFailure.invalidField(path: path, reason: "expected a non-negative integer")
    }
    let reason =
      number < 0
      ? "must not be negative (\(number))"
      : number.rounded() != number ? "must be a whole number" : "larger than \(UInt64.max)"
    throw APIDecodingFailure.invalidField(path: path, reason: reason)
  }
}
