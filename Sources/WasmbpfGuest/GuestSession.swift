// What runs on the guest's thread: load and validate the module, configure the
// store's limits, WASI and (when the module imports it) `wasm_bpf` under the policy,
// run `_start` or the invoked export, and release everything, in that order, whatever
// the outcome. The only composition of a running guest: `wasmbpf-run`, the node agent
// and embedders all come through here (by `Guest`).

import HostIO
import WasiBpf
import WasiPreview1
import WasmCore
import WasmInterp

struct GuestSession {
  let guest: Guest
  var configuration: GuestConfiguration { guest.configuration }

  private func trace(_ text: @autoclosure () -> String) {
    guest.observer.trace?(text())
  }

  func run() -> GuestOutcome {
    let module: ValidatedModule
    do {
      module = try loadModule()
    } catch {
      return .failed(error)
    }

    var interpreter = InterpreterConfiguration()
    let limits = configuration.limits
    if let bytes = limits.maxMemoryBytes {
      interpreter.maxMemoryPages = Int(min(bytes / 65536, 65536))
    }
    if let bytes = limits.maxStackBytes {
      guard bytes >= 8 else {
        return .failed(GuestFailure(.configuration, "the stack limit must be at least 8 bytes"))
      }
      interpreter.valueStackSlots = Int(min(bytes / 8, UInt64(Int32.max)))
    }
    if let fuel = limits.fuel, fuel < 0 {
      return .failed(GuestFailure(.configuration, "fuel must be 0 or more, not \(fuel)"))
    }
    let store = Store(configuration: interpreter)
    // Unmetered, the store counts nothing; a guest that reports its work anyway
    // (`countsFuel`) gets a budget it cannot exhaust.
    store.fuel = limits.fuel ?? (limits.countsFuel ? .max - 1 : nil)
    let fuelAtStart = store.fuel ?? .max
    trace(
      "limits: memory \(interpreter.maxMemoryPages) pages, value stack "
        + "\(interpreter.valueStackSlots) slots, fuel \(limits.fuel.map(String.init) ?? "unmetered")"
    )
    let control = guest.control
    store.hostCallObserver = { caller in
      control.hostCalls.add(1, ordering: .relaxed)
      let used = fuelAtStart &- max(caller.remainingFuel, 0)
      control.fuelConsumed.store(UInt64(max(used, 0)), ordering: .relaxed)
      if let memory = caller.memory {
        control.memoryBytes.store(UInt64(memory.byteCount), ordering: .relaxed)
      }
    }

    let wasi: WasiPreview1
    do {
      wasi = try WasiPreview1(configuration: wasiConfiguration())
    } catch {
      return .failed(GuestFailure(.configuration, error.description))
    }
    defer { wasi.context.closeAll() }
    for preopen in configuration.preopens {
      trace(
        "directory \(preopen.hostPath) as \(preopen.guestPath)"
          + (preopen.isReadOnly ? " (read-only)" : ""))
    }
    // Waits end on any stop; writes only on a forced one (the guest's last output).
    wasi.context.interruptRequested = { control.stopRequested.load(ordering: .relaxed) }
    wasi.context.writeInterruptRequested = { control.forced.load(ordering: .relaxed) }
    var linker = Linker()
    wasi.define(in: &linker, store: store)

    var bpf: WasmBpf?
    if WasmBpf.isImported(by: module.module) {
      let policy = configuration.policy
      let made = makeBpf(wasi: wasi, policy: policy)
      made.define(in: &linker, store: store)
      bpf = made
      guest.publish(host: made.host)
      trace("eBPF policy '\(policy.name)'")
    }
    defer {
      if let host = bpf?.host {
        let open = host.openObjectCount
        host.closeAll()
        trace("closed \(open) BPF object(s); every link detached, every buffer freed")
      }
    }

    guest.publish(interruptHandle: store.interruptHandle)
    let outcome = execute(module, store: store, linker: linker, wasi: wasi)
    if let remaining = store.fuel {
      control.fuelConsumed.store(UInt64(max(fuelAtStart &- remaining, 0)), ordering: .relaxed)
    }
    return outcome
  }

  private func loadModule() throws(GuestFailure) -> ValidatedModule {
    let label = configuration.programName
    let bytes: [UInt8]
    switch configuration.module {
    case .bytes(let b): bytes = b
    case .file(let path):
      do {
        bytes = try readFile(path)
      } catch {
        throw GuestFailure(.module, error.description)
      }
    }
    let module: ValidatedModule
    do {
      module = try ValidatedModule(
        bytes: bytes, deferringBodyValidation: configuration.deferBodyValidation)
    } catch {
      throw GuestFailure(.module, "\(label): \(error.report)")
    }
    trace(
      "module \(label): \(bytes.count) bytes, \(module.module.functions.count) functions, "
        + "\(module.imports.count) imports, \(module.exports.count) exports")
    return module
  }

  private func wasiConfiguration() -> WasiConfiguration {
    var arguments = [configuration.programName] + configuration.arguments
    if case .invoke(_, let values) = configuration.entry { arguments += values }
    return WasiConfiguration(
      arguments: arguments, environment: configuration.environment,
      preopens: configuration.preopens, stdin: configuration.stdin, stdout: configuration.stdout,
      stderr: configuration.stderr)
  }

  private func makeBpf(wasi: WasiPreview1, policy: BpfPolicy) -> WasmBpf {
    let name = configuration.programName
    let moduleName = name.split(separator: "/").last.map(String.init) ?? name
    let bpf = WasmBpf(
      options: BpfHostOptions(
        policy: policy, moduleName: moduleName, log: configuration.bpfLog,
        attachPaths: configuration.attachPaths))
    let host = bpf.host
    let observer = guest.observer
    host.enforcer.logger = observer.audit
    host.enforcer.logsAllowed = observer.auditsAllowed
    host.diagnostics = observer.diagnostic
    host.files = GuestBpfFiles(context: wasi.context)
    let control = guest.control
    host.shouldStop = { control.stopRequested.load(ordering: .relaxed) }
    return bpf
  }

  private func execute(
    _ module: ValidatedModule, store: Store, linker: Linker, wasi: WasiPreview1
  ) -> GuestOutcome {
    let label = configuration.programName
    let instance: Instance
    do {
      instance = try linker.instantiate(module, in: store)
    } catch {
      if case .trap(let trap) = error {
        if let code = wasi.exitCode { return .exited(code) }
        return .trapped(trap)
      }
      return .failed(GuestFailure(.module, "\(label): \(error)"))
    }
    let exports = module.exports.filter { $0.kind == .function }.map(\.name)
    guard case .invoke(let name, let texts) = configuration.entry else {
      guard instance.function("_start") != nil else {
        return .failed(
          GuestFailure(
            .entry,
            "\(label) exports no _start function; use --invoke NAME to call one of its "
              + "exports (\(exports.joined(separator: ", ")))"))
      }
      do {
        return .exited(try wasi.start(instance))
      } catch {
        return .trapped(error)
      }
    }
    guard let function = instance.function(name) else {
      return .failed(
        GuestFailure(
          .entry,
          "\(label) exports no function '\(name)' (functions: \(exports.joined(separator: ", ")))"))
    }
    let parameters = function.type.parameters
    guard parameters.count == texts.count else {
      return .failed(
        GuestFailure(
          .entry,
          "'\(name)' takes \(parameters.count) argument(s) (\(function.type.signatureText)), "
            + "got \(texts.count)"))
    }
    var values: [Value] = []
    for (text, type) in zip(texts, parameters) {
      guard let value = Value(parsing: text, as: type) else {
        return .failed(
          GuestFailure(.entry, "'\(text)' is not a valid \(type.textName) for '\(name)'"))
      }
      values.append(value)
    }
    do {
      if name != "_initialize" { try wasi.initialize(instance) }
      let results = try function.call(values)
      if let code = wasi.exitCode { return .exited(code) }
      return .returned(results)
    } catch {
      if let code = wasi.exitCode { return .exited(code) }
      return .trapped(error)
    }
  }
}

/// The guest's granted directories, as the BPF host asks for them.
final class GuestBpfFiles: BpfGuestFiles {
  let context: WasiContext
  init(context: WasiContext) { self.context = context }

  func openHostDescriptor(guestPath path: String, directory: Bool) throws(BpfError) -> Int32 {
    do {
      return try context.openHostDescriptor(guestPath: path, directory: directory)
    } catch {
      throw BpfError(
        errno: error.hostErrno, operation: "open \(path) beneath the guest's granted directories")
    }
  }

  func duplicateDirectoryDescriptor(guestFD: UInt32) throws(BpfError) -> Int32 {
    do {
      return try context.duplicateDirectoryDescriptor(guestFD: guestFD)
    } catch {
      throw BpfError(errno: error.hostErrno, operation: "directory fd \(guestFD) of the guest")
    }
  }
}
