// The file tree the WASI harness runs in: a read-write preopen, a read-only preopen
// and, beside them, a directory the guest must never reach. A snapshot of everything
// but the read-write preopen is compared after each input.

import Glibc

struct ScratchTree {
  let root: String
  var sandbox: String { root + "/sandbox" }
  var readOnly: String { root + "/readonly" }
  var outside: String { root + "/outside" }

  init() {
    root = "/tmp/wasmbpf-fuzz-wasi-\(getpid())"
    mkdir(root, 0o755)
    mkdir(readOnly, 0o755)
    mkdir(outside, 0o755)
    write(readOnly + "/ro.txt", "read-only\n")
    write(outside + "/secret.txt", "secret\n")
    symlink("secret.txt", outside + "/secret-link")
  }

  /// Empties the read-write preopen and fills it again.
  func reset() {
    removeTree(sandbox)
    mkdir(sandbox, 0o755)
    write(sandbox + "/file.txt", "hello\n")
    mkdir(sandbox + "/dir", 0o755)
    write(sandbox + "/dir/inner.txt", "inner\n")
    symlink("../outside/secret.txt", sandbox + "/link-out")
    symlink("/etc/hostname", sandbox + "/abs-link")
    symlink("loop", sandbox + "/loop")
    symlink("..", sandbox + "/up")
    symlink("dir", sandbox + "/dir-link")
  }

  /// Everything outside the read-write preopen: names, types, sizes, modes,
  /// modification times, link targets and file contents.
  func snapshot() -> [String] {
    var entries: [String] = []
    func visit(_ path: String, _ relative: String) {
      var status = stat()
      guard lstat(path, &status) == 0 else { return }
      var line =
        "\(relative) mode \(String(status.st_mode, radix: 8)) size \(status.st_size) "
        + "mtime \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec) links \(status.st_nlink)"
      switch status.st_mode & S_IFMT {
      case S_IFLNK:
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count - 1)
        line +=
          " -> "
          + String(decoding: buffer[0..<max(n, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      case S_IFREG:
        line += " " + String(decoding: FuzzFiles.read(path) ?? [], as: UTF8.self)
      case S_IFDIR:
        for name in ScratchTree.names(in: path) where !(relative.isEmpty && name == "sandbox") {
          visit(path + "/" + name, relative + "/" + name)
        }
      default: break
      }
      entries.append(line)
    }
    visit(root, "")
    // The root's own times change when the sandbox is recreated; its names may not.
    entries.removeLast()
    entries.append("root: " + ScratchTree.names(in: root).joined(separator: " "))
    return entries
  }

  static func names(in directory: String) -> [String] {
    guard let dir = opendir(directory) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = direntName(entry)
      if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
  }

  private func write(_ path: String, _ text: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return }
    _ = Array(text.utf8).withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    close(fd)
  }

  /// Removes `path` and everything under it, never following a symlink.
  private func removeTree(_ path: String) {
    var status = stat()
    guard lstat(path, &status) == 0 else { return }
    if status.st_mode & S_IFMT == S_IFDIR {
      // A guest may have left a directory without permissions.
      chmod(path, 0o755)
      for name in ScratchTree.names(in: path) { removeTree(path + "/" + name) }
      rmdir(path)
    } else {
      unlink(path)
    }
  }
}
