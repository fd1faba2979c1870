// Tests of the dispatch core's guarantees: threaded dispatch never grows the
// native stack (this FAILS — crashes — in an optimised build where the handlers'
// sibling calls were lost), and another thread can stop a running guest.

import Foundation
import Testing
import WasmCore
import WasmInterp

/// Runs `body` on a new thread with a `stackSize`-byte stack and waits for it.
func onThread(stackSize: Int, _ body: @escaping @Sendable () -> Void) {
  let done = DispatchSemaphore(value: 0)
  let thread = Thread {
    body()
    done.signal()
  }
  thread.stackSize = stackSize
  thread.start()
  done.wait()
}

/// Non-Sendable values handed to one other thread at a time.
final class Box<T>: @unchecked Sendable {
  var value: T
  init(_ value: T) { self.value = value }
}

#if DEBUG
  // The debug build dispatches through the loop fallback; keep the run short.
  let longLoopIterations: Int32 = 1_000_000
#else
  let longLoopIterations: Int32 = 100_000_000
#endif

@Test func longGuestLoopRunsOnASmallNativeStack() throws {
  let instance = try instantiate(sumLoopModule())
  let sum = try #require(instance.function("sum"))
  let result = Box<[Value]?>(nil)
  let function = Box(sum)
  // 256 KiB: far too small if each handler pushed a native frame (10^8+ of them).
  onThread(stackSize: 256 << 10) {
    result.value = try? function.value.call(.i32(UInt32(longLoopIterations)))
  }
  let n = UInt64(longLoopIterations)
  #expect(result.value == [.i64(n * (n - 1) / 2)])
}

@Test func deepWasmRecursionDoesNotUseTheNativeStack() throws {
  let instance = try instantiate(fibModule())
  let fib = Box(try #require(instance.function("fib")))
  let result = Box<[Value]?>(nil)
  onThread(stackSize: 128 << 10) { result.value = try? fib.value.call(.i32(25)) }
  #expect(result.value == [.i32(75025)])
}

@Test func interruptFromAnotherThreadStopsALoopQuickly() throws {
  var b = ModuleBuilder()
  let t = b.type([], [])
  b.function(t, export: "spin", [0x03, 0x40, 0x0C, 0x00, 0x0B])
  let store = Store()
  let instance = try instantiate(b, store: store)
  let spin = Box(try #require(instance.function("spin")))
  let handle = store.interruptHandle
  // The guest sees the flag within one loop iteration; what the wall clock adds
  // is thread scheduling on a loaded machine, so take the best of a few runs.
  var latencies: [Duration] = []
  for _ in 0..<5 {
    handle.reset()
    let outcome = Box<(TrapKind?, ContinuousClock.Instant)>((nil, .now))
    let started = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
    Thread {
      started.signal()
      do {
        try spin.value.call()
      } catch {
        outcome.value = ((error as? Trap)?.kind, .now)
      }
      finished.signal()
    }.start()
    started.wait()
    Thread.sleep(forTimeInterval: 0.02)
    let interruptedAt = ContinuousClock.now
    handle.interrupt()
    finished.wait()
    #expect(outcome.value.0 == .interrupted)
    latencies.append(outcome.value.1 - interruptedAt)
  }
  let best = latencies.min() ?? .seconds(1)
  #expect(best < .milliseconds(10), "interrupt latencies \(latencies)")
  // Until reset, calls trap at once, even to functions without loops or calls.
  #expect(throws: Trap.self) { try spin.value.call() }
  var straight = ModuleBuilder()
  let u = straight.type([], [i32T])
  straight.function(u, export: "one", i32Const(1))
  let one = try #require(try instantiate(straight, store: store).function("one"))
  #expect { try one.call() } throws: { ($0 as? Trap)?.kind == .interrupted }
  handle.reset()
  #expect(try one.call() == [.i32(1)])
  store.fuel = 1000
  #expect { try spin.value.call() } throws: { ($0 as? Trap)?.kind == .outOfFuel }
}
