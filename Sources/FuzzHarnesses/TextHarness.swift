// The text format on arbitrary text: a script (modules, `module quote`, assertions)
// parses or fails with a TextError; every module it encodes decodes and either
// validates or fails with a WasmError. Text starting with `{` also goes through the
// JSON command-file reader (wast2json's format).

import WasmCore
import WasmText
import WastRunner

extension FuzzHarness {
  static let text = FuzzHarness(
    name: "text", summary: "WasmText scripts and modules, and the JSON command reader",
    run: { bytes throws(FuzzFinding) in
      if bytes.first == UInt8(ascii: "{") { _ = try? WastScript(json: bytes) }
      guard let script = try? WasmText.parseScript(source: bytes) else { return }
      for command in script.commands {
        let module: ScriptModule
        switch command.kind {
        case .module(let m), .assertMalformed(let m, _), .assertInvalid(let m, _),
          .assertUnlinkable(let m, _), .assertUninstantiable(let m, _):
          module = m
        default: continue
        }
        // The encoder's output is WasmCore's input: hostile in its own right.
        guard case .success(let binary) = module.bytes else { continue }
        _ = try? validateModule(try decodeModule(binary))
      }
    },
    seeds: {
      var seeds = FuzzFiles.seeds(FuzzFiles.spec + "/wasm-2.0", suffix: ".wast", prefix: "spec-")
      seeds += FuzzFiles.seeds(FuzzFiles.root + "/Fixtures", suffix: ".wat", prefix: "fixture-")
      return seeds
    },
    maxLength: 65536)
}
