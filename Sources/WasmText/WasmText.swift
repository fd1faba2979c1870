// The public entry points: text modules to binary modules, and spec scripts.

/// Reads the WebAssembly text format (`.wat`) and the spec script format (`.wast`).
///
/// Modules are encoded to the binary format; decoding and validating those bytes
/// is WasmCore's job, so the text parser never has a second opinion on validity.
public enum WasmText {
  /// Encodes a text module (`(module ...)`, or bare module fields) to binary.
  public static func encodeModule(text: String) throws(TextError) -> [UInt8] {
    try encodeModule(source: Array(text.utf8))
  }

  /// Encodes a text module given as UTF-8 bytes to binary.
  public static func encodeModule(source: [UInt8]) throws(TextError) -> [UInt8] {
    let stream = try TokenStream(source: source)
    let bytes: [UInt8]
    if stream.atList("module") {
      stream.advance()
      stream.advance()
      _ = try stream.takeId()
      if stream.atom() == "binary" || stream.atom() == "quote" {
        let form = stream.atom() ?? ""
        stream.advance()
        var contents: [UInt8] = []
        while stream.atString { contents.append(contentsOf: try stream.takeString()) }
        try stream.expectRightParen()
        bytes = form == "binary" ? contents : try encodeModule(source: contents)
      } else {
        bytes = try ModuleParser(stream: stream).parseFields()
        try stream.expectRightParen()
      }
    } else {
      bytes = try ModuleParser(stream: stream).parseFields()
    }
    guard stream.peek.kind == .endOfInput else {
      throw stream.error("unexpected token \(stream.describe(stream.peek)) after the module")
    }
    return bytes
  }

  /// Parses a spec script. Modules are encoded as the script is read; a module
  /// that does not encode is kept as its error (a command then reports it), while
  /// a script whose own syntax is wrong throws.
  public static func parseScript(source: [UInt8]) throws(TextError) -> TextScript {
    let stream = try TokenStream(source: source)
    return try ScriptParser(stream: stream).parse()
  }
}
