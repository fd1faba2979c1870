// The binary decoder and validator on arbitrary bytes: a module or a WasmError.

import WasmCore

extension FuzzHarness {
  static let decode = FuzzHarness(
    name: "decode", summary: "WasmCore decodeModule + validateModule on arbitrary bytes",
    run: { bytes throws(FuzzFinding) in
      do throws(WasmError) {
        try validateModule(try decodeModule(bytes))
      } catch {
        // A WasmError must point into the input, or a reader is sent to the wrong place.
        guard error.offset >= 0, error.offset <= bytes.count else {
          throw FuzzFinding("error offset \(error.offset) outside \(bytes.count) bytes: \(error)")
        }
      }
    },
    seeds: { wasmModuleSeeds() },
    maxLength: 65536)
}

/// Every Wasm module the fixtures build (guests, WASI and CLI programs) and the spec
/// testsuite's binary modules when converted (.spec-json/).
func wasmModuleSeeds() -> [(name: String, bytes: [UInt8])] {
  let generated = FuzzFiles.generated
  var seeds: [(name: String, bytes: [UInt8])] = []
  for directory in ["bpf/guests", "wasi", "cli"] {
    seeds += FuzzFiles.seeds(generated + "/" + directory, suffix: ".wasm", prefix: "fixture-")
  }
  seeds += FuzzFiles.seeds(FuzzFiles.root + "/.spec-json", suffix: ".wasm", prefix: "spec-")
  return seeds
}
