// The flag sets and small enumerations of wasi_snapshot_preview1, with their ABI values.
// https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md

/// What a descriptor may be used for (`rights`).
public struct WasiRights: OptionSet, Hashable, Sendable {
  public let rawValue: UInt64
  public init(rawValue: UInt64) { self.rawValue = rawValue }

  public static let fdDatasync = WasiRights(rawValue: 1 << 0)
  public static let fdRead = WasiRights(rawValue: 1 << 1)
  public static let fdSeek = WasiRights(rawValue: 1 << 2)
  public static let fdFdstatSetFlags = WasiRights(rawValue: 1 << 3)
  public static let fdSync = WasiRights(rawValue: 1 << 4)
  public static let fdTell = WasiRights(rawValue: 1 << 5)
  public static let fdWrite = WasiRights(rawValue: 1 << 6)
  public static let fdAdvise = WasiRights(rawValue: 1 << 7)
  public static let fdAllocate = WasiRights(rawValue: 1 << 8)
  public static let pathCreateDirectory = WasiRights(rawValue: 1 << 9)
  public static let pathCreateFile = WasiRights(rawValue: 1 << 10)
  public static let pathLinkSource = WasiRights(rawValue: 1 << 11)
  public static let pathLinkTarget = WasiRights(rawValue: 1 << 12)
  public static let pathOpen = WasiRights(rawValue: 1 << 13)
  public static let fdReaddir = WasiRights(rawValue: 1 << 14)
  public static let pathReadlink = WasiRights(rawValue: 1 << 15)
  public static let pathRenameSource = WasiRights(rawValue: 1 << 16)
  public static let pathRenameTarget = WasiRights(rawValue: 1 << 17)
  public static let pathFilestatGet = WasiRights(rawValue: 1 << 18)
  public static let pathFilestatSetSize = WasiRights(rawValue: 1 << 19)
  public static let pathFilestatSetTimes = WasiRights(rawValue: 1 << 20)
  public static let fdFilestatGet = WasiRights(rawValue: 1 << 21)
  public static let fdFilestatSetSize = WasiRights(rawValue: 1 << 22)
  public static let fdFilestatSetTimes = WasiRights(rawValue: 1 << 23)
  public static let pathSymlink = WasiRights(rawValue: 1 << 24)
  public static let pathRemoveDirectory = WasiRights(rawValue: 1 << 25)
  public static let pathUnlinkFile = WasiRights(rawValue: 1 << 26)
  public static let pollFdReadwrite = WasiRights(rawValue: 1 << 27)
  public static let sockShutdown = WasiRights(rawValue: 1 << 28)
  public static let sockAccept = WasiRights(rawValue: 1 << 29)

  public static let all = WasiRights(rawValue: (1 << 30) - 1)

  /// Rights that change the file system or a file's contents; a read-only preopen
  /// (and everything opened beneath it) never holds any of them.
  public static let writing: WasiRights = [
    .fdDatasync, .fdWrite, .fdAllocate, .fdFilestatSetSize, .fdFilestatSetTimes,
    .pathCreateDirectory, .pathCreateFile, .pathLinkSource, .pathLinkTarget,
    .pathRenameSource, .pathRenameTarget, .pathFilestatSetSize, .pathFilestatSetTimes,
    .pathSymlink, .pathRemoveDirectory, .pathUnlinkFile,
  ]

  /// Rights that only make sense on a directory.
  public static let directoryOnly: WasiRights = [
    .pathCreateDirectory, .pathCreateFile, .pathLinkSource, .pathLinkTarget, .pathOpen,
    .fdReaddir, .pathReadlink, .pathRenameSource, .pathRenameTarget, .pathFilestatGet,
    .pathFilestatSetSize, .pathFilestatSetTimes, .pathSymlink, .pathRemoveDirectory,
    .pathUnlinkFile,
  ]

  /// Rights of a regular file.
  public static let regularFile: WasiRights = all.subtracting(directoryOnly).subtracting([
    .sockShutdown, .sockAccept,
  ])

  /// Rights of a directory.
  public static let directory: WasiRights = directoryOnly.union([
    .fdFdstatSetFlags, .fdSync, .fdAdvise, .fdFilestatGet, .fdFilestatSetTimes,
    .pollFdReadwrite, .fdDatasync,
  ])

  /// Rights of a stream (terminal, pipe, socket, in-memory buffer).
  /// Seeking is allowed so that the host reports ESPIPE, as POSIX does.
  public static let stream: WasiRights = [
    .fdRead, .fdWrite, .fdSeek, .fdTell, .fdFdstatSetFlags, .fdFilestatGet, .pollFdReadwrite,
    .fdSync,
    .fdDatasync, .sockShutdown, .sockAccept,
  ]
}

/// The type of a file (`filetype`).
public enum WasiFileType: UInt8, Sendable {
  case unknown = 0, blockDevice, characterDevice, directory, regularFile, socketDgram
  case socketStream, symbolicLink
}

/// Descriptor flags (`fdflags`).
public struct WasiFdFlags: OptionSet, Sendable {
  public let rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }
  public static let append = WasiFdFlags(rawValue: 1 << 0)
  public static let dsync = WasiFdFlags(rawValue: 1 << 1)
  public static let nonblock = WasiFdFlags(rawValue: 1 << 2)
  public static let rsync = WasiFdFlags(rawValue: 1 << 3)
  public static let sync = WasiFdFlags(rawValue: 1 << 4)
}

/// Open flags of `path_open` (`oflags`).
public struct WasiOpenFlags: OptionSet, Sendable {
  public let rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }
  public static let create = WasiOpenFlags(rawValue: 1 << 0)
  public static let directory = WasiOpenFlags(rawValue: 1 << 1)
  public static let exclusive = WasiOpenFlags(rawValue: 1 << 2)
  public static let truncate = WasiOpenFlags(rawValue: 1 << 3)
}

/// `lookupflags`: bit 0 follows a symbolic link in the last component.
public struct WasiLookupFlags: OptionSet, Sendable {
  public let rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }
  public static let symlinkFollow = WasiLookupFlags(rawValue: 1 << 0)
}

/// `fstflags` of the set-times calls.
public struct WasiTimeFlags: OptionSet, Sendable {
  public let rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }
  public static let atim = WasiTimeFlags(rawValue: 1 << 0)
  public static let atimNow = WasiTimeFlags(rawValue: 1 << 1)
  public static let mtim = WasiTimeFlags(rawValue: 1 << 2)
  public static let mtimNow = WasiTimeFlags(rawValue: 1 << 3)
}

/// Clock identifiers (`clockid`).
public enum WasiClockID: UInt32, Sendable {
  case realtime = 0, monotonic, processCputime, threadCputime
}
