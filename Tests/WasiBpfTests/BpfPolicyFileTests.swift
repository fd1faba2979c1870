import Testing
import WasiBpf

@Suite struct BpfPolicyFileTests {
  @Test func readsEverySection() throws {
    let policy = try BpfPolicy(
      fileContents: """
        # exec tracer
        name = "exec tracer"
        [programs]
        kinds = ["tracepoint", "uprobe"]
        attach = [
          "tracepoint/sched/sched_process_*",  # exec and exit
          'uprobe//usr/bin/bash:readline',
        ]
        [helpers]
        deny = ["bpf_send_signal", "probe_write_user"]
        kfuncs = true
        [maps]
        types = ["ringbuf", "hash"]
        default = "read-only"
        [[maps.rule]]
        name = "config*"
        access = "read-write"
        [[maps.rule]]
        name = "secret"
        access = "none"
        [limits]
        objects = 1
        programs = 4
        links = 4
        map-bytes = 16_777_216
        ring-buffer-bytes = 1_048_576
        """, name: "file.toml")
    #expect(policy.name == "exec tracer")
    #expect(policy.programKinds == [.tracepoint, .uprobe])
    #expect(
      policy.attachPoints == ["tracepoint/sched/sched_process_*", "uprobe//usr/bin/bash:readline"])
    #expect(policy.deniedHelpers == ["bpf_send_signal", "bpf_probe_write_user"])
    // Starting from deny-all, a file grants only the helpers it allows.
    #expect(policy.allowedHelpers == [])
    #expect(policy.allowKfuncs)
    #expect(policy.mapTypes == ["ringbuf", "hash"])
    #expect(policy.defaultMapAccess == .readOnly)
    #expect(policy.access(toMap: "config_pid") == .readWrite)
    #expect(policy.access(toMap: "secret") == BpfMapAccess.none)
    #expect(policy.access(toMap: "events") == .readOnly)
    #expect(
      policy.limits
        == BpfLimits(
          objects: 1, programs: 4, links: 4, mapBytes: 16_777_216, ringBufferBytes: 1_048_576))
  }

  @Test func emptyFileIsDenyAllAndExtendsStartsFromAPreset() throws {
    let empty = try BpfPolicy(fileContents: "# nothing granted\n", name: "empty.toml")
    #expect(empty.programKinds.isEmpty)
    #expect(empty.name == "empty.toml")
    #expect(empty.defaultMapAccess == BpfMapAccess.none)

    let extended = try BpfPolicy(
      fileContents: "extends = \"observe\"\n[limits]\nlinks = 2\n", name: "x")
    #expect(extended.programKinds == BpfPolicy.observe.programKinds)
    #expect(extended.deniedHelpers == BpfPolicy.writingHelpers)
    #expect(extended.limits.links == 2)
    #expect(extended.name == "x")
  }

  @Test(arguments: [
    ("kinds = [\"tracepoint\"]\n", 1, "unknown key 'kinds'"),
    ("[programs]\nkinds = [\"teleport\"]\n", 2, "unknown program kind 'teleport'"),
    ("[programs]\nkind = [\"xdp\"]\n", 2, "unknown key 'kind'"),
    ("[helpers]\ndeny = [\"bpf_no_such_thing\"]\n", 2, "unknown helper 'bpf_no_such_thing'"),
    ("[maps]\ndefault = \"write-only\"\n", 2, "unknown access 'write-only'"),
    ("[[maps.rule]]\naccess = \"none\"\n", 2, "a [[maps.rule]] needs a name"),
    ("[limits]\nlinks = -1\n", 2, "expected a count >= 0"),
    ("[limits]\nlinks = \"4\"\n", 2, "expected a count >= 0"),
    ("extends = \"root\"\n", 1, "unknown preset 'root'"),
    ("[programs]\n[programs]\n", 2, "table [programs] is defined twice"),
    ("name = \"a\"\nname = \"b\"\n", 2, "key 'name' is defined twice"),
    ("name = \"unterminated\n", 1, "unterminated string"),
    ("[programs\n", 1, "expected ']'"),
    ("[limits]\nlinks = 4 5\n", 2, "expected the end of the line"),
    ("[limits]\nlinks = 0x10\n", 2, "only decimal integers"),
    ("[limits]\nlinks = 99999999999999999999\n", 2, "integer out of range"),
    ("[programs]\nkinds = [\"xdp\" \"tc\"]\n", 2, "expected ',' or ']'"),
    ("name = 3.5\n", 1, "only decimal integers"),
    ("= 3\n", 1, "expected a key"),
  ])
  func mistakesAreErrorsWithTheirLine(text: String, line: Int, message: String) {
    do {
      _ = try BpfPolicy(fileContents: text, name: "bad.toml")
      Issue.record("accepted: \(text)")
    } catch {
      #expect(error.line == line, "\(error)")
      #expect(error.message.contains(message), "\(error)")
    }
  }

  @Test func stringEscapes() throws {
    let policy = try BpfPolicy(
      fileContents: #"name = "tab\there \"quoted\" \u00e9\\""# + "\n", name: "x")
    #expect(policy.name == "tab\there \"quoted\" é\\")
  }

  @Test func presetsByName() {
    #expect(BpfPolicy.preset(named: "observe")?.name == "observe")
    #expect(BpfPolicy.preset(named: "deny-all")?.programKinds.isEmpty == true)
    #expect(
      BpfPolicy.preset(named: "unrestricted")?.programKinds.count == BpfProgramKind.allCases.count)
    #expect(BpfPolicy.preset(named: "nope") == nil)
  }
}
