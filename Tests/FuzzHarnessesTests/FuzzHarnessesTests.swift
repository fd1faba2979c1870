// Every fuzz harness on its seed corpus and on every finding saved for it in
// Findings/HARNESS/ (Scripts/fuzz.sh copies crashes, timeouts and broken invariants
// there; the decoder's own live in Tests/WasmCoreTests/FuzzRegressions and
// FuzzRegressionTests replays them in-process too).
//
// Each harness runs in its own `wasmbpf-fuzz replay` process, as under the fuzzer:
// the wasm_bpf and WASI harnesses compare the process's open descriptors before and
// after each input, which other tests of this process would disturb; and a crash is
// then a failed test, not the end of the test run.

import FuzzHarnesses
import Glibc
import Testing

@Suite struct FuzzHarnessesTests {
  static let here = "/" + String(#filePath).split(separator: "/").dropLast().joined(separator: "/")

  static func files(_ directory: String) -> [String] {
    guard let dir = opendir(directory) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeMutablePointer(to: &entry.pointee.d_name) {
        // Up to the NUL: the record may be shorter than d_name.
        $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if !name.hasPrefix("."), !name.hasSuffix(".md") { names.append(directory + "/" + name) }
    }
    return names.sorted()
  }

  static func findings(of harness: String) -> [String] {
    if harness == "decode" {
      return files(here + "/../WasmCoreTests/FuzzRegressions")
    }
    return files(here + "/Findings/" + harness)
  }

  /// The `wasmbpf-fuzz` binary of this build, beside the test bundle.
  static func binary() throws -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    try #require(length > 0)
    let exe = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var directory = exe.split(separator: "/", omittingEmptySubsequences: false).dropLast()
    if directory.last?.hasSuffix(".xctest") == true { directory = directory.dropLast() }
    let path = directory.joined(separator: "/") + "/wasmbpf-fuzz"
    try #require(access(path, X_OK) == 0, "wasmbpf-fuzz not built at \(path)")
    return path
  }

  /// Runs `wasmbpf-fuzz arguments`; its exit status (128 + N for signal N) and output.
  static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let binary = try binary()
    var template = Array("/tmp/wasmbpf-fuzz-test-XXXXXX".utf8CString)
    let fd = mkstemp(&template)
    try #require(fd >= 0)
    let outputPath = String(
      decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    defer {
      close(fd)
      unlink(outputPath)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, fd, 1)
    posix_spawn_file_actions_adddup2(&actions, fd, 2)
    let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    try #require(posix_spawn(&pid, binary, &actions, nil, argv, environ) == 0)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let code: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    lseek(fd, 0, SEEK_SET)
    while case let n = read(fd, &chunk, chunk.count), n > 0 { output += chunk[0..<n] }
    return (code, String(decoding: output, as: UTF8.self))
  }

  /// The interpreter's corpus starts from a module made for the host boundary (its
  /// text is encoded when the seeds are made: a typo would leave it out silently).
  @Test func interpreterSeedsIncludeTheHostBoundaryModule() throws {
    let harness = try #require(FuzzHarness.named("interp"))
    #expect(harness.seeds().contains { $0.name == "host-boundary" })
  }

  @Test(arguments: FuzzHarness.all.map(\.name))
  func seedsAndSavedFindingsRunClean(_ name: String) throws {
    let harness = try #require(FuzzHarness.named(name))
    // Every surface has a corpus once the fixtures are built (the text one reads the
    // spec testsuite, which the spec tests require anyway).
    #expect(!harness.seeds().isEmpty, "no seeds for \(name): run Scripts/build-fixtures.sh")
    let saved = Self.findings(of: name)
    let result = try Self.run(["replay", name, "--seeds"] + saved)
    let summary = result.output.split(separator: "\n").filter {
      $0.contains("finding") || $0.hasPrefix(name + ":")
    }
    #expect(
      result.status == 0,
      "\(name): exit status \(result.status)\n\(summary.joined(separator: "\n"))")
    #expect(result.output.contains("\(name): "), "\(result.output.suffix(2000))")
  }
}
