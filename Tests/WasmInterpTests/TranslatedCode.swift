// Helpers for tests that pin a handler in translated code.

import Testing

@testable import WasmInterp

/// Whether the translated body of `f` (called at least once) holds `handler`, or one of
/// its copies when it is a replicated handler (HandlerReplicas.swift: each site gets a
/// copy picked by the code that follows it).
func holds(_ f: Function, _ handler: Handler) throws -> Bool {
  let code = try #require(f.instance.code)
  let words = UnsafeBufferPointer(start: code, count: f.instance.codeCount)
  let original = word(handler)
  let family = replicaFamily(of: original).map { Set(replicaCopies[$0]) } ?? [original]
  return words.contains { family.contains($0) }
}

/// The kind of a trap, nil for any other error.
func trapKind(_ error: any Error) -> TrapKind? { (error as? Trap)?.kind }
