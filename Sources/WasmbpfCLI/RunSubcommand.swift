// `wasmbpf-run [run] [options] app.wasm [args...]` as ArgumentParser sees it: for the
// help, shell completions and the messages of command lines RunCommandLine leaves to
// it. What a run does is in RunExecution.swift.

import ArgumentParser

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

      SIGNALS: the first SIGINT or SIGTERM asks the guest to end: its buffer \
      polls return EINTR (-27, as its libc numbers it) and its sleeps and reads \
      are interrupted, so a tool that leaves its loop on EINTR ends by itself, \
      with its output flushed and its own exit status. If it has not ended after \
      --grace-period (2s), or on a second signal, it is stopped (also in a tight \
      loop), every BPF link is detached, every object and buffer closed, and \
      wasmbpf-run exits with 130 or 143. A third signal exits at once; the kernel \
      then releases what is left when the descriptors close.

      ATTACH TARGETS: a cgroup path (sockops, cgroup programs) and a uprobe's \
      binary (uprobe/PATH:FUNCTION) name files as the guest sees them, through \
      the directories granted with --dir: `--dir /sys/fs/cgroup/unified::/sys/fs/cgroup/` \
      makes the guest's /sys/fs/cgroup/ that cgroup, `--dir ./bin::.` its \
      ./target a file of ./bin. --bpf-host-paths takes them as host paths.

      PRIVILEGES: loading eBPF needs root, or CAP_BPF and CAP_PERFMON (plus \
      CAP_NET_ADMIN for XDP and cgroup programs), e.g. \
      `sudo setcap cap_bpf,cap_perfmon,cap_net_admin+ep $(command -v wasmbpf-run)`.

      EXIT STATUS:
        N     the guest's proc_exit code (0 when _start returns), modulo 256
        1     the module could not be read, validated, linked or instantiated,
              or a --dir could not be opened
        2     usage error
        124   --timeout expired
        130   stopped by SIGINT (143: SIGTERM) after the grace period or a
              second signal; a guest that ends by itself exits with its own
        134   the guest trapped; the trap and a Wasm backtrace (function names
              from the module's `name` section) are printed to stderr

      EXAMPLES:
        wasmbpf-run hello.wasm --name world
        wasmbpf-run --dir ./data::/data --ro-dir /etc::/etc --env HOME=/data app.wasm
        wasmbpf-run --fuel 100000000 --max-memory 64MiB --timeout 10s untrusted.wasm
        wasmbpf-run --invoke add math.wasm 2 40
        wasmbpf-run --bpf-policy observe -v execsnoop.wasm
        wasmbpf-run --bpf-policy tracer.toml --verifier-log exectrace.wasm -t 5000
        wasmbpf-run --dir /sys/fs/cgroup/unified::/sys/fs/cgroup/ sockops.wasm
        wasmbpf-run --bpf-policy artifact oci://127.0.0.1:5000/tools/exectrace:1.0
        wasmbpf-run oci:./offline:exectrace
      """
  )

  // Each option's name, value name and help come from the table (RunOption.swift).

  @Option(name: .customLong(RunOption.invoke.name), help: RunOption.invoke.argumentHelp)
  var invoke: String?

  @Option(name: .customLong(RunOption.directory.name), help: RunOption.directory.argumentHelp)
  var directories: [String] = []

  @Option(
    name: .customLong(RunOption.readOnlyDirectory.name),
    help: RunOption.readOnlyDirectory.argumentHelp)
  var readOnlyDirectories: [String] = []

  @Option(
    name: .customLong(RunOption.environment.name), help: RunOption.environment.argumentHelp)
  var environment: [String] = []

  @Flag(
    name: .customLong(RunOption.inheritEnvironment.name),
    help: RunOption.inheritEnvironment.argumentHelp)
  var inheritEnvironment = false

  @Option(name: .customLong(RunOption.fuel.name), help: RunOption.fuel.argumentHelp)
  var fuel: Int?

  @Option(name: .customLong(RunOption.maxMemory.name), help: RunOption.maxMemory.argumentHelp)
  var maxMemory: String?

  @Option(name: .customLong(RunOption.maxStack.name), help: RunOption.maxStack.argumentHelp)
  var maxStack: String?

  @Option(name: .customLong(RunOption.timeout.name), help: RunOption.timeout.argumentHelp)
  var timeout: String?

  @Option(
    name: .customLong(RunOption.gracePeriod.name), help: RunOption.gracePeriod.argumentHelp)
  var gracePeriod: String?

  @Option(name: .customLong(RunOption.bpfPolicy.name), help: RunOption.bpfPolicy.argumentHelp)
  var bpfPolicy = "unrestricted"

  @Option(
    name: .customLong(RunOption.insecureRegistry.name),
    help: RunOption.insecureRegistry.argumentHelp)
  var insecureRegistries: [String] = []

  @Flag(
    name: .customLong(RunOption.bpfHostPaths.name), help: RunOption.bpfHostPaths.argumentHelp)
  var bpfHostPaths = false

  @Flag(
    name: .customLong(RunOption.deferValidation.name),
    help: RunOption.deferValidation.argumentHelp)
  var deferValidation = false

  @Flag(
    name: .customLong(RunOption.verifierLog.name), help: RunOption.verifierLog.argumentHelp)
  var verifierLog = false

  @Flag(
    name: [.customLong(RunOption.verbose.name), .customShort(RunOption.verbose.shortName!)],
    help: RunOption.verbose.argumentHelp)
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
      _ = try commandLine(directories: nil).guestConfiguration()
      _ = try commandLine(directories: nil).grace()
    } catch {
      throw ValidationError(error.message)
    }
  }

  /// The command line as ArgumentParser read it; `directories` gives the order of
  /// `--dir`/`--ro-dir` (ArgumentParser keeps each option's values apart), else
  /// read-write ones come first.
  func commandLine(directories order: [DirectoryGrant]?) -> RunCommandLine {
    var line = RunCommandLine(module: module, guestArguments: arguments)
    let grants =
      directories.map { DirectoryGrant(text: $0, isReadOnly: false) }
      + readOnlyDirectories.map { DirectoryGrant(text: $0, isReadOnly: true) }
    if let order, order.count == grants.count,
      order.allSatisfy({ grant in grants.contains(grant) })
    {
      line.directories = order
    } else {
      line.directories = grants
    }
    line.invoke = invoke
    line.environment = environment
    line.inheritEnvironment = inheritEnvironment
    line.fuel = fuel
    line.maxMemory = maxMemory
    line.maxStack = maxStack
    line.timeout = timeout
    line.gracePeriod = gracePeriod
    line.bpfPolicy = bpfPolicy
    line.bpfHostPaths = bpfHostPaths
    line.deferValidation = deferValidation
    line.verifierLog = verifierLog
    line.verbose = verbose
    line.insecureRegistries = insecureRegistries
    return line
  }
}

extension RunOption {
  var argumentHelp: ArgumentHelp {
    ArgumentHelp(help, valueName: valueName)
  }
}
