// Shared helpers: fixture paths, temporary directory trees, and running a guest.
import Glibc
import Testing
import WasiPreview1

enum Fixture {
  /// The repository root, from this file's path.
  static let root: String = {
    var path = #filePath
    for _ in 0..<3 {
      if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) }
    }
    return path
  }()

  static func path(_ relative: String) -> String { "\(root)/Fixtures/generated/wasi/\(relative)" }

  /// The bytes of a generated fixture (Scripts/build-fixtures.sh builds them).
  static func bytes(_ relative: String) throws -> [UInt8] {
    try readFile(path(relative))
  }

  /// Runs the wasm fixture `name` with `configuration` (stdout/stderr captured unless set).
  static func run(_ name: String, _ configuration: WasiConfiguration) throws -> WasiRunResult {
    try WasiPreview1.runCommand(try bytes("\(name).wasm"), configuration: configuration)
  }
}

struct HostError: Error, CustomStringConvertible {
  var description: String
}

func readFile(_ path: String) throws -> [UInt8] {
  let fd = open(path, O_RDONLY | O_CLOEXEC)
  guard fd >= 0 else { throw HostError(description: "cannot open \(path): errno \(errno)") }
  defer { close(fd) }
  var result: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard count > 0 else { break }
    result += chunk[0..<count]
  }
  return result
}

func writeFile(_ path: String, _ text: String) throws {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
  guard fd >= 0 else { throw HostError(description: "cannot create \(path): errno \(errno)") }
  defer { close(fd) }
  let bytes = Array(text.utf8)
  _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}

/// A fresh temporary directory, removed (recursively) by `remove()`.
struct TemporaryDirectory {
  let path: String

  init() throws {
    var template = Array("/tmp/wasi-test-XXXXXX".utf8CString)
    guard
      let result = template.withUnsafeMutableBufferPointer({
        $0.baseAddress.flatMap { mkdtemp($0) }
      })
    else {
      throw HostError(description: "mkdtemp failed")
    }
    path = String(cString: result)
  }

  func sub(_ name: String) -> String { "\(path)/\(name)" }

  func mkdir(_ name: String) throws {
    guard Glibc.mkdir(sub(name), 0o755) == 0 else { throw HostError(description: "mkdir \(name)") }
  }

  func remove() { _ = runShell("rm -rf '\(path)'") }
}

/// Runs a shell command; returns its exit status.
@discardableResult
func runShell(_ command: String) -> Int32 {
  system(command)
}

/// Runs a shell command and returns its stdout.
func shellOutput(_ command: String) -> String {
  guard let pipe = popen(command, "r") else { return "" }
  var output: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 4096)
  while true {
    let count = fread(&buffer, 1, buffer.count, pipe)
    if count == 0 { break }
    output += buffer[0..<count]
  }
  pclose(pipe)
  return String(decoding: output, as: UTF8.self)
}

extension WasiRunResult {
  var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
  var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}
