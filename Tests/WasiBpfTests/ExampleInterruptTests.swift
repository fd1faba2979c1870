// The bundled tools (Examples/, Scripts/build-examples.sh) end normally when the user
// stops them: an interrupted poll (the host's shouldStop, what Ctrl-C sets) makes the
// tool leave its loop, close its object and return 0 from main, instead of treating
// the result as a failure or polling on. Run in-process, on the real kernel.

import Testing
import WasiBpf
import WasiPreview1
import WasmCore
import WasmInterp

extension KernelSuites {
  @Suite struct ExampleInterruptTests {
    /// The tools that wait in a buffer poll, and the header each prints once attached.
    static let pollingTools = [
      ("execsnoop", "PCOMM"), ("opensnoop", "PATH"), ("exitsnoop", "EXIT"),
      ("tcpconnect", "DPORT"),
    ]

    @Test(arguments: pollingTools)
    func anInterruptedPollEndsTheToolNormally(name: String, header: String) throws {
      try requireKernel()
      let module = try ValidatedModule(
        bytes: try repositoryFileBytes("Examples/generated/\(name).wasm"))
      let store = Store()
      // -d 20: without the interruption the tool would run 20 s (and this test fail).
      let wasi = try WasiPreview1(
        configuration: WasiConfiguration(
          arguments: ["\(name).wasm", "-d", "20"], stdout: .buffer(), stderr: .buffer()))
      defer { wasi.context.closeAll() }
      let bpf = WasmBpf(options: BpfHostOptions(policy: .unrestricted, moduleName: name))
      defer { bpf.host.closeAll() }
      // Stop as soon as the tool is attached and waiting: its header is out.
      bpf.host.shouldStop = { wasi.capturedStdout.text.contains(header) }
      var linker = Linker()
      wasi.define(in: &linker, store: store)
      bpf.define(in: &linker, store: store)
      let start = ContinuousClock.now
      let code = try wasi.start(try linker.instantiate(module, in: store))
      #expect(code == 0, "\(wasi.capturedStderr.text)")
      #expect(ContinuousClock.now - start < .seconds(10), "the tool kept polling")
      #expect(wasi.capturedStdout.text.contains(header))
      #expect(!wasi.capturedStderr.text.contains("failed"), "\(wasi.capturedStderr.text)")
      #expect(bpf.host.openObjectCount == 0, "the tool closed its object before returning")
    }
  }
}
