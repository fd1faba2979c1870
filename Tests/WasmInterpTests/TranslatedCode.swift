// Helpers for tests that pin a handler in translated code.

import Foundation
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

/// Calls `f` with `arguments` on a thread of its own, interrupts it from this thread
/// after 20 ms, and returns the kind of the trap the call ended with (nil if it
/// returned or threw something else). For loops that would otherwise never end.
func trapKindWhenInterrupted(
  _ f: Function, _ arguments: [Value], store: Store
) -> TrapKind? {
  let call = Box(f)
  let handle = store.interruptHandle
  handle.reset()
  defer { handle.reset() }
  let outcome = Box<TrapKind?>(nil)
  let started = DispatchSemaphore(value: 0)
  let finished = DispatchSemaphore(value: 0)
  Thread {
    started.signal()
    do {
      _ = try call.value.call(arguments)
    } catch {
      outcome.value = trapKind(error)
    }
    finished.signal()
  }.start()
  started.wait()
  Thread.sleep(forTimeInterval: 0.02)
  handle.interrupt()
  finished.wait()
  return outcome.value
}
