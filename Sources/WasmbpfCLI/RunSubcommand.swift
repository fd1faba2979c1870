// `wasmbpf-run [run] [options] app.wasm [args...]`: the options of a run and their
// help. What a run does is in GuestRun.swift.

import ArgumentParser
import WasiBpf

struct RunSubcommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a WASI command, with eBPF through its wasm_bpf imports (the default).",
    usage: """
      wasmbpf-run [run] [<options>] <module> [<guest-arguments> ...]
        wasmbpf-run [run] [<options>] --invoke <name> <module> [<values> ...]
      """,
    discussion: """
      Runs the module's `_start` as the reference wasm-bpf runner does: argv[0] is \
      the module path as given, and every argument after the path reaches the guest \
      untouched, even one that looks like an option of wasmbpf-run. Options of \
      wasmbpf-run go before the module path (or put `--` before the path).

      The guest gets WASI preview 1 (standard streams inherited, no files unless \
      --dir/--ro-dir grant them, no environment unless --env/--inherit-env) and the \
      `wasm_bpf` imports, which load, attach and read eBPF programs under the policy \
      of --bpf-policy. Every policy denial is printed to stderr as an audit record; \
      -v also prints what was allowed.

      POLICIES (--bpf-policy):
        unrestricted  all that wasm-bpf tools use; the default, as the reference
                      runner allows everything
        observe       read-only tracing (tracepoints, uprobes, perf events), no
                      writing helpers such as bpf_probe_write_user or
                      bpf_send_signal, read-only map access
        deny-all      no eBPF at all
        FILE          a TOML policy; `wasmbpf-run inspect --policy app.wasm`
                      proposes one (format: docs/bpf-policy.md)
        artifact      the policy pushed with the module (an oci: reference);
                      shown on every run of a reference, applied only when
                      asked for with this value

      SIGNALS: SIGINT and SIGTERM stop the guest (also in a tight loop, asleep, \
      or waiting on a ring buffer), detach every BPF link, close every object \
      and buffer, and exit with 130 or 143. A second signal exits at once; the \
      kernel then releases what is left when the descriptors close.

      EXIT STATUS:
        N     the guest's proc_exit code (0 when _start returns), modulo 256
        1     the module could not be read, validated, linked or instantiated,
              or a --dir could not be opened
        2     usage error
        124   --timeout expired
        130   SIGINT (143: SIGTERM)
        134   the guest trapped; the trap and a Wasm backtrace (function names
              from the module's `name` section) are printed to stderr

      EXAMPLES:
        wasmbpf-run hello.wasm --name world
        wasmbpf-run --dir ./data::/data --ro-dir /etc::/etc --env HOME=/data app.wasm
        wasmbpf-run --fuel 100000000 --max-memory 64MiB --timeout 10s untrusted.wasm
        wasmbpf-run --invoke add math.wasm 2 40
        wasmbpf-run --bpf-policy observe -v execsnoop.wasm
        wasmbpf-run --bpf-policy tracer.toml --verifier-log exectrace.wasm -t 5000
        wasmbpf-run --bpf-policy artifact oci://127.0.0.1:5000/tools/exectrace:1.0
        wasmbpf-run oci:./offline:exectrace
      """
  )

  @Option(
    name: .customLong("invoke"),
    help: ArgumentHelp(
      "Call the export <name> instead of _start, after `_initialize` if the module has one; "
        + "the guest arguments are its parameters (integers, floats, `nan`, `inf`) "
        + "and its results are printed one per line.",
      valueName: "name"))
  var invoke: String?

  @Option(
    name: .customLong("dir"),
    help: ArgumentHelp(
      "Grant the guest a host directory, read-write, under the path GUEST (default: "
        + "the host path). Repeatable. The guest cannot leave it, through `..` or symlinks.",
      valueName: "host[::guest]"))
  var directories: [String] = []

  @Option(
    name: .customLong("ro-dir"),
    help: ArgumentHelp(
      "Grant a host directory read-only: every operation that would write is refused "
        + "(ENOTCAPABLE). Repeatable.",
      valueName: "host[::guest]"))
  var readOnlyDirectories: [String] = []

  @Option(
    name: .customLong("env"),
    help: ArgumentHelp(
      "Set a variable of the guest's environment; `--env KEY` alone passes the host's "
        + "value of KEY. Repeatable; later settings win.",
      valueName: "key=value"))
  var environment: [String] = []

  @Flag(
    name: .customLong("inherit-env"),
    help: "Pass the whole host environment to the guest (before any --env).")
  var inheritEnvironment = false

  @Option(
    help: ArgumentHelp(
      "Stop the guest with the trap `all fuel consumed` after about <n> units of work "
        + "(one per call and loop iteration). Unmetered by default.",
      valueName: "n"))
  var fuel: Int?

  @Option(
    name: .customLong("max-memory"),
    help: ArgumentHelp(
      "Largest size any linear memory may grow to, e.g. 64MiB, 4G, 655360 "
        + "(bytes; K, M, G are powers of 1024; rounded down to 64 KiB pages). "
        + "Default: 4GiB, the Wasm limit.",
      valueName: "size"))
  var maxMemory: String?

  @Option(
    name: .customLong("max-stack"),
    help: ArgumentHelp(
      "Size of the value stack all Wasm frames share (locals and operands, 8 bytes "
        + "a slot), e.g. 1MiB; deeper recursion traps with `call stack exhausted`. "
        + "Default: 16MiB.",
      valueName: "size"))
  var maxStack: String?

  @Option(
    help: ArgumentHelp(
      "Stop the guest after <duration> (e.g. 500ms, 10s, 2m; a bare number is seconds), "
        + "detach its BPF links and exit with 124.",
      valueName: "duration"))
  var timeout: String?

  @Option(
    name: .customLong("bpf-policy"),
    help: ArgumentHelp(
      "What the guest may do with eBPF: `unrestricted`, `observe`, `deny-all`, "
        + "or a TOML policy file (see POLICIES).",
      valueName: "policy"))
  var bpfPolicy = "unrestricted"

  @Option(
    name: .customLong("insecure-registry"),
    help: ArgumentHelp(
      "Allow plain HTTP to this registry (HOST[:PORT]) for an oci:// module; loopback "
        + "registries need no such grant. Repeatable.", valueName: "host"))
  var insecureRegistries: [String] = []

  @Flag(
    name: .customLong("defer-validation"),
    help: ArgumentHelp(
      "Validate each function body when it is first called instead of all at load: "
        + "a large module starts sooner, and an invalid body traps when called instead "
        + "of failing the load. For modules you trust to be valid."))
  var deferValidation = false

  @Flag(
    name: .customLong("verifier-log"),
    help: "When a BPF object fails to load, print the kernel verifier's log.")
  var verifierLog = false

  @Flag(
    name: .shortAndLong,
    help: "Trace the run on stderr: module, limits, every BPF load and attach, the clean-up.")
  var verbose = false

  @Argument(
    help: ArgumentHelp(
      "The module to run (.wasm, or text: .wat), or a reference: oci://HOST/REPO:TAG "
        + "(or @sha256:DIGEST), pulled through the cache, or oci:DIR[:NAME], an OCI "
        + "image layout folder."))
  var module: String

  @Argument(
    help: ArgumentHelp(
      "Arguments for the guest, passed untouched (argv[1...]).", valueName: "guest-arguments"))
  var arguments: [String] = []

  func validate() throws {
    do {
      _ = try settings()
    } catch {
      throw ValidationError(error.message)
    }
  }

  /// The options as typed, for `RunOptionValues.settings()`.
  var values: RunOptionValues {
    RunOptionValues(
      module: module, arguments: arguments, invoke: invoke, directories: directories,
      readOnlyDirectories: readOnlyDirectories, environment: environment,
      inheritEnvironment: inheritEnvironment, fuel: fuel, maxMemory: maxMemory,
      maxStack: maxStack, timeout: timeout, bpfPolicy: bpfPolicy,
      deferValidation: deferValidation, verifierLog: verifierLog, verbose: verbose,
      insecureRegistries: insecureRegistries)
  }

  /// The options as values the run needs; a bad value is a usage error.
  func settings() throws(UsageError) -> RunSettings {
    try values.settings()
  }

  func execute<Output: TextOutputStream, Errors: TextOutputStream>(
    stdout: inout Output, stderr: inout Errors, handlesSignals: Bool,
    registry: (any RegistryCommands)? = nil
  ) -> Int32 {
    let settings: RunSettings
    do {
      settings = try self.settings()
    } catch {
      stderr.write("error: \(error.message)\n")
      return ExitStatus.usage
    }
    return startGuest(
      settings: settings, handlesSignals: handlesSignals, registry: registry, stdout: &stdout,
      stderr: &stderr)
  }
}
