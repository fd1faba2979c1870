import Glibc
import Testing

@testable import WasmbpfGuest

/// `GuestFiles.read` reads into a buffer sized from fstat: files of every size come
/// back whole, including an empty one and one larger than any chunk.
@Suite struct GuestFilesTests {
  @Test(arguments: [0, 1, 36, 65_535, 65_536, 65_537, 300_001])
  func readsWholeFiles(size: Int) throws {
    let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
    var template = Array("/tmp/wasmbpf-guestfile-XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    try #require(descriptor >= 0)
    let path = String(cString: template)
    defer { unlink(path) }
    let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    try #require(written == bytes.count)
    #expect(try GuestFiles.read(path) == bytes)
  }

  @Test func refusesWhatIsNotARegularFile() {
    #expect(throws: GuestFileError(path: "/tmp", reason: "not a regular file")) {
      try GuestFiles.read("/tmp")
    }
  }
}
