// The BPF objects the fixtures build, opened once: seeds of the ELF and policy
// harnesses and the objects the wasm_bpf harness loads.

import BpfSys
import WasiBpf

/// libbpf's messages go to stderr by default: thousands of lines a second under the
/// fuzzer. The harnesses that reach libbpf silence it once.
let quietLibbpf: Void = { _ = libbpf_set_print(nil) }()

enum FixtureObjects {
  /// (name, ELF bytes) of every BPF object under Fixtures/generated.
  static let elves: [(name: String, bytes: [UInt8])] = {
    _ = quietLibbpf
    let generated = FuzzFiles.generated
    var found: [(name: String, bytes: [UInt8])] = []
    for directory in ["bpf", "bpf/guests", "cli"] {
      found += FuzzFiles.seeds(generated + "/" + directory, suffix: ".bpf.o")
    }
    return found
  }()

  /// Their descriptions (objects libbpf cannot open are left out).
  static let descriptions: [BpfObjectDescription] = elves.compactMap { elf in
    try? elf.bytes.withUnsafeBytes { bytes throws(BpfError) in
      try BpfObject(elf: bytes, name: elf.name).describe()
    }
  }
}
