// Loop back-edges that step a counter, compare it and branch are one handler
// (LoopStepHandlers.swift). Each loop here runs twice: as written (fused) and with
// a `local.get; drop` between the step and the comparison, which keeps the
// translator from fusing. Both must count the same iterations, leave the same
// counter, and consume the same fuel, or both run out of it.

import Testing
import WasmCore
import WasmInterp

/// (is i64, step takes a constant, comparison opcode, bound is a constant, bound first).
private let shapes: [(Bool, Bool, UInt8, Bool, Bool)] = [
  (false, true, 0x47, false, false), (false, true, 0x47, true, false),
  (false, true, 0x49, false, false), (false, true, 0x49, true, false),
  (false, true, 0x48, false, false), (false, true, 0x48, true, false),
  (false, true, 0x47, false, true), (false, false, 0x47, false, false),
  (true, false, 0x52, false, false), (true, true, 0x52, false, false),
  (true, false, 0x54, false, false), (true, true, 0x54, false, false),
  (true, true, 0x52, false, true),
]
/// (start, step, bound): short loops, wrap-around, negative steps and bounds, and
/// loops that never end (fuel stops them).
private let cases: [(Int64, Int64, Int64)] = [
  (0, 1, 10), (0, 3, 30), (-16, 4, 8), (5, -1, -5), (0x7FFF_FFF0, 8, -0x7FFF_FFF0), (0, 2, 7),
  (3, 0, 3),
]

private func loop(
  _ shape: (Bool, Bool, UInt8, Bool, Bool), _ c: (Int64, Int64, Int64), fused: Bool
) -> [UInt8] {
  let (is64, stepConstant, compare, boundConstant, boundFirst) = shape
  let constant: (Int64) -> [UInt8] = {
    is64 ? i64Const($0) : i32Const(Int32(truncatingIfNeeded: $0))
  }
  let add: UInt8 = is64 ? 0x7C : 0x6A
  var body: [UInt8] = [0x03, 0x40] + localGet(3) + i32Const(1) + [0x6A] + localSet(3)
  if boundFirst { body += localGet(1) }
  body += localGet(0) + (stepConstant ? constant(c.1) : localGet(2)) + [add] + localTee(0)
  if !fused { body += localGet(0) + [0x1A] }
  if !boundFirst { body += boundConstant ? constant(c.2) : localGet(1) }
  body += [compare, 0x0D, 0x00, 0x0B] + localGet(3) + localGet(0)
  return body
}

@Test func steppedBackEdgesCountFuelLikeTheSeparateInstructions() throws {
  var b = ModuleBuilder()
  for (index, shape) in shapes.enumerated() {
    let t = shape.0 ? i64T : i32T
    let type = b.type([t, t, t], [i32T, t])
    for (k, c) in cases.enumerated() {
      b.function(type, locals: [(1, i32T)], export: "f\(index)_\(k)", loop(shape, c, fused: true))
      b.function(type, locals: [(1, i32T)], export: "u\(index)_\(k)", loop(shape, c, fused: false))
    }
  }
  let store = Store()
  let instance = try instantiate(b, store: store)
  func run(_ f: Function, _ args: [Value]) -> (String, Int?) {
    store.fuel = 5000
    let outcome: String
    do {
      outcome = "\(try f.call(args))"
    } catch {
      outcome = "\(error.kind)"
    }
    return (outcome, store.fuel)
  }
  var ended = 0, ranOut = 0
  for (index, shape) in shapes.enumerated() {
    for (k, c) in cases.enumerated() {
      let args: [Value] =
        shape.0
        ? [.int64(c.0), .int64(c.2), .int64(c.1)]
        : [
          .int32(Int32(truncatingIfNeeded: c.0)), .int32(Int32(truncatingIfNeeded: c.2)),
          .int32(Int32(truncatingIfNeeded: c.1)),
        ]
      let fused = run(try #require(instance.function("f\(index)_\(k)")), args)
      let unfused = run(try #require(instance.function("u\(index)_\(k)")), args)
      #expect(fused.0 == unfused.0, "shape \(index), case \(k)")
      #expect(fused.1 == unfused.1, "shape \(index), case \(k)")
      if fused.1 == 0 { ranOut += 1 } else { ended += 1 }
    }
  }
  // Both kinds of outcome were exercised.
  #expect(ended > 20 && ranOut > 10, "ended \(ended), ran out \(ranOut)")
}

@Test func steppedBackEdgeResults() throws {
  // sum of i for i = 0, 3, ..., 27 (i += 3 until i == 30), and the final i.
  var b = ModuleBuilder()
  let t = b.type([i32T], [i32T])
  b.function(
    t, locals: [(1, i32T), (1, i32T)], export: "sum",
    [0x03, 0x40] + localGet(2) + localGet(1) + [0x6A] + localSet(2)
      + localGet(1) + i32Const(3) + [0x6A] + localTee(1) + localGet(0) + [0x47, 0x0D, 0x00, 0x0B]
      + localGet(2) + i32Const(1000) + [0x6C] + localGet(1) + [0x6A])
  let sum = try #require(try instantiate(b).function("sum"))
  #expect(try sum.call(.i32(30)) == [.i32(135 * 1000 + 30)])
  #expect(try sum.call(.i32(3)) == [.i32(0 * 1000 + 3)])
}
