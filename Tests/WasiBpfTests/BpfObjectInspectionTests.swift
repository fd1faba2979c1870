import Testing
import WasiBpf

#if canImport(Glibc)
  import Glibc
#endif

/// Reads a fixture built by Scripts/build-fixtures.sh; a missing fixture fails the test.
func fixtureBytes(_ relativePath: String) throws -> [UInt8] {
  try repositoryFileBytes("Fixtures/generated/" + relativePath)
}

/// Reads a file of the repository (a built fixture or tool); missing, it fails the test.
func repositoryFileBytes(_ relativePath: String) throws -> [UInt8] {
  let root = String(#filePath).split(separator: "/").dropLast(3).joined(separator: "/")
  let path = "/" + root + "/" + relativePath
  guard let file = fopen(path, "rb") else {
    throw FixtureMissing(path: path)
  }
  defer { fclose(file) }
  var bytes: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = fread(&chunk, 1, chunk.count, file)
    if n == 0 { break }
    bytes.append(contentsOf: chunk[0..<n])
  }
  return bytes
}

struct FixtureMissing: Error, CustomStringConvertible {
  var path: String
  var description: String { "fixture \(path) is missing: run Scripts/build-fixtures.sh" }
}

@Suite struct BpfObjectInspectionTests {
  @Test func describesProgramsHelpersAndMapsWithoutLoading() throws {
    let bytes = try fixtureBytes("bpf/inspect_sample.bpf.o")
    let object = try bytes.withUnsafeBytes { try BpfObject(elf: $0, name: "inspect_sample") }
    #expect(!object.isLoaded)
    let description = object.describe()

    let programs = Dictionary(uniqueKeysWithValues: description.programs.map { ($0.name, $0) })
    #expect(Set(programs.keys) == ["trace_execve", "punish_kill"])
    let execve = try #require(programs["trace_execve"])
    #expect(execve.sectionName == "tracepoint/syscalls/sys_enter_execve")
    #expect(execve.typeName == "tracepoint")
    #expect(execve.helperNames.contains("bpf_ringbuf_reserve"))
    #expect(execve.helperNames.contains("bpf_get_current_pid_tgid"))
    #expect(!execve.helperNames.contains("bpf_send_signal"))
    let kill = try #require(programs["punish_kill"])
    #expect(kill.helperNames.contains("bpf_send_signal"))
    #expect(kill.helperNames.contains("bpf_map_lookup_elem"))
    #expect(kill.kfuncCallCount == 0)

    let maps = Dictionary(uniqueKeysWithValues: description.maps.map { ($0.name, $0) })
    #expect(maps["events"]?.typeName == "ringbuf")
    #expect(maps["events"]?.maxEntries == UInt32(65536))
    #expect(maps["counts"]?.typeName == "hash")
    #expect(maps["counts"]?.keySize == 4)
    #expect(maps["counts"]?.valueSize == 8)
    #expect(maps["scratch"]?.typeName == "percpu_array")
  }

  @Test func helperNamesAndIDsRoundTrip() {
    #expect(bpfHelperID(named: "bpf_send_signal") == 109)
    #expect(bpfHelperID(named: "send_signal") == 109)
    #expect(bpfHelperName(1) == "bpf_map_lookup_elem")
    #expect(bpfHelperName(100_000) == "helper#100000")
    #expect(bpfHelperID(named: "bpf_no_such_helper") == nil)
  }

  @Test(arguments: [
    [UInt8](),
    [0x7F, 0x45, 0x4C, 0x46],
    [UInt8](repeating: 0xAB, count: 4096),
    [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 56),
  ])
  func malformedELFIsAnErrorNotACrash(bytes: [UInt8]) {
    #expect(throws: BpfError.self) {
      _ = try bytes.withUnsafeBytes { try BpfObject(elf: $0, name: "junk") }
    }
  }

  @Test func truncatedRealObjectIsRefused() throws {
    let bytes = try fixtureBytes("bpf/inspect_sample.bpf.o")
    for cut in stride(from: 64, to: bytes.count, by: max(1, bytes.count / 17)) {
      let truncated = Array(bytes[0..<cut])
      // The section header table sits at the end of the file: every cut loses it.
      #expect(throws: BpfError.self, "cut at \(cut)") {
        _ = try truncated.withUnsafeBytes { try BpfObject(elf: $0, name: "cut") }
      }
    }
  }
}

/// An object that crashes libbpf's parser (a fuzz finding: libbpf 1.1.2 is not
/// hardened against hostile ELF) is refused after a child process parsed it, and
/// this process lives on.
@Suite struct HostileELFTests {
  @Test func anObjectThatCrashesLibbpfIsRefused() throws {
    let root = String(#filePath).split(separator: "/").dropLast(2).joined(separator: "/")
    let path = "/" + root + "/FuzzHarnessesTests/Findings/bpf-object/crash-libbpf-open-segv"
    let file = try #require(fopen(path, "rb"))
    defer { fclose(file) }
    var bytes = [UInt8](repeating: 0, count: 65536)
    bytes.removeLast(65536 - fread(&bytes, 1, bytes.count, file))
    let error = try #require(throws: BpfError.self) {
      _ = try bytes.withUnsafeBytes { try BpfObject(elf: $0, name: "hostile") }
    }
    #expect(error.errno == EINVAL)
    #expect(
      error.operation.hasPrefix("open object 'hostile': the ELF crashes libbpf's parser (signal 11")
    )
    // The fixture it came from still opens.
    let good = try fixtureBytes("cli/hugemap.bpf.o")
    _ = try good.withUnsafeBytes { try BpfObject(elf: $0, name: "hugemap") }
  }
}
