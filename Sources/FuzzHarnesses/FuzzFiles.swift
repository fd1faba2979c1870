// Files the harnesses read: the fixtures (seed corpora, BPF objects for the wasm_bpf
// harness) and the spec testsuite, found from this source file's place in the
// repository, as the tests find them.

import Glibc
import HostIO

enum FuzzFiles {
  /// The repository root (WASMBPF_ROOT overrides: a binary moved elsewhere).
  static let root: String = {
    if let root = getenv("WASMBPF_ROOT") { return String(cString: root) }
    return "/" + String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
  }()

  static var generated: String { root + "/Fixtures/generated" }

  /// The spec testsuite (WASMBPF_SPEC_DIR, else ../shared/spec beside the repository).
  static var spec: String {
    if let dir = getenv("WASMBPF_SPEC_DIR") { return String(cString: dir) }
    return root + "/../shared/spec"
  }

  /// Paths of the regular files in `directory` whose names end in `suffix`, sorted;
  /// empty when the directory does not exist.
  static func list(_ directory: String, suffix: String = "") -> [String] {
    guard let dir = opendir(directory) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = direntName(entry)
      guard !name.hasPrefix("."), name.hasSuffix(suffix) else { continue }
      var status = stat()
      let path = directory + "/" + name
      if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG { names.append(path) }
    }
    return names.sorted()
  }

  /// The file's bytes, or nil when it cannot be read.
  static func read(_ path: String) -> [UInt8]? { try? readFile(path) }

  /// (file name, bytes) of each file `list` finds.
  static func seeds(_ directory: String, suffix: String = "", prefix: String = "")
    -> [(name: String, bytes: [UInt8])]
  {
    list(directory, suffix: suffix).compactMap { path in
      read(path).map { (prefix + (path.split(separator: "/").last.map(String.init) ?? path), $0) }
    }
  }
}

/// The name in a `dirent`, read up to its NUL: the record may be shorter than
/// `d_name`'s 256 bytes (readdir packs them), so reading all of them overruns it.
func direntName(_ entry: UnsafeMutablePointer<dirent>) -> String {
  withUnsafeMutablePointer(to: &entry.pointee.d_name) { field in
    field.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
  }
}
