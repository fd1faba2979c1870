// Every guest fixture runs under a policy that grants exactly what it needs, and fails
// with a clear message (and an audit record naming the rule) under one that grants
// less: one helper, one attach point or one map right fewer.

import Testing
import WasiBpf
import WasiPreview1
import WasmbpfTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// What a fixture guest needs: its object, the attach points it uses, the access it
/// needs to each of its maps, how to run it and what makes its events.
struct FixtureNeeds: Sendable {
  var guest: String
  var attachPoints: [String]
  var mapAccess: [String: BpfMapAccess]
  var arguments: [String]
  var trigger: (@Sendable () -> Void)?
}

/// The policy granting exactly what `needs` asks for: the object's program kinds,
/// helpers (an allow-list of the ones it calls), map types, the listed attach points,
/// per-map access (nothing for the rest) and limits at its own counts.
func exactPolicy(_ needs: FixtureNeeds) throws -> BpfPolicy {
  let object = try describeFixture("guests/\(needs.guest)")
  var policy = BpfPolicy(name: "exact-\(needs.guest)")
  policy.programKinds = Set(object.programs.map { BpfProgramKind(sectionName: $0.sectionName) })
  policy.allowedHelpers = Set(object.programs.flatMap(\.helperNames))
  policy.mapTypes = Set(object.maps.map(\.typeName))
  policy.attachPoints = needs.attachPoints
  policy.mapRules = needs.mapAccess.map { BpfMapRule(pattern: $0.key, access: $0.value) }
  policy.defaultMapAccess = .none
  policy.limits = BpfLimits(
    objects: 1, programs: object.programs.count, links: needs.attachPoints.count)
  return policy
}

extension KernelSuites {
  @Suite struct FixturePolicyTests {
    static let fixtures: [FixtureNeeds] = [
      FixtureNeeds(
        guest: "exectrace",
        attachPoints: [
          "tracepoint/sched/sched_process_exec", "tracepoint/sched/sched_process_exit",
        ],
        mapAccess: ["events": .readOnly], arguments: ["-m", "true", "-n", "1", "-t", "10000"],
        trigger: { _ = spawnTrue() }),
      FixtureNeeds(
        guest: "execsnoop", attachPoints: ["tracepoint/syscalls/sys_enter_execve"],
        mapAccess: ["events": .readOnly], arguments: ["-m", "/bin/true", "-n", "1", "-t", "10000"],
        trigger: { _ = spawnTrue() }),
      FixtureNeeds(
        guest: "sleephist",
        attachPoints: [
          "tracepoint/syscalls/sys_enter_clock_nanosleep",
          "tracepoint/syscalls/sys_exit_clock_nanosleep",
        ],
        mapAccess: ["hist": .readOnly], arguments: ["-t", "300"], trigger: { usleep(20_000) }),
      FixtureNeeds(
        guest: "uprobe",
        attachPoints: ["uprobe/./uprobe_target:wasmbpf_uprobe_target"],
        mapAccess: ["events": .readOnly], arguments: ["-m", "3", "-n", "1", "-t", "10000"],
        trigger: { _ = spawn(fixturePath("bpf/guests/uprobe_target"), ["3"]) }),
      FixtureNeeds(
        guest: "xdpcount", attachPoints: ["xdp:lo"], mapAccess: ["packets": .readOnly],
        arguments: ["-a", "lo", "-n", "5", "-t", "10000"],
        trigger: { sendUDPToLoopback(count: 5) }),
      FixtureNeeds(
        guest: "sockops", attachPoints: ["cgroup:/sys/fs/cgroup/unified"],
        mapAccess: ["ops": .readOnly],
        arguments: ["-a", "/sys/fs/cgroup/unified", "-n", "1", "-t", "10000"], trigger: nil),
      FixtureNeeds(
        guest: "config", attachPoints: ["tracepoint/syscalls/sys_enter_getppid"],
        mapAccess: ["config": .readWrite, "results": .readOnly],
        arguments: ["-a", "5", "-n", "1", "-t", "10000"], trigger: { _ = getppid() }),
    ]

    func run(_ needs: FixtureNeeds, _ policy: BpfPolicy) throws -> (GuestRun, [BpfAuditRecord]) {
      var records: [BpfAuditRecord] = []
      let server = needs.guest == "sockops" ? LoopbackServer() : nil
      let trigger = BackgroundLoop(every: 20) {
        needs.trigger?()
        server?.connectOnce()
      }
      defer {
        trigger.stop()
        server?.close()
      }
      let guest = {
        try runGuest(needs.guest, needs.arguments, policy: policy) { records.append($0) }
      }
      let run = try needs.guest == "xdpcount" ? withLoopbackXDP(guest) : guest()
      return (run, records)
    }

    @Test(arguments: fixtures.indices)
    func runsUnderExactlyWhatItNeeds(index: Int) throws {
      try requireKernel()
      let needs = Self.fixtures[index]
      let (run, records) = try run(needs, try exactPolicy(needs))
      #expect(run.exitCode == 0, "\(needs.guest): \(run.stderr)")
      #expect(records.isEmpty, "\(needs.guest): \(records)")
    }

    @Test(arguments: fixtures.indices)
    func failsClearlyWithOneHelperFewer(index: Int) throws {
      try requireKernel()
      let needs = Self.fixtures[index]
      var policy = try exactPolicy(needs)
      let dropped = policy.allowedHelpers!.sorted().first!
      policy.allowedHelpers!.remove(dropped)
      let (run, records) = try run(needs, policy)
      #expect(run.exitCode == 1)
      #expect(run.stderr.contains("load failed"), "\(run.stderr)")
      #expect(records.map(\.rule) == ["helpers"])
      #expect(records.first?.message.hasSuffix("calls \(dropped)") == true, "\(records)")
    }

    @Test(arguments: fixtures.indices)
    func failsClearlyWithOneAttachPointFewer(index: Int) throws {
      try requireKernel()
      let needs = Self.fixtures[index]
      var policy = try exactPolicy(needs)
      let dropped = policy.attachPoints!.removeLast()
      let (run, records) = try run(needs, policy)
      #expect(run.exitCode == 1)
      #expect(run.stderr.contains("attach"), "\(run.stderr)")
      #expect(records.map(\.rule) == ["attachPoints"])
      #expect(records.first?.message == "attach point \(dropped) is not allowed")
    }

    @Test(arguments: fixtures.indices)
    func failsWithOneMapRightFewer(index: Int) throws {
      try requireKernel()
      let needs = Self.fixtures[index]
      // The map the guest uses most: its writable one, else its only readable one.
      let (name, access) = needs.mapAccess.sorted { $0.value > $1.value }.first!
      var policy = try exactPolicy(needs)
      let lower: BpfMapAccess = access == .readWrite ? .readOnly : .none
      policy.mapRules = policy.mapRules.map {
        $0.pattern == name ? BpfMapRule(pattern: name, access: lower) : $0
      }
      let (run, records) = try run(needs, policy)
      #expect(run.exitCode != 0, "\(needs.guest) ran without \(access.rawValue) on \(name)")
      #expect(records.first?.rule == "maps", "\(records)")
      #expect(records.first?.subject == "map '\(name)'")
    }
  }
}
