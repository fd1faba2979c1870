// The embedding of WASI in the interpreter: registers every wasi_snapshot_preview1
// function in a Linker and runs command modules (`_start`) to an exit code.
import WasmCore
import WasmInterp

/// A `wasi_snapshot_preview1` instance for one guest.
///
/// ```swift
/// let wasi = try WasiPreview1(configuration: WasiConfiguration(arguments: ["prog"]))
/// var linker = Linker()
/// wasi.define(in: &linker, store: store)
/// let instance = try linker.instantiate(module, in: store)
/// let code = try wasi.start(instance)
/// ```
public final class WasiPreview1 {
  /// The WASI core: descriptor table, arguments, environment, captured output.
  public let context: WasiContext

  /// The exit code once the guest called `proc_exit` (or a fatal `proc_raise`).
  /// Once set, every further WASI call by the guest ends it again: a host frame that
  /// caught the unwinding trap cannot resurrect the instance.
  public private(set) var exitCode: UInt32?

  public init(configuration: WasiConfiguration) throws(WasiSetupError) {
    context = try WasiContext(configuration: configuration)
  }

  /// What the guest wrote to a `.buffer` stdout / stderr.
  public var capturedStdout: WasiOutputBuffer { context.stdoutBuffer }
  public var capturedStderr: WasiOutputBuffer { context.stderrBuffer }

  /// Defines every function of `wasi_snapshot_preview1` in `linker`, each made in
  /// `store` when an import asks for it (`Linker.defineOnDemand`).
  public func define(in linker: inout Linker, store: Store) {
    linker.defineOnDemand(module: WasiImport.moduleName) { [self] name in
      guard let function = WasiImport.all.first(where: { $0.name == name }) else { return nil }
      return .function(
        store.hostFunction(type: function.type) { caller, arguments in
          try self.call(function, caller: caller, arguments: arguments)
        })
    }
  }

  private func call(_ function: WasiImport, caller: Caller, arguments: [Value]) throws -> [Value] {
    if let exitCode { throw WasiExit(code: exitCode) }
    let raw = arguments.map { value -> UInt64 in
      switch value {
      case .i32(let bits): UInt64(bits)
      case .i64(let bits): bits
      default: 0
      }
    }
    let results: [UInt64]
    do {
      if let memory = caller.memory {
        results = try memory.withView { view in
          try function.call(context, memory: WasiMemory(bytes: view.unsafeBuffer), arguments: raw)
        }
      } else {
        let empty = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        results = try function.call(context, memory: WasiMemory(bytes: empty), arguments: raw)
      }
    } catch let exit as WasiExit {
      exitCode = exit.code
      throw exit
    }
    return results.map { .i32(UInt32(truncatingIfNeeded: $0)) }
  }

  /// Runs the command's `_start` and returns its exit code: the `proc_exit` code, or
  /// 0 when `_start` returns. A trap that is not an exit is rethrown.
  public func start(_ instance: Instance) throws(Trap) -> UInt32 {
    guard let start = instance.function("_start") else {
      throw Trap(.hostError, hostError: "the module exports no _start function")
    }
    do {
      _ = try start.call([])
    } catch {
      if let exitCode { return exitCode }
      throw error
    }
    return exitCode ?? 0
  }
}

extension WasiPreview1 {
  /// Runs a reactor's `_initialize` when the module exports one (WASI's convention
  /// for a module whose exports are called instead of `_start`); does nothing
  /// otherwise. Call it once, before calling other exports. A `proc_exit` inside it
  /// throws like any call; `exitCode` then has the code.
  public func initialize(_ instance: Instance) throws(Trap) {
    guard let initialize = instance.function("_initialize") else { return }
    _ = try initialize.call([])
  }
}

/// The outcome of running a command module.
public struct WasiRunResult: Sendable {
  public var exitCode: UInt32
  /// What the guest wrote to `.buffer` stdout / stderr (empty for other streams).
  public var stdout: [UInt8]
  public var stderr: [UInt8]
}

extension WasiPreview1 {
  /// Decodes, validates and instantiates `module` with WASI as its only import
  /// module, runs `_start`, and returns the exit code and captured output.
  public static func runCommand(
    _ module: [UInt8], configuration: WasiConfiguration,
    interpreter: InterpreterConfiguration = InterpreterConfiguration()
  ) throws -> WasiRunResult {
    let validated = try ValidatedModule(bytes: module)
    let store = Store(configuration: interpreter)
    let wasi = try WasiPreview1(configuration: configuration)
    defer { wasi.context.closeAll() }
    var linker = Linker()
    wasi.define(in: &linker, store: store)
    let instance = try linker.instantiate(validated, in: store)
    let code = try wasi.start(instance)
    return WasiRunResult(
      exitCode: code, stdout: wasi.capturedStdout.bytes, stderr: wasi.capturedStderr.bytes)
  }
}
