// Whole-process comparisons: `wasmbpf-run MODULE ARGS` against `wasmkit-cli run MODULE
// ARGS` (and the kernel's native executable), each a fresh process, so that exec,
// loading, runtime start-up, decoding, validation, instantiation, WASI set-up and the
// guest's run are all counted, as a user pays them. Interleaved rounds like the
// in-process harness; wall time, CPU time (user + system, from wait4) and peak RSS
// (VmHWM at exit, through ptrace: ProcessProbe), and with `--instructions` the
// instructions each whole process executes (callgrind: repeatable where times are not).
//
// Selected only explicitly (`wasmbpf-bench process`, or `process/NAME`): it needs both
// CLIs built for use, which Scripts/bench-process.sh does before calling it.
//   WASMBPF_RUN   default: <repo>/.build-release/release/wasmbpf-run
//   WASMKIT_CLI   default: <repo>/Benchmarks/.build-static/release/wasmkit-cli

import Foundation
import ProcessProbe

enum ProcessReport {
  static let name = "process"

  /// argv[1] of each kernel's `main` (see Kernels/kernel.h): about half a second on
  /// the interpreters, so that the run dominates and start-up still counts.
  static let kernelArguments: [String: String] = [
    "fib": "30", "sieve": "1048576", "matmul": "128", "sha256": "1048576", "qsort": "262144",
    "mixed": "256", "simd": "64", "simd_scalar": "64", "strscan": "64", "linkedlist": "32",
    "intmatrix": "2000", "statevm": "64", "bitops": "120", "memops": "96",
  ]

  /// The SQL the SQLite guest runs: a recursive CTE, an index, a join, grouping,
  /// string functions and a sort; its output is checked equal on every side.
  static let sqliteScript = """
    create table t(a integer primary key, b text, c real);
    with recursive n(i) as (select 1 union all select i + 1 from n where i < 20000)
    insert into t select i, printf('row%05d', (i * 7919) % 20000), (i % 97) * 1.5 from n;
    create index tb on t(b);
    select count(*), sum(length(b)), round(sum(c), 1) from t;
    select substr(b, 1, 4), count(*), max(a) from t group by substr(b, 1, 4) order by 1;
    select count(*) from t x join t y on x.a = y.a + 1 where x.c > y.c;
    select b from t where b like 'row1999%' order by b desc limit 3;
    """

  struct Case {
    var name: String
    var module: String
    var arguments: [String]
    var native: String?
  }

  struct Sample {
    var wall: [Double] = []
    var cpu: [Double] = []
  }

  static func isSelected(_ filters: [String]) -> Bool {
    filters.contains { $0.hasPrefix(name) }
  }

  static func run(
    filters: [String], rounds: Int, minimumSampleSeconds: Double, instructions: Bool,
    inputs: BenchmarkInputs
  ) throws -> Int {
    let environment = ProcessInfo.processInfo.environment
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let ours =
      environment["WASMBPF_RUN"]
      ?? package.deletingLastPathComponent().appendingPathComponent(
        ".build-release/release/wasmbpf-run"
      ).path
    let peer =
      environment["WASMKIT_CLI"]
      ?? package.appendingPathComponent(".build-static/release/wasmkit-cli").path
    for binary in [ours, peer] where !FileManager.default.isExecutableFile(atPath: binary) {
      throw BenchmarkFailure(
        "\(binary) not built: run Scripts/bench-process.sh, or set WASMBPF_RUN / WASMKIT_CLI")
    }
    let cases = try allCases(inputs).filter { entry in
      filters.contains { $0.hasPrefix(name) && "\(name)/\(entry.name)".contains($0) }
    }
    emit(
      "process: \(ours) vs \(peer) run, \(rounds) interleaved rounds, medians per process; "
        + "load average \(loadAverage())")
    emit(
      pad("case", 20, left: true) + pad("ours", 10) + pad("WasmKit", 10) + pad("o/WK", 7)
        + pad("cpu o/WK", 9) + pad("native", 10) + pad("o/nat", 8) + pad("RSS ours", 10)
        + pad("RSS WK", 9) + pad("RSS o/WK", 9) + (instructions ? pad("Ir o/WK", 9) : "")
        + pad("spread o/WK", 13))
    var wallRatios = [Double](), cpuRatios = [Double](), nativeRatios = [Double]()
    var failures = 0
    for entry in cases {
      do {
        let row = try measure(
          entry, ours: ours, peer: peer, rounds: rounds,
          minimumSampleSeconds: minimumSampleSeconds, instructions: instructions)
        emit(row.text)
        wallRatios.append(row.wall)
        cpuRatios.append(row.cpu)
        if let native = row.native { nativeRatios.append(native) }
      } catch {
        emit("process/\(entry.name): FAILED: \(error)")
        failures += 1
      }
    }
    for (label, ratios) in [
      ("ours/WasmKit wall", wallRatios), ("ours/WasmKit CPU", cpuRatios),
      ("ours/native wall", nativeRatios),
    ] {
      if let mean = geometricMean(ratios) {
        emit("geometric mean of \(label) over \(ratios.count): " + String(format: "%.3f", mean))
      }
    }
    emit("load average at the end: \(loadAverage())")
    return failures
  }

  static func allCases(_ inputs: BenchmarkInputs) throws -> [Case] {
    let empty = NSTemporaryDirectory() + "wasmbpf-bench-empty-\(getpid()).wasm"
    _ = FileManager.default.createFile(
      atPath: empty, contents: Data(StartupBenchmarks.emptyCommand))
    var cases = [Case(name: "empty", module: empty, arguments: [], native: nil)]
    for path in BenchmarkInputs.wasmFiles(in: inputs.kernelsDirectory) {
      let kernel = baseName(path)
      let native = inputs.nativeDirectory + "/" + kernel
      cases.append(
        Case(
          name: kernel, module: path, arguments: kernelArguments[kernel].map { [$0] } ?? [],
          native: FileManager.default.isExecutableFile(atPath: native) ? native : nil))
    }
    let quickjs = inputs.modulesDirectory + "/quickjs.wasm"
    if FileManager.default.fileExists(atPath: quickjs) {
      cases.append(
        Case(
          name: "quickjs", module: quickjs, arguments: [GuestBenchmarks.quickJSScript],
          native: nil))
    }
    let sqlite = inputs.modulesDirectory + "/sqlite.wasm"
    if FileManager.default.fileExists(atPath: sqlite) {
      cases.append(Case(name: "sqlite", module: sqlite, arguments: [sqliteScript], native: nil))
    }
    return cases
  }

  struct Row {
    var text: String
    var wall: Double
    var cpu: Double
    var native: Double?
  }

  static func measure(
    _ entry: Case, ours: String, peer: String, rounds: Int, minimumSampleSeconds: Double,
    instructions: Bool
  ) throws -> Row {
    var sides: [[String]] = [
      [ours, entry.module] + entry.arguments, [peer, "run", entry.module] + entry.arguments,
    ]
    if let native = entry.native { sides.append([native] + entry.arguments) }

    // Every side must succeed with the same output before anything is timed.
    let outputs = try sides.map { try output(of: $0) }
    for (index, text) in outputs.enumerated().dropFirst() where text != outputs[0] {
      throw BenchmarkFailure(
        "outputs differ: \(sides[0][0]) printed \(text.prefix(200).debugDescription), "
          + "\(sides[index][0]) printed \(outputs[0].prefix(200).debugDescription)")
    }

    let single = try sides.map { try probe($0).wall_seconds }
    let repetitions = single.map {
      max(1, Int((minimumSampleSeconds / max($0, 1e-6)).rounded(.up)))
    }
    var samples = Array(repeating: Sample(), count: sides.count)
    for round in 0..<rounds {
      let order = round % 2 == 0 ? Array(sides.indices) : Array(sides.indices.reversed())
      for index in order {
        var wall = 0.0, cpu = 0.0
        for _ in 0..<repetitions[index] {
          let result = try probe(sides[index])
          wall += result.wall_seconds
          cpu += result.cpu_seconds
        }
        samples[index].wall.append(wall / Double(repetitions[index]))
        samples[index].cpu.append(cpu / Double(repetitions[index]))
      }
    }
    // Peak RSS: a few traced children per side, interleaved; the median.
    var rss = Array(repeating: [Double](), count: 2)
    for round in 0..<5 {
      for index in round % 2 == 0 ? [0, 1] : [1, 0] {
        rss[index].append(Double(try probe(sides[index], measureRSS: true).peak_rss_kb))
      }
    }
    let wall = samples.map { median($0.wall) }
    let cpu = samples.map { median($0.cpu) }
    let rssMedian = rss.map { median($0) }
    var text =
      pad(entry.name, 20, left: true) + pad(formatSeconds(wall[0]), 10)
      + pad(formatSeconds(wall[1]), 10) + pad(String(format: "%.3f", wall[0] / wall[1]), 7)
      + pad(String(format: "%.3f", cpu[0] / cpu[1]), 9)
    let nativeRatio = sides.count > 2 ? wall[0] / wall[2] : nil
    text +=
      pad(sides.count > 2 ? formatSeconds(wall[2]) : "-", 10)
      + pad(nativeRatio.map { String(format: "%.1f×", $0) } ?? "-", 8)
      + pad(String(format: "%.1f MB", rssMedian[0] / 1024), 10)
      + pad(String(format: "%.1f MB", rssMedian[1] / 1024), 9)
      + pad(String(format: "%.3f", rssMedian[0] / rssMedian[1]), 9)
    if instructions {
      let counts = try sides.prefix(2).map { try instructionCount($0) }
      text += pad(String(format: "%.3f", Double(counts[0]) / Double(counts[1])), 9)
      text +=
        "  (Ir \(counts.map { String(format: "%.1f M", Double($0) / 1e6) }.joined(separator: " / ")))"
    }
    text += pad(
      String(
        format: "%.0f%%/%.0f%%", relativeSpread(samples[0].wall) * 100,
        relativeSpread(samples[1].wall) * 100), 13)
    return Row(text: text, wall: wall[0] / wall[1], cpu: cpu[0] / cpu[1], native: nativeRatio)
  }

  /// Runs a command once; a start failure or a non-zero exit status is an error.
  static func probe(_ command: [String], measureRSS: Bool = false, stdout: Int32 = -1) throws
    -> ProbeResult
  {
    let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var result = ProbeResult()
    let started = argv.withUnsafeBufferPointer { buffer in
      probe_run(buffer.baseAddress, stdout, measureRSS ? 1 : 0, &result)
    }
    guard started == 0 else { throw BenchmarkFailure("cannot run \(command[0]): \(-started)") }
    guard result.exit_status == 0 else {
      throw BenchmarkFailure("\(command[0]) exited with status \(result.exit_status)")
    }
    return result
  }

  /// What a command prints on standard output (through a temporary file).
  static func output(of command: [String]) throws -> String {
    let path = NSTemporaryDirectory() + "wasmbpf-bench-output-\(getpid())"
    let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw BenchmarkFailure("cannot create \(path)") }
    defer {
      close(fd)
      unlink(path)
    }
    _ = try probe(command, stdout: fd)
    return String(decoding: try readBytes(path), as: UTF8.self)
  }

  /// Instructions the whole process executes, counted by callgrind (valgrind must be
  /// installed; Swift 6.3's DWARF confuses valgrind, so the binaries are given with
  /// their debug information stripped: Scripts/bench-process.sh does that).
  static func instructionCount(_ command: [String]) throws -> UInt64 {
    let log = NSTemporaryDirectory() + "wasmbpf-bench-callgrind-\(getpid()).log"
    defer { unlink(log) }
    _ = try probe(
      [
        "/usr/bin/valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        "--log-file=\(log)",
      ] + command)
    let text = String(decoding: try readBytes(log), as: UTF8.self)
    guard let line = text.split(separator: "\n").first(where: { $0.contains("Collected :") }),
      let count = UInt64(
        line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "")
    else { throw BenchmarkFailure("no instruction count from callgrind for \(command[0])") }
    return count
  }

  static func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ")
      .prefix(3).joined(separator: " ") ?? "?"
  }
}
