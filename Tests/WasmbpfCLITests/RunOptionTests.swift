// In-process tests of the command line's pieces: the split of a run's arguments,
// option values, the search for embedded BPF objects, the proposed policy.

import Testing
import WasiBpf
import WasmCore
import WastRunner

@testable import WasmbpfCLI

@Suite struct RunArgumentsTests {
  @Test func everythingAfterTheModuleIsTheGuests() {
    let split = RunArguments.split(["--fuel", "10", "-v", "app.wasm", "--fuel", "-v", "--", "x"])
    #expect(split?.parserArguments == ["run", "--fuel", "10", "-v", "--", "app.wasm"])
    #expect(split?.guest == ["--fuel", "-v", "--", "x"])
  }

  @Test func anOptionsValueIsNotTheModule() {
    let split = RunArguments.split(["--dir", "data", "--env=A=1", "--invoke", "f", "m.wasm", "1"])
    #expect(
      split?.parserArguments == [
        "run", "--dir", "data", "--env=A=1", "--invoke", "f", "--", "m.wasm",
      ])
    #expect(split?.guest == ["1"])
  }

  @Test func doubleDashIntroducesTheModule() {
    let split = RunArguments.split(["run", "--", "-odd-name.wasm", "a"])
    #expect(split?.parserArguments == ["run", "--", "-odd-name.wasm"])
    #expect(split?.guest == ["a"])
  }

  @Test func otherSubcommandsAndRootOptionsAreNotRuns() {
    #expect(RunArguments.split(["validate", "x.wasm"]) == nil)
    #expect(RunArguments.split(["inspect", "x.wasm"]) == nil)
    #expect(RunArguments.split(["wast", "x.json"]) == nil)
    #expect(RunArguments.split(["help", "run"]) == nil)
    #expect(RunArguments.split(["--help"]) == nil)
    #expect(RunArguments.split(["--version"]) == nil)
    #expect(RunArguments.split([]) == nil)
    #expect(RunArguments.split(["run", "--help"])?.parserArguments == ["run", "--help"])
    #expect(
      RunArguments.split(["--help", "app.wasm"])?.parserArguments == [
        "run", "--help", "--", "app.wasm",
      ])
  }

  @Test func theListOfOptionsWithValuesMatchesTheHelp() {
    // Every `--name <value>` the help shows must be known to the split, or its value
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
    #expect(shown == Set(RunOptionValues.Option.allCases.map(\.rawValue)))
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

  @Test func invokeValues() {
    #expect(parseValue("-1", as: .i32) == .i32(0xFFFF_FFFF))
    #expect(parseValue("4294967295", as: .i32) == .i32(0xFFFF_FFFF))
    #expect(parseValue("-2147483648", as: .i32) == .i32(0x8000_0000))
    #expect(parseValue("4294967296", as: .i32) == nil)
    #expect(parseValue("-2147483649", as: .i32) == nil)
    #expect(parseValue("0xff", as: .i64) == .i64(255))
    #expect(parseValue("-9223372036854775808", as: .i64) == .i64(1 << 63))
    #expect(parseValue("1.5", as: .f64) == .double(1.5))
    #expect(parseValue("inf", as: .f32) == .float(.infinity))
    #expect(parseValue("x", as: .f32) == nil)
    #expect(parseValue("", as: .i32) == nil)
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

/// A module whose memory is initialised with `segments` (address, bytes) by active
/// data segments, plus passive ones.
func moduleWithData(active: [(UInt32, [UInt8])], passive: [[UInt8]] = []) throws -> Module {
  func leb(_ value: UInt32) -> [UInt8] {
    var v = value
    var out: [UInt8] = []
    repeat {
      var byte = UInt8(v & 0x7F)
      v >>= 7
      if v != 0 { byte |= 0x80 }
      out.append(byte)
    } while v != 0
    return out
  }
  func sleb(_ value: Int32) -> [UInt8] {
    var v = value
    var out: [UInt8] = []
    while true {
      let byte = UInt8(v & 0x7F)
      v >>= 7
      if (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0) {
        out.append(byte)
        return out
      }
      out.append(byte | 0x80)
    }
  }
  var body: [UInt8] = leb(UInt32(active.count + passive.count))
  for (address, bytes) in active {
    body +=
      [0, 0x41] + sleb(Int32(bitPattern: address)) + [0x0B] + leb(UInt32(bytes.count)) + bytes
  }
  for bytes in passive { body += [1] + leb(UInt32(bytes.count)) + bytes }
  let memory: [UInt8] = [5, 3, 1, 0, 64]
  let count: [UInt8] = [12] + leb(1) + leb(UInt32(active.count + passive.count))
  let data: [UInt8] = [11] + leb(UInt32(body.count)) + body
  return try decodeModule([0, 0x61, 0x73, 0x6D, 1, 0, 0, 0] + memory + count + data)
}

/// A minimal ELF64 little-endian BPF header with one section header table of
/// `sections` 64-byte entries right after it, plus `payload` bytes after that.
func fakeBpfElf(sections: Int = 1, machine: UInt16 = 247) -> [UInt8] {
  var header = [UInt8](repeating: 0, count: 64)
  header[0...6] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1]
  header[18] = UInt8(machine & 0xFF)
  header[19] = UInt8(machine >> 8)
  header[40] = 64  // e_shoff
  header[58] = 64  // e_shentsize
  header[60] = UInt8(sections)
  return header + [UInt8](repeating: 0, count: 64 * sections)
}

@Suite struct EmbeddedBpfObjectTests {
  @Test func findsAnObjectAndItsExtent() throws {
    let elf = fakeBpfElf(sections: 2)
    let module = try moduleWithData(active: [(1024, [1, 2, 3] + elf + [9, 9])])
    let found = EmbeddedBpfObjects.find(in: module)
    #expect(found.count == 1)
    #expect(found.first?.bytes == elf)
    #expect(found.first?.segmentIndex == 0)
    #expect(found.first?.segmentOffset == 3)
  }

  @Test func joinsAnObjectSplitAcrossSegments() throws {
    let elf = fakeBpfElf(sections: 3)
    // The linker dropped a run of zeros in the middle: two segments, a gap.
    let first = Array(elf[0..<100])
    let second = Array(elf[120...])
    #expect(elf[100..<120].allSatisfy { $0 == 0 })
    let module = try moduleWithData(active: [(4096 + 120, second), (4096, first)])
    let found = EmbeddedBpfObjects.find(in: module)
    #expect(found.map(\.bytes) == [elf])
  }

  @Test func ignoresOtherMachinesTruncatedImagesAndFarSegments() throws {
    let x86 = fakeBpfElf(machine: 62)
    let truncated = Array(fakeBpfElf(sections: 4).prefix(100))
    let module = try moduleWithData(
      active: [(0, x86), (1 << 20, truncated), (0x7FFF_0000, [0x7F, 0x45])],
      passive: [fakeBpfElf()])
    let found = EmbeddedBpfObjects.find(in: module)
    #expect(found.count == 1, "only the passive segment's image")
    #expect(found.first?.segmentIndex == 3)
    // Far-apart segments are separate regions: nothing near 2 GiB was allocated.
    #expect(EmbeddedBpfObjects.regions(of: module).map(\.bytes.count).max() ?? 0 < 1 << 20)
  }

  @Test func findsTheObjectOfARealGuest() throws {
    let module = try decodeModule(try readAll(try fixture("bpf/guests/execsnoop.wasm")))
    let found = EmbeddedBpfObjects.find(in: module)
    let object = try readAll(try fixture("bpf/guests/execsnoop.bpf.o"))
    #expect(found.map(\.bytes) == [object])
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
