// wasmbpf-bench: runs the registered benchmarks, ours and WasmKit interleaved.
//
// Usage: wasmbpf-bench [--list] [--rounds N] [--min-sample-ms N] [FILTER...]
// A benchmark runs when its name contains any FILTER (all run without one).

import Foundation

var options = RunnerOptions()
var filters = [String]()
var listOnly = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
  switch argument {
  case "--list": listOnly = true
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
  case "-h", "--help":
    print("usage: wasmbpf-bench [--list] [--rounds N] [--min-sample-ms N] [FILTER...]")
    exit(0)
  default: filters.append(argument)
  }
}

let inputs = BenchmarkInputs.defaultLocation()
let selected = BenchmarkRegistry.all(inputs: inputs).filter { benchmark in
  filters.isEmpty || filters.contains { benchmark.name.contains($0) }
}
if selected.isEmpty {
  print("no benchmark selected; inputs are built by Scripts/build-bench-modules.sh into \(inputs.modulesDirectory)")
  exit(1)
}
if listOnly {
  for benchmark in selected { print(pad(benchmark.name, 34, left: true) + benchmark.summary) }
  exit(0)
}

print("wasmbpf-bench: \(selected.count) benchmark(s), \(options.rounds) interleaved rounds, medians per run")
printTableHeader()
let runner = Runner(options: options)
var measurements = [Measurement]()
var failures = 0
for benchmark in selected {
  do {
    let measurement = try runner.measure(benchmark)
    printRow(measurement)
    measurements.append(measurement)
  } catch {
    print("\(benchmark.name): FAILED: \(error)")
    failures += 1
  }
}
printSummary(measurements)
exit(failures == 0 ? 0 : 1)
