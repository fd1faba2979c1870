// The options of `run`: the one table. Their names, value names and help live here;
// `RunCommandLine` reads command lines from it and `RunSubcommand` (ArgumentParser,
// for help, completions and error messages) declares each option with these names
// and help texts, so a new option is one case here plus its property there.

/// One option of `run`.
enum RunOption: String, CaseIterable {
  case invoke
  case directory = "dir"
  case readOnlyDirectory = "ro-dir"
  case environment = "env"
  case inheritEnvironment = "inherit-env"
  case fuel
  case maxMemory = "max-memory"
  case maxStack = "max-stack"
  case timeout
  case gracePeriod = "grace-period"
  case bpfPolicy = "bpf-policy"
  case insecureRegistry = "insecure-registry"
  case bpfHostPaths = "bpf-host-paths"
  case deferValidation = "defer-validation"
  case verifierLog = "verifier-log"
  case verbose

  /// The long name, without dashes (what ArgumentParser's `.customLong` takes).
  var name: String { rawValue }

  /// The single-letter name, if any.
  var shortName: Character? { self == .verbose ? "v" : nil }

  /// The value's name in the help (`<size>`); nil for a flag.
  var valueName: String? {
    switch self {
    case .invoke: return "name"
    case .directory, .readOnlyDirectory: return "host[::guest]"
    case .environment: return "key=value"
    case .fuel: return "n"
    case .maxMemory, .maxStack: return "size"
    case .timeout, .gracePeriod: return "duration"
    case .bpfPolicy: return "policy"
    case .insecureRegistry: return "host"
    case .inheritEnvironment, .bpfHostPaths, .deferValidation, .verifierLog, .verbose: return nil
    }
  }

  var takesValue: Bool { valueName != nil }

  /// Given more than once, each occurrence counts (the others: the last one wins).
  var isRepeatable: Bool {
    self == .directory || self == .readOnlyDirectory || self == .environment
      || self == .insecureRegistry
  }

  /// The option named `text` (`--dir`, `-v`), if `run` has one.
  init?(commandLineName text: String) {
    if text == "-v" {
      self = .verbose
      return
    }
    guard text.hasPrefix("--"), let option = RunOption(rawValue: String(text.dropFirst(2))) else {
      return nil
    }
    self = option
  }

  var help: String {
    switch self {
    case .invoke:
      return "Call the export <name> instead of _start, after `_initialize` if the module has "
        + "one; the guest arguments are its parameters (integers, floats, `nan`, `inf`) and its "
        + "results are printed one per line."
    case .directory:
      return "Grant the guest a host directory, read-write, under the path GUEST (default: the "
        + "host path). Repeatable; the guest sees them (fd 3, 4, ...) in command-line order, "
        + "--ro-dir included. The guest cannot leave it, through `..` or symlinks."
    case .readOnlyDirectory:
      return "Grant a host directory read-only: every operation that would write is refused "
        + "(ENOTCAPABLE). Repeatable."
    case .environment:
      return "Set a variable of the guest's environment; `--env KEY` alone passes the host's "
        + "value of KEY. Repeatable; later settings win."
    case .inheritEnvironment:
      return "Pass the whole host environment to the guest (before any --env)."
    case .fuel:
      return "Stop the guest with the trap `all fuel consumed` after about <n> units of work "
        + "(one per call and loop iteration). Unmetered by default."
    case .maxMemory:
      return "Largest size any linear memory may grow to, e.g. 64MiB, 4G, 655360 (bytes; K, M, "
        + "G are powers of 1024; rounded down to 64 KiB pages). Default: 4GiB, the Wasm limit."
    case .maxStack:
      return "Size of the value stack all Wasm frames share (locals and operands, 8 bytes a "
        + "slot), e.g. 1MiB; deeper recursion traps with `call stack exhausted`. Default: 16MiB."
    case .timeout:
      return "Stop the guest after <duration> (e.g. 500ms, 10s, 2m; a bare number is seconds), "
        + "detach its BPF links and exit with 124."
    case .gracePeriod:
      return "After the first SIGINT or SIGTERM, how long the guest may take to end by itself "
        + "(its polls and sleeps return EINTR) before it is stopped and wasmbpf-run exits with "
        + "130 or 143. Default: 2s."
    case .bpfPolicy:
      return "What the guest may do with eBPF: `unrestricted`, `observe`, `deny-all`, a TOML "
        + "policy file, or `artifact`: the policy pushed with an oci: module (see POLICIES)."
    case .insecureRegistry:
      return "Allow plain HTTP to this registry (HOST[:PORT]) for an oci:// module; loopback "
        + "registries need no such grant. Repeatable."
    case .bpfHostPaths:
      return "Open the cgroup paths and uprobe binaries the guest names as host paths, as the "
        + "reference runtimes do, instead of through the directories granted with --dir."
    case .deferValidation:
      return "Validate each function body when it is first called instead of all at load: a "
        + "large module starts sooner, and an invalid body traps when called instead of failing "
        + "the load. For modules you trust to be valid."
    case .verifierLog:
      return "When a BPF object fails to load, print the kernel verifier's log."
    case .verbose:
      return "Trace the run on stderr: module, limits, every BPF load and attach, the clean-up."
    }
  }
}
