// Noticing that the tool directory changed, cheaply: the names, sizes, modification
// times and inodes of its entries (following symlinks, so a ConfigMap's `..data` swap
// changes the fingerprint). Polling rather than inotify because a ConfigMap update
// replaces a symlink whose target inotify on the directory does not report for each
// key, and because a few stat calls every two seconds cost nothing measurable.

import Foundation

#if canImport(Glibc)
  import Glibc
#endif

struct DirectoryFingerprint: Sendable {
  let directory: String?

  struct Entry: Hashable {
    var name: String
    var size: Int64
    var modified: Int64
    var modifiedNanoseconds: Int64
    var inode: UInt64
  }

  func current() -> [Entry] {
    guard let directory,
      let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
    else { return [] }
    var entries: [Entry] = []
    for name in names.sorted() where name.hasSuffix(".toml") || name == "..data" {
      var info = stat()
      guard stat(directory + "/" + name, &info) == 0 else { continue }
      entries.append(
        Entry(
          name: name, size: Int64(info.st_size), modified: Int64(info.st_mtim.tv_sec),
          modifiedNanoseconds: Int64(info.st_mtim.tv_nsec), inode: UInt64(info.st_ino)))
    }
    return entries
  }
}
