// Entry points of WasmCore: decode, then validate.
//
// `decodeModule` checks everything the binary format says (assert_malformed);
// `validateModule` checks what the validation rules say (assert_invalid), first at
// module level (`ModuleValidator`, which also builds the `ValidationContext`), then
// each function body (`FunctionValidator`).

/// Decodes a binary module. Function bodies are located, not yet decoded.
public func decodeModule(_ bytes: [UInt8], features: Features = .default) throws(WasmError)
  -> Module
{
  // Implemented by the section decoder (ModuleDecoder.swift).
  try ModuleDecoder.decode(bytes, features: features)
}

/// Validates a decoded module, including every function body.
public func validateModule(_ module: Module) throws(WasmError) {
  let context = try ModuleValidator.validate(module)
  try FunctionValidator.validateBodies(in: module, context: context)
}
