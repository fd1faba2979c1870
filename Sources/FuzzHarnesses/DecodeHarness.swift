// The binary decoder and validator on arbitrary bytes: a module or a WasmError.

import WasmCore

extension FuzzHarness {
  static let decode = FuzzHarness(
    name: "decode", summary: "WasmCore decodeModule + validateModule on arbitrary bytes",
    run: { bytes throws(FuzzFinding) in
      let module: Module
      do throws(WasmError) {
        module = try decodeModule(bytes)
      } catch {
        try checkOffset(error, in: bytes)
        return
      }
      // The validator's fast path must agree with its general path exactly: the same
      // verdict, and for an invalid module the same error at the same offset.
      let verdict = validationError(module, fastPath: true)
      let general = validationError(module, fastPath: false)
      guard verdict == general else {
        throw FuzzFinding(
          "validation with the fast path: \(verdict.map { "\($0)" } ?? "valid"); "
            + "general path only: \(general.map { "\($0)" } ?? "valid")")
      }
      if let verdict { try checkOffset(verdict, in: bytes) }
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

/// The error validating `module` throws (nil when it is valid), with the function
/// validator's fast path or through its general path alone.
func validationError(_ module: Module, fastPath: Bool) -> WasmError? {
  do throws(WasmError) {
    if fastPath {
      try validateModule(module)
    } else {
      let storage = ValidatorStorage(try ModuleValidator.validate(module))
      for index in module.codes.indices {
        try FunctionValidator.validate(
          functionIndex: index, in: module, storage: storage, fastPath: false)
      }
    }
    return nil
  } catch {
    return error
  }
}

/// A WasmError must point into the input, or a reader is sent to the wrong place.
func checkOffset(_ error: WasmError, in bytes: [UInt8]) throws(FuzzFinding) {
  guard error.offset >= 0, error.offset <= bytes.count else {
    throw FuzzFinding("error offset \(error.offset) outside \(bytes.count) bytes: \(error)")
  }
}
