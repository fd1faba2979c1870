// Progress of large transfers on stderr, when stderr is a terminal: one line per
// blob, redrawn in place at most ten times a second. Nothing is drawn for a pipe or
// a file (logs stay clean) or for a blob under 1 MiB.

import NIOConcurrencyHelpers
import WasmbpfOCI

#if canImport(Glibc)
  import Glibc
#endif

final class ProgressMeter: Sendable {
  /// Blobs smaller than this are not worth a progress line.
  static let threshold: Int64 = 1 << 20

  private let verb: String
  private let state = NIOLockedValueBox(State())

  private struct State {
    var label = ""
    var lastDraw = 0
  }

  /// nil when stderr is not a terminal.
  init?(verb: String, descriptor: Int32 = 2) {
    guard isatty(descriptor) == 1 else { return nil }
    self.verb = verb
  }

  var report: PullProgress {
    { [self] what, done, total in self.update(what, done: done, total: total) }
  }

  private func update(_ what: String, done: Int64, total: Int64) {
    guard total >= Self.threshold else { return }
    let now = monotonicMilliseconds()
    let finished = done >= total
    let line: String? = state.withLockedValue { state in
      let newBlob = state.label != what
      guard newBlob || finished || now - state.lastDraw >= 100 else { return nil }
      state.label = what
      state.lastDraw = now
      let percent = total > 0 ? done * 100 / total : 100
      return "\r\u{1B}[K\(verb) \(what): \(Self.size(done)) of \(Self.size(total)) (\(percent)%)"
        + (finished ? "\n" : "")
    }
    if let line {
      var text = line
      text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }
  }

  static func size(_ bytes: Int64) -> String {
    if bytes < 1 << 10 { return "\(bytes) B" }
    let units = ["KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes) / 1024
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10) \(units[unit])"
  }

  private func monotonicMilliseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
  }
}
