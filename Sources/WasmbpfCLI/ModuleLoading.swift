// Where a module enters the command line: `run`, `validate` and `inspect` all read
// modules through `loadModuleBytes`, which also accepts the text format (.wat).

import HostIO
import WasmText

/// A module that could not be read, converted to binary or resolved from a reference.
public struct ModuleLoadError: Error, CustomStringConvertible {
  public var description: String

  public init(description: String) { self.description = description }
}

/// The binary module at `path`.
func loadModuleBytes(_ path: String) throws(ModuleLoadError) -> [UInt8] {
  let bytes: [UInt8]
  do {
    bytes = try readFile(path)
  } catch {
    throw ModuleLoadError(description: error.description)
  }
  // A binary module starts with "\0asm"; anything else is taken for text when
  // the name says so.
  if bytes.count >= 4, bytes[0] == 0, bytes[1] == 0x61, bytes[2] == 0x73, bytes[3] == 0x6D {
    return bytes
  }
  if path.hasSuffix(".wat") || path.hasSuffix(".wast") {
    do {
      return try WasmText.encodeModule(source: bytes)
    } catch {
      throw ModuleLoadError(description: "\(path):\(error)")
    }
  }
  return bytes  // Not a module at all: decoding reports it with its offset.
}
