// Resource limits of a store: how deep guests may call, how much memory and
// table they may grow into. Every limit ends in a clean trap or a failed grow,
// never in a crash of the host.

/// Limits and modes of a `Store`, in the spirit of wasmtime's `Config`.
public struct InterpreterConfiguration: Sendable {
  /// 64-bit slots of the value stack shared by all frames (locals and operands).
  /// Running out traps with "call stack exhausted".
  public var valueStackSlots: Int = 1 << 21
  /// The most nested Wasm calls; deeper traps with "call stack exhausted".
  public var maxCallDepth: Int = 100_000
  /// The most 64 KiB pages any memory may grow to (also caps the memory type's
  /// maximum). 65,536 is the Wasm 2.0 limit (4 GiB).
  public var maxMemoryPages: Int = 65536
  /// The most elements any table may grow to.
  public var maxTableElements: Int = 10_000_000
  /// Translate each function on its first call (true) or all at instantiation.
  /// Bodies are validated when the module is loaded either way.
  public var lazyTranslation: Bool = true
  /// Bytes of GC objects (structs and arrays, headers included) a store may hold;
  /// an allocation beyond traps with "allocation too large". Objects live as long
  /// as the store until the collector lands (docs/gc.md).
  public var maxGCHeapBytes: Int = 1 << 30

  public init() {}
}
