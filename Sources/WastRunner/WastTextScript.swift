// Scripts read straight from `.wast` files: WasmText's commands in the runner's
// command model, modules carried inline instead of as files.

import WasmCore
import WasmText

extension WastScript {
  /// Parses a `.wast` file.
  public init(wast bytes: [UInt8], sourceFilename: String) throws(TextError) {
    let script = try WasmText.parseScript(source: bytes)
    self.init(
      sourceFilename: sourceFilename,
      commands: script.commands.map { WastCommand(script: $0) })
  }
}

extension WastCommand {
  init(script command: ScriptCommand) {
    let line = command.line
    func file(_ module: ScriptModule) -> WastModuleFile {
      // `module quote` is what converters leave as text; everything else they
      // would have written as a binary file.
      WastModuleFile(
        filename: "line \(line)", format: module.isQuote ? .text : .binary,
        contents: module.bytes)
    }
    let kind: Kind
    switch command.kind {
    case .module(let module): kind = .module(file(module), name: module.name)
    case .moduleDefinition(let module): kind = .moduleDefinition(file(module), name: module.name)
    case .moduleInstance(let name, let definition):
      kind = .moduleInstance(name: name, definition: definition)
    case .register(let name, let alias): kind = .register(name: name, as: alias)
    case .action(let action): kind = .action(WastAction(script: action))
    case .assertReturn(let action, let results):
      kind = .assertReturn(
        WastAction(script: action), expected: results.map(WastExpectedValue.init))
    case .assertTrap(let action, let message):
      kind = .assertTrap(WastAction(script: action), message: message)
    case .assertExhaustion(let action, let message):
      kind = .assertExhaustion(WastAction(script: action), message: message)
    case .assertException(let action):
      kind = .assertException(WastAction(script: action))
    case .assertMalformed(let module, let message):
      kind = .assertMalformed(file(module), message: message)
    case .assertInvalid(let module, let message):
      kind = .assertInvalid(file(module), message: message)
    case .assertUnlinkable(let module, let message):
      kind = .assertUnlinkable(file(module), message: message)
    case .assertUninstantiable(let module, let message):
      kind = .assertUninstantiable(file(module), message: message)
    case .unsupported(let name): kind = .unknown(type: name)
    }
    self.init(line: line, kind: kind)
  }
}

extension WastAction {
  init(script action: ScriptAction) {
    switch action {
    case .invoke(let module, let field, let arguments):
      self = .invoke(module: module, field: field, arguments: arguments.map(WastValue.init))
    case .get(let module, let field):
      self = .get(module: module, field: field)
    }
  }
}

extension WastValue {
  init(_ value: ScriptValue) {
    switch value {
    case .i32(let bits): self = .i32(bits)
    case .i64(let bits): self = .i64(bits)
    case .f32(let bits): self = .f32(bits)
    case .f64(let bits): self = .f64(bits)
    case .v128(let vector): self = .v128(vector)
    case .nullFunctionReference: self = .funcRef(nil)
    case .nullExternalReference: self = .externRef(nil)
    case .nullExceptionReference: self = .exnRef(nil)
    case .externalReference(let payload): self = .externRef(payload)
    case .hostReference(let payload):
      // Host values are externrefs (an `anyref` parameter takes them too).
      self = .externRef(payload)
    case .nullAnyReference:
      self = .anyRef(nil)
    }
  }
}

extension WastExpectedValue {
  init(_ result: ScriptResult) {
    switch result {
    case .value(.nullAnyReference):
      self = .either([.value(.funcRef(nil)), .value(.externRef(nil)), .value(.anyRef(nil))])
    case .value(let value): self = .value(WastValue(value))
    case .f32NaN(let canonical): self = .f32NaN(canonical ? .canonical : .arithmetic)
    case .f64NaN(let canonical): self = .f64NaN(canonical ? .canonical : .arithmetic)
    case .v128(let lane, let lanes):
      self = .v128(
        V128LaneType(rawValue: lane) ?? .f32,
        lanes.map { lane -> WastLaneExpectation in
          switch lane {
          case .bits(let bits): return .bits(bits)
          case .nan(let canonical): return .nan(canonical ? .canonical : .arithmetic)
          }
        })
    case .anyFunctionReference: self = .anyFuncRef
    case .anyExternalReference: self = .anyExternRef
    case .anyExceptionReference: self = .anyExnRef
    case .unsupportedReference(let name):
      if name.hasPrefix("ref."), let type = WastGCHeapType(rawValue: String(name.dropFirst(4))) {
        self = .gcRef(type)
      } else {
        self = .either([])
      }
    case .anyNullReference:
      self = .either([
        .value(.funcRef(nil)), .value(.externRef(nil)), .value(.exnRef(nil)), .value(.anyRef(nil)),
      ])
    case .either(let alternatives): self = .either(alternatives.map(WastExpectedValue.init))
    }
  }
}
