#!/usr/bin/env python3
"""Writes Sources/WasmInterp/HandlerReplicas.swift: identical copies of the busiest
generic handlers (docs/performance.md, "Round 4"; CodeBuffer.finishedWords picks a
copy per site). Edit the lists below and run this script; Scripts/check-generated.sh
checks that the committed file is what it makes.

Usage: Scripts/gen-handler-replicas.py [--output DIR]   (DIR stands for the repository root)
"""

import os
import sys

# Copies of each handler, the original included. More copies, fewer sites sharing
# one (their jump then has more successors); all copies of a family are the same
# code, so only those that hot code reaches take cache space.
COPIES = 16

# Handlers the translator emits itself: (name in `SharedHandlers`, what it is, the
# handler function[, copies]). The translator emits `SharedHandlers.NAME`.
SHARED = [
    ("constant", "`const`", "constOp"),
    ("copy", "A move of one value", "copyOp"),
    ("branchLoop", "`br` to a loop", "brLoopOp"),
    ("branch", "`br`", "brOp"),
    ("branchIfZero", "`br_if` after `eqz`, and `if`", "brIfNotOp"),
    ("copyPair", "Two moves (`local.set` after a move)", "copyPairOp", 8),
    ("i32ShlImmAdd", "Fused `i32.shl` by a constant, `i32.add`", "i32ShlImmAdd", 8),
    ("i32RotlImmXor", "Fused `i32.rotl` by a constant, `i32.xor`", "i32RotlImmXor", 8),
    ("i32ShrUImmXor", "Fused `i32.shr_u` by a constant, `i32.xor`", "i32ShrUImmXor", 8),
    ("i32AddAdd", "Fused `i32.add`, `i32.add`", "i32AddAdd", 8),
    ("f64AddAddSecond", "Fused `f64.add`, `f64.add` (second operand)", "f64AddAddSecond", 8),
    ("f64MulLoad", "Fused `f64.load`, `f64.mul`", "f64MulLoad", 8),
    ("i32AddLoad", "Fused `i32.load`, `i32.add`", "i32AddLoad", 8),
    ("i32ShrUImmAndImm", "Fused `i32.shr_u`, `i32.and` by constants", "i32ShrUImmAndImm", 8),
    ("i32AndImmShlImm", "Fused `i32.and`, `i32.shl` by constants", "i32AndImmShlImm", 8),
    # Round 6: fusions of round 5 whose jumps mispredicted (docs/performance.md, "Round 6").
    ("i32AndXor", "Fused `i32.and`, `i32.xor`", "i32AndXor", 8),
    ("i32MulImmAddImm", "Fused `i32.mul`, `i32.add` by constants", "i32MulImmAddImm", 8),
]

# Handlers from the generated tables: (the expression giving the table's own closure,
# the body of a copy[, copies]).
TABLE = [
    ("numericHandlers(.i32Add).1!", "i32AddImm($0, $1, $2, $3, $4)"),
    ("numericHandlers(.i32Add).0", "i32Add($0, $1, $2, $3, $4)"),
    ("numericHandlers(.i32And).1!", "i32AndImm($0, $1, $2, $3, $4)"),
    ("numericHandlers(.i32Mul).0", "i32Mul($0, $1, $2, $3, $4)"),
    ("numericHandlers(.f32Add).0", "f32Add($0, $1, $2, $3, $4)"),
    ("numericHandlers(.f32Mul).0", "f32Mul($0, $1, $2, $3, $4)"),
    ("loadHandler(.i32Load, .memory32)", "scalarLoad($0, $1, $2, $3, $4, UInt32.self) { UInt64($0) }"),
    ("loadHandler(.i32Load8U, .memory32)", "scalarLoad($0, $1, $2, $3, $4, UInt8.self) { UInt64($0) }"),
    ("loadHandler(.i64Load, .memory32)", "scalarLoad($0, $1, $2, $3, $4, UInt64.self) { $0 }"),
    ("storeHandler(.i32Store, .memory32)", "scalarStore($0, $1, $2, $3, $4, UInt32.self)"),
    ("storeHandler(.i32Store8, .memory32)", "scalarStore($0, $1, $2, $3, $4, UInt8.self)"),
    ("numericHandlers(.i32Xor).0", "i32Xor($0, $1, $2, $3, $4)", 8),
    ("numericHandlers(.i32Or).0", "i32Or($0, $1, $2, $3, $4)", 8),
    ("numericHandlers(.i32Sub).0", "i32Sub($0, $1, $2, $3, $4)", 8),
    ("numericHandlers(.i32And).0", "i32And($0, $1, $2, $3, $4)", 8),
    ("numericHandlers(.i32ShrU).0", "i32ShrU($0, $1, $2, $3, $4)", 8),
    ("numericHandlers(.i32Shl).1!", "i32ShlImm($0, $1, $2, $3, $4)", 8),
    ("numericHandlers(.i32Xor).1!", "i32XorImm($0, $1, $2, $3, $4)", 8),
    ("numericHandlers(.i32ShrU).1!", "i32ShrUImm($0, $1, $2, $3, $4)", 8),
    ("numericHandlers(.i32ShrS).1!", "i32ShrSImm($0, $1, $2, $3, $4)", 8),
    ("numericHandlers(.i32Mul).1!", "i32MulImm($0, $1, $2, $3, $4)", 8),
    ("numericHandlers(.i32Or).1!", "i32OrImm($0, $1, $2, $3, $4)", 8),
    ("loadAddedHandler(.i32Load)!", "i32LoadAdded($0, $1, $2, $3, $4)", 8),
    ("loadAddedHandler(.i32Load8U)!", "i32Load8UAdded($0, $1, $2, $3, $4)", 8),
    ("loadAddedHandler(.f32Load)!", "f32LoadAdded($0, $1, $2, $3, $4)", 8),
    ("loadAddedHandler(.i64Load)!", "i64LoadAdded($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32Eq, negated: false, immediate: false)!.0", "brIfI32Eq($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32Eq, negated: false, immediate: true)!.0", "brIfI32EqImm($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32Ne, negated: false, immediate: false)!.0", "brIfI32Ne($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32Ne, negated: false, immediate: true)!.0", "brIfI32NeImm($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32LtU, negated: false, immediate: false)!.0", "brIfI32LtU($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32LtU, negated: false, immediate: true)!.0", "brIfI32LtUImm($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32LtS, negated: false, immediate: false)!.0", "brIfI32LtS($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32LtS, negated: false, immediate: true)!.0", "brIfI32LtSImm($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32GtU, negated: false, immediate: false)!.0", "brIfI32GtU($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32GtU, negated: false, immediate: true)!.0", "brIfI32GtUImm($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32GtS, negated: false, immediate: false)!.0", "brIfI32GtS($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32GtS, negated: false, immediate: true)!.0", "brIfI32GtSImm($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32GeU, negated: false, immediate: false)!.0", "brIfI32GeU($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32GeU, negated: false, immediate: true)!.0", "brIfI32GeUImm($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32GeS, negated: false, immediate: false)!.0", "brIfI32GeS($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32GeS, negated: false, immediate: true)!.0", "brIfI32GeSImm($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32LeU, negated: false, immediate: false)!.0", "brIfI32LeU($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32LeU, negated: false, immediate: true)!.0", "brIfI32LeUImm($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32LeS, negated: false, immediate: false)!.0", "brIfI32LeS($0, $1, $2, $3, $4)", 8),
    ("fusedBranch(.i32LeS, negated: false, immediate: true)!.0", "brIfI32LeSImm($0, $1, $2, $3, $4)", 8),
    # Round 6: the handlers with the most mispredicted jumps left over the 13 scalar
    # kernels (callgrind --branch-sim, main b3fed2c; docs/performance.md, "Round 6").
    ("numericHandlers(.i32Rotl).1!", "i32RotlImm($0, $1, $2, $3, $4)", 8),
    ("numericHandlers(.f32Mul).1!", "f32MulImm($0, $1, $2, $3, $4)", 8),
    ("LoadFusedHandlers.i32LoadMaskedScaled", "i32LoadMaskedScaled($0, $1, $2, $3, $4)", 8),
    ("LoadFusedHandlers.i32LoadScaled", "i32LoadScaled($0, $1, $2, $3, $4)", 8),
    ("LoadFusedHandlers.i32MulLoad16S", "i32MulLoad16S($0, $1, $2, $3, $4)", 8),
    ("LoadOperandHandlers.f32AddLoad", "f32AddLoad($0, $1, $2, $3, $4)", 8),
]

HEADER = """\
// Generated by Scripts/gen-handler-replicas.py: edit its lists, not this file.
//
// Copies of the busiest generic handlers, so that one Wasm instruction emitted at
// many sites is not one dispatch jump. Each handler ends in an indirect jump to the
// next; a jump shared by every `i32.load` of a loop has as many successors as there
// are load sites, and a branch predictor that keys on the jump's own address
// mispredicts it nearly every time (callgrind --branch-sim: the plain `i32.load`
// missed 667 k of 713 k jumps on linkedlist). `CodeBuffer.finishedWords` gives each
// site the copy picked by the code that follows it, so each copy's jump sees fewer
// successors. The families are the handlers with the most mispredicted jumps over
// the whole kernel suite (docs/performance.md, "Round 4"). The copies are identical
// code; they stay distinct functions because the interpreter is built without LLVM's
// function merging (Package.swift).
"""


def call(name, function):
    """The call of a shared handler: a member named like its handler function would
    shadow the function inside `SharedHandlers`."""
    qualified = f"WasmInterp.{function}" if function == name else function
    return f"{qualified}($0, $1, $2, $3, $4)"


def generate():
    out = [HEADER]
    out.append("/// The handlers the translator emits directly (not through a generated table).")
    out.append("enum SharedHandlers {")
    for name, what, function, *copies in SHARED:
        out.append(f"  /// {what}.")
        out.append(f"  static let {name}: Handler = {{ {call(name, function)} }}")
    out.append("}")
    out.append("")
    out.append("/// Each replicated handler (the translator's, then the tables') and its other copies.")
    out.append("private let handlerCopies: [(original: Handler, copies: [Handler])] = [")
    families = [(f"SharedHandlers.{name}", call(name, function), *copies)
                for name, _, function, *copies in SHARED] + TABLE
    for original, body, *copies in families:
        out.append("  (")
        out.append(f"    {original},")
        out.append("    [")
        out += [f"      {{ {body} }}," for _ in range((copies or [COPIES])[0] - 1)]
        out.append("    ]")
        out.append("  ),")
    out.append("]")
    out.append("")
    out.append("/// The words of each family's copies, the original first.")
    out.append("let replicaCopies: [[Int]] = handlerCopies.map { [word($0.original)] + $0.copies.map(word) }")
    out.append("")
    out.append("/// Every replicated handler's original word and its family's index in `replicaCopies`,")
    out.append("/// open-addressed by the word's bits above the alignment (looked up at every emit,")
    out.append("/// so without hashing through `Hasher`).")
    out.append("private let replicaSlots: [(word: Int, family: Int)] = {")
    out.append("  var slots = [(word: Int, family: Int)](repeating: (0, -1), count: replicaSlotCount)")
    out.append("  for (family, words) in replicaCopies.enumerated() {")
    out.append("    var slot = replicaSlot(words[0])")
    out.append("    while slots[slot].family >= 0 { slot = (slot + 1) % replicaSlotCount }")
    out.append("    slots[slot] = (words[0], family)")
    out.append("  }")
    out.append("  return slots")
    out.append("}()")
    out.append("")
    out.append("private let replicaSlotCount = 1024")
    out.append("")
    out.append("@inline(__always)")
    out.append("private func replicaSlot(_ word: Int) -> Int { ((word >> 4) ^ (word >> 14)) & (replicaSlotCount - 1) }")
    out.append("")
    out.append("/// The family of a replicated handler's original word, nil for any other handler.")
    out.append("func replicaFamily(of word: Int) -> Int? {")
    out.append("  var slot = replicaSlot(word)")
    out.append("  while true {")
    out.append("    let entry = replicaSlots[slot]")
    out.append("    if entry.family < 0 { return nil }")
    out.append("    if entry.word == word { return entry.family }")
    out.append("    slot = (slot + 1) % replicaSlotCount")
    out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    if len(sys.argv) == 3 and sys.argv[1] == "--output":
        root = sys.argv[2]
    path = os.path.join(root, "Sources", "WasmInterp", "HandlerReplicas.swift")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(generate())
    print(path)


if __name__ == "__main__":
    main()
