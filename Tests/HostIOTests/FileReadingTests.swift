import Glibc
import Testing

@testable import HostIO

/// `readFile` reads into a buffer sized from fstat: files of every size come back
/// whole, including an empty one and one larger than any chunk; what cannot be read is
/// named with the C library's reason.
@Suite struct FileReadingTests {
  /// Writes `bytes` to a fresh temporary file and returns its path.
  func temporaryFile(_ bytes: [UInt8]) throws -> String {
    var template = Array("/tmp/wasmbpf-readfile-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    try #require(descriptor >= 0)
    defer { close(descriptor) }
    let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    try #require(written == bytes.count)
    return String(cString: template)
  }

  @Test(arguments: [0, 1, 36, 65_535, 65_536, 65_537, 300_001])
  func readsWholeFiles(size: Int) throws {
    let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
    let path = try temporaryFile(bytes)
    defer { unlink(path) }
    #expect(try readFile(path) == bytes)
  }

  @Test func namesThePathAndTheReason() {
    #expect(
      throws: FileReadError(path: "/nonexistent/module.wasm", reason: "No such file or directory")
    ) {
      try readFile("/nonexistent/module.wasm")
    }
    #expect(throws: FileReadError(path: "/tmp", reason: "not a regular file")) {
      try readFile("/tmp")
    }
    let error = FileReadError(path: "/nonexistent/module.wasm", reason: "No such file or directory")
    #expect(error.description == "cannot read /nonexistent/module.wasm: No such file or directory")
  }
}
