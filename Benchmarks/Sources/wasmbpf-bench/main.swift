// wasmbpf-bench: runs the registered benchmarks, ours and WasmKit interleaved.
//
// Usage: wasmbpf-bench [--list] [--check] [--rounds N] [--min-sample-ms N] [--modules DIR]
//                      [--cpu-time] [--instructions] [--profile ours|peer|native [--profile-runs N]]
//                      [FILTER...]
// A benchmark runs when its name contains any FILTER (all run without one). The
// whole-process comparisons (`process`, `process/NAME`) run only when asked for.

import Foundation

var options = RunnerOptions()
var filters = [String]()
var listOnly = false
var instructions = false
var profileSide: String? = nil
var profileRuns = 10
var checkOnly = false
var inputs = BenchmarkInputs.defaultLocation()
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
  switch argument {
  case "--list": listOnly = true
  case "--instructions": instructions = true
  case "--cpu-time": sampleClock = CLOCK_THREAD_CPUTIME_ID
  case "--profile":
    guard let side = arguments.popFirst(), ["ours", "peer", "native"].contains(side) else {
      fatalError("--profile needs ours, peer or native")
    }
    profileSide = side
  case "--profile-runs":
    guard let value = arguments.popFirst().flatMap({ Int($0) }), value > 0 else {
      fatalError("--profile-runs needs a positive integer")
    }
    profileRuns = value
  case "--check": checkOnly = true
  case "--rounds":
    guard let value = arguments.popFirst().flatMap({ Int($0) }), value > 0 else {
      fatalError("--rounds needs a positive integer")
    }
    options.rounds = value
  case "--min-sample-ms":
    guard let value = arguments.popFirst().flatMap({ Double($0) }), value > 0 else {
      fatalError("--min-sample-ms needs a positive number")
    }
    options.minimumSampleSeconds = value / 1000
  case "--guest-once":  // hidden: the child process of rss/quickjs
    guard let side = arguments.popFirst() else { fatalError("--guest-once needs a side") }
    exit(RSSReport.runChild(side: side, inputs: inputs))
  case "--kernel-once":  // hidden: one fixed run of a kernel on ours only (callgrind)
    guard let name = arguments.popFirst() else { fatalError("--kernel-once needs a kernel name") }
    exit(KernelBenchmarks.runOnce(name: name, inputs: inputs))
  case "--gc-once":  // hidden: one run of a GC workload, ours or wasmtime (GCBenchmarks.swift)
    guard let name = arguments.popFirst(), let n = arguments.popFirst().flatMap({ UInt32($0) })
    else { fatalError("--gc-once needs a workload name and a size") }
    exit(GCBenchmarks.runOnce(name: name, n: n, side: arguments.popFirst() ?? "ours"))
  case "--modules":
    guard let value = arguments.popFirst() else { fatalError("--modules needs a directory") }
    inputs.modulesDirectory = value
  case "-h", "--help":
    emit(
      "usage: wasmbpf-bench [--list] [--check] [--rounds N] [--min-sample-ms N] [--modules DIR] "
        + "[--cpu-time] [--instructions] [--profile ours|peer|native [--profile-runs N]] [FILTER...]"
    )
    exit(0)
  default: filters.append(argument)
  }
}

if ProcessReport.isSelected(filters) {
  if listOnly {
    for entry in try ProcessReport.allCases(inputs) {
      emit(
        pad("process/" + entry.name, 34, left: true)
          + "whole processes: ours, WasmKit's CLI, native")
    }
    exit(0)
  }
  do {
    let failures = try ProcessReport.run(
      filters: filters, rounds: options.rounds, minimumSampleSeconds: options.minimumSampleSeconds,
      instructions: instructions, inputs: inputs)
    exit(failures == 0 ? 0 : 1)
  } catch {
    emit("process: FAILED: \(error)")
    exit(1)
  }
}

// Profiling: one side of each selected benchmark, untimed, inside `timeRuns` only, so
// that `valgrind --tool=callgrind --toggle-collect='*timeRuns*'` counts nothing but
// that side's runs (docs/performance.md has the procedure).
if let side = profileSide {
  for benchmark in BenchmarkRegistry.all(inputs: inputs)
  where filters.contains(where: { benchmark.name.contains($0) }) {
    let work = try benchmark.prepare()
    guard let run = side == "ours" ? work.ours : side == "peer" ? work.peer : work.native else {
      emit("\(benchmark.name): no \(side) side")
      exit(1)
    }
    _ = try timeRuns(profileRuns, run)
    emit("\(benchmark.name): \(profileRuns) run(s) of \(side)")
  }
  exit(0)
}

let wantsRSS = filters.isEmpty || filters.contains { RSSReport.name.contains($0) }
let selected = BenchmarkRegistry.all(inputs: inputs).filter { benchmark in
  filters.isEmpty || filters.contains { benchmark.name.contains($0) }
}
if selected.isEmpty && !wantsRSS {
  emit(
    "no benchmark selected; inputs are built by Scripts/build-bench-modules.sh into \(inputs.modulesDirectory)"
  )
  exit(1)
}
if listOnly {
  for benchmark in selected { emit(pad(benchmark.name, 34, left: true) + benchmark.summary) }
  if wantsRSS {
    emit(
      pad(RSSReport.name, 34, left: true)
        + "peak RSS of a child running guest/quickjs once, per side")
  }
  exit(0)
}

if checkOnly {
  // Each benchmark's set-up compares the two sides' results; then each side runs
  // once. No timing: a quick check that everything builds, runs and agrees.
  var failures = 0
  for benchmark in selected {
    do {
      try Runner(options: options).check(benchmark)
      emit("\(benchmark.name): ok")
    } catch let skipped as BenchmarkSkipped {
      emit("\(benchmark.name): skipped: \(skipped)")
    } catch {
      emit("\(benchmark.name): FAILED: \(error)")
      failures += 1
    }
  }
  exit(failures == 0 ? 0 : 1)
}

emit(
  "wasmbpf-bench: \(selected.count) benchmark(s), \(options.rounds) interleaved rounds, medians per run"
    + (sampleClock == CLOCK_THREAD_CPUTIME_ID ? " (thread CPU time)" : "")
    + "; load average \(ProcessReport.loadAverage())"
)
printTableHeader()
let runner = Runner(options: options)
var measurements = [Measurement]()
var failures = 0
for benchmark in selected {
  do {
    let measurement = try runner.measure(benchmark)
    printRow(measurement)
    measurements.append(measurement)
  } catch let skipped as BenchmarkSkipped {
    emit("\(benchmark.name): skipped: \(skipped)")
  } catch {
    emit("\(benchmark.name): FAILED: \(error)")
    failures += 1
  }
}
printSummary(measurements)
if wantsRSS {
  do { try RSSReport.run(runs: max(3, options.rounds / 4), inputs: inputs) } catch {
    emit("\(RSSReport.name): FAILED: \(error)")
    failures += 1
  }
}
exit(failures == 0 ? 0 : 1)
