// The desired state: a directory of tool definitions, one TOML file per guest, named
// `NAME.toml` (the guest's name). A definition holds the fields of a load request's
// `spec` (api/wasmbpfd.openapi.json, `ToolSpec`), read by the same strict decoder, so
// a file means exactly what the same request would:
//
//   args = ["-n", "1000000000", "-t", "2000000000"]
//   restart = "on-failure"
//   [module]
//   file = "exectrace.wasm"     # relative to the definition's directory
//   [policy]
//   preset = "observe"
//   [limits]
//   memoryBytes = 67_108_864
//
// (Tables are written as `[name]` sections: the TOML reader is the policy files' own
// subset, which has no inline tables.)
//
// Files whose names start with `.` are skipped: Kubernetes mounts a ConfigMap as a
// `..data` symlink to a timestamped `..2024_...` directory, with one symlink per key
// beside it; reading the keys through the symlinks sees each update atomically.

import Foundation
import WasiBpf
import WasmbpfAgentAPI

/// One tool definition as read from the directory.
public struct ToolDefinition: Equatable, Sendable {
  public var name: String
  public var file: String
  public var spec: ToolSpec
  /// A digest of the file's bytes: a changed file means an update.
  public var contentDigest: String
}

/// The directory's definitions, and the files that could not be read.
public struct ToolDefinitionSet: Sendable {
  public var definitions: [String: ToolDefinition] = [:]
  public var errors: [ReconcileError] = []
}

/// Reads tool definitions from a directory.
public struct ToolDefinitionReader: Sendable {
  public let directory: String
  /// Largest definition file read.
  public var maxFileBytes = 1 << 20
  /// Most definitions read (a node agent hosts tens to a few hundred guests).
  public var maxDefinitions = 1000

  public init(directory: String) {
    self.directory = directory
  }

  /// Every `NAME.toml` of the directory, and the files that could not be read.
  public func readAll() -> ToolDefinitionSet {
    var result = ToolDefinitionSet()
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    } catch {
      result.errors.append(ReconcileError(file: directory, message: "cannot list: \(error)"))
      return result
    }
    for fileName in names where fileName.hasSuffix(".toml") && !fileName.hasPrefix(".") {
      guard result.definitions.count < maxDefinitions else {
        result.errors.append(
          ReconcileError(file: fileName, message: "more than \(maxDefinitions) definitions"))
        break
      }
      let path = directory + "/" + fileName
      let name = String(fileName.dropLast(".toml".count))
      if let problem = GuestName.problem(name) {
        result.errors.append(ReconcileError(file: path, message: "file name: \(problem)"))
        continue
      }
      do {
        result.definitions[name] = try read(path, name: name)
      } catch {
        result.errors.append(ReconcileError(file: path, message: "\(error)"))
      }
    }
    return result
  }

  /// Reads one definition file.
  public func read(_ path: String, name: String) throws -> ToolDefinition {
    let bytes = try readRegularFile(path, limit: maxFileBytes)
    let spec = try Self.parse(String(decoding: bytes, as: UTF8.self))
    return ToolDefinition(
      name: name, file: path, spec: spec, contentDigest: ContentDigest.sha256Hex(of: bytes))
  }

  /// Parses a definition's text into a tool spec.
  public static func parse(_ text: String) throws -> ToolSpec {
    let table: TOMLTable
    do {
      table = try TOMLReader.parse(text)
    } catch {
      throw DefinitionError("TOML \(error)")
    }
    let json = try JSONSerialization.data(withJSONObject: jsonObject(table))
    do {
      return try decodeStrictly(ToolSpec.self, from: json)
    } catch {
      throw DefinitionError(error.description)
    }
  }

  private static func jsonObject(_ table: TOMLTable) -> [String: Any] {
    var object: [String: Any] = [:]
    for key in table.keys {
      if let value = table[key] { object[key] = jsonValue(value) }
    }
    return object
  }

  private static func jsonValue(_ value: TOMLValue) -> Any {
    switch value {
    case .string(let s): s
    case .integer(let i): NSNumber(value: i)
    case .boolean(let b): b
    case .array(let items): items.map(jsonValue)
    case .table(let t): jsonObject(t)
    }
  }
}

/// A definition file that is not a valid tool spec.
public struct DefinitionError: Error, CustomStringConvertible {
  public var description: String
  init(_ description: String) { self.description = description }
}

/// Reads a whole regular file of at most `limit` bytes (following symlinks: the
/// directory is the operator's, and ConfigMaps are symlinks).
func readRegularFile(_ path: String, limit: Int) throws -> [UInt8] {
  guard let handle = FileHandle(forReadingAtPath: path) else {
    throw DefinitionError("cannot open \(path)")
  }
  defer { try? handle.close() }
  let attributes = try FileManager.default.attributesOfItem(atPath: path)
  guard attributes[.type] as? FileAttributeType == .typeRegular else {
    throw DefinitionError("\(path) is not a regular file")
  }
  let data = try handle.read(upToCount: limit + 1) ?? Data()
  guard data.count <= limit else { throw DefinitionError("\(path) is larger than \(limit) bytes") }
  return Array(data)
}
