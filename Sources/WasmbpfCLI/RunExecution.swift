// What `run` does with a command line: configure a guest (WasmbpfGuest), run it, and
// turn what it reports and how it ended into output and an exit status. The guest
// runs on its own thread when signals are handled (SignalForwarding.swift waits here
// for signals and for the guest), on the calling thread otherwise (tests).

import WasiBpf
import WasiPreview1
import WasmInterp
import WasmbpfGuest

#if canImport(Glibc)
  import Glibc
#endif

/// A text stream the guest's thread (its diagnostics) and this one both write to.
final class SharedStream: @unchecked Sendable {
  private var stream: any TextOutputStream
  private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

  init(_ stream: any TextOutputStream) {
    self.stream = stream
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  func line(_ text: String) {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    stream.write(text + "\n")
  }

  /// The stream, once nobody else writes to it, as the type it was made from.
  func contents<Stream>(as _: Stream.Type, else original: Stream) -> Stream {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return stream as? Stream ?? original
  }
}

extension RunCommandLine {
  func execute<Output: TextOutputStream, Errors: TextOutputStream>(
    stdout: inout Output, stderr: inout Errors, handlesSignals: Bool,
    registry: (any RegistryCommands)? = nil
  ) -> Int32 {
    let configuration: GuestConfiguration
    let grace: Duration
    do {
      configuration = try guestConfiguration()
      grace = try self.grace()
    } catch {
      stderr.write("error: \(error.message)\n")
      return ExitStatus.usage
    }
    return execute(
      configuration, grace: grace, stdout: &stdout, stderr: &stderr,
      handlesSignals: handlesSignals, registry: registry)
  }

  /// Runs `configuration`, made from this command line by `guestConfiguration()`.
  func execute<Output: TextOutputStream, Errors: TextOutputStream>(
    _ configuration: GuestConfiguration, grace: Duration, stdout: inout Output,
    stderr: inout Errors, handlesSignals: Bool, registry: (any RegistryCommands)? = nil
  ) -> Int32 {
    var configuration = configuration
    if hasRegistryModule {
      var messages: [String] = []
      let failure = resolveRegistryModule(
        into: &configuration, registry: registry, errors: { messages.append($0) })
      for message in messages { stderr.write(message + "\n") }
      if let failure { return failure }
    }
    if module.hasSuffix(".wat") || module.hasSuffix(".wast") {
      do {
        configuration.module = .bytes(try loadModuleBytes(module))
      } catch {
        stderr.write("error: \(error)\n")
        return ExitStatus.failure
      }
    }
    let output = SharedStream(stdout)
    let errors = SharedStream(stderr)
    defer {
      stdout = output.contents(as: Output.self, else: stdout)
      stderr = errors.contents(as: Errors.self, else: stderr)
    }
    let guest = Guest(configuration, observer: observer(errors))
    let outcome =
      handlesSignals ? SignalForwarding.run(guest, grace: grace, trace: trace(errors)) : guest.run()
    if verbose && guest.usesBpf {
      // A self-check an operator (and the tests) can read: nothing of BPF is left.
      errors.line("wasmbpf-run: BPF descriptors still open: \(openBpfDescriptorCount())")
    }
    return status(of: outcome, output: output, errors: errors)
  }

  private func trace(_ errors: SharedStream) -> @Sendable (String) -> Void {
    let verbose = self.verbose
    return { text in if verbose { errors.line("wasmbpf-run: " + text) } }
  }

  /// Denials always, the rest with -v; a load failure's verifier log with
  /// --verifier-log.
  private func observer(_ errors: SharedStream) -> GuestObserver {
    let trace = self.trace(errors)
    let verifierLog = self.verifierLog
    let verbose = self.verbose
    return GuestObserver(
      audit: { record in
        if record.decision == .denied {
          errors.line(record.description)
        } else {
          trace(record.description)
        }
      },
      auditsAllowed: verbose,
      diagnostic: { diagnostic in
        switch diagnostic.kind {
        case .libbpfInfo:
          if verbose { errors.line(diagnostic.message) }
        case .libbpfWarning:
          errors.line(diagnostic.message)
        case .privileges:
          errors.line("wasmbpf-run: " + diagnostic.message)
        case .loadFailed, .attachFailed:
          if verifierLog || (diagnostic.verifierLog ?? "").isEmpty {
            errors.line("wasmbpf-run: " + diagnostic.description)
          } else {
            errors.line(
              "wasmbpf-run: \(diagnostic.message) (--verifier-log prints the verifier's log)")
          }
        }
      },
      trace: trace)
  }

  private func status(of outcome: GuestOutcome, output: SharedStream, errors: SharedStream)
    -> Int32
  {
    switch outcome {
    case .exited(let code):
      return Int32(truncatingIfNeeded: code & 0xFF)
    case .returned(let values):
      for value in values { output.line(value.resultText) }
      return ExitStatus.success
    case .trapped(let trap):
      errors.line("error: " + trap.report)
      return ExitStatus.trap
    case .stopped(.signal(let number)):
      errors.line("wasmbpf-run: stopped by \(signalName(number))")
      return ExitStatus.signal(number)
    case .stopped(.timeout):
      errors.line("error: timed out after \(timeout.flatMap { try? parseDuration($0) } ?? 0) ms")
      return ExitStatus.timeout
    case .stopped(.requested):
      errors.line("wasmbpf-run: stopped")
      return ExitStatus.failure
    case .failed(let failure):
      errors.line("error: " + failure.message)
      return failure.kind == .entry ? ExitStatus.usage : ExitStatus.failure
    }
  }
}

func signalName(_ number: Int32) -> String {
  switch number {
  case SIGINT: return "SIGINT"
  case SIGTERM: return "SIGTERM"
  default: return "signal \(number)"
  }
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
