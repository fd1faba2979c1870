// How finished code hands out the copies of a replicated handler
// (HandlerReplicas.swift, CodeBuffer.finishedWords): sites followed by the same code
// share a copy, sites followed by different code get different copies, and every
// site keeps a handler of its own family. Runtime behaviour is the spec suite's and
// the differential tester's business (the copies are the same code); this checks the
// choice, which no result would show.

import Testing
import WasmCore

@testable import WasmInterp

private let i32Load = loadHandler(.i32Load, .memory32)
private let others: [Handler] = [
  { selectOp($0, $1, $2, $3, $4) }, { brTableOp($0, $1, $2, $3, $4) },
  { outOfBoundsOp($0, $1, $2, $3, $4) },
]

/// The family of `i32.load`, as words.
private func loadFamily() throws -> [Int] {
  let family = try #require(replicaFamily(of: word(i32Load)))
  return replicaCopies[family]
}

@Test func sitesFollowedBySameCodeShareACopyAndOthersDoNot() throws {
  var code = CodeBuffer()
  // load; A; load; B; load; A; load; C — followers A, B, A, C.
  let followers = [others[0], others[1], others[0], others[2]]
  var loadSites: [Int] = []
  for follower in followers {
    loadSites.append(code.count)
    code.emit(i32Load, [1, 2, 0])
    code.emit(follower, [3])
  }
  let finished = code.finishedWords
  let family = try loadFamily()
  #expect(family.count > 3)
  let chosen = loadSites.map { finished[$0] }
  for word in chosen { #expect(family.contains(word)) }
  #expect(chosen[0] == chosen[2])  // both followed by A
  #expect(Set([chosen[0], chosen[1], chosen[3]]).count == 3)  // A, B, C
  // Everything but the replicated handler words is as emitted.
  for index in finished.indices where !loadSites.contains(index) {
    #expect(finished[index] == code[index])
  }
}

@Test func aRetractedFollowerIsNotTheFollowerAnyMore() throws {
  var code = CodeBuffer()
  code.emit(i32Load, [1, 2, 0])
  code.emit(others[0], [3])
  let second = code.count
  code.emit(i32Load, [1, 2, 0])
  let retracted = code.count
  code.emit(others[1], [3])
  code.retract(to: retracted)
  code.emit(others[0], [3])  // now both loads are followed by A
  let finished = code.finishedWords
  #expect(finished[0] == finished[second])
}

/// Round 6's families (docs/performance.md, "Round 6"): the handlers whose jumps
/// mispredicted most over the scalar kernels after round 5 each have eight distinct
/// copies, and a body using one at two sites with different followers gets two.
@Test func roundSixHandlersHaveCopies() throws {
  let handlers: [(String, Handler)] = [
    ("i32.rotl by a constant", try #require(numericHandlers(.i32Rotl).1)),
    ("f32.mul by a constant", try #require(numericHandlers(.f32Mul).1)),
    ("masked scaled i32.load", LoadFusedHandlers.i32LoadMaskedScaled),
    ("scaled i32.load", LoadFusedHandlers.i32LoadScaled),
    ("i32.mul of a load16_s", LoadFusedHandlers.i32MulLoad16S),
    ("f32.add of a load", LoadOperandHandlers.f32AddLoad),
    ("i32.and then i32.xor", SharedHandlers.i32AndXor),
    ("i32.mul then i32.add by constants", SharedHandlers.i32MulImmAddImm),
  ]
  for (name, handler) in handlers {
    let family = try #require(replicaFamily(of: word(handler)), "\(name) is replicated")
    let copies = replicaCopies[family]
    #expect(copies.count == 8, "\(name)")
    #expect(Set(copies).count == copies.count, "\(name): distinct copies")
    #expect(copies[0] == word(handler), "\(name): the original first")
    var code = CodeBuffer()
    code.emit(handler, [1, 2, 3, 4])
    code.emit(others[0], [3])
    let second = code.count
    code.emit(handler, [1, 2, 3, 4])
    code.emit(others[1], [3])
    let finished = code.finishedWords
    #expect(finished[0] != finished[second], "\(name): different followers, different copies")
    #expect(copies.contains(finished[0]) && copies.contains(finished[second]), "\(name)")
  }
}
