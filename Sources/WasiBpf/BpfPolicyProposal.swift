// The writer beside the reader (BpfPolicyFile.swift): the policy file that grants
// exactly the program kinds, attach points, helpers, map types and sizes a module's
// embedded BPF objects declare, as `wasmbpf-run inspect --policy` prints it and
// `BpfPolicy(fileContents:name:)` reads it back.
//
// Names come from the guest's ELF (program, section and map names are arbitrary
// bytes there), so every one is written as an escaped TOML string, and as an fnmatch
// pattern that matches only itself: a hostile name can neither add lines to the file
// nor widen what it grants.

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
    // nil once a map's declared size (or the sum) passes 2^64 bytes: hostile sizes.
    var mapBytes: UInt64? = 0
    var impossibleMaps: [String] = []
    var ringBufferBytes: UInt64 = 0
    func add(_ value: String, to list: inout [String]) {
      if !list.contains(value) { list.append(value) }
    }
    var rules: [(name: String, access: String, note: String)] = []
    var ungrantable: [String] = []
    for object in objects {
      for program in object.programs {
        programCount += 1
        let kind = BpfProgramKind(sectionName: program.sectionName)
        guard kind != .other else {
          // No policy file can grant a kind it cannot name.
          ungrantable.append(
            "# program \(tomlString(program.name)) (section \(tomlString(program.sectionName))) "
              + "is of no kind a policy can grant: this object is refused.")
          continue
        }
        add(kind.rawValue, to: &kinds)
        switch kind {
        case .xdp: add("xdp:*", to: &attach)
        case .sockops, .cgroup:
          // By path, or through a directory the guest was granted (attach by fd).
          add("cgroup:*", to: &attach)
          add("cgroup-fd", to: &attach)
        default: add(fnmatchLiteral(program.sectionName), to: &attach)
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
        let pattern = fnmatchLiteral(map.name)
        if map.typeName == "ringbuf" || map.typeName == "perf_event_array" {
          rules.append((pattern, "read-only", "polled as an event buffer"))
        } else {
          rules.append((pattern, "read-write", "read-only if the tool never updates it"))
        }
      }
    }
    func list(_ values: [String]) -> String {
      "[" + values.map(tomlString).joined(separator: ", ") + "]"
    }
    // In comments, the name escaped but unquoted: the same text for an ordinary name,
    // and no line break for a hostile one.
    let commentName = String(tomlString(moduleName).dropFirst().dropLast())
    var text = """
      # eBPF policy for \(commentName), proposed by `wasmbpf-run inspect`: it grants what
      # the module's embedded BPF objects declare and nothing more. Review, tighten
      # (attach points, map access), then run: wasmbpf-run --bpf-policy FILE \(commentName)
      name = \(tomlString(moduleName))

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
        name = \(tomlString(rule.name))
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
      text +=
        "# map \(tomlString(name)) declares more than 2^64 bytes: every policy refuses this object.\n"
    }
    for line in ungrantable { text += line + "\n" }
    return text
  }

  /// `text` as a TOML basic string: quotes, backslashes and control characters escaped.
  static func tomlString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F:
        let hex = String(scalar.value, radix: 16, uppercase: true)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// An fnmatch pattern that matches exactly `text`.
  static func fnmatchLiteral(_ text: String) -> String {
    var out = ""
    for character in text {
      if "*?[]\\".contains(character) { out.append("\\") }
      out.append(character)
    }
    return out
  }
}
