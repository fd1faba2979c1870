// The policy `inspect` proposes for a module: exactly the program kinds, attach
// points, helpers, map types and sizes its embedded BPF objects declare, as a TOML
// file `--bpf-policy FILE` reads (see BpfPolicyFile.swift for the format).

import WasiBpf

enum PolicySnippet {
  /// A policy file granting what `objects` need and nothing else.
  static func toml(moduleName: String, objects: [BpfObjectDescription], possibleCPUs: Int)
    -> String
  {
    var kinds: [String] = []
    var attach: [String] = []
    var helpers: [String] = []
    var mapTypes: [String] = []
    var kfuncs = false
    var programCount = 0
    // nil once a map's declared size (or the sum) passes 2^64 bytes: hostile sizes.
    var mapBytes: UInt64? = 0
    var impossibleMaps: [String] = []
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
        case .sockops, .cgroup: add("cgroup:*", to: &attach)
        default: add(program.sectionName, to: &attach)
        }
        for helper in program.helperNames { add(helper, to: &helpers) }
        if program.kfuncCallCount > 0 { kfuncs = true }
      }
      for map in object.maps {
        add(map.typeName, to: &mapTypes)
        if let bytes = map.estimatedBytes(possibleCPUs: possibleCPUs) {
          mapBytes = mapBytes.flatMap { total in
            let (sum, overflow) = total.addingReportingOverflow(bytes)
            return overflow ? nil : sum
          }
          if map.typeName == "ringbuf" { ringBufferBytes = max(ringBufferBytes, bytes) }
        } else {
          mapBytes = nil
          impossibleMaps.append(map.name)
        }
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
      # Attach points: section names (automatic attach), xdp:IFNAME, cgroup:PATH.
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
    // Policy integers are signed 64-bit (TOML): a larger total is written as the
    // largest one, which still admits every map that fits in memory.
    let mapBytesText: String
    if let mapBytes, mapBytes <= UInt64(Int64.max) {
      mapBytesText = "\(mapBytes)"
    } else {
      mapBytesText = "\(Int64.max)  # the maps declare more than 2^63 bytes"
    }
    text += """

      [limits]
      objects = \(objects.count)
      programs = \(programCount)
      links = \(programCount)
      map-bytes = \(mapBytesText)
      ring-buffer-bytes = \(ringBufferBytes)

      """
    for name in impossibleMaps {
      text += "# map '\(name)' declares more than 2^64 bytes: every policy refuses this object.\n"
    }
    return text
  }
}
