// Copies of the busiest generic handlers, so that one Wasm instruction emitted at
// many sites is not one dispatch jump. Each handler ends in an indirect jump to the
// next; a jump shared by every `i32.load` of a loop has as many successors as there
// are load sites, and a branch predictor that keys on the jump's own address
// mispredicts it nearly every time (callgrind --branch-sim: the plain `i32.load`
// missed 667 k of 713 k jumps on linkedlist). `CodeBuffer.finishedWords` gives each
// site the copy picked by the code that follows it, so each copy's jump sees fewer
// successors.
// The families are the handlers with the most mispredicted jumps over the whole
// kernel suite (docs/performance.md, "Round 4"). The copies are identical code; they
// stay distinct functions because the interpreter is built without LLVM's function
// merging (Package.swift). Table-like: one closure a copy.

/// The handlers the translator emits directly (not through a generated table); the
/// first of each is the one it emits, the others its copies.
enum SharedHandlers {
  /// `const`.
  static let constant: [Handler] = [
    { constOp($0, $1, $2, $3, $4) },
    { constOp($0, $1, $2, $3, $4) },
    { constOp($0, $1, $2, $3, $4) },
    { constOp($0, $1, $2, $3, $4) },
    { constOp($0, $1, $2, $3, $4) },
    { constOp($0, $1, $2, $3, $4) },
    { constOp($0, $1, $2, $3, $4) },
    { constOp($0, $1, $2, $3, $4) },
  ]
  /// `copy`.
  static let copy: [Handler] = [
    { copyOp($0, $1, $2, $3, $4) },
    { copyOp($0, $1, $2, $3, $4) },
    { copyOp($0, $1, $2, $3, $4) },
    { copyOp($0, $1, $2, $3, $4) },
    { copyOp($0, $1, $2, $3, $4) },
    { copyOp($0, $1, $2, $3, $4) },
    { copyOp($0, $1, $2, $3, $4) },
    { copyOp($0, $1, $2, $3, $4) },
  ]
  /// `br to a loop`.
  static let branchLoop: [Handler] = [
    { brLoopOp($0, $1, $2, $3, $4) },
    { brLoopOp($0, $1, $2, $3, $4) },
    { brLoopOp($0, $1, $2, $3, $4) },
    { brLoopOp($0, $1, $2, $3, $4) },
    { brLoopOp($0, $1, $2, $3, $4) },
    { brLoopOp($0, $1, $2, $3, $4) },
    { brLoopOp($0, $1, $2, $3, $4) },
    { brLoopOp($0, $1, $2, $3, $4) },
  ]
  /// `br`.
  static let branch: [Handler] = [
    { brOp($0, $1, $2, $3, $4) },
    { brOp($0, $1, $2, $3, $4) },
    { brOp($0, $1, $2, $3, $4) },
    { brOp($0, $1, $2, $3, $4) },
    { brOp($0, $1, $2, $3, $4) },
    { brOp($0, $1, $2, $3, $4) },
    { brOp($0, $1, $2, $3, $4) },
    { brOp($0, $1, $2, $3, $4) },
  ]
  /// `br_if after eqz`.
  static let branchIfZero: [Handler] = [
    { brIfNotOp($0, $1, $2, $3, $4) },
    { brIfNotOp($0, $1, $2, $3, $4) },
    { brIfNotOp($0, $1, $2, $3, $4) },
    { brIfNotOp($0, $1, $2, $3, $4) },
    { brIfNotOp($0, $1, $2, $3, $4) },
    { brIfNotOp($0, $1, $2, $3, $4) },
    { brIfNotOp($0, $1, $2, $3, $4) },
    { brIfNotOp($0, $1, $2, $3, $4) },
  ]
}

/// Copies of handlers that come from the generated tables: the table's own closure
/// is the first copy.
private let tableCopies: [(original: Handler, copies: [Handler])] = [
  (
    numericHandlers(.i32Add).1!,
    [
      { i32AddImm($0, $1, $2, $3, $4) },
      { i32AddImm($0, $1, $2, $3, $4) },
      { i32AddImm($0, $1, $2, $3, $4) },
      { i32AddImm($0, $1, $2, $3, $4) },
      { i32AddImm($0, $1, $2, $3, $4) },
      { i32AddImm($0, $1, $2, $3, $4) },
      { i32AddImm($0, $1, $2, $3, $4) },
    ]
  ),
  (
    numericHandlers(.i32Add).0,
    [
      { i32Add($0, $1, $2, $3, $4) },
      { i32Add($0, $1, $2, $3, $4) },
      { i32Add($0, $1, $2, $3, $4) },
      { i32Add($0, $1, $2, $3, $4) },
      { i32Add($0, $1, $2, $3, $4) },
      { i32Add($0, $1, $2, $3, $4) },
      { i32Add($0, $1, $2, $3, $4) },
    ]
  ),
  (
    numericHandlers(.i32And).1!,
    [
      { i32AndImm($0, $1, $2, $3, $4) },
      { i32AndImm($0, $1, $2, $3, $4) },
      { i32AndImm($0, $1, $2, $3, $4) },
      { i32AndImm($0, $1, $2, $3, $4) },
      { i32AndImm($0, $1, $2, $3, $4) },
      { i32AndImm($0, $1, $2, $3, $4) },
      { i32AndImm($0, $1, $2, $3, $4) },
    ]
  ),
  (
    numericHandlers(.i32Mul).0,
    [
      { i32Mul($0, $1, $2, $3, $4) },
      { i32Mul($0, $1, $2, $3, $4) },
      { i32Mul($0, $1, $2, $3, $4) },
      { i32Mul($0, $1, $2, $3, $4) },
      { i32Mul($0, $1, $2, $3, $4) },
      { i32Mul($0, $1, $2, $3, $4) },
      { i32Mul($0, $1, $2, $3, $4) },
    ]
  ),
  (
    numericHandlers(.f32Add).0,
    [
      { f32Add($0, $1, $2, $3, $4) },
      { f32Add($0, $1, $2, $3, $4) },
      { f32Add($0, $1, $2, $3, $4) },
      { f32Add($0, $1, $2, $3, $4) },
      { f32Add($0, $1, $2, $3, $4) },
      { f32Add($0, $1, $2, $3, $4) },
      { f32Add($0, $1, $2, $3, $4) },
    ]
  ),
  (
    numericHandlers(.f32Mul).0,
    [
      { f32Mul($0, $1, $2, $3, $4) },
      { f32Mul($0, $1, $2, $3, $4) },
      { f32Mul($0, $1, $2, $3, $4) },
      { f32Mul($0, $1, $2, $3, $4) },
      { f32Mul($0, $1, $2, $3, $4) },
      { f32Mul($0, $1, $2, $3, $4) },
      { f32Mul($0, $1, $2, $3, $4) },
    ]
  ),
  (
    loadHandler(.i32Load, .memory32),
    [
      { scalarLoad($0, $1, $2, $3, $4, UInt32.self) { UInt64($0) } },
      { scalarLoad($0, $1, $2, $3, $4, UInt32.self) { UInt64($0) } },
      { scalarLoad($0, $1, $2, $3, $4, UInt32.self) { UInt64($0) } },
      { scalarLoad($0, $1, $2, $3, $4, UInt32.self) { UInt64($0) } },
      { scalarLoad($0, $1, $2, $3, $4, UInt32.self) { UInt64($0) } },
      { scalarLoad($0, $1, $2, $3, $4, UInt32.self) { UInt64($0) } },
      { scalarLoad($0, $1, $2, $3, $4, UInt32.self) { UInt64($0) } },
    ]
  ),
  (
    loadHandler(.i32Load8U, .memory32),
    [
      { scalarLoad($0, $1, $2, $3, $4, UInt8.self) { UInt64($0) } },
      { scalarLoad($0, $1, $2, $3, $4, UInt8.self) { UInt64($0) } },
      { scalarLoad($0, $1, $2, $3, $4, UInt8.self) { UInt64($0) } },
      { scalarLoad($0, $1, $2, $3, $4, UInt8.self) { UInt64($0) } },
      { scalarLoad($0, $1, $2, $3, $4, UInt8.self) { UInt64($0) } },
      { scalarLoad($0, $1, $2, $3, $4, UInt8.self) { UInt64($0) } },
      { scalarLoad($0, $1, $2, $3, $4, UInt8.self) { UInt64($0) } },
    ]
  ),
  (
    loadHandler(.i64Load, .memory32),
    [
      { scalarLoad($0, $1, $2, $3, $4, UInt64.self) { $0 } },
      { scalarLoad($0, $1, $2, $3, $4, UInt64.self) { $0 } },
      { scalarLoad($0, $1, $2, $3, $4, UInt64.self) { $0 } },
      { scalarLoad($0, $1, $2, $3, $4, UInt64.self) { $0 } },
      { scalarLoad($0, $1, $2, $3, $4, UInt64.self) { $0 } },
      { scalarLoad($0, $1, $2, $3, $4, UInt64.self) { $0 } },
      { scalarLoad($0, $1, $2, $3, $4, UInt64.self) { $0 } },
    ]
  ),
  (
    storeHandler(.i32Store, .memory32),
    [
      { scalarStore($0, $1, $2, $3, $4, UInt32.self) },
      { scalarStore($0, $1, $2, $3, $4, UInt32.self) },
      { scalarStore($0, $1, $2, $3, $4, UInt32.self) },
      { scalarStore($0, $1, $2, $3, $4, UInt32.self) },
      { scalarStore($0, $1, $2, $3, $4, UInt32.self) },
      { scalarStore($0, $1, $2, $3, $4, UInt32.self) },
      { scalarStore($0, $1, $2, $3, $4, UInt32.self) },
    ]
  ),
  (
    storeHandler(.i32Store8, .memory32),
    [
      { scalarStore($0, $1, $2, $3, $4, UInt8.self) },
      { scalarStore($0, $1, $2, $3, $4, UInt8.self) },
      { scalarStore($0, $1, $2, $3, $4, UInt8.self) },
      { scalarStore($0, $1, $2, $3, $4, UInt8.self) },
      { scalarStore($0, $1, $2, $3, $4, UInt8.self) },
      { scalarStore($0, $1, $2, $3, $4, UInt8.self) },
      { scalarStore($0, $1, $2, $3, $4, UInt8.self) },
    ]
  ),
]

/// The words of each family's copies, the original first.
let replicaCopies: [[Int]] = {
  var families: [[Int]] = [
    SharedHandlers.constant.map(word),
    SharedHandlers.copy.map(word),
    SharedHandlers.branchLoop.map(word),
    SharedHandlers.branch.map(word),
    SharedHandlers.branchIfZero.map(word),
  ]
  for (original, copies) in tableCopies { families.append([word(original)] + copies.map(word)) }
  return families
}()

/// Every replicated handler's original word → its family's index in `replicaCopies`.
let replicaFamilies: [Int: Int] = {
  var table: [Int: Int] = [:]
  for (index, words) in replicaCopies.enumerated() { table[words[0]] = index }
  return table
}()
