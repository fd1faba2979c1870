// Without the privileges BPF needs, wasmbpf-run says once what is missing and how to
// grant it, instead of libbpf's advice (which blames RLIMIT_MEMLOCK: irrelevant since
// Linux 5.11 accounts BPF memory to the memory cgroup) and a bare `errno 1`. Run here
// as an ordinary user (nobody) and as root stripped of every capability, with
// setpriv(1) (util-linux, in every Debian).

import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Copies `source` to `directory` (mode 0755), so that a user without access to the
/// build folder can run it.
private func copyForEveryone(_ source: String, into directory: String) throws -> String {
  let name = source.split(separator: "/").last.map(String.init) ?? "file"
  let target = directory + "/" + name
  _ = try runTool(["/bin/cp", source, target])
  try #require(chmod(target, 0o755) == 0, "chmod \(target)")
  return target
}

private let setpriv = "/usr/bin/setpriv"

@Suite struct PrivilegeHintTests {
  func expectOneHint(_ result: ProcessResult, mentioning: [String]) {
    #expect(result.status == 1, "the guest's own status when its load fails")
    #expect(result.stdout == "")
    let hints = result.stderr.split(separator: "\n").filter { $0.contains("eBPF needs") }
    #expect(hints.count == 1, "\(result.stderr)")
    for name in mentioning {
      #expect(hints.first?.contains(name) == true, "\(name) in \(result.stderr)")
    }
    #expect(!result.stderr.contains("RLIMIT_MEMLOCK"), "\(result.stderr)")
    #expect(!result.stderr.contains("libbpf:"), "\(result.stderr)")
    #expect(result.stderr.hasSuffix("load failed\n"), "the guest's own message comes last")
  }

  @Test func anOrdinaryUserIsToldWhatToGrant() throws {
    try #require(geteuid() == 0, "switching to nobody needs root")
    try #require(access(setpriv, X_OK) == 0, "setpriv (util-linux) missing")
    let directory = try temporaryDirectory()
    try #require(chmod(directory, 0o755) == 0)
    let binary = try copyForEveryone(try binaryPath(), into: directory)
    let tool = try copyForEveryone(try fixture("bpf/guests/exectrace.wasm"), into: directory)
    let result = try RunningProcess(
      [tool, "-t", "100"],
      launcher: [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"], binary: binary
    ).finish()
    expectOneHint(result, mentioning: ["CAP_BPF", "CAP_PERFMON", "sudo setcap", binary])
  }

  @Test func rootWithoutCapabilitiesIsToldWhatIsMissing() throws {
    try #require(geteuid() == 0, "dropping capabilities needs root")
    try #require(access(setpriv, X_OK) == 0, "setpriv (util-linux) missing")
    let result = try RunningProcess(
      [try fixture("bpf/guests/xdpcount.wasm"), "-t", "100"],
      launcher: [setpriv, "--bounding-set=-all", "--inh-caps=-all"]
    ).finish()
    expectOneHint(
      result, mentioning: ["CAP_BPF", "CAP_PERFMON", "CAP_NET_ADMIN", "runs as root", "--cap-add"])
  }
}
