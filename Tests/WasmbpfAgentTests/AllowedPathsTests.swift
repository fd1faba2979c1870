// The API reads files only inside the allowed directories, whatever the path says.

import Foundation
import Testing

@testable import WasmbpfAgent

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct AllowedPathsTests {
  @Test func pathsResolveInsideTheDirectoriesOrAreRefused() throws {
    let folder = try TemporaryFolder("paths")
    defer { folder.remove() }
    let allowed = folder.file("tools")
    try FileManager.default.createDirectory(atPath: allowed, withIntermediateDirectories: true)
    try folder.write("tools/a.wasm", "\0asm")
    try folder.write("secret", "secret")
    symlink(folder.file("secret"), folder.file("tools/link"))
    symlink(folder.path, folder.file("tools/up"))
    mkfifo(folder.file("tools/fifo"), 0o600)
    let paths = AllowedPaths(directories: [allowed])

    #expect(try paths.read(allowed + "/a.wasm") == Array("\0asm".utf8))
    #expect(try paths.read(allowed + "/../tools/a.wasm") == Array("\0asm".utf8))
    func refusal(_ path: String) -> AllowedPaths.Refusal? {
      do {
        _ = try paths.read(path)
        return nil
      } catch {
        return error
      }
    }
    #expect(refusal(folder.file("secret"))?.isPermissionProblem == true)
    #expect(refusal(allowed + "/../secret")?.isPermissionProblem == true)
    #expect(refusal(allowed + "/link")?.isPermissionProblem == true)
    #expect(refusal(allowed + "/up/secret")?.isPermissionProblem == true)
    #expect(refusal("tools/a.wasm") == .notAbsolute("tools/a.wasm"))
    #expect(refusal("/etc/passwd")?.isPermissionProblem == true)
    // Inside but not a regular file, or missing: not a permission problem.
    #expect(refusal(allowed + "/fifo")?.isPermissionProblem == false)
    #expect(refusal(allowed + "/missing.wasm")?.isPermissionProblem == false)
    #expect(refusal(allowed)?.isPermissionProblem == false)
    // Missing outside: still "outside", so existence elsewhere is not revealed.
    #expect(refusal("/nonexistent/x")?.isPermissionProblem == true)
    // A sibling whose name extends the directory's is not inside it.
    try FileManager.default.createDirectory(
      atPath: allowed + "2", withIntermediateDirectories: true)
    try folder.write("tools2/b.wasm", "x")
    #expect(refusal(allowed + "2/b.wasm")?.isPermissionProblem == true)
  }

  @Test func grantedDirectoriesMustBeDirectoriesInside() throws {
    let folder = try TemporaryFolder("preopens")
    defer { folder.remove() }
    let root = folder.file("grants")
    try FileManager.default.createDirectory(
      atPath: root + "/cgroup/child", withIntermediateDirectories: true)
    try folder.write("grants/file", "x")
    try FileManager.default.createDirectory(
      atPath: folder.file("elsewhere"), withIntermediateDirectories: true)
    symlink(folder.file("elsewhere"), root + "/escape")
    let grants = AllowedPaths(directories: [root])
    #expect(try grants.checkDirectory(root + "/cgroup/child") == root + "/cgroup/child")
    #expect(try grants.checkDirectory(root) == root)
    func refusal(_ path: String) -> AllowedPaths.Refusal? {
      do {
        _ = try grants.checkDirectory(path)
        return nil
      } catch {
        return error
      }
    }
    #expect(refusal(root + "/escape")?.isPermissionProblem == true)
    #expect(refusal(root + "/../elsewhere")?.isPermissionProblem == true)
    #expect(refusal("/")?.isPermissionProblem == true)
    #expect(refusal(root + "/file") == .unreadable(root + "/file", "not a directory"))
    // No directory allowed: nothing can be granted.
    #expect(
      throws: AllowedPaths.Refusal.self,
      performing: { _ = try AllowedPaths(directories: []).checkDirectory(root) })
  }
}
