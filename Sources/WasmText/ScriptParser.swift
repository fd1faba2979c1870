// The `.wast` script grammar: modules, actions and assertions.
// https://github.com/WebAssembly/spec/tree/main/interpreter#scripts

import WasmCore

struct ScriptParser {
  let stream: TokenStream

  /// Module fields that may stand for a whole script (`(func ...) (memory 1)`).
  static let moduleFields: Set<String> = [
    "type", "import", "func", "table", "memory", "global", "export", "start", "elem", "data",
  ]

  func parse() throws(TextError) -> TextScript {
    if let keyword = stream.listKeyword, ScriptParser.moduleFields.contains(keyword) {
      // The inline-module abbreviation: the whole file is one module's fields.
      let line = stream.peek.line
      let bytes: Result<[UInt8], TextError>
      do {
        bytes = .success(try ModuleParser(stream: stream).parseFields())
      } catch {
        bytes = .failure(error)
      }
      if case .success = bytes, stream.peek.kind != .endOfInput {
        throw stream.error("unexpected token \(stream.describe(stream.peek)) after the module")
      }
      let module = ScriptModule(name: nil, isQuote: false, isBinary: false, bytes: bytes)
      return TextScript(commands: [ScriptCommand(line: line, kind: .module(module))])
    }
    var commands: [ScriptCommand] = []
    while stream.peek.kind != .endOfInput {
      guard stream.peek.kind == .leftParen else {
        throw stream.error("unexpected token \(stream.describe(stream.peek)), expected a command")
      }
      commands.append(try parseCommand())
    }
    return TextScript(commands: commands)
  }

  private func parseCommand() throws(TextError) -> ScriptCommand {
    let open = stream.peek
    guard let keyword = stream.listKeyword else {
      throw stream.error("expected a command keyword", at: stream.token(at: 1))
    }
    let kind: ScriptCommand.Kind
    switch keyword {
    case "module":
      if stream.atom(at: 2) == "instance" {
        stream.advance()
        stream.advance()
        stream.advance()
        let name = try stream.takeId()
        let definition = try stream.takeId()
        try stream.expectRightParen()
        return ScriptCommand(
          line: open.line, kind: .moduleInstance(name: name, definition: definition))
      }
      if stream.atom(at: 2) == "definition" {
        return ScriptCommand(line: open.line, kind: .moduleDefinition(try parseModule()))
      }
      kind = .module(try parseModule())
      return ScriptCommand(line: open.line, kind: kind)
    case "invoke", "get":
      return ScriptCommand(line: open.line, kind: .action(try parseAction()))
    default:
      break
    }
    stream.advance()
    stream.advance()
    switch keyword {
    case "register":
      let alias = try stream.takeName()
      let name = try stream.takeId()
      kind = .register(name: name, as: alias)
    case "assert_return":
      let action = try parseAction()
      var results: [ScriptResult] = []
      while stream.peek.kind == .leftParen { results.append(try parseResult()) }
      kind = .assertReturn(action, results)
    case "assert_trap":
      if stream.atList("module") {
        let module = try parseModule()
        kind = .assertUninstantiable(module, message: try stream.takeName())
      } else {
        let action = try parseAction()
        kind = .assertTrap(action, message: try stream.takeName())
      }
    case "assert_exhaustion":
      let action = try parseAction()
      kind = .assertExhaustion(action, message: try stream.takeName())
    case "assert_exception":
      kind = .assertException(try parseAction())
    case "assert_malformed", "assert_invalid", "assert_unlinkable", "assert_uninstantiable":
      guard stream.atList("module") else { throw stream.error("expected (module ...)") }
      // `(module definition ...)` is checked like a plain module.
      let module = try parseModule()
      kind = try assertion(keyword, module, message: try stream.takeName())
    default:
      // A command we know only by name (assert_suspension, ...).
      try stream.skipUntilClose(from: open)
      kind = .unsupported(keyword)
    }
    try stream.expectRightParen()
    return ScriptCommand(line: open.line, kind: kind)
  }

  private func assertion(_ keyword: String, _ module: ScriptModule, message: String)
    throws(TextError) -> ScriptCommand.Kind
  {
    switch keyword {
    case "assert_malformed": return .assertMalformed(module, message: message)
    case "assert_invalid": return .assertInvalid(module, message: message)
    case "assert_unlinkable": return .assertUnlinkable(module, message: message)
    default: return .assertUninstantiable(module, message: message)
    }
  }

  /// `(module $id? ...)`, `(module $id? binary "..."*)`, `(module $id? quote "..."*)`.
  private func parseModule() throws(TextError) -> ScriptModule {
    let open = stream.peek
    let start = stream.index
    try stream.expectList("module")
    _ = stream.take("definition")
    let name = try stream.takeId()
    if stream.take("binary") {
      var bytes: [UInt8] = []
      while stream.atString { bytes.append(contentsOf: try stream.takeString()) }
      try stream.expectRightParen()
      return ScriptModule(name: name, isQuote: false, isBinary: true, bytes: .success(bytes))
    }
    if stream.take("quote") {
      var text: [UInt8] = []
      while stream.atString {
        text.append(contentsOf: try stream.takeString())
        text.append(UInt8(ascii: " "))
      }
      try stream.expectRightParen()
      let result: Result<[UInt8], TextError>
      do {
        result = .success(try WasmText.encodeModule(source: text))
      } catch {
        // Positions inside the quoted text, reported against the command's line.
        result = .failure(
          TextError(
            line: open.line, column: open.column,
            message: "in quoted module, \(error.line):\(error.column): \(error.message)"))
      }
      return ScriptModule(name: name, isQuote: true, isBinary: false, bytes: result)
    }
    do {
      let bytes = try ModuleParser(stream: stream).parseFields()
      try stream.expectRightParen()
      return ScriptModule(name: name, isQuote: false, isBinary: false, bytes: .success(bytes))
    } catch {
      // Keep reading the script: the module's command reports the error.
      stream.index = start
      try stream.skipItem()
      return ScriptModule(name: name, isQuote: false, isBinary: false, bytes: .failure(error))
    }
  }

  /// `(invoke $id? "name" const*)` or `(get $id? "name")`.
  private func parseAction() throws(TextError) -> ScriptAction {
    let open = stream.peek
    try stream.expectLeftParen()
    let (keyword, _) = try stream.takeAtom("an action")
    let module = try stream.takeId()
    let field = try stream.takeName()
    let action: ScriptAction
    switch keyword {
    case "invoke":
      var arguments: [ScriptValue] = []
      while stream.peek.kind == .leftParen {
        let token = stream.peek
        guard case .value(let value) = try parseResult() else {
          throw stream.error("an argument must be a value, not a pattern", at: token)
        }
        arguments.append(value)
      }
      action = .invoke(module: module, field: field, arguments: arguments)
    case "get":
      action = .get(module: module, field: field)
    default:
      throw stream.error("expected (invoke ...) or (get ...)", at: open)
    }
    try stream.expectRightParen()
    return action
  }

  /// A constant or a result pattern: `(i32.const 1)`, `(f32.const nan:canonical)`,
  /// `(v128.const f32x4 ...)`, `(ref.null func)`, `(ref.extern 1)`, `(either ...)`.
  private func parseResult(depth: Int = 0) throws(TextError) -> ScriptResult {
    let open = stream.peek
    // `either` nests; bound it like instruction nesting.
    guard depth <= ModuleParser.maximumDepth else {
      throw stream.error("values nested deeper than \(ModuleParser.maximumDepth) levels")
    }
    try stream.expectLeftParen()
    let (keyword, token) = try stream.takeAtom("a constant")
    let parser = ModuleParser(stream: stream)
    let result: ScriptResult
    switch keyword {
    case "i32.const":
      result = .value(.i32(UInt32(truncatingIfNeeded: try parser.integer(width: 32))))
    case "i64.const":
      result = .value(.i64(try parser.integer(width: 64)))
    case "f32.const":
      if let pattern = takeNaNPattern() {
        result = .f32NaN(canonical: pattern)
      } else {
        result = .value(.f32(try parser.float32()))
      }
    case "f64.const":
      if let pattern = takeNaNPattern() {
        result = .f64NaN(canonical: pattern)
      } else {
        result = .value(.f64(try parser.float64()))
      }
    case "v128.const":
      result = try parseVector(parser)
    case "ref.null":
      // `(ref.null)` (3.0) is any null reference; GC's heap types have no values
      // of their own in the runner, so they too stand for any null.
      switch stream.atRightParen ? "" : try stream.takeAtom("a heap type").0 {
      case "func", "nofunc": result = .value(.nullFunctionReference)
      case "extern", "noextern": result = .value(.nullExternalReference)
      case "exn", "noexn": result = .value(.nullExceptionReference)
      case "": result = .anyNullReference
      default: result = .value(.nullAnyReference)
      }
    case "ref.extern":
      if stream.atRightParen {
        result = .anyExternalReference
      } else {
        result = .value(.externalReference(try parser.parseU32("an extern payload")))
      }
    case "ref.func":
      guard stream.atRightParen else {
        throw stream.error("unsupported: (ref.func N) as a value", at: token)
      }
      result = .anyFunctionReference
    case "ref.host" where !stream.atRightParen:
      result = .value(.hostReference(try parser.parseU32("a host payload")))
    case "ref.exn" where stream.atRightParen:
      result = .anyExceptionReference
    case "ref.i31", "ref.struct", "ref.array", "ref.eq", "ref.any", "ref.host", "ref.exn",
      "ref.i31_shared":
      // GC and host references: no value of the runner has these kinds.
      while !stream.atRightParen { try stream.skipItem() }
      result = .unsupportedReference(keyword)
    case "either":
      var alternatives: [ScriptResult] = []
      while stream.peek.kind == .leftParen {
        alternatives.append(try parseResult(depth: depth + 1))
      }
      result = .either(alternatives)
    default:
      throw stream.error("unsupported value \"\(keyword)\"", at: open)
    }
    try stream.expectRightParen()
    return result
  }

  private func takeNaNPattern() -> Bool? {
    if stream.take("nan:canonical") { return true }
    if stream.take("nan:arithmetic") { return false }
    return nil
  }

  private func parseVector(_ parser: ModuleParser) throws(TextError) -> ScriptResult {
    guard let shape = stream.atom(), shape == "f32x4" || shape == "f64x2" else {
      let (low, high) = try parser.parseV128Lanes()
      return .value(.v128(V128(low: low, high: high)))
    }
    stream.advance()
    let count = shape == "f32x4" ? 4 : 2
    var lanes: [ScriptLane] = []
    var exact = true
    for _ in 0..<count {
      if let pattern = takeNaNPattern() {
        lanes.append(.nan(canonical: pattern))
        exact = false
      } else if shape == "f32x4" {
        lanes.append(.bits(UInt64(try parser.float32())))
      } else {
        lanes.append(.bits(try parser.float64()))
      }
    }
    let lane = shape == "f32x4" ? "f32" : "f64"
    guard exact else { return .v128(lane: lane, lanes) }
    var low: UInt64 = 0
    var high: UInt64 = 0
    let width = 128 / count
    for (index, item) in lanes.enumerated() {
      guard case .bits(let bits) = item else { continue }
      let offset = index * width
      if offset < 64 { low |= bits << UInt64(offset) } else { high |= bits << UInt64(offset - 64) }
    }
    return .value(.v128(V128(low: low, high: high)))
  }
}
