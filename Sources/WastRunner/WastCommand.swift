// The commands of a spec script, read from a `.wast` file (WasmText) or from the
// JSON that wast2json and `wasm-tools json-from-wast` write.
// https://github.com/WebAssembly/spec/tree/main/interpreter#scripts

import WasmText

/// A script: the commands of one `.wast` file, in order.
public struct WastScript: Sendable {
  /// The `.wast` file the commands came from.
  public var sourceFilename: String
  public var commands: [WastCommand]

  public init(sourceFilename: String, commands: [WastCommand]) {
    self.sourceFilename = sourceFilename
    self.commands = commands
  }
}

/// A module that a command refers to: a file beside the JSON, or the module
/// itself when the script was read from a `.wast` file.
public struct WastModuleFile: Hashable, Sendable {
  public enum Format: Hashable, Sendable {
    /// A binary module (`.wasm`).
    case binary
    /// A text module (`.wat`): `module quote` and malformed text.
    case text
  }

  public var filename: String
  public var format: Format
  /// The module's binary, or why its text did not encode; nil when the module is
  /// the file `filename`.
  public var contents: Result<[UInt8], TextError>?

  public init(filename: String, format: Format, contents: Result<[UInt8], TextError>? = nil) {
    self.filename = filename
    self.format = format
    self.contents = contents
  }
}

/// What an action does: call an export, or read an exported global.
public enum WastAction: Hashable, Sendable {
  /// Calls export `field` of `module` (the most recent module when nil).
  case invoke(module: String?, field: String, arguments: [WastValue])
  /// Reads exported global `field` of `module` (the most recent module when nil).
  case get(module: String?, field: String)

  public var module: String? {
    switch self {
    case .invoke(let module, _, _), .get(let module, _): return module
    }
  }
}

/// One command of a script.
public struct WastCommand: Hashable, Sendable {
  public enum Kind: Hashable, Sendable {
    /// Define (and instantiate) a module; `name` is its `$id`, if any.
    case module(WastModuleFile, name: String?)
    /// Define a module without instantiating it (`module definition`).
    case moduleDefinition(WastModuleFile, name: String?)
    /// Instantiate a defined module (the last one when `definition` is nil).
    case moduleInstance(name: String?, definition: String?)
    /// Make the named module's exports importable under `as`.
    case register(name: String?, as: String)
    /// Perform an action for its effect; results are not checked.
    case action(WastAction)
    case assertReturn(WastAction, expected: [WastExpectedValue])
    case assertTrap(WastAction, message: String)
    case assertExhaustion(WastAction, message: String)
    /// The action must throw a Wasm exception nothing catches.
    case assertException(WastAction)
    /// The module must fail to decode (binary) or parse (text).
    case assertMalformed(WastModuleFile, message: String)
    /// The module must decode but fail to validate.
    case assertInvalid(WastModuleFile, message: String)
    /// The module must validate but fail to link (imports).
    case assertUnlinkable(WastModuleFile, message: String)
    /// The module must link but trap while instantiating (segments, start).
    case assertUninstantiable(WastModuleFile, message: String)
    /// A command type this harness does not know (newer formats); counted as failed.
    case unknown(type: String)
  }

  /// Line of the command in the `.wast` file.
  public var line: Int
  public var kind: Kind

  public init(line: Int, kind: Kind) {
    self.line = line
    self.kind = kind
  }

  /// The command's type as the JSON writes it (`"assert_return"`, ...).
  public var typeName: String {
    switch kind {
    case .module: return "module"
    case .moduleDefinition: return "module_definition"
    case .moduleInstance: return "module_instance"
    case .register: return "register"
    case .action: return "action"
    case .assertReturn: return "assert_return"
    case .assertTrap: return "assert_trap"
    case .assertExhaustion: return "assert_exhaustion"
    case .assertException: return "assert_exception"
    case .assertMalformed: return "assert_malformed"
    case .assertInvalid: return "assert_invalid"
    case .assertUnlinkable: return "assert_unlinkable"
    case .assertUninstantiable: return "assert_uninstantiable"
    case .unknown(let type): return type
    }
  }
}

/// A command file that parses as JSON but not as a script.
public struct WastFormatError: Error, Equatable, Sendable, CustomStringConvertible {
  public var message: String
  /// The script line of the command at fault, when known.
  public var line: Int?

  public init(_ message: String, line: Int? = nil) {
    self.message = message
    self.line = line
  }

  public var description: String {
    line.map { "command at line \($0): \(message)" } ?? message
  }
}

extension WastScript {
  /// Reads a script from the JSON command format.
  public init(json bytes: [UInt8]) throws(WastFormatError) {
    let document: JSONValue
    do {
      document = try JSONValue.parse(bytes)
    } catch {
      throw WastFormatError(error.description)
    }
    try self.init(json: document)
  }

  public init(json document: JSONValue) throws(WastFormatError) {
    guard let root = document.objectValue else {
      throw WastFormatError("top level is not an object")
    }
    guard let commandValues = root["commands"]?.arrayValue else {
      throw WastFormatError("no \"commands\" array")
    }
    var commands: [WastCommand] = []
    commands.reserveCapacity(commandValues.count)
    for value in commandValues {
      commands.append(try WastCommand(json: value))
    }
    self.init(sourceFilename: root["source_filename"]?.stringValue ?? "", commands: commands)
  }
}

extension WastCommand {
  public init(json value: JSONValue) throws(WastFormatError) {
    guard let object = value.objectValue else { throw WastFormatError("command is not an object") }
    guard let type = object["type"]?.stringValue else {
      throw WastFormatError("command without a type")
    }
    guard let line = object["line"]?.intValue else {
      throw WastFormatError("command without a line")
    }
    let reader = CommandReader(object: object, line: line)
    let kind: Kind
    switch type {
    case "module": kind = .module(try reader.moduleFile(), name: object["name"]?.stringValue)
    case "register":
      guard let alias = object["as"]?.stringValue else {
        throw reader.error("register without \"as\"")
      }
      kind = .register(name: object["name"]?.stringValue, as: alias)
    case "action": kind = .action(try reader.action())
    case "assert_return":
      kind = .assertReturn(try reader.action(), expected: try reader.expectedValues())
    case "assert_trap":
      // Older converters write a trapping instantiation as assert_trap with a module.
      if object["filename"] != nil, object["action"] == nil {
        kind = .assertUninstantiable(try reader.moduleFile(), message: try reader.text())
      } else {
        kind = .assertTrap(try reader.action(), message: try reader.text())
      }
    case "assert_exhaustion":
      kind = .assertExhaustion(try reader.action(), message: try reader.text())
    case "assert_exception":
      kind = .assertException(try reader.action())
    case "assert_malformed":
      kind = .assertMalformed(try reader.moduleFile(), message: try reader.text())
    case "assert_invalid":
      kind = .assertInvalid(try reader.moduleFile(), message: try reader.text())
    case "assert_unlinkable":
      kind = .assertUnlinkable(try reader.moduleFile(), message: try reader.text())
    case "assert_uninstantiable":
      kind = .assertUninstantiable(try reader.moduleFile(), message: try reader.text())
    default: kind = .unknown(type: type)
    }
    self.init(line: line, kind: kind)
  }
}

/// Reads the fields of one command object, with errors that name the line.
struct CommandReader {
  let object: JSONObject
  let line: Int

  func error(_ message: String) -> WastFormatError {
    WastFormatError(message, line: line)
  }

  func text() throws(WastFormatError) -> String {
    guard let text = object["text"]?.stringValue else { throw error("missing \"text\"") }
    return text
  }

  func moduleFile() throws(WastFormatError) -> WastModuleFile {
    guard let filename = object["filename"]?.stringValue else {
      throw error("missing \"filename\"")
    }
    let format: WastModuleFile.Format
    switch object["module_type"]?.stringValue {
    case nil:
      // wast2json omits module_type on plain module commands, which are binary
      // unless they were written as text (`.wat`).
      format = filename.hasSuffix(".wat") ? .text : .binary
    case "binary": format = .binary
    case "text": format = .text
    case let other?: throw error("unknown module_type \"\(other)\"")
    }
    return WastModuleFile(filename: filename, format: format)
  }

  func action() throws(WastFormatError) -> WastAction {
    guard let action = object["action"]?.objectValue else { throw error("missing \"action\"") }
    guard let field = action["field"]?.stringValue else { throw error("action without \"field\"") }
    let module = action["module"]?.stringValue
    switch action["type"]?.stringValue {
    case "invoke":
      var arguments: [WastValue] = []
      for argument in action["args"]?.arrayValue ?? [] {
        arguments.append(try value(argument))
      }
      return .invoke(module: module, field: field, arguments: arguments)
    case "get":
      return .get(module: module, field: field)
    default:
      throw error("unknown action type")
    }
  }

  func expectedValues() throws(WastFormatError) -> [WastExpectedValue] {
    var values: [WastExpectedValue] = []
    for item in object["expected"]?.arrayValue ?? [] {
      values.append(try expected(item))
    }
    return values
  }

  /// A concrete value (an argument).
  func value(_ json: JSONValue) throws(WastFormatError) -> WastValue {
    let expectation = try expected(json)
    guard case .value(let value) = expectation else {
      throw error("argument is a pattern, not a value")
    }
    return value
  }

  /// A value or pattern (an expected result).
  func expected(_ json: JSONValue) throws(WastFormatError) -> WastExpectedValue {
    guard let object = json.objectValue, let type = object["type"]?.stringValue else {
      throw error("value without a type")
    }
    if type == "either" {
      var alternatives: [WastExpectedValue] = []
      for item in object["values"]?.arrayValue ?? [] {
        alternatives.append(try expected(item))
      }
      return .either(alternatives)
    }
    if type == "v128" {
      return try vector(object)
    }
    let text = object["value"]?.stringValue
    switch type {
    case "i32":
      return .value(.i32(UInt32(truncatingIfNeeded: try integer(text, bits: 32))))
    case "i64":
      return .value(.i64(try integer(text, bits: 64)))
    case "f32":
      if let pattern = nanPattern(text) { return .f32NaN(pattern) }
      return .value(.f32(UInt32(truncatingIfNeeded: try integer(text, bits: 32))))
    case "f64":
      if let pattern = nanPattern(text) { return .f64NaN(pattern) }
      return .value(.f64(try integer(text, bits: 64)))
    case "funcref", "externref":
      let isFunction = type == "funcref"
      guard let text else { return isFunction ? .anyFuncRef : .anyExternRef }
      let id: UInt32? =
        text == "null" ? nil : UInt32(truncatingIfNeeded: try integer(text, bits: 32))
      return .value(isFunction ? .funcRef(id) : .externRef(id))
    default:
      throw error("unknown value type \"\(type)\"")
    }
  }

  func vector(_ object: JSONObject) throws(WastFormatError) -> WastExpectedValue {
    guard let laneName = object["lane_type"]?.stringValue,
      let laneType = V128LaneType(rawValue: laneName)
    else {
      throw error("v128 without a known lane_type")
    }
    guard let items = object["value"]?.arrayValue, items.count == laneType.laneCount else {
      throw error("v128 needs \(laneType.laneCount) lanes")
    }
    var lanes: [WastLaneExpectation] = []
    var allBits = true
    for item in items {
      let text = item.stringValue
      if laneType == .f32 || laneType == .f64, let pattern = nanPattern(text) {
        lanes.append(.nan(pattern))
        allBits = false
      } else {
        lanes.append(.bits(try integer(text, bits: laneType.laneBits)))
      }
    }
    if allBits {
      let bits = lanes.map { lane -> UInt64 in
        if case .bits(let b) = lane { return b }
        return 0
      }
      return .value(.v128(makeV128(laneType: laneType, lanes: bits)))
    }
    return .v128(laneType, lanes)
  }

  func nanPattern(_ text: String?) -> NaNPattern? {
    switch text {
    case "nan:canonical": return .canonical
    case "nan:arithmetic": return .arithmetic
    default: return nil
    }
  }

  /// A decimal integer as the bit pattern of a `bits`-wide value. The files write
  /// unsigned bit patterns; a leading minus (seen in lane values) is taken as two's
  /// complement.
  func integer(_ text: String?, bits: Int) throws(WastFormatError) -> UInt64 {
    guard let text, !text.isEmpty else { throw error("missing number") }
    var utf8 = Substring(text).utf8[...]
    let negative = utf8.first == UInt8(ascii: "-")
    if negative { utf8 = utf8.dropFirst() }
    guard !utf8.isEmpty else { throw error("bad number \"\(text)\"") }
    var magnitude: UInt64 = 0
    for byte in utf8 {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
        throw error("bad number \"\(text)\"")
      }
      let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
      guard !overflow1, !overflow2 else { throw error("number out of range \"\(text)\"") }
      magnitude = sum
    }
    let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
    if negative {
      guard magnitude <= (1 << UInt64(bits - 1)) else {
        throw error("number out of range \"\(text)\"")
      }
      return (0 &- magnitude) & mask
    }
    guard magnitude <= mask else { throw error("number out of range \"\(text)\"") }
    return magnitude
  }
}
