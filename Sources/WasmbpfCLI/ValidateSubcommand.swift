// `wasmbpf-run validate FILE`: decode and validate a binary module.

import ArgumentParser
import WasmCore
import WasmbpfGuest

struct ValidateSubcommand: CLISubcommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Decode and validate a binary module; silent when it is valid."
  )

  @Argument(help: "A binary WebAssembly module (.wasm).")
  var file: String

  func execute<Output: TextOutputStream, Errors: TextOutputStream>(
    stdout: inout Output, stderr: inout Errors
  ) -> Int32 {
    let bytes: [UInt8]
    do {
      bytes = try loadModuleBytes(file)
    } catch {
      stderr.write("error: \(error)\n")
      return 1
    }
    do {
      let module = try decodeModule(bytes)
      try validateModule(module)
      return 0
    } catch {
      stderr.write("error: \(error.report)\n")
      return 1
    }
  }
}
