// The benchmark model: a registry of named benchmarks, each comparing our runtime
// ("ours") with WasmKit 0.4.2 ("peer") on the same input.

/// The timed work of one benchmark, built by its untimed `prepare` step.
struct BenchmarkCase {
  /// One run of the work on our runtime. Must leave its result in `blackHole`.
  var ours: () throws -> Void
  /// One run of the equivalent work on WasmKit.
  var peer: () throws -> Void
  /// Work the peer closure does that the ours closure does not need to do (for
  /// example instantiating a module because WasmKit only validates while
  /// instantiating). Timed in the same interleaved rounds and reported apart, so the
  /// reader can see how much of the peer's time it is; never subtracted silently.
  var peerOverhead: (() throws -> Void)? = nil
  /// The same work compiled natively (the compute kernels), timed in the same rounds
  /// for an ours/native column; not part of the WasmKit ratio.
  var native: (() throws -> Void)? = nil
  /// Input bytes one run processes, for a throughput column (MB/s). `nil` when a
  /// throughput makes no sense for the benchmark.
  var bytesPerRun: Int? = nil
  /// Set for work whose set-up or teardown must stay out of the measurement: each
  /// side then runs once per sample and returns the seconds of its own timed region
  /// (`ours`/`peer` are not used).
  var selfTimed: (ours: () throws -> Double, peer: () throws -> Double)? = nil
}

/// A named benchmark. `prepare` runs once, untimed: it reads inputs, builds modules,
/// instantiates whatever the timed closures need.
struct Benchmark {
  /// A slash-separated name, `group/input`, matched by the command line's filter.
  var name: String
  /// One line saying what is measured on each side.
  var summary: String
  var prepare: () throws -> BenchmarkCase
}

/// Every benchmark group registers itself here; `main` asks for all of them.
enum BenchmarkRegistry {
  static func all(inputs: BenchmarkInputs) -> [Benchmark] {
    DecodeBenchmarks.make(inputs: inputs) + LoadBenchmarks.make(inputs: inputs)
      + KernelBenchmarks.make(inputs: inputs) + StartupBenchmarks.make(inputs: inputs)
      + BpfBenchmarks.make(inputs: inputs) + SIMDBenchmarks.make(inputs: inputs)
      + GuestBenchmarks.make(inputs: inputs) + WasmtimeBenchmarks.make(inputs: inputs)
  }
}

/// Keeps a result alive so that the optimiser cannot drop the work producing it.
@inline(never)
func blackHole<T>(_ value: T) {
  withExtendedLifetime(value) {}
}

/// A failure of a benchmark's set-up or of one of its closures, shown to the user.
struct BenchmarkFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Thrown by `prepare` when a benchmark cannot run yet for a known reason (shown in
/// the output, not counted as a failure, not counted in the geometric mean).
struct BenchmarkSkipped: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
