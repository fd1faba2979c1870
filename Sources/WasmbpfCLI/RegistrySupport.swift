// The registry's part of the command line (`push`, `pull`, `cache`, and a run of an
// `oci:` reference) is served by `wasmbpf-oci`, which links the HTTP client and its
// TLS and crypto libraries; `wasmbpf-run` links none of them, so that running a local
// file starts as fast as before (docs/oci.md measures it). `wasmbpf-run` execs
// `wasmbpf-oci` from beside itself for those command lines; `wasmbpf-oci` is this same
// command line with a `RegistryCommands` plugged in.

import ArgumentParser

#if canImport(Glibc)
  import Glibc
#endif

/// A module resolved from a reference: its bytes and what travelled with it.
public struct ResolvedModule: Sendable {
  // Constants, not variables: each public `var` adds accessors to the executable's
  // exported symbols, which the runtime's start-up scans (docs/oci.md).
  public let bytes: [UInt8]
  /// The artifact's policy (TOML) and its digest, when it carries one.
  public let policy: (text: String, digest: String)?
  /// Arguments an image gives its module, used when the command line gives none.
  public let defaultArguments: [String]
  /// Lines for stderr: what the reference resolved to, what the tool touches.
  public let summary: [String]

  public init(
    bytes: [UInt8], policy: (text: String, digest: String)?, defaultArguments: [String],
    summary: [String]
  ) {
    self.bytes = bytes
    self.policy = policy
    self.defaultArguments = defaultArguments
    self.summary = summary
  }
}

/// What `wasmbpf-oci` plugs into the command line: its subcommands and how a run
/// resolves an `oci:` module. Output goes through the closures (`output` is stdout,
/// `errors` stderr).
public protocol RegistryCommands {
  /// The root command to parse with: wasmbpf-run's, plus `push`, `pull` and `cache`.
  var rootCommand: any ParsableCommand.Type { get }
  /// Runs `command` when it is one of the registry's subcommands; nil otherwise.
  func execute(
    _ command: any ParsableCommand, output: @escaping (String) -> Void,
    errors: @escaping (String) -> Void
  ) -> Int32?
  /// The module an `oci:` reference names (pulled through the cache, or read from a
  /// layout folder); a failure is printed as `error: MESSAGE` with exit status 1.
  func resolveModule(
    _ reference: String, insecureRegistries: [String], errors: @escaping (String) -> Void
  ) throws(ModuleLoadError) -> ResolvedModule
}

/// How this process serves the registry's command lines.
public enum RegistrySupport {
  /// Not at all (in-process callers, such as tests of the rest of the CLI).
  case unavailable
  /// By exec'ing `wasmbpf-oci` from this executable's folder (what wasmbpf-run does).
  case execSibling
  /// Here (what wasmbpf-oci does).
  case inProcess(any RegistryCommands)

  /// The registry's subcommands, for wasmbpf-oci's reading of a command line.
  static let subcommandNames = ["push", "pull", "cache"]

  /// Whether `name` is a subcommand that needs the registry client. Compared one by
  /// one: wasmbpf-run asks at every start, and a static array would cost a lazy
  /// global's initialization there.
  static func isRegistrySubcommand(_ name: String) -> Bool {
    name == "push" || name == "pull" || name == "cache"
  }

  /// True when `arguments` need the registry client: a registry subcommand (or its
  /// help), or a run whose module is an `oci:` reference.
  static func isNeeded(_ arguments: [String], reading: RunCommandLine.Reading) -> Bool {
    if let first = arguments.first, isRegistrySubcommand(first) { return true }
    if arguments.first == "help", arguments.count > 1, isRegistrySubcommand(arguments[1]) {
      return true
    }
    switch reading {
    case .run(let line, _):
      return line.module.hasPrefix("oci:")
    case .parser(let parserArguments, _):
      guard parserArguments.dropLast().last == "--", let module = parserArguments.last else {
        return false
      }
      return module.hasPrefix("oci:")
    case .notRun:
      return false
    }
  }

  /// Replaces this process with `wasmbpf-oci arguments`; returns only on failure, with
  /// the message to print.
  static func execSibling(_ arguments: [String]) -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard length > 0 else { return "cannot find this executable's folder (/proc/self/exe)" }
    let executable = String(
      decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let folder = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast()
      .joined(separator: "/")
    let tool = folder + "/wasmbpf-oci"
    let argv: [UnsafeMutablePointer<CChar>?] = ([tool] + arguments).map { strdup($0) } + [nil]
    execv(tool, argv)
    let reason = String(cString: strerror(errno))
    argv.forEach { free($0) }
    return "registry commands and oci: references are served by wasmbpf-oci, which should be "
      + "installed beside wasmbpf-run (\(tool): \(reason))"
  }
}
