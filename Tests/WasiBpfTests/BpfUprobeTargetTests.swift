// A uprobe's ELF section names its binary and function the way libbpf reads them.

import Testing
import WasiBpf

@Suite struct BpfUprobeTargetTests {
  @Test func sectionsNameBinaryFunctionAndOffset() {
    #expect(
      BpfUprobeTarget(sectionName: "uprobe/./target:uprobe_add")
        == BpfUprobeTarget(binaryPath: "./target", function: "uprobe_add"))
    #expect(
      BpfUprobeTarget(sectionName: "uretprobe//bin/bash:readline")
        == BpfUprobeTarget(binaryPath: "/bin/bash", function: "readline", isReturn: true))
    #expect(
      BpfUprobeTarget(sectionName: "uprobe.s/lib.so:malloc+0x10")
        == BpfUprobeTarget(binaryPath: "lib.so", function: "malloc", offset: 16))
    #expect(
      BpfUprobeTarget(sectionName: "uprobe/bin:0x1234")
        == BpfUprobeTarget(binaryPath: "bin", function: nil, offset: 0x1234))
  }

  @Test func othersAreNotUprobeTargets() {
    for section in [
      "uprobe", "uprobe/", "uprobe/bin", "uprobe/:f", "uprobe/bin:", "kprobe/do_sys_open",
      "tracepoint/syscalls/sys_enter_execve", "uprobe/bin:f+zz",
    ] {
      #expect(BpfUprobeTarget(sectionName: section) == nil, "\(section)")
    }
  }
}
