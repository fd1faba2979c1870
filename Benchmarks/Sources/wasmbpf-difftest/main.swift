// wasmbpf-difftest: random valid modules, biased toward the shapes WasmInterp's
// translator fuses, run on WasmInterp and on WasmKit 0.4.2; results, traps,
// memory and globals must agree. See Benchmarks/README.md ("Differential testing").
//
//   wasmbpf-difftest [--seed N] [--count N] [--seconds N] [--out DIR] [--keep-going]
//   wasmbpf-difftest --modules FILE...   (modules from elsewhere, e.g. wasm-tools smith)
//
// Module k of a run is generated from seed N+k alone, so `--seed N+k --count 1`
// reproduces it.

import Foundation
import WasmText

struct Options {
  var seed: UInt64 = 1
  var count: Int? = nil
  var seconds: Int? = nil
  var out = "."
  var keepGoing = false
  var verbose = false
  /// A module text (a repro, edited) run instead of the seed's module, with the
  /// seed's calls.
  var replay: String? = nil
  /// Module files to compare instead of generated modules (ModuleFiles.swift).
  var modules: [String] = []
}

func parseOptions() -> Options {
  var options = Options()
  var arguments = CommandLine.arguments.dropFirst()
  func value(_ flag: String) -> String {
    guard let v = arguments.popFirst() else {
      print("\(flag) needs a value")
      exit(2)
    }
    return v
  }
  while let a = arguments.popFirst() {
    switch a {
    case "--seed": options.seed = UInt64(value(a)) ?? 1
    case "--count": options.count = Int(value(a))
    case "--seconds": options.seconds = Int(value(a))
    case "--out": options.out = value(a)
    case "--keep-going": options.keepGoing = true
    case "--verbose": options.verbose = true
    case "--replay": options.replay = value(a)
    case "--modules":
      options.modules = Array(arguments)
      arguments = []
    default:
      print(
        "usage: wasmbpf-difftest [--seed N] [--count N] [--seconds N] [--out DIR] [--keep-going] [--verbose] [--replay FILE.wat]"
      )
      exit(2)
    }
  }
  if options.count == nil, options.seconds == nil { options.count = 100 }
  return options
}

struct Tally {
  var modules = 0
  var calls = 0
  var traps: [String: Int] = [:]
  var returned = 0
  var mismatches: [UInt64] = []
  var invalid: [UInt64] = []
  var stackInconclusive = 0
}

/// Writes the module (binary and text) and prints what to run to see the mismatch.
func report(
  seed: UInt64, module: GeneratedModule, callIndex: Int, why: String, ours: Outcome,
  kit: Outcome, oursMemory: [UInt8]?, kitMemory: [UInt8]?, options: Options
) {
  let base = "\(options.out)/difftest-\(seed)"
  write(atPath: base + ".wasm", contents: Data(module.bytes))
  write(atPath: base + ".wat", contents: Data(module.text.utf8))
  print("MISMATCH seed \(seed): \(why)")
  print("  module: \(base).wasm (text: \(base).wat)")
  print("  calls (each after `reset`, same instance):")
  for (i, c) in module.calls.prefix(callIndex + 1).enumerated() {
    print(
      "   \(i == callIndex ? ">" : " ") \(c.name)(\(c.arguments.map(\.description).joined(separator: ", ")))"
    )
  }
  print("  ours:    \(ours)")
  print("  WasmKit: \(kit)")
  if let a = oursMemory, let b = kitMemory, a.count == b.count {
    let differing = a.indices.filter { a[$0] != b[$0] }
    let shown = differing.prefix(16).map {
      "\($0): ours \(String(a[$0], radix: 16)) WasmKit \(String(b[$0], radix: 16))"
    }
    print("  memory: \(differing.count) bytes differ; first: \(shown.joined(separator: "; "))")
  }
}

/// Runs one module on both runtimes; returns false on a mismatch.
func check(seed: UInt64, options: Options, tally: inout Tally) -> Bool {
  var module = generateModule(seed: seed)
  if let path = options.replay {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      print("cannot read \(path)")
      exit(2)
    }
    do {
      module.bytes = try WasmText.encodeModule(text: text)
    } catch {
      print("\(path): \(error)")
      exit(2)
    }
    module.text = text
  }
  tally.modules += 1
  let ours: OurRuntime, kit: KitRuntime
  do {
    ours = try OurRuntime(bytes: module.bytes)
  } catch {
    let kitError: String
    do {
      _ = try KitRuntime(bytes: module.bytes)
      kitError = "WasmKit accepts it"
    } catch let kitFailure { kitError = "WasmKit: \(kitFailure)" }
    print("seed \(seed): ours rejects the module: \(error); \(kitError)")
    write(atPath: "\(options.out)/difftest-\(seed).wasm", contents: Data(module.bytes))
    write(atPath: "\(options.out)/difftest-\(seed).wat", contents: Data(module.text.utf8))
    tally.invalid.append(seed)
    return kitError != "WasmKit accepts it"
  }
  do {
    kit = try KitRuntime(bytes: module.bytes)
  } catch {
    print("seed \(seed): WasmKit rejects the module ours accepts: \(error)")
    write(atPath: "\(options.out)/difftest-\(seed).wasm", contents: Data(module.bytes))
    tally.invalid.append(seed)
    return false
  }
  for (index, c) in module.calls.enumerated() {
    _ = ours.call(GeneratedModule.resetName, [])
    _ = kit.call(GeneratedModule.resetName, [])
    var a = ours.call(c.name, c.arguments)
    var b = kit.call(c.name, c.arguments)
    (a.memoryPages, a.memoryHash, a.globals) = ours.state()
    (b.memoryPages, b.memoryHash, b.globals) = kit.state()
    tally.calls += 1
    if options.verbose { print("seed \(seed) \(c.name): \(a)") }
    if let t = a.trap { tally.traps[t.description, default: 0] += 1 } else { tally.returned += 1 }
    if let why = a.difference(from: b) {
      if a.trap == .stackExhausted || b.trap == .stackExhausted {
        // Stack limits are the embedder's, not the spec's: the states now differ.
        tally.stackInconclusive += 1
        return true
      }
      let memories =
        why.hasPrefix("memory contents") ? (ours.memoryBytes(), kit.memoryBytes()) : nil
      report(
        seed: seed, module: module, callIndex: index, why: why, ours: a, kit: b,
        oursMemory: memories?.0, kitMemory: memories?.1, options: options)
      tally.mismatches.append(seed)
      return false
    }
  }
  return true
}

/// Writes a repro file; a failure to write is reported, not fatal.
func write(atPath path: String, contents: Data) {
  if !FileManager.default.createFile(atPath: path, contents: contents) {
    print("cannot write \(path)")
  }
}

let options = parseOptions()
if !options.modules.isEmpty {
  var files = ModuleFileTally()
  let clock = ContinuousClock()
  let started = clock.now
  for path in options.modules { checkModuleFile(path, tally: &files, verbose: options.verbose) }
  for mismatch in files.mismatches { print("MISMATCH \(mismatch)") }
  print(
    "modules: \(files.modules) (\(files.compared) instantiated by both, \(files.bothRejected) rejected by both), "
      + "\(files.calls) calls compared, stack-limit inconclusive \(files.stackInconclusive), "
      + "table-growth inconclusive \(files.growInconclusive), "
      + "mismatches \(files.mismatches.count), \(clock.now - started)")
  exit(files.mismatches.isEmpty ? 0 : 1)
}
var tally = Tally()
let clock = ContinuousClock()
let started = clock.now
var seed = options.seed
print("wasmbpf-difftest: first seed \(options.seed)")
while true {
  if let count = options.count, seed - options.seed >= UInt64(count) { break }
  if let seconds = options.seconds, clock.now - started >= .seconds(seconds) { break }
  let ok = check(seed: seed, options: options, tally: &tally)
  if !ok, !options.keepGoing { break }
  seed += 1
}
let elapsed = clock.now - started
print(
  "seeds \(options.seed)..<\(seed + (tally.mismatches.last == seed ? 1 : 0)): \(tally.modules) modules, \(tally.calls) calls compared "
    + "(\(tally.returned) returned, \(tally.traps.values.reduce(0, +)) trapped), \(elapsed)")
print(
  "traps: \(tally.traps.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
)
print(
  "mismatches: \(tally.mismatches), invalid modules: \(tally.invalid), stack-limit inconclusive: \(tally.stackInconclusive)"
)
exit(tally.mismatches.isEmpty && tally.invalid.isEmpty ? 0 : 1)
