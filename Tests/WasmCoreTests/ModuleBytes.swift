// Helpers that assemble binary modules by hand for the decoder and validator tests.

import WasmCore

/// Test suites adopt this to build modules with the helpers below; a protocol keeps
/// the helpers out of the test target's global namespace.
protocol ModuleBuilding {}

extension ModuleBuilding {
  /// Unsigned LEB128.
  func leb(_ value: UInt64) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    repeat {
      var byte = UInt8(value & 0x7F)
      value >>= 7
      if value != 0 { byte |= 0x80 }
      bytes.append(byte)
    } while value != 0
    return bytes
  }

  /// Signed LEB128.
  func sleb(_ value: Int64) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    while true {
      let byte = UInt8(value & 0x7F)
      value >>= 7
      let done = (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0)
      bytes.append(done ? byte : byte | 0x80)
      if done { return bytes }
    }
  }

  /// A length-prefixed name.
  func name(_ text: String) -> [UInt8] {
    leb(UInt64(text.utf8.count)) + Array(text.utf8)
  }

  /// A vector: its count, then the concatenated elements.
  func vector(_ elements: [[UInt8]]) -> [UInt8] {
    leb(UInt64(elements.count)) + elements.flatMap { $0 }
  }

  var header: [UInt8] { [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00] }

  /// A section: id, size, contents.
  func section(_ id: UInt8, _ contents: [UInt8]) -> [UInt8] {
    [id] + leb(UInt64(contents.count)) + contents
  }

  /// A module from sections.
  func module(_ sections: [UInt8]...) -> [UInt8] {
    header + sections.flatMap { $0 }
  }

  /// The type section with `() -> ()` and `(i32) -> i32`.
  var twoTypes: [UInt8] {
    section(1, vector([[0x60, 0x00, 0x00], [0x60, 0x01, 0x7F, 0x01, 0x7F]]))
  }

  /// A code section entry: locals and instructions (the final `end` included).
  func body(locals: [[UInt8]] = [], _ code: [UInt8]) -> [UInt8] {
    let contents = vector(locals) + code
    return leb(UInt64(contents.count)) + contents
  }

  /// Decodes `bytes` as Wasm 2.0 (what these tests check unless they say otherwise)
  /// and returns the error, or nil when decoding succeeds.
  func decodeError(_ bytes: [UInt8]) -> WasmError? {
    do {
      _ = try decodeModule(bytes)
      return nil
    } catch {
      return error
    }
  }

  /// Decodes and validates the module level, returning the error, if any.
  func moduleValidationError(_ bytes: [UInt8]) -> WasmError? {
    do {
      let module = try decodeModule(bytes)
      _ = try ModuleValidator.validate(module)
      return nil
    } catch {
      return error
    }
  }
}

/// Wasm 2.0 decoding: the WasmCore tests check 2.0 behaviour unless they pass
/// `features:` (the library's default is Wasm 3.0).
func decodeModule(_ bytes: [UInt8]) throws(WasmError) -> Module {
  try WasmCore.decodeModule(bytes, features: .wasm2)
}
