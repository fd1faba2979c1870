// The writer beside the reader (BpfPolicyFile.swift): the policy file that grants
// exactly the program kinds, attach points, helpers, map types and sizes a module's
// embedded BPF objects declare, as `wasmbpf-run inspect --policy` prints it and
// `BpfPolicy(fileContents:name:)` reads it back.

extension BpfPolicy {
  /// A policy file (TOML) granting what `objects` need and nothing else, for a
  /// person to review and tighten.
  public static func proposedFile(
    moduleName: String, objects: [BpfObjectDescription], possibleCPUs: Int = bpfPossibleCPUs
  ) -> String {
    var kinds: [String] = []
    var attach: [String] = []
    var helpers: [String] = []
    var mapTypes: [String] = []
    var kfuncs = false
    var programCount = 0
    var mapBytes: UInt64 = 0
    var ringBufferBytes: UInt64 = 0
    func add(_ value: String, to list: inout [String]) {
      if !list.contains(value) { list.append(value) }
    }
    var rules: [(name: String, access: String, note: String)] = []
    for object in objects {
      for program in object.programs {
        programCount += 1
        let kind = BpfProgramKind(sectionName: program.sectionName)
        add(kind.rawValue, to: &kinds)
        switch kind {
        case .xdp: add("xdp:*", to: &attach)
        case .sockops, .cgroup:
          // By path, or through a directory the guest was granted (attach by fd).
          add("cgroup:*", to: &attach)
          add("cgroup-fd", to: &attach)
        default: add(program.sectionName, to: &attach)
        }
        for helper in program.helperNames { add(helper, to: &helpers) }
        if program.kfuncCallCount > 0 { kfuncs = true }
      }
      for map in object.maps {
        add(map.typeName, to: &mapTypes)
        let bytes = map.estimatedBytes(possibleCPUs: possibleCPUs)
        mapBytes &+= bytes
        if map.typeName == "ringbuf" { ringBufferBytes = max(ringBufferBytes, bytes) }
        // Internal maps (.rodata, .bss...) are not the guest's to operate.
        if map.name.contains(".") { continue }
        if map.typeName == "ringbuf" || map.typeName == "perf_event_array" {
          rules.append((map.name, "read-only", "polled as an event buffer"))
        } else {
          rules.append((map.name, "read-write", "read-only if the tool never updates it"))
        }
      }
    }
    func list(_ values: [String]) -> String {
      "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }
    var text = """
      # eBPF policy for \(moduleName), proposed by `wasmbpf-run inspect`: it grants what
      # the module's embedded BPF objects declare and nothing more. Review, tighten
      # (attach points, map access), then run: wasmbpf-run --bpf-policy FILE \(moduleName)
      name = "\(moduleName)"

      [programs]
      kinds = \(list(kinds))
      # Attach points: section names (automatic attach), xdp:IFNAME, cgroup:PATH, cgroup-fd.
      attach = \(list(attach))

      [helpers]
      allow = \(list(helpers))
      kfuncs = \(kfuncs)

      [maps]
      types = \(list(mapTypes))
      default = "none"

      """
    for rule in rules {
      text += """

        [[maps.rule]]
        name = "\(rule.name)"
        access = "\(rule.access)"  # \(rule.note)

        """
    }
    text += """

      [limits]
      objects = \(objects.count)
      programs = \(programCount)
      links = \(programCount)
      map-bytes = \(mapBytes)
      ring-buffer-bytes = \(ringBufferBytes)

      """
    return text
  }
}
