// The BPF side of every guest fixture loads and attaches on this kernel (the Wasm
// side runs in the end-to-end tests): program kinds the fixtures need are here.

import Testing
import WasiBpf
import WasmbpfTestSupport

#if canImport(Glibc)
  import Glibc
#endif

extension KernelSuites {
  @Suite struct GuestObjectKernelTests {
    static let attachments: [(guest: String, program: String, target: BpfAttachTarget)] = [
      ("exectrace", "handle_exec", .automatic),
      ("exectrace", "handle_exit", .automatic),
      ("execsnoop", "trace_execve", .automatic),
      ("sleephist", "sleep_enter", .automatic),
      ("sleephist", "sleep_exit", .automatic),
      (
        "uprobe", "on_target",
        .uprobe(
          BpfUprobeTarget(
            binaryPath: fixturePath("bpf/guests/uprobe_target"), function: "wasmbpf_uprobe_target"))
      ),
      ("xdpcount", "count_packets", .interface("lo")),
      ("sockops", "count_sockops", .cgroupPath("/sys/fs/cgroup/unified")),
      ("config", "on_getppid", .automatic),
    ]

    @Test(arguments: attachments.indices)
    func guestObjectLoadsAndAttaches(index: Int) throws {
      try requireKernel()
      let (guest, program, target) = Self.attachments[index]
      let bytes = try fixtureBytes("bpf/guests/\(guest).bpf.o")
      let object = try bytes.withUnsafeBytes { try BpfObject(elf: $0, name: guest) }
      try object.load()
      try withLoopbackXDP {
        let link = try object.attach(program: program, to: target)
        #expect(link.isAttached)
      }
    }
  }
}
