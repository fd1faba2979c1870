// Loading, linking and instantiating modules: the embedding API's entry points.
// https://webassembly.github.io/spec/core/exec/modules.html#external-typing
// https://webassembly.github.io/spec/core/valid/types.html#import-subtyping

import WasmCore

/// A decoded and validated module, ready to be instantiated (any number of
/// times, in any store). Function bodies are translated on first call.
public struct ValidatedModule: Sendable {
  public let module: Module
  /// Set when function bodies are validated on first use instead of here.
  let deferredBodyValidation: ValidationContext?

  /// Decodes and validates a binary module.
  public init(bytes: [UInt8], features: Features = .default) throws(WasmError) {
    let module = try decodeModule(bytes, features: features)
    try validateModule(module)
    self.module = module
    deferredBodyValidation = nil
  }

  /// Decodes a module and validates everything but its function bodies, which are
  /// validated when first translated (on first call, with lazy translation): the
  /// fastest start for a large module of which a run calls little. The price: an
  /// invalid body is found only when called (a trap of kind `.unsupported`), not here,
  /// as the spec would have it. Use `init(bytes:features:)` for untrusted modules
  /// whose every function must be checked up front.
  public init(bytes: [UInt8], features: Features = .default, deferringBodyValidation: Bool)
    throws(WasmError)
  {
    let module = try decodeModule(bytes, features: features)
    let context = try ModuleValidator.validate(module)
    if !deferringBodyValidation {
      try FunctionValidator.validateBodies(in: module, context: context)
    }
    self.module = module
    deferredBodyValidation = deferringBodyValidation ? context : nil
  }

  /// Validates an already decoded module.
  public init(validating module: Module) throws(WasmError) {
    try validateModule(module)
    self.module = module
    deferredBodyValidation = nil
  }

  /// Wraps a module the caller has already validated.
  package init(alreadyValidated module: Module) {
    self.module = module
    deferredBodyValidation = nil
  }

  public var imports: [Import] { module.imports }
  public var exports: [Export] { module.exports }
}

/// An instantiated module.
public final class Instance {
  let store: Store
  let runtime: InstanceRuntime

  init(store: Store, runtime: InstanceRuntime) {
    self.store = store
    self.runtime = runtime
  }

  /// The export called `name`.
  public func export(_ name: String) -> Extern? {
    runtime.exports[Name(name)].map { Extern($0, runtime: store.runtime) }
  }

  public var exportNames: [String] { runtime.module.exports.map(\.name) }

  public func function(_ name: String) -> Function? {
    if case .function(let f)? = export(name) { return f }
    return nil
  }
  public func memory(_ name: String) -> Memory? {
    if case .memory(let m)? = export(name) { return m }
    return nil
  }
  public func table(_ name: String) -> Table? {
    if case .table(let t)? = export(name) { return t }
    return nil
  }
  public func global(_ name: String) -> Global? {
    if case .global(let g)? = export(name) { return g }
    return nil
  }
  public func tag(_ name: String) -> Tag? {
    if case .tag(let t)? = export(name) { return t }
    return nil
  }
}

/// Definitions that imports resolve to, by module and name (wasmtime's `Linker`,
/// wazero's host module builder).
public struct Linker {
  var definitions: [Name: [Name: Extern]] = [:]
  /// Modules whose definitions are made when an import asks for one (see
  /// `defineOnDemand`).
  var resolvers: [Name: (String) -> Extern?] = [:]

  public init() {}

  /// Defines `module`.`name`.
  public mutating func define(module: String, name: String, _ value: Extern) {
    definitions[Name(module), default: [:]][Name(name)] = value
  }

  /// Defines the names of `module` on demand: an import from `module` that no
  /// `define` names is asked of `resolve` (nil: undefined). For a host module of which
  /// a guest imports a few functions: WASI has 46, and defining them all up front was a
  /// third of an empty command's start-up (docs/performance.md, "Start-up"). Each
  /// look-up calls `resolve` again; it should make what it returns in the store the
  /// module will be instantiated in.
  public mutating func defineOnDemand(
    module: String, _ resolve: @escaping (_ name: String) -> Extern?
  ) {
    resolvers[Name(module)] = resolve
  }

  /// Defines a host function `module`.`name` in `store`.
  public mutating func defineFunction(
    module: String, name: String, in store: Store, parameters: [ValueType], results: [ValueType],
    _ body: @escaping HostFunctionBody
  ) {
    let f = store.hostFunction(type: FunctionType(parameters: parameters, results: results), body)
    define(module: module, name: name, .function(f))
  }

  /// Makes every export of `instance` importable under `module` (spec `register`).
  public mutating func define(instance: Instance, as module: String) {
    for name in instance.exportNames {
      if let e = instance.export(name) { define(module: module, name: name, e) }
    }
  }

  /// The definition of `module`.`name`, if any.
  public func lookup(module: String, name: String) -> Extern? {
    let moduleName = Name(module)
    if let defined = definitions[moduleName]?[Name(name)] { return defined }
    return resolvers[moduleName]?(name)
  }

  /// Resolves the module's imports and instantiates it in `store`.
  public func instantiate(_ module: ValidatedModule, in store: Store) throws(InstantiationError)
    -> Instance
  {
    let m = module.module
    var resolved: [ExternalValue] = []
    resolved.reserveCapacity(m.imports.count)
    let typeIDs = store.runtime.types.register(m.types)
    for i in m.imports {
      guard let e = lookup(module: i.module, name: i.name) else {
        throw .unknownImport(module: i.module, name: i.name)
      }
      guard e.runtime === store.runtime,
        Self.matches(e, i.descriptor, typeIDs: typeIDs, registry: store.runtime.types)
      else {
        throw .incompatibleImportType(module: i.module, name: i.name)
      }
      resolved.append(e.value)
    }
    let runtime = try store.runtime.instantiate(
      m, imports: resolved, typeIDs: typeIDs, deferredBodyValidation: module.deferredBodyValidation)
    return Instance(store: store, runtime: runtime)
  }

  static func limitsMatch(_ actual: Limits, current: UInt64, _ expected: Limits) -> Bool {
    guard actual.is64 == expected.is64, current >= expected.min else { return false }
    if let expectedMax = expected.max {
      guard let actualMax = actual.max, actualMax <= expectedMax else { return false }
    }
    return true
  }

  /// Import matching (external subtyping): functions and immutable globals by
  /// subtyping, tables and mutable globals by equivalence, tags by type identity.
  /// `typeIDs`: the store ids of the importing module's types.
  static func matches(
    _ e: Extern, _ descriptor: ImportDescriptor, typeIDs: [Int], registry: TypeRegistry
  ) -> Bool {
    func id(_ index: UInt32) -> Int { Int(index) < typeIDs.count ? typeIDs[Int(index)] : -1 }
    switch (e, descriptor) {
    case (.function(let f), .function(let typeIndex)):
      return registry.isSubtype(f.instance.entry.pointee.typeID, of: id(typeIndex))
    case (.table(let t), .table(let expected)):
      return t.type.elementType == TypeRegistry.storeForm(expected.elementType, typeIDs)
        && limitsMatch(t.type.limits, current: UInt64(t.count), expected.limits)
    case (.memory(let m), .memory(let expected)):
      return limitsMatch(m.type.limits, current: UInt64(m.pageCount), expected.limits)
    case (.global(let g), .global(let expected)):
      let expectedType = TypeRegistry.storeForm(expected.valueType, typeIDs)
      guard g.type.mutability == expected.mutability else { return false }
      if expected.mutability == .variable { return g.type.valueType == expectedType }
      return registry.isSubtype(g.type.valueType, of: expectedType)
    case (.tag(let t), .tag(let expected)):
      return t.instance.state.pointee.typeID == id(expected.typeIndex)
    default:
      return false
    }
  }
}

/// An import or export name compared byte for byte: Wasm names are UTF-8 byte
/// strings, while Swift `String` equality merges canonically equivalent ones
/// ("Å" U+00C5 and "A" + U+030A).
struct Name: Hashable {
  let bytes: [UInt8]
  init(_ string: String) { bytes = Array(string.utf8) }
}
