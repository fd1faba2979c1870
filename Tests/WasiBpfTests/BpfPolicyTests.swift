// Policy decisions on real BPF objects (inspected, not loaded: decisions are made
// before anything reaches the kernel).

import Testing
import WasiBpf

#if canImport(Glibc)
  import Glibc
#endif

func describeFixture(_ name: String) throws -> BpfObjectDescription {
  let bytes = try fixtureBytes("bpf/\(name).bpf.o")
  let objectName = String(name.split(separator: "/").last ?? Substring(name))
  return try bytes.withUnsafeBytes { try BpfObject(elf: $0, name: objectName) }.describe()
}

/// A policy granting exactly what inspect_sample needs.
func inspectSamplePolicy() -> BpfPolicy {
  var policy = BpfPolicy(name: "inspect-sample")
  policy.programKinds = [.tracepoint]
  policy.attachPoints = [
    "tracepoint/syscalls/sys_enter_execve", "tracepoint/syscalls/sys_enter_kill",
  ]
  policy.mapTypes = ["ringbuf", "hash", "percpu_array"]
  // Every helper: these tests are about the other rules.
  policy.allowedHelpers = nil
  policy.mapRules = [BpfMapRule(pattern: "counts", access: .readOnly)]
  policy.defaultMapAccess = .none
  return policy
}

@Suite struct BpfPolicyTests {
  final class Log: @unchecked Sendable {
    var records: [BpfAuditRecord] = []
  }

  func enforcer(_ policy: BpfPolicy, log: Log) -> BpfPolicyEnforcer {
    let enforcer = BpfPolicyEnforcer(policy: policy, module: "test.wasm", possibleCPUs: 2)
    enforcer.logger = { log.records.append($0) }
    return enforcer
  }

  @Test func denyAllIsTheDefault() throws {
    let log = Log()
    let object = try describeFixture("inspect_sample")
    let denial = try #require(throws: BpfPolicyDenial.self) {
      try enforcer(BpfPolicy(), log: log).admitLoad(of: object)
    }
    #expect(denial.errno == EPERM)
    #expect(denial.record.rule == "programKinds")
    #expect(log.records == [denial.record])
  }

  @Test func tracingPolicyRefusesXDP() throws {
    let log = Log()
    let denial = try #require(throws: BpfPolicyDenial.self) {
      try enforcer(.observe, log: log).admitLoad(of: try describeFixture("guests/xdpcount"))
    }
    #expect(denial.record.rule == "programKinds")
    #expect(denial.record.decision == .denied)
    #expect(denial.record.module == "test.wasm")
    #expect(denial.record.policy == "observe")
    #expect(denial.record.message.contains("count_packets"))
    #expect(denial.record.message.contains("xdp"))
    #expect(denial.description.contains("denied load of object 'xdpcount'"))
    #expect(log.records.count == 1)
  }

  @Test func presetsAreAllowListsExceptUnrestricted() throws {
    // A helper, a map type and a kind that a newer kernel might add: only
    // `unrestricted` grants what it has never seen.
    let program = BpfProgramDescription(
      name: "p", sectionName: "tracepoint/sched/sched_switch", typeName: "tracepoint",
      instructionCount: 2, helperIDs: [9999], kfuncCallCount: 0)
    let newHelper = BpfObjectDescription(name: "o", programs: [program], maps: [])
    let newMap = BpfObjectDescription(
      name: "o", programs: [],
      maps: [
        BpfMapDescription(name: "m", typeName: "type#99", keySize: 4, valueSize: 4, maxEntries: 1)
      ])
    for preset in [BpfPolicy(), .observe] {
      let log = Log()
      let helper = try #require(throws: BpfPolicyDenial.self) {
        try enforcer(preset, log: log).admitLoad(of: newHelper)
      }
      #expect(helper.record.rule == (preset.programKinds.isEmpty ? "programKinds" : "helpers"))
      let map = try #require(throws: BpfPolicyDenial.self) {
        try enforcer(preset, log: log).admitLoad(of: newMap)
      }
      #expect(map.record.rule == "mapTypes")
    }
    let log = Log()
    try enforcer(.unrestricted, log: log).admitLoad(of: newHelper)
    try enforcer(.unrestricted, log: log).admitLoad(of: newMap)
    // observe's lists are explicit, and no writing helper is in its allow-list.
    #expect(BpfPolicy.observe.allowedHelpers == BpfPolicy.readOnlyTracingHelpers)
    #expect(BpfPolicy.readOnlyTracingHelpers.isDisjoint(with: BpfPolicy.writingHelpers))
    #expect(BpfPolicy.observe.mapTypes != nil)
    #expect(!BpfPolicy.observe.programKinds.contains(.other))
    // Every name in the list is a helper this build knows.
    for name in BpfPolicy.readOnlyTracingHelpers {
      #expect(bpfHelperID(named: name) != nil, "\(name)")
    }
  }

  @Test func observeAdmitsEveryTracingFixture() throws {
    for name in ["exectrace", "execsnoop", "sleephist", "uprobe", "config", "ringbench"] {
      let log = Log()
      try enforcer(.observe, log: log).admitLoad(of: try describeFixture("guests/\(name)"))
    }
  }

  @Test func helperDenyingPolicyRefusesSendSignal() throws {
    let log = Log()
    let denial = try #require(throws: BpfPolicyDenial.self) {
      try enforcer(.observe, log: log).admitLoad(of: try describeFixture("inspect_sample"))
    }
    #expect(denial.record.rule == "helpers")
    #expect(denial.record.message == "program 'punish_kill' calls bpf_send_signal")

    // The same object under a policy that does not deny the helper is admitted.
    var granting = inspectSamplePolicy()
    granting.deniedHelpers = ["bpf_probe_write_user"]
    try enforcer(granting, log: log).admitLoad(of: try describeFixture("inspect_sample"))
    // An allow-list without the helper refuses it.
    granting.allowedHelpers = ["bpf_ringbuf_reserve", "bpf_ringbuf_submit"]
    let listed = try #require(throws: BpfPolicyDenial.self) {
      try enforcer(granting, log: log).admitLoad(of: try describeFixture("inspect_sample"))
    }
    #expect(listed.record.rule == "helpers")
  }

  @Test func mapTypesAndMapMemoryAreChecked() throws {
    let log = Log()
    var policy = inspectSamplePolicy()
    policy.mapTypes = ["hash", "percpu_array"]
    let typeDenial = try #require(throws: BpfPolicyDenial.self) {
      try enforcer(policy, log: log).admitLoad(of: try describeFixture("inspect_sample"))
    }
    #expect(typeDenial.record.rule == "mapTypes")
    #expect(typeDenial.record.message.contains("events"))

    policy = inspectSamplePolicy()
    policy.limits.ringBufferBytes = 4096
    let ring = try #require(throws: BpfPolicyDenial.self) {
      try enforcer(policy, log: log).admitLoad(of: try describeFixture("inspect_sample"))
    }
    #expect(ring.record.rule == "limits.ringBufferBytes")
    #expect(ring.errno == E2BIG)

    policy = inspectSamplePolicy()
    policy.limits.mapBytes = 64 * 1024  // the ring buffer alone takes all of it
    let memory = try #require(throws: BpfPolicyDenial.self) {
      try enforcer(policy, log: log).admitLoad(of: try describeFixture("inspect_sample"))
    }
    #expect(memory.record.rule == "limits.mapBytes")
  }

  @Test func objectAndProgramLimitsCountAndAreGivenBack() throws {
    let log = Log()
    var policy = inspectSamplePolicy()
    policy.limits.objects = 1
    let e = enforcer(policy, log: log)
    let object = try describeFixture("inspect_sample")
    try e.admitLoad(of: object)
    #expect(e.objectCount == 1)
    #expect(e.programCount == 2)
    let second = try #require(throws: BpfPolicyDenial.self) { try e.admitLoad(of: object) }
    #expect(second.record.rule == "limits.objects")
    e.released(object: object)
    #expect(e.objectCount == 0)
    #expect(e.mapBytes == 0)
    try e.admitLoad(of: object)

    policy.limits = BpfLimits(programs: 1)
    let programs = try #require(throws: BpfPolicyDenial.self) {
      try enforcer(policy, log: log).admitLoad(of: object)
    }
    #expect(programs.record.rule == "limits.programs")
  }

  @Test func linkLimitRefusesTheNPlusFirstLink() throws {
    let log = Log()
    var policy = inspectSamplePolicy()
    policy.limits.links = 2
    let e = enforcer(policy, log: log)
    let object = try describeFixture("inspect_sample")
    let program = try #require(object.programs.first { $0.name == "trace_execve" })
    try e.admitAttach(of: program, objectName: object.name, to: .automatic)
    try e.admitAttach(of: program, objectName: object.name, to: .automatic)
    let third = try #require(throws: BpfPolicyDenial.self) {
      try e.admitAttach(of: program, objectName: object.name, to: .automatic)
    }
    #expect(third.record.rule == "limits.links")
    #expect(third.record.action == "attach")
    e.releasedLink()
    try e.admitAttach(of: program, objectName: object.name, to: .automatic)
  }

  @Test func attachPointPatterns() throws {
    let log = Log()
    var policy = inspectSamplePolicy()
    policy.attachPoints = [
      "tracepoint/syscalls/sys_enter_*", "xdp:lo", "cgroup:/sys/fs/cgroup/unified/wasm*",
    ]
    let e = enforcer(policy, log: log)
    let object = try describeFixture("inspect_sample")
    let program = try #require(object.programs.first { $0.name == "trace_execve" })
    try e.admitAttach(of: program, objectName: object.name, to: .automatic)
    try e.admitAttach(of: program, objectName: object.name, to: .interface("lo"))
    try e.admitAttach(
      of: program, objectName: object.name, to: .cgroupPath("/sys/fs/cgroup/unified/wasm-test"))
    for target: BpfAttachTarget in [
      .interface("eth0"), .cgroupPath("/sys/fs/cgroup/unified"), .cgroupFD(3),
    ] {
      let denial = try #require(throws: BpfPolicyDenial.self) {
        try e.admitAttach(of: program, objectName: object.name, to: target)
      }
      #expect(denial.record.rule == "attachPoints")
    }
    policy.attachPoints = ["tracepoint/sched/*"]
    let other = try #require(throws: BpfPolicyDenial.self) {
      try enforcer(policy, log: log).admitAttach(
        of: program, objectName: object.name, to: .automatic)
    }
    #expect(other.record.message.contains("tracepoint/syscalls/sys_enter_execve"))
  }

  @Test func readOnlyMapRefusesGuestUpdates() throws {
    let log = Log()
    let e = enforcer(inspectSamplePolicy(), log: log)
    try e.admitMapOperation(.lookup, map: "counts")
    try e.admitMapOperation(.nextKey, map: "counts")
    for operation in [BpfMapOperation.update, .delete] {
      let denial = try #require(throws: BpfPolicyDenial.self) {
        try e.admitMapOperation(operation, map: "counts")
      }
      #expect(denial.record.rule == "maps")
      #expect(denial.record.message.contains("read-only"))
    }
    // Maps no rule names get the default (none here): even lookups are refused.
    #expect(throws: BpfPolicyDenial.self) { try e.admitMapOperation(.lookup, map: "events") }
    #expect(log.records.count == 3)
  }

  @Test func programKindsFromSectionNames() {
    #expect(BpfProgramKind(sectionName: "tracepoint/syscalls/sys_enter_execve") == .tracepoint)
    #expect(BpfProgramKind(sectionName: "tp/sched/sched_process_exec") == .tracepoint)
    #expect(BpfProgramKind(sectionName: "uretprobe//bin/bash:readline") == .uprobe)
    #expect(BpfProgramKind(sectionName: "kprobe/do_unlinkat") == .kprobe)
    #expect(BpfProgramKind(sectionName: "xdp") == .xdp)
    #expect(BpfProgramKind(sectionName: "sockops") == .sockops)
    #expect(BpfProgramKind(sectionName: "cgroup_skb/egress") == .cgroup)
    #expect(BpfProgramKind(sectionName: "lsm.s/file_open") == .lsm)
    #expect(BpfProgramKind(sectionName: "fentry/do_exit") == .fentry)
    #expect(BpfProgramKind(sectionName: "weird") == .other)
  }
}

/// Map sizes from a hostile ELF (issue 22): the estimate is checked, never trapping.
@Suite struct MapSizeEstimateTests {
  func map(_ type: String, entries: UInt32, key: UInt32, value: UInt32) -> BpfMapDescription {
    BpfMapDescription(
      name: "m", typeName: type, keySize: key, valueSize: value, maxEntries: entries)
  }

  @Test func perCPUSizesThatOverflowHaveNoEstimate() {
    let huge = map("percpu_hash", entries: .max, key: 0x7FFF_FFFF, value: 0x7FFF_FFFF)
    #expect(huge.estimatedBytes(possibleCPUs: 2) == nil)
    // One CPU: 0xFFFFFFFF × 0xFFFFFFFE still fits in 64 bits.
    #expect(huge.estimatedBytes(possibleCPUs: 1) == UInt64(0xFFFF_FFFF) * 0xFFFF_FFFE)
    #expect(
      map("hash", entries: .max, key: .max, value: .max).estimatedBytes(possibleCPUs: 64) == nil)
    #expect(
      map("perf_event_array", entries: .max, key: 4, value: 4).estimatedBytes(possibleCPUs: 2)
        == 0x7_FFFF_FFF8)
    #expect(
      map("percpu_array", entries: 4, key: 4, value: 8).estimatedBytes(possibleCPUs: 3) == 144)
  }

  @Test func aLoadWhoseMapsOverflowIsRefusedUnderEveryPolicy() throws {
    let object = try describeFixture("../cli/hugemap")
    for policy in [BpfPolicy.unrestricted, .observe] {
      let enforcer = BpfPolicyEnforcer(policy: policy, module: "t", possibleCPUs: 2)
      let denial = try #require(throws: BpfPolicyDenial.self) { try enforcer.admitLoad(of: object) }
      #expect(denial.errno == E2BIG)
      #expect(denial.record.rule == "mapSize")
      #expect(enforcer.mapBytes == 0 && enforcer.objectCount == 0)
    }
  }

  @Test func mapsWhoseSumOverflowsAreRefused() throws {
    let half = map("array", entries: .max, key: 0x7FFF_FFFF, value: 0x7FFF_FFFF)  // ~2^63.99
    #expect(half.estimatedBytes(possibleCPUs: 1) != nil)
    let object = BpfObjectDescription(name: "o", programs: [], maps: [half, half])
    let enforcer = BpfPolicyEnforcer(policy: .unrestricted, module: "t", possibleCPUs: 1)
    let denial = try #require(throws: BpfPolicyDenial.self) { try enforcer.admitLoad(of: object) }
    #expect(denial.record.rule == "mapSize")
    #expect(denial.record.message == "the maps together take more than 2^64 bytes")
    // One such map alone is admitted by a policy without limits; the next one is not.
    let one = BpfObjectDescription(name: "o", programs: [], maps: [half])
    try enforcer.admitLoad(of: one)
    #expect(throws: BpfPolicyDenial.self) { try enforcer.admitLoad(of: one) }
    enforcer.released(object: one)
    #expect(enforcer.mapBytes == 0)
  }
}
