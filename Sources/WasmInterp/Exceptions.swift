// Exceptions and tags in the embedding API: a host function throws a Wasm exception
// by throwing `WasmException`, and a guest exception nothing caught reaches the host
// as a `Trap` of kind `.uncaughtException` carrying one.
// https://webassembly.github.io/spec/core/exec/runtime.html#exception-instances

import WasmCore

/// An exception tag: what `throw` names and `catch` matches, by identity.
public struct Tag: @unchecked Sendable {
  // The runtime is kept alive by the handle.
  let runtime: StoreRuntime
  let instance: TagInstance

  init(runtime: StoreRuntime, instance: TagInstance) {
    self.runtime = runtime
    self.instance = instance
  }

  /// The types of the values an exception of this tag carries (the parameters).
  public var type: FunctionType { instance.type }

  /// Whether both handles denote the same tag.
  public func isSame(as other: Tag) -> Bool { instance === other.instance }
}

/// A Wasm exception: a tag and the values of its parameters. Thrown by a host
/// function, it propagates into the guest as if `throw` had raised it; a guest
/// exception that escapes a call is in `Trap.exception`.
public struct WasmException: Error, @unchecked Sendable, CustomStringConvertible {
  public var tag: Tag
  public var values: [Value]

  public init(tag: Tag, values: [Value]) {
    self.tag = tag
    self.values = values
  }

  public var description: String {
    "exception of tag (\(tag.type.parameters.map { "\($0)" }.joined(separator: " "))) carrying "
      + "[\(values.map(\.description).joined(separator: ", "))]"
  }
}

/// An `exnref` value held by the host: an exception the guest caught with
/// `catch_ref` / `catch_all_ref`. It stays valid as long as its store.
public struct ExceptionReference: Hashable, @unchecked Sendable {
  let runtime: StoreRuntime
  let object: ExceptionPointer

  init(runtime: StoreRuntime, exception: ExceptionPointer) {
    self.runtime = runtime
    self.object = exception
  }

  public static func == (a: ExceptionReference, b: ExceptionReference) -> Bool {
    a.object == b.object
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(object) }

  /// The tag and values of the exception.
  public var exception: WasmException? { runtime.exceptionValue(object) }
}

extension StoreRuntime {
  /// A new tag of the store.
  func addTag(type: FunctionType, typeID: Int) -> TagInstance {
    let tag = TagInstance(type: type, typeID: typeID)
    tags[UnsafeMutableRawPointer(tag.state)] = tag
    return tag
  }

  /// The tag instance whose state is `state`.
  func tagInstance(_ state: UnsafeMutablePointer<TagState>) -> TagInstance? {
    tags[UnsafeMutableRawPointer(state)]
  }

  /// The host's view of an exception object.
  func exceptionValue(_ exception: ExceptionPointer) -> WasmException? {
    guard let tag = tagInstance(exception.pointee.tag) else { return nil }
    let payload = ExceptionHeader.payload(exception)
    let cells = tag.state.pointee.cellsPerValue
    let values = tag.type.parameters.enumerated().map { i, type in
      load(from: payload + cells * i, as: type)
    }
    return WasmException(tag: Tag(runtime: self, instance: tag), values: values)
  }

  /// A new exception object for a host's `WasmException` (nil when its tag or
  /// values do not fit: wrong store, wrong count or types).
  func makeException(_ exception: WasmException) -> ExceptionPointer? {
    let tag = exception.tag.instance
    guard exception.tag.runtime === self,
      admits(exception.values, as: types.storeFunctionType(tag.state.pointee.typeID).parameters)
    else { return nil }
    let object = ExceptionHeader.allocate(tag: tag.state)
    let payload = ExceptionHeader.payload(object)
    let cells = tag.state.pointee.cellsPerValue
    for (i, value) in exception.values.enumerated() { store(value, to: payload + cells * i) }
    return object
  }
}
