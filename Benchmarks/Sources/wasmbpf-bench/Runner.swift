// Times benchmarks: ours and the peer interleaved in the same process, many rounds,
// medians and ratios.

import Foundation

struct RunnerOptions {
  /// Timed rounds per benchmark; each round times one sample of each side.
  var rounds = 21
  /// A sample repeats the work until at least this long, so that clock resolution
  /// and loop overhead do not matter.
  var minimumSampleSeconds = 0.05
  /// Untimed alternating runs before the rounds (caches, page faults, lazy init).
  var warmUpSeconds = 0.3
}

/// The outcome of one benchmark: seconds per run, medians over the rounds.
struct Measurement {
  var name: String
  var ours: Double
  var peer: Double
  var peerOverhead: Double?
  /// Median seconds per run of the native build, when the benchmark has one.
  var native: Double? = nil
  var oursSpread: Double
  var peerSpread: Double
  var bytesPerRun: Int?

  /// Ours divided by WasmKit: below 1 means ours is faster.
  var ratio: Double { ours / peer }
}

/// Seconds since an arbitrary origin, from the monotonic clock.
@inline(__always)
func monotonicSeconds() -> Double {
  var now = timespec()
  clock_gettime(CLOCK_MONOTONIC, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// The clock samples are taken with: the monotonic clock (what a user waits for), or
/// with `--cpu-time` the calling thread's CPU time, which leaves out the time the
/// thread waits for a core: on a machine shared by many jobs that wait is most of the
/// noise, while cache and branch-predictor effects of the sharing remain.
nonisolated(unsafe) var sampleClock = CLOCK_MONOTONIC

/// Seconds of `sampleClock` since an arbitrary origin.
@inline(__always)
func sampleSeconds() -> Double {
  var now = timespec()
  clock_gettime(sampleClock, &now)
  return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// Runs `work` `repetitions` times, returning the seconds per run.
@inline(never)
func timeRuns(_ repetitions: Int, _ work: () throws -> Void) rethrows -> Double {
  let start = sampleSeconds()
  for _ in 0..<repetitions { try work() }
  return (sampleSeconds() - start) / Double(repetitions)
}

struct Runner {
  var options: RunnerOptions

  /// Sets the benchmark up (which checks that both sides agree) and runs each side
  /// once, untimed.
  func check(_ benchmark: Benchmark) throws {
    let work = try benchmark.prepare()
    if let timed = work.selfTimed {
      _ = try timed.ours()
      _ = try timed.peer()
      return
    }
    try work.ours()
    try work.peer()
    try work.native?()
  }

  func measure(_ benchmark: Benchmark) throws -> Measurement {
    let work = try benchmark.prepare()
    if let timed = work.selfTimed { return try measureSelfTimed(benchmark, work, timed) }
    var sides: [() throws -> Void] = [work.ours, work.peer]
    var overheadIndex: Int? = nil
    var nativeIndex: Int? = nil
    if let overhead = work.peerOverhead {
      overheadIndex = sides.count
      sides.append(overhead)
    }
    if let native = work.native {
      nativeIndex = sides.count
      sides.append(native)
    }

    // One run of each side first: a side that fails fails the benchmark before any
    // time is spent on it, and the run doubles as a calibration.
    var single = [Double]()
    for side in sides {
      do { single.append(try timeRuns(1, side)) } catch {
        throw BenchmarkFailure("\(benchmark.name): \(error)")
      }
    }
    let repetitions = single.map {
      max(1, Int((options.minimumSampleSeconds / max($0, 1e-9)).rounded(.up)))
    }

    let warmUpEnd = monotonicSeconds() + options.warmUpSeconds
    repeat {
      for side in sides { _ = try timeRuns(1, side) }
    } while monotonicSeconds() < warmUpEnd

    var samples = Array(repeating: [Double](), count: sides.count)
    for round in 0..<options.rounds {
      // Alternate which side goes first so that neither always runs right after
      // the other's allocations (or with a warmer cache).
      let order = round % 2 == 0 ? Array(sides.indices) : Array(sides.indices.reversed())
      for index in order {
        samples[index].append(try timeRuns(repetitions[index], sides[index]))
      }
    }
    return Measurement(
      name: benchmark.name,
      ours: median(samples[0]),
      peer: median(samples[1]),
      peerOverhead: overheadIndex.map { median(samples[$0]) },
      native: nativeIndex.map { median(samples[$0]) },
      oursSpread: relativeSpread(samples[0]),
      peerSpread: relativeSpread(samples[1]),
      bytesPerRun: work.bytesPerRun
    )
  }

  /// One run per sample, each side reporting the seconds of its own timed region.
  func measureSelfTimed(
    _ benchmark: Benchmark, _ work: BenchmarkCase,
    _ timed: (ours: () throws -> Double, peer: () throws -> Double)
  ) throws -> Measurement {
    let sides = [timed.ours, timed.peer]
    for side in sides { _ = try side() }  // warm-up, and fail early
    var samples: [[Double]] = [[], []]
    for round in 0..<options.rounds {
      let order = round % 2 == 0 ? [0, 1] : [1, 0]
      for index in order { samples[index].append(try sides[index]()) }
    }
    return Measurement(
      name: benchmark.name, ours: median(samples[0]), peer: median(samples[1]),
      peerOverhead: nil, oursSpread: relativeSpread(samples[0]),
      peerSpread: relativeSpread(samples[1]), bytesPerRun: work.bytesPerRun)
  }
}
