// Which files the API may name. A load request names a module or a policy file by
// path; the agent runs as root, so without a limit any client of the socket could make
// it read any file on the node. Paths are resolved (symlinks, `..`) and must land
// inside one of the directories the operator allowed; the file is then opened from
// its resolved path without following a last symlink, and must be a regular file.
// The directories a tool may be granted (preopens) are checked the same way, against
// a list of their own (`--allow-preopen`): a guest granted the module directory could
// otherwise replace other tools' modules.

import Foundation
import HostIO

#if canImport(Glibc)
  import Glibc
#endif

/// The directories modules and policy files may come from.
public struct AllowedPaths: Sendable {
  /// Resolved (real) paths of the allowed directories.
  public let directories: [String]

  /// Largest module or policy file the agent reads.
  public var maxFileBytes: Int = 256 << 20

  public init(directories: [String]) {
    self.directories = directories.compactMap { resolvedPath($0) }
  }

  /// Why a file cannot be read through the API.
  public enum Refusal: Error, Equatable, CustomStringConvertible {
    case notAbsolute(String)
    case outside(String, allowed: [String])
    case unreadable(String, String)

    public var description: String {
      switch self {
      case .notAbsolute(let path): "'\(path)' is not an absolute path"
      case .outside(let path, let allowed):
        "'\(path)' is outside the allowed directories ("
          + (allowed.isEmpty ? "none configured" : allowed.joined(separator: ", ")) + ")"
      case .unreadable(let path, let reason): "cannot read '\(path)': \(reason)"
      }
    }

    /// Outside or not absolute: the client asked for something it may not have.
    public var isPermissionProblem: Bool {
      if case .unreadable = self { return false }
      return true
    }
  }

  /// Resolves `path` and checks that it lies inside an allowed directory.
  public func check(_ path: String) throws(Refusal) -> String {
    guard path.hasPrefix("/") else { throw .notAbsolute(path) }
    guard let real = resolvedPath(path) else {
      // A missing file outside the directories is still "outside": say so first, so a
      // client cannot probe which files exist elsewhere.
      let lexical = (path as NSString).standardizingPath
      guard inside(lexical) else { throw .outside(path, allowed: directories) }
      throw .unreadable(path, "no such file")
    }
    guard inside(real) else { throw .outside(path, allowed: directories) }
    return real
  }

  /// Resolves `path` as `check` does and checks that it is a directory (a preopen).
  public func checkDirectory(_ path: String) throws(Refusal) -> String {
    let real = try check(path)
    var info = stat()
    guard stat(real, &info) == 0 else {
      throw .unreadable(path, String(cString: strerror(errno)))
    }
    guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .unreadable(path, "not a directory") }
    return real
  }

  /// Reads a file after `check`, from its resolved path, not following a last
  /// symlink (one swapped in after the check).
  public func read(_ path: String) throws(Refusal) -> [UInt8] {
    let real = try check(path)
    do {
      return try readFile(real, limit: maxFileBytes, followingSymlinks: false)
    } catch {
      throw .unreadable(path, error.reason)
    }
  }

  private func inside(_ real: String) -> Bool {
    directories.contains { directory in
      directory == "/" || real == directory || real.hasPrefix(directory + "/")
    }
  }
}

/// The canonical path (symlinks and `..` resolved), or nil when it does not exist.
func resolvedPath(_ path: String) -> String? {
  guard let pointer = realpath(path, nil) else { return nil }
  defer { free(pointer) }
  return String(cString: pointer)
}
