// Validating every function body of a module, on several cores when it is large.
//
// Bodies are independent: each is checked against the module's context alone, so
// they can be validated in any order and on any thread. What must not change is
// which error is reported when several bodies are invalid: always the one of the
// lowest-index invalid body, as the sequential loop reports it. Workers take
// chunks of consecutive bodies in increasing order from a shared counter and
// validate each chunk in order, stopping at its first error; every chunk below
// an invalid body was taken before it, and is finished (or fails lower) by the
// worker holding it, so the lowest error any worker records is the sequential
// loop's error. All workers are joined before this returns: nothing is
// instantiated from a module whose validation is still running.
//
// Each worker records its error in a slot of its own, read only after every
// helper is joined: the join is the only synchronisation the errors need, and
// one ThreadSanitizer sees (it does not see the futex inside Synchronization's
// Mutex on Linux, and reported two workers failing at once as a race).

import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

extension FunctionValidator {
  /// Below this many bytes of code, one thread validates everything: starting a
  /// thread costs more than it saves on small modules (most guests are small).
  static let parallelThreshold = 192 * 1024
  /// Bodies a worker takes at a time (QuickJS averages ~750 bytes a body).
  static let chunkSize = 16
  /// Most worker threads used, the calling thread included.
  static let maximumWorkers = 8

  /// Validates every function body of `module`: the error thrown is the one of
  /// the lowest-index invalid body. A large module's bodies are spread over the
  /// online CPUs, and every helper thread is joined before this returns.
  package static func validateBodies(in module: Module, context: ValidationContext)
    throws(WasmError)
  {
    let workers = workerCount(for: module)
    if workers <= 1 {
      let storage = ValidatorStorage(context)
      for index in module.codes.indices {
        try validate(functionIndex: index, in: module, storage: storage)
      }
      return
    }
    let job = BodyValidationJob(module: module, context: context)
    var helpers: [(thread: pthread_t, slot: BodyValidationJob.Slot)] = []
    for _ in 1..<workers {
      if let helper = job.startHelper() { helpers.append(helper) }
    }
    // The calling thread works too; with no helper started it does everything.
    var failures: [BodyValidationJob.Failure] = []
    if let failure = job.work() { failures.append(failure) }
    for helper in helpers {
      pthread_join(helper.thread, nil)
      if let failure = helper.slot.failure { failures.append(failure) }
    }
    if let first = failures.min(by: { $0.index < $1.index }) { throw first.error }
  }

  /// How many threads validate `module`'s bodies: one for small modules, else
  /// the online CPUs, capped.
  static func workerCount(for module: Module) -> Int {
    var bytes = 0
    for body in module.codes { bytes &+= body.code.count }
    guard bytes >= parallelThreshold else { return 1 }
    let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
    let byChunks = (module.codes.count + chunkSize - 1) / chunkSize
    return max(1, min(Int(online), maximumWorkers, byChunks))
  }
}

/// The shared state of one parallel validation: the module and the next chunk
/// to take. Errors are not shared: each worker returns its own.
final class BodyValidationJob: @unchecked Sendable {
  /// An invalid body and its error.
  typealias Failure = (index: Int, error: WasmError)
  /// Where one helper thread leaves its failure: written only by that thread,
  /// read only after it is joined.
  final class Slot: @unchecked Sendable {
    var failure: Failure?
  }

  let module: Module
  let context: ValidationContext
  /// The first body of the next chunk to take.
  let next = Atomic<Int>(0)
  /// The lowest body index found invalid so far (`Int.max` while none): chunks
  /// starting above it need no checking.
  let lowestFailure = Atomic<Int>(Int.max)

  init(module: Module, context: ValidationContext) {
    self.module = module
    self.context = context
  }

  /// Takes chunks until none is left (or all left are past a known error);
  /// returns the first invalid body this worker met, if any.
  func work() -> Failure? {
    let storage = ValidatorStorage(context)
    // One copy for the loop: passing the property itself would copy the module (a
    // retain of each of its arrays, shared with the other workers) for every body.
    let module = self.module
    let count = module.codes.count
    while true {
      let start = next.wrappingAdd(FunctionValidator.chunkSize, ordering: .relaxed).oldValue
      guard start < count, start < lowestFailure.load(ordering: .relaxed) else { return nil }
      for index in start..<min(start + FunctionValidator.chunkSize, count) {
        do {
          try FunctionValidator.validate(functionIndex: index, in: module, storage: storage)
        } catch {
          lowestFailure.min(index)
          return (index: index, error: error)
        }
      }
    }
  }

  /// Starts a joinable thread running `work()` into a slot of its own; nil when
  /// the system refuses one (the other workers then do its share).
  func startHelper() -> (thread: pthread_t, slot: Slot)? {
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    // The validator keeps its stacks on the heap and never recurses.
    pthread_attr_setstacksize(&attributes, 256 << 10)
    var thread = pthread_t()
    let slot = Slot()
    let retained = Unmanaged.passRetained(HelperStart(job: self, slot: slot)).toOpaque()
    let created = pthread_create(
      &thread, &attributes,
      { raw in
        let start = Unmanaged<HelperStart>.fromOpaque(raw!).takeRetainedValue()
        start.slot.failure = start.job.work()
        return nil
      }, retained)
    guard created == 0 else {
      Unmanaged<HelperStart>.fromOpaque(retained).release()
      return nil
    }
    return (thread, slot)
  }

  /// What a helper thread is started with.
  private final class HelperStart {
    let job: BodyValidationJob
    let slot: Slot
    init(job: BodyValidationJob, slot: Slot) {
      self.job = job
      self.slot = slot
    }
  }
}

extension Atomic where Value == Int {
  /// Lowers the value to `candidate` when that is smaller.
  fileprivate func min(_ candidate: Int) {
    var current = load(ordering: .relaxed)
    while candidate < current {
      let (exchanged, original) = compareExchange(
        expected: current, desired: candidate, ordering: .relaxed)
      if exchanged { return }
      current = original
    }
  }
}
