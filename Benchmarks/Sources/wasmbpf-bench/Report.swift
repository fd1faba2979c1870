// Prints measurements as a table plus the geometric mean of the ratios.

import Foundation

/// Writes a line to standard output at once, so that rows appear as benchmarks
/// finish even when the output goes to a file (print would buffer them).
func emit(_ line: String) {
  var text = line + "\n"
  text.withUTF8 { buffer in
    guard let base = buffer.baseAddress else { return }
    var offset = 0
    while offset < buffer.count {
      let written = write(1, base + offset, buffer.count - offset)
      if written <= 0 { return }
      offset += written
    }
  }
}

func formatSeconds(_ seconds: Double) -> String {
  switch seconds {
  case ..<1e-6: return String(format: "%.1f ns", seconds * 1e9)
  case ..<1e-3: return String(format: "%.2f µs", seconds * 1e6)
  case ..<1: return String(format: "%.2f ms", seconds * 1e3)
  default: return String(format: "%.3f s", seconds)
  }
}

func megabytesPerSecond(_ bytes: Int?, _ seconds: Double) -> String {
  guard let bytes, seconds > 0 else { return "-" }
  return String(format: "%.1f", Double(bytes) / seconds / 1e6)
}

func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
  let count = text.count
  guard count < width else { return text }
  let fill = String(repeating: " ", count: width - count)
  return left ? text + fill : fill + text
}

/// Prints the header line; rows follow as benchmarks finish.
func printTableHeader() {
  emit(
    pad("benchmark", 34, left: true) + pad("ours", 12) + pad("WasmKit", 12) + pad("ours/WK", 9)
      + pad("ours MB/s", 11) + pad("WK MB/s", 10) + pad("spread o/p", 14) + pad("ours/native", 12))
}

func printRow(_ m: Measurement) {
  let spread = String(format: "%.0f%%/%.0f%%", m.oursSpread * 100, m.peerSpread * 100)
  emit(
    pad(m.name, 34, left: true) + pad(formatSeconds(m.ours), 12) + pad(formatSeconds(m.peer), 12)
      + pad(String(format: "%.3f", m.ratio), 9) + pad(megabytesPerSecond(m.bytesPerRun, m.ours), 11)
      + pad(megabytesPerSecond(m.bytesPerRun, m.peer), 10) + pad(spread, 14)
      + pad(m.native.map { String(format: "%.2f×", m.ours / $0) } ?? "-", 12))
  if let overhead = m.peerOverhead {
    let share = overhead / m.peer * 100
    let adjusted = m.ours / max(m.peer - overhead, 1e-12)
    emit(
      pad("", 34)
        + "  of which WasmKit overhead \(formatSeconds(overhead)) (\(String(format: "%.0f", share))%);"
        + " ratio without it \(String(format: "%.3f", adjusted))")
  }
}

func printSummary(_ all: [Measurement]) {
  // The bpf/ rows compare with native libbpf, not WasmKit: not part of this mean.
  let measurements = all.filter { !$0.name.hasPrefix("bpf/") }
  guard let mean = geometricMean(measurements.map(\.ratio)) else { return }
  emit(
    "geometric mean of ours/WasmKit over \(measurements.count) benchmark(s): "
      + String(format: "%.3f", mean) + " (below 1: ours faster)")
  let natives = measurements.compactMap { m in m.native.map { m.ours / $0 } }
  if let nativeMean = geometricMean(natives) {
    emit(
      "geometric mean of ours/native over \(natives.count) benchmark(s): "
        + String(format: "%.2f×", nativeMean))
  }
}
