// The real `wasmbpf-run` binary as a subprocess: every flag of `run`, every
// subcommand, every exit path (success, guest exit code, trap, usage error,
// timeout, signal). The guest is Fixtures/cli/cli_guest.c.

import Testing

#if canImport(Glibc)
  import Glibc
#endif

func guest() throws -> String { try fixture("cli/cli_guest.wasm") }

func temporaryDirectory() throws -> String {
  var template = Array("/tmp/wasmbpf-run-test-XXXXXX".utf8CString)
  let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
    mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
  }
  return try #require(made)
}

func writeText(_ text: String, to path: String) throws {
  let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
  try #require(fd >= 0)
  defer { close(fd) }
  var bytes = Array(text.utf8)
  #expect(write(fd, &bytes, bytes.count) == bytes.count)
}

func readText(_ path: String) -> String? {
  guard let file = fopen(path, "r") else { return nil }
  defer { fclose(file) }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 4096)
  while true {
    let n = fread(&chunk, 1, chunk.count, file)
    if n <= 0 { break }
    bytes += chunk[0..<n]
  }
  return String(decoding: bytes, as: UTF8.self)
}

@Suite struct RunEndToEndTests {
  @Test func argumentsAfterTheModuleReachTheGuestUntouched() throws {
    let path = try guest()
    let result = try wasmbpfRun([path, "args", "--help", "-v", "--fuel", "1", "--", "x y"])
    #expect(result.status == 0)
    #expect(
      result.lines == [
        "argc 8", "argv[0] \(path)", "argv[1] args", "argv[2] --help", "argv[3] -v",
        "argv[4] --fuel", "argv[5] 1", "argv[6] --", "argv[7] x y",
      ])
    #expect(result.stderr.isEmpty)
  }

  @Test func explicitRunAndDoubleDashBeforeTheModuleAreTheSame() throws {
    let path = try guest()
    let plain = try wasmbpfRun([path, "args", "a"])
    let explicit = try wasmbpfRun(["run", path, "args", "a"])
    let dashed = try wasmbpfRun(["run", "--fuel", "100000000", "--", path, "args", "a"])
    #expect(plain.status == 0)
    #expect(plain.lines == ["argc 3", "argv[0] \(path)", "argv[1] args", "argv[2] a"])
    #expect(explicit.stdout == plain.stdout)
    #expect(dashed.stdout == plain.stdout)
  }

  @Test func theGuestsExitCodeIsTheStatus() throws {
    let path = try guest()
    #expect(try wasmbpfRun([path, "exit", "0"]).status == 0)
    #expect(try wasmbpfRun([path, "exit", "7"]).status == 7)
    #expect(try wasmbpfRun([path, "exit", "255"]).status == 255)
    // proc_exit takes 32 bits; a process status keeps 8.
    #expect(try wasmbpfRun([path, "exit", "258"]).status == 2)
  }

  @Test func aTrapPrintsItsKindAndANamedBacktraceAndExits134() throws {
    let result = try wasmbpfRun([try guest(), "trap"])
    #expect(result.status == 134)
    #expect(result.killedBy == nil)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.first == "error: wasm trap: unreachable")
    #expect(lines.count > 3 && lines[1] == "wasm backtrace:")
    // Innermost first, names from the name section.
    #expect(lines.count > 3 && lines[2].hasPrefix("  0: cli_guest.wasm!crash_here (func "))
    #expect(lines.count > 3 && lines[3].hasPrefix("  1: cli_guest.wasm!call_crash (func "))
    #expect(result.stderr.contains("!_start (func "))
    #expect(!result.stdout.contains("not reached"))
  }

  @Test func invokeCallsAnExportWithTypedArguments() throws {
    let path = try guest()
    let sum = try wasmbpfRun(["--invoke", "add", path, "2", "40"])
    #expect(sum.status == 0)
    #expect(sum.stdout == "42\n")
    let negative = try wasmbpfRun(["--invoke", "add", path, "-5", "0x10"])
    #expect(negative.stdout == "11\n")
    let scaled = try wasmbpfRun(["--invoke=scale", path, "1.25", "4"])
    #expect(scaled.status == 0)
    #expect(scaled.stdout == "5.0\n")
  }

  @Test func invokeMisuseIsAUsageError() throws {
    let path = try guest()
    let count = try wasmbpfRun(["--invoke", "add", path, "1"])
    #expect(count.status == 2)
    #expect(count.stderr.contains("'add' takes 2 argument(s) ((i32, i32) -> (i32)), got 1"))
    let value = try wasmbpfRun(["--invoke", "add", path, "1", "two"])
    #expect(value.status == 2)
    #expect(value.stderr.contains("'two' is not a valid i32"))
    let missing = try wasmbpfRun(["--invoke", "nope", path])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("exports no function 'nope'"))
    #expect(missing.stderr.contains("add"))
  }

  /// --dir and --ro-dir give fds in the order they are written, not by kind.
  @Test func directoriesGetFdsInCommandLineOrder() throws {
    let directory = try temporaryDirectory()
    let result = try wasmbpfRun([
      "--ro-dir", directory + "::/first", "--dir", directory + "::/second",
      "--ro-dir=" + directory + "::/third", try guest(), "preopens",
    ])
    #expect(result.status == 0)
    #expect(result.stdout == "fd 3 /first\nfd 4 /second\nfd 5 /third\n")
  }

  @Test func dirGrantsReadWriteAndRoDirReadOnly() throws {
    let path = try guest()
    let directory = try temporaryDirectory()
    try writeText("hello from the host\n", to: directory + "/in.txt")
    let written = try wasmbpfRun([
      "--dir", directory + "::/data", path, "write", "/data/out.txt", "from the guest",
    ])
    #expect(written.status == 0)
    #expect(readText(directory + "/out.txt") == "from the guest")
    let readOnly = try wasmbpfRun([
      "--ro-dir", directory + "::/data", path, "write", "/data/no.txt", "x",
    ])
    #expect(readOnly.status == 4)
    #expect(readOnly.stdout.hasPrefix("write failed"))
    #expect(readText(directory + "/no.txt") == nil)
    let read = try wasmbpfRun(["--ro-dir", directory + "::/data", path, "cat", "/data/in.txt"])
    #expect(read.status == 0)
    #expect(read.stdout == "hello from the host\n")
    // Same path inside and out when ::GUEST is left off.
    let samePath = try wasmbpfRun(["--dir", directory, path, "cat", directory + "/in.txt"])
    #expect(samePath.stdout == "hello from the host\n")
    // Nothing is visible without a grant.
    let none = try wasmbpfRun([path, "cat", directory + "/in.txt"])
    #expect(none.status == 4)
  }

  @Test func envSetsAndInheritEnvPassesTheHostEnvironment() throws {
    let path = try guest()
    let host = ["WASMBPF_A=from-host", "WASMBPF_B=b"]
    let none = try wasmbpfRun([path, "env"], environment: host)
    #expect(none.stdout.isEmpty)
    let set = try wasmbpfRun(
      ["--env", "X=1", "--env", "WASMBPF_B", "--env", "X=2", path, "env"], environment: host)
    #expect(set.lines == ["WASMBPF_B=b", "X=2"])
    let inherited = try wasmbpfRun(
      ["--inherit-env", "--env", "WASMBPF_A=override", path, "env"], environment: host)
    #expect(inherited.lines == ["WASMBPF_B=b", "WASMBPF_A=override"])
  }

  @Test func fuelStopsARunawayGuestWithATrap() throws {
    let result = try wasmbpfRun(["--fuel", "100000", try guest(), "loop"])
    #expect(result.status == 134)
    #expect(
      result.stderr.hasPrefix(
        "error: wasm trap: all fuel consumed\nwasm backtrace:\n  0: cli_guest.wasm!main"))
    // With enough fuel a finite guest finishes.
    #expect(try wasmbpfRun(["--fuel", "10000000", try guest(), "exit", "3"]).status == 3)
  }

  @Test func maxMemoryCapsGrowth() throws {
    let path = try guest()
    let small = try wasmbpfRun(["--max-memory", "2MiB", path, "alloc", "4"])
    #expect(small.status == 3)
    #expect(small.stdout == "alloc failed\n")
    let large = try wasmbpfRun(["--max-memory", "8M", path, "alloc", "4"])
    #expect(large.status == 0)
    #expect(large.stdout == "allocated 4 MiB (1)\n")
    // Smaller than the module's initial memory: instantiation fails.
    let tiny = try wasmbpfRun(["--max-memory", "64KiB", path, "exit", "0"])
    #expect(tiny.status == 1)
    #expect(tiny.stderr.contains("resource limit"))
  }

  @Test func maxStackBoundsRecursion() throws {
    let path = try guest()
    let deep = try wasmbpfRun(["--max-stack", "4KiB", path, "recurse", "1000"])
    #expect(deep.status == 134)
    #expect(deep.stderr.hasPrefix("error: wasm trap: call stack exhausted"))
    #expect(deep.stderr.contains("cli_guest.wasm!recurse (func"))
    #expect(deep.stderr.contains("repeated"))
    let fine = try wasmbpfRun(["--max-stack", "1MiB", path, "recurse", "1000"])
    #expect(fine.status == 0)
    #expect(fine.stdout == "depth 1000\n")
  }

  @Test func timeoutStopsTheGuestWith124() throws {
    let start = monotonicMilliseconds()
    let timeout = 300 * testTimeScale
    let result = try wasmbpfRun(["--timeout", "\(timeout)ms", try guest(), "loop"])
    let elapsed = monotonicMilliseconds() - start
    #expect(result.status == 124)
    #expect(result.stdout == "looping\n")
    #expect(result.stderr == "error: timed out after \(timeout) ms\n")
    #expect(elapsed >= timeout && elapsed < 10_000 * testTimeScale)
    // A guest that ends in time is not affected.
    #expect(try wasmbpfRun(["--timeout", "30s", try guest(), "exit", "5"]).status == 5)
  }

  /// A loop makes no host call that could return EINTR: the guest is stopped when the
  /// grace period ends.
  @Test(arguments: [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")])
  func aSignalStopsATightLoopAfterTheGracePeriod(signal: Int32, status: Int32, name: String)
    throws
  {
    let process = try RunningProcess(["--grace-period", "200ms", try guest(), "loop"])
    #expect(process.readUntil(timeoutMilliseconds: 30_000) { $0.contains("looping\n") })
    let start = monotonicMilliseconds()
    kill(process.pid, signal)
    let result = process.finish(timeoutMilliseconds: 10_000)
    #expect(monotonicMilliseconds() - start >= 200)
    #expect(result.status == status)
    #expect(result.killedBy == nil, "exits by itself after cleaning up")
    #expect(result.stderr == "wasmbpf-run: stopped by \(name)\n")
  }

  @Test func aSignalEndsTheSleepOfAGuestWhichThenEndsByItself() throws {
    let process = try RunningProcess([try guest(), "sleep", "60000"])
    #expect(process.readUntil(timeoutMilliseconds: 30_000) { $0.contains("sleeping\n") })
    let start = monotonicMilliseconds()
    kill(process.pid, SIGINT)
    let result = process.finish(timeoutMilliseconds: 10_000)
    // Generous under load: without the interrupt the sleep would last 60 s.
    #expect(monotonicMilliseconds() - start < 5000)
    // Its own status and its output after the sleep: it ended normally.
    #expect(result.status == 0)
    #expect(result.stdout == "sleeping\nslept -1\n")
    #expect(result.stderr == "")
    #expect(result.killedBy == nil)
  }

  @Test func aTimeoutStopsASleepingGuest() throws {
    let start = monotonicMilliseconds()
    let result = try wasmbpfRun([
      "--timeout", "\(300 * testTimeScale)ms", try guest(), "sleep", "60000",
    ])
    // From the spawn (start-up included, generous under load): far below the 60 s sleep.
    #expect(monotonicMilliseconds() - start < 10_000 * testTimeScale)
    #expect(result.status == 124)
    #expect(result.stdout.hasPrefix("sleeping\n"))
  }

  @Test func verboseTracesTheRun() throws {
    let result = try wasmbpfRun(["-v", "--fuel", "1000000000", try guest(), "exit", "0"])
    #expect(result.status == 0)
    #expect(result.stderr.contains("wasmbpf-run: module "))
    #expect(result.stderr.contains("fuel 1000000000"))
    // A guest without wasm_bpf imports gets no BPF host at all.
    #expect(!result.stderr.contains("eBPF policy"))
  }

  @Test func moduleErrorsExitWith1() throws {
    let missing = try wasmbpfRun(["/nonexistent/app.wasm"])
    #expect(missing.status == 1)
    #expect(
      missing.stderr == "error: cannot read /nonexistent/app.wasm: No such file or directory\n")
    let directory = try temporaryDirectory()
    try writeText("not wasm", to: directory + "/bad.wasm")
    let bad = try wasmbpfRun([directory + "/bad.wasm"])
    #expect(bad.status == 1)
    #expect(bad.stderr.hasPrefix("error: \(directory)/bad.wasm: malformed at offset 0x"))
    let badDir = try wasmbpfRun(["--dir", "/nonexistent-dir", try guest(), "exit", "0"])
    #expect(badDir.status == 1)
    #expect(badDir.stderr.contains("/nonexistent-dir"))
  }
}

@Suite struct UsageEndToEndTests {
  @Test(arguments: [
    ["--bogus", "app.wasm"],
    ["run"],
    [],
    ["--fuel", "many", "app.wasm"],
    ["--max-memory", "12parsecs", "app.wasm"],
    ["--timeout", "soon", "app.wasm"],
    ["--env", "=x", "app.wasm"],
    ["--dir", "::/guest", "app.wasm"],
    ["--bpf-policy", "/nonexistent/policy.toml", "app.wasm"],
    ["validate"],
  ])
  func usageErrorsExit2WithAMessage(arguments: [String]) throws {
    let result = try wasmbpfRun(arguments)
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(!result.stderr.isEmpty)
  }

  @Test func aPolicyFileWithATypoIsAUsageErrorWithItsLine() throws {
    let directory = try temporaryDirectory()
    try writeText("name = \"x\"\n[programs]\nkinds = [\"tracepont\"]\n", to: directory + "/p.toml")
    let result = try wasmbpfRun(["--bpf-policy", directory + "/p.toml", try guest(), "exit", "0"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("policy line 3: unknown program kind 'tracepont'"))
  }

  @Test func aModuleWithoutStartNeedsInvoke() throws {
    let directory = try temporaryDirectory()
    let path = directory + "/lib.wasm"
    // (module (func (export "f")))
    let bytes: [UInt8] = [
      0, 0x61, 0x73, 0x6D, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0,
      10, 4, 1, 2, 0, 0x0B,
    ]
    let fd = open(path, O_WRONLY | O_CREAT, 0o644)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    let result = try wasmbpfRun([path])
    #expect(result.status == 2)
    #expect(result.stderr.contains("exports no _start function; use --invoke NAME"))
    #expect(result.stderr.contains("(f)"))
    #expect(try wasmbpfRun(["--invoke", "f", path]).status == 0)
  }

  @Test func versionAndHelp() throws {
    let version = try wasmbpfRun(["--version"])
    #expect(version.status == 0)
    #expect(version.stdout == "0.1.0\n")
    let help = try wasmbpfRun(["--help"])
    #expect(help.status == 0)
    for subcommand in ["run", "inspect", "validate", "wast"] {
      #expect(help.stdout.contains("  \(subcommand) "))
    }
  }

  @Test func runHelpDocumentsEveryOptionAndTheExitStatuses() throws {
    let help = try wasmbpfRun(["help", "run"])
    #expect(help.status == 0)
    for option in [
      "--invoke <name>", "--dir <host[::guest]>", "--ro-dir <host[::guest]>", "--env <key=value>",
      "--inherit-env", "--fuel <n>", "--max-memory <size>", "--max-stack <size>",
      "--timeout <duration>", "--bpf-policy <policy>", "--verifier-log", "-v, --verbose",
    ] {
      #expect(help.stdout.contains(option), "help lacks \(option)")
    }
    for section in [
      "EXIT STATUS:", "EXAMPLES:", "POLICIES (--bpf-policy):", "SIGNALS:", "124", "134", "130",
    ] {
      #expect(help.stdout.contains(section))
    }
    // `run --help` is the same text.
    #expect(try wasmbpfRun(["run", "--help"]).stdout == help.stdout)
  }
}

@Suite struct SubcommandEndToEndTests {
  @Test func validateReportsKindAndOffset() throws {
    #expect(try wasmbpfRun(["validate", try guest()]).status == 0)
    let directory = try temporaryDirectory()
    try writeText("\0asm\u{2}\0\0\0", to: directory + "/v2.wasm")
    let bad = try wasmbpfRun(["validate", directory + "/v2.wasm"])
    #expect(bad.status == 1)
    #expect(bad.stderr.hasPrefix("error: malformed at offset 0x4: "))
  }

  @Test func wastRunsAScript() throws {
    let directory = try temporaryDirectory()
    let module: [UInt8] = [0, 0x61, 0x73, 0x6D, 1, 0, 0, 0]
    let fd = open(directory + "/m.wasm", O_WRONLY | O_CREAT, 0o644)
    _ = module.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    try writeText(
      #"{"commands": [{"type": "module", "line": 1, "filename": "m.wasm"}]}"#,
      to: directory + "/s.json")
    let result = try wasmbpfRun(["wast", directory + "/s.json"])
    #expect(result.status == 0)
    #expect(result.stdout.hasSuffix("1 passed, 0 failed, 0 skipped\n"))
  }

  @Test func inspectListsImportsExportsAndMemory() throws {
    let result = try wasmbpfRun(["inspect", try guest()])
    #expect(result.status == 0)
    #expect(
      result.stdout.contains("wasi_snapshot_preview1.fd_write: func (i32, i32, i32, i32) -> (i32)"))
    #expect(result.stdout.contains("  add: func (i32, i32) -> (i32)"))
    #expect(result.stdout.contains("  scale: func (f64, f32) -> (f64)"))
    #expect(result.stdout.contains("  memory: memory"))
    #expect(result.stdout.contains("memories: 1\n  memory 0 (defined): "))
    #expect(result.stdout.contains("eBPF objects: 0"))
    #expect(!result.stdout.contains("[programs]"))
  }

  @Test func inspectFindsEmbeddedBpfObjects() throws {
    let result = try wasmbpfRun(["inspect", try fixture("bpf/guests/exectrace.wasm")])
    #expect(result.status == 0)
    #expect(result.stdout.contains("eBPF objects: 1\n  object 1: "))
    #expect(
      result.stdout.contains(
        "program handle_exec: section tracepoint/sched/sched_process_exec, kind tracepoint"))
    #expect(
      result.stdout.contains("program handle_exit: section tracepoint/sched/sched_process_exit"))
    #expect(result.stdout.contains("helpers: ") && result.stdout.contains("bpf_ringbuf"))
    #expect(result.stdout.contains(": ringbuf, key 0 bytes, value 0 bytes, "))
    #expect(result.stdout.contains("kinds = [\"tracepoint\"]"))
  }

  @Test func inspectFailsOnAnInvalidModule() throws {
    let directory = try temporaryDirectory()
    try writeText("junk", to: directory + "/j.wasm")
    let result = try wasmbpfRun(["inspect", directory + "/j.wasm"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("malformed at offset"))
  }
}
