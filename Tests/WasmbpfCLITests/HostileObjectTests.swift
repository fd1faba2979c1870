// Hostile BPF objects through the real binary: each must end in a clear refusal (an
// audit record, exit status 1), never a signal. Issue 22's reproduction first: a
// per-CPU hash map of 0xFFFFFFFF entries of 0x7FFFFFFF-byte keys and values, whose
// size estimate trapped (SIGILL, status 132) in `run` and `inspect`.

import Testing

@Suite struct HostileObjectTests {
  @Test(arguments: ["unrestricted", "observe"])
  func aMapSizeOverflowIsRefusedByEveryPolicy(policy: String) throws {
    let result = try wasmbpfRun(["--bpf-policy", policy, try fixture("cli/hugemap.wasm")])
    #expect(result.killedBy == nil)
    #expect(result.status == 1)
    #expect(result.stderr.contains("denied load of object 'hugemap.wasm#1'"))
    #expect(result.stderr.contains("map 'huge' declares 4294967295 entries"))
    #expect(result.stderr.contains("more than 2^64 bytes [rule mapSize]"))
    #expect(result.stderr.contains("load failed"))
  }

  @Test func inspectDescribesAMapSizeOverflow() throws {
    let result = try wasmbpfRun(["inspect", try fixture("cli/hugemap.wasm")])
    #expect(result.killedBy == nil)
    #expect(result.status == 0)
    #expect(
      result.stdout.contains(
        "map huge: percpu_hash, key 2147483647 bytes, value 2147483647 bytes, 4294967295 entries\n"
          + "      declares more than 2^64 bytes: every policy refuses this object\n"))
    // The proposed policy stays readable: integers are signed 64-bit in TOML.
    #expect(result.stdout.contains("map-bytes = 9223372036854775807  # the maps declare more"))
  }

  @Test func theProposedPolicyOfAMapSizeOverflowReadsBackAndStillRefuses() throws {
    let module = try fixture("cli/hugemap.wasm")
    let proposed = try wasmbpfRun(["inspect", "--policy", module])
    #expect(proposed.status == 0)
    let directory = try temporaryDirectory()
    try writeText(proposed.stdout, to: directory + "/hugemap.toml")
    let result = try wasmbpfRun(["--bpf-policy", directory + "/hugemap.toml", module])
    #expect(result.killedBy == nil)
    #expect(result.status == 1)
    #expect(result.stderr.contains("[rule mapSize]"))
  }
}
