// What this process holds open, by kind: the wasm_bpf and WASI harnesses compare it
// before and after each input. Only this process's own descriptors are counted, so
// other engineers' BPF programs on the same machine do not disturb the count.

import Glibc

/// Open file descriptors of this process, counted by what they are.
struct DescriptorCensus: Equatable, CustomStringConvertible {
  /// "anon_inode:bpf-map", "anon_inode:bpf-prog", "anon_inode:bpf_link",
  /// "anon_inode:[perf_event]", "file", "socket", ... → count.
  var counts: [String: Int] = [:]

  static func now() -> DescriptorCensus {
    var census = DescriptorCensus()
    guard let dir = opendir("/proc/self/fd") else { return census }
    let own = dirfd(dir)
    while let entry = readdir(dir) {
      let name = direntName(entry)
      guard let fd = Int32(name), fd != own else { continue }
      var buffer = [CChar](repeating: 0, count: 256)
      let length = readlink("/proc/self/fd/\(name)", &buffer, buffer.count - 1)
      guard length > 0 else { continue }
      let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      census.counts[kind(of: target), default: 0] += 1
    }
    closedir(dir)
    return census
  }

  private static func kind(of target: String) -> String {
    if target.hasPrefix("anon_inode:") { return target }
    if target.hasPrefix("socket:") { return "socket" }
    if target.hasPrefix("pipe:") { return "pipe" }
    return "file"
  }

  /// The BPF-related part: maps, programs, links, perf events, BTF, epoll.
  var bpf: DescriptorCensus {
    DescriptorCensus(counts: counts.filter { $0.key.hasPrefix("anon_inode:") })
  }

  var description: String {
    counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
  }
}
