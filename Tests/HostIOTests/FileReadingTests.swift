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

  @Test func aFileOverTheLimitIsRefusedBeforeItIsRead() throws {
    let bytes = [UInt8](repeating: 7, count: 1000)
    let path = try temporaryFile(bytes)
    defer { unlink(path) }
    #expect(try readFile(path, limit: 1000) == bytes)
    #expect(
      throws: FileReadError(
        path: path, reason: "1000 bytes, more than the limit of 999", kind: .tooLarge)
    ) {
      try readFile(path, limit: 999)
    }
    #expect(throws: FileReadError.self) { try readFile(path, limit: -1) }
  }

  @Test func aLastSymlinkIsRefusedWhenNotFollowed() throws {
    let path = try temporaryFile([1, 2, 3])
    defer { unlink(path) }
    let link = path + "-link"
    try #require(symlink(path, link) == 0)
    defer { unlink(link) }
    #expect(try readFile(link) == [1, 2, 3])
    #expect(throws: FileReadError(path: link, reason: String(cString: strerror(ELOOP)))) {
      try readFile(link, followingSymlinks: false)
    }
  }

  /// A FIFO with no writer: an ordinary open would wait for one forever. The read
  /// runs on a thread of its own so that a regression fails this test instead of
  /// hanging the suite (the FIFO is then opened for writing to release it).
  @Test func aFifoIsRefusedWithoutWaitingForAWriter() async throws {
    let path = "/tmp/wasmbpf-readfile-fifo-\(getpid())"
    unlink(path)
    try #require(mkfifo(path, 0o600) == 0)
    defer { unlink(path) }
    let outcome = Task.detached { () -> FileReadError? in
      do throws(FileReadError) {
        _ = try readFile(path)
        return nil
      } catch {
        return error
      }
    }
    // Give the read two seconds; past that, release it (a writer can open the FIFO
    // only while a reader waits in `open`) and say so.
    let released = Task.detached { () -> Bool in
      try? await Task.sleep(nanoseconds: 2_000_000_000)
      let writer = open(path, O_WRONLY | O_NONBLOCK)
      if writer >= 0 { close(writer) }
      return writer >= 0
    }
    let error = await outcome.value
    released.cancel()
    #expect(await released.value == false, "readFile waited in open for a writer")
    #expect(error == FileReadError(path: path, reason: "not a regular file"))
  }
}

