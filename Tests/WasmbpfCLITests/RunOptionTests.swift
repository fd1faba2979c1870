// In-process tests of the command line's pieces: the split of a run's arguments,
// option values, the search for embedded BPF objects, the proposed policy.

import HostIO
import Testing
import WasiBpf
import WasmCore
import WasmInterp
import WasmbpfGuest
import WastRunner

@testable import WasmbpfCLI

/// The parts of a command line as `RunCommandLine.read` splits it.
func readRun(_ arguments: [String]) -> (parser: [String], guest: [String], line: RunCommandLine?)? {
  switch RunCommandLine.read(arguments, subcommands: RootCommand.subcommandNames) {
  case .notRun: return nil
  case .run(let line, let parser): return (parser, line.guestArguments, line)
  case .parser(let parser, let guest): return (parser, guest, nil)
  }
}

@Suite struct RunCommandLineSplitTests {
  @Test func everythingAfterTheModuleIsTheGuests() {
    let split = readRun(["--fuel", "10", "-v", "app.wasm", "--fuel", "-v", "--", "x"])
    #expect(split?.parser == ["run", "--fuel", "10", "-v", "--", "app.wasm"])
    #expect(split?.guest == ["--fuel", "-v", "--", "x"])
  }

  @Test func anOptionsValueIsNotTheModule() {
    let split = readRun(["--dir", "data", "--env=A=1", "--invoke", "f", "m.wasm", "1"])
    #expect(
      split?.parser == [
        "run", "--dir", "data", "--env=A=1", "--invoke", "f", "--", "m.wasm",
      ])
    #expect(split?.guest == ["1"])
  }

  @Test func doubleDashIntroducesTheModule() {
    let split = readRun(["run", "--", "-odd-name.wasm", "a"])
    #expect(split?.parser == ["run", "--", "-odd-name.wasm"])
    #expect(split?.guest == ["a"])
  }

  @Test func directoriesKeepTheirCommandLineOrder() {
    let split = readRun(["--ro-dir", "/etc", "--dir=data::/d", "--ro-dir=/usr::/u", "app.wasm"])
    #expect(
      split?.line?.directories == [
        DirectoryGrant(text: "/etc", isReadOnly: true),
        DirectoryGrant(text: "data::/d", isReadOnly: false),
        DirectoryGrant(text: "/usr::/u", isReadOnly: true),
      ])
  }

  @Test func theSubcommandNamesAreArgumentParsers() {
    let declared = RootCommand.configuration.subcommands.compactMap {
      $0.configuration.commandName
    }
    #expect(RootCommand.subcommandNames == declared + ["help"])
  }

  @Test func otherSubcommandsAndRootOptionsAreNotRuns() {
    #expect(readRun(["validate", "x.wasm"]) == nil)
    #expect(readRun(["inspect", "x.wasm"]) == nil)
    #expect(readRun(["wast", "x.json"]) == nil)
    #expect(readRun(["help", "run"]) == nil)
    #expect(readRun(["--help"]) == nil)
    #expect(readRun(["--version"]) == nil)
    #expect(readRun([]) == nil)
    #expect(readRun(["run", "--help"])?.parser == ["run", "--help"])
    #expect(readRun(["--help", "app.wasm"])?.parser == ["run", "--help", "--", "app.wasm"])
    #expect(readRun(["--help", "app.wasm"])?.line == nil)
  }

  @Test func theOptionsWithValuesAreThoseTheHelpShows() {
    // Every `--name <value>` the help shows must be known to the table, or its value
    // would be taken for the module path.
    var output = ""
    var errors = ""
    _ = WasmbpfCLI.run(arguments: ["help", "run"], stdout: &output, stderr: &errors)
    var shown = Set<String>()
    for line in output.split(separator: "\n") {
      let words = line.split(separator: " ")
      for (index, word) in words.enumerated() where word.hasPrefix("--") && index + 1 < words.count
      {
        if words[index + 1].hasPrefix("<") && line.hasPrefix("  -") {
          shown.insert(String(word))
        }
      }
    }
    #expect(shown == Set(RunOption.allCases.filter(\.takesValue).map { "--" + $0.name }))
  }
}

@Suite struct OptionValueTests {
  @Test func sizes() throws {
    #expect(try parseSize("655360", option: "x") == 655360)
    #expect(try parseSize("64KiB", option: "x") == 65536)
    #expect(try parseSize("2M", option: "x") == 2 << 20)
    #expect(try parseSize("1gb", option: "x") == 1 << 30)
    #expect(throws: UsageError.self) { try parseSize("", option: "x") }
    #expect(throws: UsageError.self) { try parseSize("12parsecs", option: "x") }
    #expect(throws: UsageError.self) { try parseSize("99999999999999999999G", option: "x") }
    #expect(throws: UsageError.self) { try parseSize("17179869184G", option: "x") }
  }

  @Test func durations() throws {
    #expect(try parseDuration("500ms") == 500)
    #expect(try parseDuration("10") == 10_000)
    #expect(try parseDuration("2m") == 120_000)
    #expect(throws: UsageError.self) { try parseDuration("0") }
    #expect(throws: UsageError.self) { try parseDuration("-1s") }
    #expect(throws: UsageError.self) { try parseDuration("9999999999h") }
  }

  func value(_ text: String, as type: ValueType) -> Value? { Value(parsing: text, as: type) }

  @Test func invokeValues() {
    #expect(value("-1", as: .i32) == .i32(0xFFFF_FFFF))
    #expect(value("4294967295", as: .i32) == .i32(0xFFFF_FFFF))
    #expect(value("-2147483648", as: .i32) == .i32(0x8000_0000))
    #expect(value("4294967296", as: .i32) == nil)
    #expect(value("-2147483649", as: .i32) == nil)
    #expect(value("0xff", as: .i64) == .i64(255))
    #expect(value("-9223372036854775808", as: .i64) == .i64(1 << 63))
    #expect(value("1.5", as: .f64) == .double(1.5))
    #expect(value("inf", as: .f32) == .float(.infinity))
    #expect(value("x", as: .f32) == nil)
    #expect(value("", as: .i32) == nil)
  }

  @Test func preopensAndEnvironment() throws {
    let both = try parsePreopen("/srv/data::/data", option: "--dir", readOnly: true)
    #expect(both.hostPath == "/srv/data" && both.guestPath == "/data" && both.isReadOnly)
    #expect(try parsePreopen("rel", option: "--dir", readOnly: false).guestPath == "rel")
    #expect(throws: UsageError.self) { try parsePreopen("x::", option: "--dir", readOnly: false) }
    let setting = try parseEnvironmentSetting("A=b=c")
    #expect(setting.key == "A" && setting.value == "b=c")
    #expect(try parseEnvironmentSetting("HOME").value == nil)
    #expect(throws: UsageError.self) { try parseEnvironmentSetting("=x") }
  }
}

func readAll(_ path: String) throws -> [UInt8] { try readFile(path) }

@Suite struct PolicySnippetTests {
  @Test func theProposedPolicyParsesAndGrantsExactlyWhatTheObjectsDeclare() throws {
    let module = try fixture("bpf/guests/exectrace.wasm")
    var output = ""
    var errors = ""
    let status = WasmbpfCLI.run(
      arguments: ["inspect", "--policy", module], stdout: &output, stderr: &errors)
    #expect(status == 0)
    let policy = try BpfPolicy(fileContents: output, name: "unused")
    #expect(policy.name == "exectrace.wasm")
    #expect(policy.programKinds == [.tracepoint])
    #expect(
      policy.attachPoints == [
        "tracepoint/sched/sched_process_exec", "tracepoint/sched/sched_process_exit",
      ])
    #expect(policy.allowKfuncs == false)
    #expect(policy.defaultMapAccess == .none)
    #expect(policy.limits.objects == 1)
    #expect(policy.limits.programs == 2)
    #expect(policy.limits.links == 2)
    // The helpers are those the inspection lists.
    let elf = try readAll(try fixture("bpf/guests/exectrace.bpf.o"))
    let description = try elf.withUnsafeBytes { try BpfObject(elf: $0, name: "x").describe() }
    #expect(policy.allowedHelpers == Set(description.programs.flatMap(\.helperNames)))
    #expect(policy.mapTypes == Set(description.maps.map(\.typeName)))
  }

  @Test func xdpAndCgroupProgramsGetPatternAttachPoints() throws {
    var output = ""
    var errors = ""
    _ = WasmbpfCLI.run(
      arguments: ["inspect", "--policy", try fixture("bpf/guests/xdpcount.wasm")], stdout: &output,
      stderr: &errors)
    let policy = try BpfPolicy(fileContents: output, name: "unused")
    #expect(policy.programKinds == [.xdp])
    #expect(policy.attachPoints == ["xdp:*"])
    #expect(policy.access(toMap: "packets") == .readWrite)
    output = ""
    _ = WasmbpfCLI.run(
      arguments: ["inspect", "--policy", try fixture("bpf/guests/sockops.wasm")], stdout: &output,
      stderr: &errors)
    let cgroup = try BpfPolicy(fileContents: output, name: "unused")
    #expect(cgroup.programKinds == [.sockops])
    #expect(cgroup.attachPoints == ["cgroup:*", "cgroup-fd"])
  }
}
