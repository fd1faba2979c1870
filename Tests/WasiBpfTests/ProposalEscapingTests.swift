// The proposed policy (`inspect --policy`) writes names taken from a guest's ELF:
// a hostile name must neither add lines to the file nor widen what it grants.

import Testing

@testable import WasiBpf

@Suite struct ProposalEscapingTests {
  func object(program: String, section: String, map: String) -> BpfObjectDescription {
    BpfObjectDescription(
      name: "o",
      programs: [
        BpfProgramDescription(
          name: program, sectionName: section, typeName: "tracepoint", instructionCount: 2,
          helperIDs: [1, 9999], kfuncCallCount: 0)
      ],
      maps: [
        BpfMapDescription(name: map, typeName: "hash", keySize: 4, valueSize: 8, maxEntries: 1)
      ])
  }

  @Test func hostileNamesReadBackAsThemselves() throws {
    let section = "tracepoint/a\"\n[helpers]\nallow = [\"bpf_send_signal\"]\n#*"
    let map = "m*\"\naccess = \"read-write"
    let hostile = object(program: "p\\\"\n", section: section, map: map)
    let text = BpfPolicy.proposedFile(
      moduleName: "tool\"\nextends = \"unrestricted", objects: [hostile], possibleCPUs: 2)
    let policy = try BpfPolicy(fileContents: text, name: "proposal")
    // Nothing was injected: the name and the lists are exactly what the object declares.
    #expect(policy.name == "tool\"\nextends = \"unrestricted")
    #expect(policy.allowedHelpers == ["bpf_map_lookup_elem", "helper#9999"])
    #expect(policy.programKinds == [.tracepoint])
    // The patterns match the names and nothing wider.
    #expect(policy.allowsAttachPoint(section))
    #expect(
      !policy.allowsAttachPoint("tracepoint/a\"\n[helpers]\nallow = [\"bpf_send_signal\"]\n#x"))
    #expect(policy.access(toMap: map) == .readWrite)
    #expect(policy.access(toMap: "m-other\"\naccess = \"read-write") == BpfMapAccess.none)
    let enforcer = BpfPolicyEnforcer(policy: policy, module: "t", possibleCPUs: 2)
    try enforcer.admitLoad(of: hostile)
  }

  @Test func aKindNoPolicyCanNameIsLeftOutWithAComment() throws {
    let odd = object(program: "p", section: "weird/section", map: "m")
    let text = BpfPolicy.proposedFile(moduleName: "t.wasm", objects: [odd], possibleCPUs: 2)
    #expect(
      text.contains("# program \"p\" (section \"weird/section\") is of no kind a policy can grant"))
    let policy = try BpfPolicy(fileContents: text, name: "proposal")
    #expect(throws: BpfPolicyDenial.self) {
      try BpfPolicyEnforcer(policy: policy, module: "t", possibleCPUs: 2).admitLoad(of: odd)
    }
  }
}
