// The `wasm_bpf` imports hold their host themselves: an embedder may drop the
// `WasmBpf` value once it has defined them, and the guest still runs every import.

import Testing
import WasiBpf
import WasiPreview1
import WasmInterp

extension KernelSuites {
  @Suite struct ImportLifetimeTests {
    @Test func theImportsOutliveTheWasmBpfValue() throws {
      try requireKernel()
      let module = try ValidatedModule(bytes: try fixtureBytes("bpf/guests/hostile.wasm"))
      let store = Store()
      let wasi = try WasiPreview1(
        configuration: WasiConfiguration(
          arguments: ["hostile.wasm"], stdout: .buffer(), stderr: .buffer()))
      defer { wasi.context.closeAll() }
      var linker = Linker()
      wasi.define(in: &linker, store: store)
      weak var dropped: WasmBpf?
      do {
        let bpf = WasmBpf(options: BpfHostOptions(policy: .unrestricted, moduleName: "hostile"))
        bpf.define(in: &linker, store: store)
        dropped = bpf
      }
      #expect(dropped == nil, "nothing but the embedder held the WasmBpf value")
      let instance = try linker.instantiate(module, in: store)
      #expect(try wasi.start(instance) == 0, "\(wasi.capturedStderr.text)")
      #expect(wasi.capturedStdout.text.contains("load-valid 1"))
      #expect(wasi.capturedStdout.text.contains("close 0"))
    }
  }
}
