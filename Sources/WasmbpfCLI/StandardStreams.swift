// The process's standard output and error as `TextOutputStream`s, over write(2)
// so that the command line needs no Foundation.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes text to a file descriptor (1 or 2), unbuffered.
public struct FileDescriptorStream: TextOutputStream {
  public let descriptor: Int32

  public init(descriptor: Int32) {
    self.descriptor = descriptor
  }

  public static var standardOutput: FileDescriptorStream { FileDescriptorStream(descriptor: 1) }
  public static var standardError: FileDescriptorStream { FileDescriptorStream(descriptor: 2) }

  public mutating func write(_ string: String) {
    var text = string
    text.withUTF8 { writeAll(descriptor, $0) }
  }
}

private func writeAll(_ descriptor: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
  guard let base = bytes.baseAddress else { return }
  var offset = 0
  while offset < bytes.count {
    let count = write(descriptor, base + offset, bytes.count - offset)
    if count < 0 {
      if errno == EINTR { continue }
      return  // A closed pipe: nothing useful left to do with the output.
    }
    offset += count
  }
}
