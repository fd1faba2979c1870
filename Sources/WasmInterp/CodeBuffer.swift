// The translator's output, and everything its peepholes know about the end of it.
//
// A peephole rewrites instructions just emitted: a constant becomes the immediate
// of the operator after it, a comparison fuses with the branch that reads it, a
// result is redirected into the local that stores it. What a peephole may rely on
// is one value, the record of the last two instructions emitted, and the rules
// below make a stale record unusable by construction rather than by remembering to
// reset it:
//
// - Records are made only by `emit`. A record counts only while it ends where the
//   code ends (`last`), or where the record after it starts (`beforeLast`): any
//   other word appended (a branch offset, a `br_table`) moves the end past it.
// - `retract(to:)`, the only way to take code back, drops the records of what it
//   removes, so the instruction before them is the last one again.
// - `label()`, the only way to get the position of a branch target, forgets every
//   record: code after a label never fuses with code before it.
// - A record names the word holding its destination slot. The translator lets a
//   peephole absorb a value only when that word still holds the slot of the operand
//   about to be read, and that slot is the operand's own temporary
//   (`Translator.producer(of:at:)`). Stack moves that emit nothing (`drop`, a
//   `local.set` redirecting the result) therefore cannot make it read another value.

import WasmCore

/// Translated code being built, with the record of its last instructions.
struct CodeBuffer {
  /// What a peephole needs to know about one emitted instruction.
  enum Shape {
    /// `const` (words: handler, dst, value).
    case constant(Int)
    /// A binary numeric operator, its second operand an immediate or not (words:
    /// handler, dst, a, b).
    case binary(NumericOp, immediate: Bool)
    /// `i32.eqz` / `i64.eqz` (words: handler, dst, a).
    case eqz(is64: Bool)
    /// A scalar load of `u32(address + k) + offset` (words: handler, dst, then the
    /// address operands).
    case load(LoadOp, address: Int, k: Int, offset: Int)
    /// `(x & m) << s` with both constants immediates (words: handler, dst, x, m, s).
    case maskShift
    /// `i32.load` of `u32((x << s) + k) + offset` (words: handler, dst, x, s, k, offset).
    case scaledLoad
    /// A narrow `copy` emitted by `local.set` (words: handler, dst, src).
    case copy
    /// `i32.add` with an immediate, then a narrow move (words: handler, dst, x, k,
    /// to, from). It writes no result a peephole may take: the move is last.
    case stepCopy
    /// A scalar store of `width` bytes to memory 0 with an i32 address (words:
    /// handler, address, value, offset; the value is the constant itself when
    /// `constant`).
    case store(width: Int, constant: Bool)
    /// `select` with a constant operand, the first or the second (words: handler,
    /// dst, a, b, condition; the constant's value stands for its operand).
    case constantSelect(first: Bool)
    /// Anything no peephole looks into.
    case other
  }

  /// One emitted instruction.
  struct Record {
    /// Index of its handler word, and the code size right after it.
    var start: Int
    var end: Int
    var shape: Shape
    /// Index of the word holding its destination slot, when it writes one.
    var resultWord: Int?
  }

  private(set) var words: [Int] = []
  private var latest: Record?
  private var previous: Record?
  /// The sites of replicated handlers (HandlerReplicas.swift), in order.
  private var sites: [ReplicaSite] = []

  /// Where a replicated handler was emitted, and where the instruction after it
  /// starts (-1 until one is emitted).
  private struct ReplicaSite {
    var start: Int
    var family: Int
    var next: Int
  }

  var count: Int { words.count }

  /// Words may be patched in place (branch offsets, redirected results); records
  /// keep positions only, so they stay true.
  subscript(index: Int) -> Int {
    get { words[index] }
    set { words[index] = newValue }
  }

  /// The instruction just emitted, unless anything was appended or labelled after it.
  var last: Record? {
    guard let latest, latest.end == words.count else { return nil }
    return latest
  }

  /// The instruction emitted right before `last`.
  var beforeLast: Record? {
    guard let last, let previous, previous.end == last.start else { return nil }
    return previous
  }

  /// Appends one instruction: its handler, then its operands. `writesResult`: the
  /// first operand is its destination slot.
  mutating func emit(
    _ handler: Handler, _ operands: [Int], shape: Shape = .other, writesResult: Bool = false
  ) {
    let start = words.count
    let handlerWord = word(handler)
    if let site = sites.last, site.next < 0 { sites[sites.count - 1].next = start }
    if let family = replicaFamily(of: handlerWord) {
      sites.append(ReplicaSite(start: start, family: family, next: -1))
    }
    words.append(handlerWord)
    words.append(contentsOf: operands)
    previous = latest
    latest = Record(
      start: start, end: words.count, shape: shape, resultWord: writesResult ? start + 1 : nil)
  }

  /// The finished code: each replicated handler's sites get their copies by the
  /// word of the instruction after them, from the last instruction back. Sites of
  /// a family followed by the same word share a copy (whose jump then keeps going to
  /// one place); each new following word takes the family's next copy in turn, so
  /// the sites of one function share a copy only once it has more distinct followers
  /// than the family has copies. Peepholes look at records, never at handler words,
  /// so the copies do not matter to them.
  var finishedWords: [Int] {
    if sites.isEmpty { return words }
    var finished = words
    // (family, following word) → copy, open-addressed in a table twice the sites' size
    // (a power of two): this runs for every translated body, so no `Hasher`.
    var size = 16
    while size < 2 * sites.count { size *= 2 }
    var keys = [(family: Int, following: Int)](repeating: (-1, 0), count: size)
    var chosen = [Int](repeating: 0, count: size)
    var turns = [Int](repeating: 0, count: replicaCopies.count)
    for site in sites.reversed() {
      let following = site.next >= 0 ? finished[site.next] : 0
      let copies = replicaCopies[site.family]
      var slot = ((following >> 4) &* 31 &+ site.family) & (size - 1)
      while keys[slot].family >= 0,
        keys[slot].family != site.family || keys[slot].following != following
      {
        slot = (slot + 1) & (size - 1)
      }
      if keys[slot].family < 0 {
        keys[slot] = (site.family, following)
        chosen[slot] = turns[site.family] % copies.count
        turns[site.family] += 1
      }
      finished[site.start] = copies[chosen[slot]]
    }
    return finished
  }

  /// Appends words that belong to the instruction before them (branch offsets,
  /// tables). The end moves, so no record is `last` any more.
  mutating func append(_ word: Int) { words.append(word) }

  mutating func append<S: Sequence>(contentsOf more: S) where S.Element == Int {
    words.append(contentsOf: more)
  }

  /// Removes the code from `start` on (instructions a peephole replaces), and the
  /// records of it.
  mutating func retract(to start: Int) {
    words.removeLast(words.count - start)
    while let site = sites.last, site.start >= start { sites.removeLast() }
    if let site = sites.last, site.next >= start { sites[sites.count - 1].next = -1 }
    if let record = latest, record.end > start {
      latest = previous
      previous = nil
    }
    if let record = latest, record.end > start { latest = nil }
  }

  /// The position of a branch target here. Peepholes never reach across it.
  mutating func label() -> Int {
    latest = nil
    previous = nil
    return words.count
  }
}
