// One instance's file descriptor table. Guest fd numbers index this table only; the
// host descriptors behind them are owned here and closed when the entry goes.
import Glibc

/// A host file descriptor with exactly one owner, closed when the owner goes.
final class HostFileDescriptor {
  let fd: Int32
  init(_ fd: Int32) { self.fd = fd }
  deinit { close(fd) }
}

/// Bytes a guest reads from an in-memory standard input.
final class WasiInputBuffer {
  var bytes: [UInt8]
  var position = 0
  init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// Bytes a guest wrote to an in-memory standard stream, for the embedder to read.
public final class WasiOutputBuffer: @unchecked Sendable {
  /// Everything written so far (nothing when the stream is a `.sink`).
  public internal(set) var bytes: [UInt8] = []
  /// `bytes` decoded as UTF-8 (invalid sequences replaced).
  public var text: String { String(decoding: bytes, as: UTF8.self) }
  /// Where writes go instead of `bytes`, for a `.sink` stream.
  var sink: (@Sendable (UnsafeRawBufferPointer) -> Void)?
  init() {}

  func append(_ buffer: UnsafeRawBufferPointer) {
    if let sink {
      sink(buffer)
    } else {
      bytes.append(contentsOf: buffer)
    }
  }
}

/// One directory entry as `fd_readdir` reports it.
struct WasiDirectoryEntry {
  var inode: UInt64
  var type: WasiFileType
  var name: [UInt8]
}

/// An open descriptor of the guest.
final class WasiDescriptor {
  enum Backing {
    case host(HostFileDescriptor)
    case input(WasiInputBuffer)
    case output(WasiOutputBuffer)
    /// A configured-closed standard stream: reads see end of file, writes fail.
    case closed
  }

  let backing: Backing
  var fileType: WasiFileType
  var rightsBase: WasiRights
  var rightsInheriting: WasiRights
  /// The guest-visible name when this is a preopened directory.
  let preopenName: [UInt8]?
  /// Which preopen this descriptor was opened beneath (nil for streams); renames and
  /// links never cross two of them.
  let sandboxRoot: Int?
  /// Beneath a read-only preopen: never opened for writing, whatever the rights say.
  let isReadOnly: Bool
  /// The listing `fd_readdir` pages through (cookie = index), read again at cookie 0.
  var directoryListing: [WasiDirectoryEntry]?

  init(
    backing: Backing, fileType: WasiFileType, rightsBase: WasiRights,
    rightsInheriting: WasiRights, preopenName: [UInt8]? = nil, sandboxRoot: Int? = nil,
    isReadOnly: Bool = false
  ) {
    self.backing = backing
    self.fileType = fileType
    self.rightsBase = rightsBase
    self.rightsInheriting = rightsInheriting
    self.preopenName = preopenName
    self.sandboxRoot = sandboxRoot
    self.isReadOnly = isReadOnly
  }

  /// The host descriptor, or EBADF-like failure for in-memory streams.
  var hostFD: Int32? {
    if case .host(let owner) = backing { return owner.fd }
    return nil
  }

  /// Throws `notcapable` unless the descriptor holds every right in `needed`.
  func require(_ needed: WasiRights) throws(WasiErrno) {
    guard rightsBase.isSuperset(of: needed) else { throw .notcapable }
  }
}

/// The guest's descriptor table.
struct WasiDescriptorTable {
  /// More open descriptors than this fail with EMFILE: a guest cannot exhaust the
  /// host's own descriptors.
  static let limit = 4096

  private var entries: [UInt32: WasiDescriptor] = [:]
  private var lowestMaybeFree: UInt32 = 0

  var count: Int { entries.count }

  subscript(fd: UInt32) -> WasiDescriptor? { entries[fd] }

  func get(_ fd: UInt32) throws(WasiErrno) -> WasiDescriptor {
    guard let descriptor = entries[fd] else { throw .badf }
    return descriptor
  }

  /// Adds a descriptor under the lowest free number.
  mutating func insert(_ descriptor: WasiDescriptor) throws(WasiErrno) -> UInt32 {
    guard entries.count < Self.limit else { throw .mfile }
    var fd = lowestMaybeFree
    while entries[fd] != nil { fd += 1 }
    entries[fd] = descriptor
    lowestMaybeFree = fd + 1
    return fd
  }

  @discardableResult
  mutating func remove(_ fd: UInt32) throws(WasiErrno) -> WasiDescriptor {
    guard let descriptor = entries.removeValue(forKey: fd) else { throw .badf }
    lowestMaybeFree = min(lowestMaybeFree, fd)
    return descriptor
  }

  /// `fd_renumber`: `from` takes the number `to`, closing what `to` held.
  mutating func renumber(from: UInt32, to: UInt32) throws(WasiErrno) {
    guard let descriptor = entries[from], entries[to] != nil else { throw .badf }
    guard from != to else { return }
    entries[to] = descriptor
    entries[from] = nil
    lowestMaybeFree = min(lowestMaybeFree, from)
  }

  mutating func removeAll() { entries.removeAll() }

  /// The preopened directories the guest still holds, by fd.
  var preopens: [(fd: UInt32, descriptor: WasiDescriptor)] {
    entries.filter { $0.value.preopenName != nil }.sorted { $0.key < $1.key }
      .map { ($0.key, $0.value) }
  }
}
