// One run of a guest: load and validate the module, configure the store's limits,
// WASI and (when the module imports it) `wasm_bpf` under the policy, run `_start` or
// an `--invoke`d export, and turn the outcome into an exit status. Whatever the
// outcome (exit, trap, signal, timeout), every BPF link is detached and every object
// and buffer closed before the status is returned.

import WasiBpf
import WasiPreview1
import WasmCore
import WasmInterp

#if canImport(Glibc)
  import Glibc
#endif

/// Collects what host callbacks print while the guest runs, into the caller's stream.
final class StreamBox<Stream: TextOutputStream> {
  var stream: Stream
  init(_ stream: Stream) { self.stream = stream }
  func line(_ text: String) { stream.write(text + "\n") }
}

struct GuestRun {
  let settings: RunSettings
  let handlesSignals: Bool

  /// Import modules that make a guest a wasm-bpf program.
  static let bpfImportModules: Set<String> = ["wasm_bpf", "env", "callback-wrapper"]

  func execute<Output: TextOutputStream, Errors: TextOutputStream>(
    stdout: inout Output, stderr: inout Errors
  ) -> Int32 {
    let errors = StreamBox(stderr)
    let output = StreamBox(stdout)
    defer {
      stderr = errors.stream
      stdout = output.stream
    }
    return run(output: output, errors: errors)
  }

  private func run<Output, Errors>(output: StreamBox<Output>, errors: StreamBox<Errors>) -> Int32 {
    let path = settings.modulePath
    let trace = { (text: String) in if settings.verbose { errors.line("wasmbpf-run: " + text) } }

    let policy: BpfPolicy
    do {
      policy = try loadPolicy(settings.policySource)
    } catch {
      errors.line("error: \(error.message)")
      return ExitStatus.usage
    }
    let bytes: [UInt8]
    let module: ValidatedModule
    do {
      bytes = try loadModuleBytes(path)
      module = try ValidatedModule(
        bytes: bytes, deferringBodyValidation: settings.deferBodyValidation)
    } catch let error as ModuleLoadError {
      errors.line("error: \(error)")
      return ExitStatus.failure
    } catch let error as WasmError {
      errors.line("error: \(path): \(wasmErrorText(error))")
      return ExitStatus.failure
    } catch {
      errors.line("error: \(path): \(error)")
      return ExitStatus.failure
    }
    trace(
      "module \(path): \(bytes.count) bytes, \(module.module.functions.count) functions, "
        + "\(module.imports.count) imports, \(module.exports.count) exports")

    var configuration = InterpreterConfiguration()
    if let pages = settings.maxMemoryPages { configuration.maxMemoryPages = pages }
    if let slots = settings.valueStackSlots { configuration.valueStackSlots = slots }
    let store = Store(configuration: configuration)
    if let fuel = settings.fuel { store.fuel = fuel }
    trace(
      "limits: memory \(configuration.maxMemoryPages) pages, value stack "
        + "\(configuration.valueStackSlots) slots, fuel \(settings.fuel.map(String.init) ?? "unmetered")"
    )

    let wasi: WasiPreview1
    do {
      wasi = try WasiPreview1(configuration: wasiConfiguration())
    } catch {
      errors.line("error: \(error)")
      return ExitStatus.failure
    }
    defer { wasi.context.closeAll() }
    for preopen in settings.preopens {
      trace(
        "directory \(preopen.hostPath) as \(preopen.guestPath)"
          + (preopen.isReadOnly ? " (read-only)" : ""))
    }
    var linker = Linker()
    wasi.define(in: &linker, store: store)

    let usesBpf = module.imports.contains { Self.bpfImportModules.contains($0.module) }
    var bpf: WasmBpf?
    if usesBpf {
      bpf = makeBpf(policy: policy, errors: errors, trace: trace)
      bpf?.define(in: &linker, store: store)
      // wasm_attach_bpf_program_fd: a cgroup named by a directory the guest was granted.
      bpf?.host.guestDirectoryFD = { [unowned wasi] in wasi.context.borrowedDirectoryFD(guestFD: $0)
      }
      trace("eBPF policy '\(policy.name)'")
    }
    defer {
      if let host = bpf?.host {
        let open = host.openObjectCount
        host.closeAll()
        trace("closed \(open) BPF object(s); every link detached, every buffer freed")
        if settings.verbose {
          // A self-check an operator (and the tests) can read: nothing of BPF is left.
          trace("BPF descriptors still open: \(openBpfDescriptorCount())")
        }
      }
    }

    let interruptHandle = store.interruptHandle
    let watcher = RunWatcher(
      interrupt: { interruptHandle.interrupt() }, timeoutMilliseconds: settings.timeoutMilliseconds,
      handlesSignals: handlesSignals)
    defer { watcher?.finish() }
    if let watcher {
      bpf?.host.shouldStop = { watcher.shouldStop }
      wasi.context.interruptRequested = { watcher.shouldStop }
    }

    let outcome = invokeGuest(
      module: module, store: store, linker: linker, wasi: wasi, output: output)
    watcher?.finish()

    switch watcher?.stopReason {
    case .signal(let number):
      errors.line("wasmbpf-run: stopped by \(signalName(number))")
      return ExitStatus.signal(number)
    case .timeout:
      let ms = settings.timeoutMilliseconds ?? 0
      errors.line("error: timed out after \(ms) ms")
      return ExitStatus.timeout
    case nil:
      break
    }
    switch outcome {
    case .exited(let code):
      return Int32(truncatingIfNeeded: code & 0xFF)
    case .trapped(let trap):
      errors.line("error: " + trapText(trap))
      return ExitStatus.trap
    case .failed(let message, let status):
      errors.line("error: " + message)
      return status
    }
  }

  private enum Outcome {
    case exited(UInt32)
    case trapped(Trap)
    case failed(String, Int32)
  }

  private func invokeGuest<Output>(
    module: ValidatedModule, store: Store, linker: Linker, wasi: WasiPreview1,
    output: StreamBox<Output>
  ) -> Outcome {
    let instance: Instance
    do {
      instance = try linker.instantiate(module, in: store)
    } catch {
      if case .trap(let trap) = error {
        if let code = wasi.exitCode { return .exited(code) }
        return .trapped(trap)
      }
      return .failed("\(settings.modulePath): \(error)", ExitStatus.failure)
    }
    guard let name = settings.invoke else {
      guard instance.function("_start") != nil else {
        return .failed(
          "\(settings.modulePath) exports no _start function; use --invoke NAME to call "
            + "one of its exports (\(functionExports(module).joined(separator: ", ")))",
          ExitStatus.usage)
      }
      do {
        return .exited(try wasi.start(instance))
      } catch {
        return .trapped(error)
      }
    }
    guard let function = instance.function(name) else {
      return .failed(
        "\(settings.modulePath) exports no function '\(name)' (functions: "
          + "\(functionExports(module).joined(separator: ", ")))", ExitStatus.usage)
    }
    let parameters = function.type.parameters
    guard parameters.count == settings.guestArguments.count else {
      return .failed(
        "'\(name)' takes \(parameters.count) argument(s) (\(signature(function.type))), "
          + "got \(settings.guestArguments.count)", ExitStatus.usage)
    }
    var values: [Value] = []
    for (text, type) in zip(settings.guestArguments, parameters) {
      guard let value = parseValue(text, as: type) else {
        return .failed("'\(text)' is not a valid \(typeName(type)) for '\(name)'", ExitStatus.usage)
      }
      values.append(value)
    }
    do {
      if let initialize = instance.function("_initialize"), name != "_initialize" {
        _ = try initialize.call([])
      }
      let results = try function.call(values)
      for result in results { output.line(resultText(result)) }
      return .exited(wasi.exitCode ?? 0)
    } catch {
      if let code = wasi.exitCode { return .exited(code) }
      return .trapped(error)
    }
  }

  private func wasiConfiguration() -> WasiConfiguration {
    var environment: [(key: String, value: String)] = []
    func set(_ key: String, _ value: String) {
      environment.removeAll { $0.key == key }
      environment.append((key, value))
    }
    if settings.inheritEnvironment {
      for (key, value) in hostEnvironment() { set(key, value) }
    }
    for (key, value) in settings.environment {
      if let value {
        set(key, value)
      } else if let host = getenv(key) {
        set(key, String(cString: host))
      }
    }
    return WasiConfiguration(
      arguments: [settings.modulePath] + settings.guestArguments, environment: environment,
      preopens: settings.preopens)
  }

  private func makeBpf<Errors>(
    policy: BpfPolicy, errors: StreamBox<Errors>, trace: @escaping (String) -> Void
  ) -> WasmBpf {
    let moduleName = settings.modulePath.split(separator: "/").last.map(String.init) ?? "guest"
    let bpf = WasmBpf(options: BpfHostOptions(policy: policy, moduleName: moduleName))
    let verbose = settings.verbose
    bpf.host.enforcer.logsAllowed = verbose
    bpf.host.enforcer.logger = { record in
      if record.decision == .denied {
        errors.line(record.description)
      } else {
        trace(record.description)
      }
    }
    let verifierLog = settings.verifierLog
    bpf.host.diagnostics = { message in
      // A load failure's description ends with the verifier's log, when there is one.
      let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
      if verifierLog || lines.count <= 1 {
        errors.line("wasmbpf-run: " + message)
      } else {
        errors.line("wasmbpf-run: \(lines[0]) (--verifier-log prints the verifier's log)")
      }
    }
    return bpf
  }
}

func wasmErrorText(_ error: WasmError) -> String {
  let kind: String
  switch error.kind {
  case .malformed: kind = "malformed"
  case .invalid: kind = "invalid"
  case .implementationLimit: kind = "implementation limit"
  }
  return "\(kind) at offset 0x\(String(error.offset, radix: 16)): \(error.message)"
}

/// "wasm trap: KIND" and the backtrace, one frame a line, innermost first.
func trapText(_ trap: Trap) -> String {
  var text = "wasm trap: \(trap.message)"
  if let hostError = trap.hostError { text += ": \(hostError)" }
  if let detail = trap.detail { text += ": \(detail)" }
  if !trap.backtrace.isEmpty {
    text += "\nwasm backtrace:"
    // Deep recursion repeats one frame thousands of times: print each run once.
    var index = 0
    let frames = trap.backtrace
    while index < frames.count {
      var end = index + 1
      while end < frames.count && frames[end] == frames[index] { end += 1 }
      let frame = frames[index]
      var line = "  \(index): "
      if let name = frame.functionName {
        line += "\(frame.moduleName.map { "\($0)!" } ?? "")\(name) (func \(frame.functionIndex))"
      } else {
        line += "func \(frame.functionIndex)"
      }
      if end - index > 1 {
        line += ", repeated \(end - index) times (frames \(index)...\(end - 1))"
      }
      text += "\n" + line
      index = end
    }
  }
  return text
}

func signature(_ type: FunctionType) -> String {
  "(" + type.parameters.map(typeName).joined(separator: ", ") + ") -> ("
    + type.results.map(typeName).joined(separator: ", ") + ")"
}

private func functionExports(_ module: ValidatedModule) -> [String] {
  module.exports.filter { $0.kind == .function }.map(\.name)
}

func signalName(_ number: Int32) -> String {
  switch number {
  case SIGINT: return "SIGINT"
  case SIGTERM: return "SIGTERM"
  default: return "signal \(number)"
  }
}

/// The host's environment, from the C library's `environ`.
func hostEnvironment() -> [(String, String)] {
  var result: [(String, String)] = []
  var cursor = environ
  while let entry = cursor.pointee {
    let text = String(cString: entry)
    if let equals = text.firstIndex(of: "=") {
      result.append((String(text[..<equals]), String(text[text.index(after: equals)...])))
    }
    cursor += 1
  }
  return result
}

/// Descriptors of this process that are BPF programs, maps, links or BTF, from
/// /proc/self/fd.
func openBpfDescriptorCount() -> Int {
  guard let directory = opendir("/proc/self/fd") else { return -1 }
  defer { closedir(directory) }
  var count = 0
  var target = [CChar](repeating: 0, count: 128)
  while let entry = readdir(directory) {
    // Up to the NUL in place: the record may be shorter than d_name's 256 bytes.
    let name = withUnsafeMutablePointer(to: &entry.pointee.d_name) { field in
      field.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
    }
    guard name.first?.isNumber == true else { continue }
    let length = readlink("/proc/self/fd/" + name, &target, target.count - 1)
    guard length > 0 else { continue }
    let text = String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if text.hasPrefix("anon_inode:bpf") || text == "anon_inode:btf" { count += 1 }
  }
  return count
}
