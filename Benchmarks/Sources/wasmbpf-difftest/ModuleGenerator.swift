// A whole random module: its shape (signatures, table, memory, globals), its
// bodies, and its encoding as binary and as text.
// https://webassembly.github.io/spec/core/binary/modules.html

/// What every body generator may refer to.
struct ModuleShape {
  /// Signatures of the generated functions (exported as "f0", "f1", ...).
  var functions: [Signature]
  /// Distinct signatures; index = type index. The last one is `reset`'s `[] -> []`.
  var types: [Signature]
  var tableSize: Int

  /// Global 0 is the budget; globals 1...4 are one mutable global per type.
  static let globalTypes: [ValType] = [.i32, .i32, .i64, .f32, .f64]
  static func global(_ t: ValType) -> Int {
    switch t {
    case .i32: 1
    case .i64: 2
    case .f32: 3
    case .f64: 4
    }
  }

  func typeIndex(_ s: Signature) -> Int { types.firstIndex(of: s)! }
}

/// A generated module and how to call it.
struct GeneratedModule {
  var bytes: [UInt8]
  var text: String
  var shape: ModuleShape
  /// Calls to make in order: export name and arguments.
  var calls: [(name: String, arguments: [DiffValue])]
  /// The budget `reset` gives each call.
  static let budget: Int32 = 3000
  static let resetName = "reset"
  static let globalNames = ["g1", "g2", "g3", "g4"]
}

/// Generates the module of one seed.
func generateModule(seed: UInt64) -> GeneratedModule {
  var rng = SplitMix64(seed: seed)
  let count = rng.inRange(2...7)
  var functions: [Signature] = []
  for _ in 0..<count {
    let params = (0..<rng.inRange(0...4)).map { _ in rng.pick(ValType.allCases) }
    let results = rng.percent(80) ? [rng.pick(ValType.allCases)] : []
    functions.append(Signature(params: params, results: results))
  }
  var types: [Signature] = []
  for s in functions + [Signature(params: [], results: [])] where !types.contains(s) {
    types.append(s)
  }
  // One signature no function has: a call_indirect with it always mismatches.
  let unmatched = Signature(params: [.f32, .i64], results: [.f64])
  if !types.contains(unmatched) { types.append(unmatched) }
  let shape = ModuleShape(functions: functions, types: types, tableSize: count + 2)

  var bodies: [Code] = []
  var localLists: [[ValType]] = []
  for index in 0..<count {
    let generator = BodyGenerator(
      rng: SplitMix64(seed: rng.next()), module: shape, functionIndex: index,
      maxSize: rng.inRange(60...400))
    generator.generate()
    bodies.append(generator.code)
    localLists.append(generator.declaredLocals)
  }

  var calls: [(String, [DiffValue])] = []
  for _ in 0..<rng.inRange(1...3) {
    for (index, s) in functions.enumerated() {
      calls.append(("f\(index)", s.params.map { argument($0, &rng) }))
    }
  }
  let dataSegments = (0..<rng.inRange(1...3)).map { _ in
    let at = rng.percent(60) ? rng.below(2048) : 65536 - rng.inRange(1...64)
    let length = rng.inRange(1...min(64, 65536 - at))
    return (at, (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
  }
  let (bytes, text) = encode(
    shape: shape, bodies: bodies, locals: localLists, data: dataSegments)
  return GeneratedModule(bytes: bytes, text: text, shape: shape, calls: calls)
}

private func argument(_ t: ValType, _ rng: inout SplitMix64) -> DiffValue {
  let g = BodyGenerator(
    rng: SplitMix64(seed: rng.next()),
    module: ModuleShape(functions: [Signature(params: [], results: [])], types: [], tableSize: 0),
    functionIndex: 0, maxSize: 0)
  switch t {
  case .i32: return .i32(g.interestingU32())
  case .i64: return .i64(g.interestingU64())
  case .f32: return .f32(g.interestingF32())
  case .f64: return .f64(g.interestingF64())
  }
}

// MARK: Encoding

private func section(_ id: UInt8, _ content: [UInt8], into out: inout [UInt8]) {
  out.append(id)
  out.uleb(UInt64(content.count))
  out.append(contentsOf: content)
}

private func encode(
  shape: ModuleShape, bodies: [Code], locals: [[ValType]], data: [(Int, [UInt8])]
) -> ([UInt8], String) {
  var out: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
  var text = ["(module"]
  let resetIndex = shape.functions.count

  var s: [UInt8] = []
  s.uleb(UInt64(shape.types.count))
  for (i, t) in shape.types.enumerated() {
    s.append(0x60)
    s.uleb(UInt64(t.params.count))
    s.append(contentsOf: t.params.map(\.code))
    s.uleb(UInt64(t.results.count))
    s.append(contentsOf: t.results.map(\.code))
    text.append(
      "  (type (;\(i);) (func (param \(t.params.map(\.name).joined(separator: " ")))"
        + " (result \(t.results.map(\.name).joined(separator: " ")))))")
  }
  section(1, s, into: &out)

  s = []
  s.uleb(UInt64(shape.functions.count + 1))
  for f in shape.functions { s.uleb(UInt64(shape.typeIndex(f))) }
  s.uleb(UInt64(shape.typeIndex(Signature(params: [], results: []))))
  section(3, s, into: &out)

  s = [1, 0x70, 0x00]
  s.uleb(UInt64(shape.tableSize))
  section(4, s, into: &out)
  text.append("  (table \(shape.tableSize) funcref)")

  section(5, [1, 0x01, 0x01, 0x04], into: &out)
  text.append("  (memory 1 4)")

  s = []
  s.uleb(UInt64(ModuleShape.globalTypes.count))
  for (i, t) in ModuleShape.globalTypes.enumerated() {
    s.append(contentsOf: [t.code, 0x01])
    var init_ = Code()
    switch t {
    case .i32: init_.i32Const(i == 0 ? GeneratedModule.budget : 7)
    case .i64: init_.i64Const(-3)
    case .f32: init_.f32Const(bits: Float(1.5).bitPattern)
    case .f64: init_.f64Const(bits: Double(-2.25).bitPattern)
    }
    s.append(contentsOf: init_.bytes)
    s.append(0x0B)
    text.append("  (global (;\(i);) (mut \(t.name)) (\(init_.lines[0].trimmingLeadingSpaces)))")
  }
  section(6, s, into: &out)

  var exports: [(String, UInt8, Int)] = shape.functions.indices.map { ("f\($0)", 0, $0) }
  exports.append((GeneratedModule.resetName, 0, resetIndex))
  exports.append(("mem", 2, 0))
  for (i, name) in GeneratedModule.globalNames.enumerated() { exports.append((name, 3, i + 1)) }
  s = []
  s.uleb(UInt64(exports.count))
  for (name, kind, index) in exports {
    s.name(name)
    s.append(kind)
    s.uleb(UInt64(index))
    let kindName = ["func", "table", "memory", "global"][Int(kind)]
    text.append("  (export \"\(name)\" (\(kindName) \(index)))")
  }
  section(7, s, into: &out)

  s = [1, 0x00, 0x41, 0x00, 0x0B]
  s.uleb(UInt64(shape.functions.count))
  for i in shape.functions.indices { s.uleb(UInt64(i)) }
  section(9, s, into: &out)
  text.append(
    "  (elem (i32.const 0) func \(shape.functions.indices.map(String.init).joined(separator: " ")))"
  )

  s = []
  s.uleb(UInt64(bodies.count + 1))
  for (i, body) in bodies.enumerated() {
    var b: [UInt8] = []
    b.uleb(UInt64(locals[i].count))
    for t in locals[i] {
      b.append(1)
      b.append(t.code)
    }
    b.append(contentsOf: body.bytes)
    s.uleb(UInt64(b.count))
    s.append(contentsOf: b)
    text.append(
      "  (func (;\(i);) (type \(shape.typeIndex(shape.functions[i])))"
        + " (local \(locals[i].map(\.name).joined(separator: " ")))")
    // The body's last line is its `end`, which the text form writes as `)`.
    text.append(contentsOf: body.lines.dropLast())
    text.append("  )")
  }
  var reset = Code()
  reset.i32Const(GeneratedModule.budget)
  reset.op(0x24, "global.set", index: 0)
  reset.end()
  s.uleb(UInt64(reset.bytes.count + 1))
  s.append(0)
  s.append(contentsOf: reset.bytes)
  text.append(
    "  (func (;\(resetIndex);) (type \(shape.typeIndex(Signature(params: [], results: []))))")
  text.append(contentsOf: reset.lines.dropLast())
  text.append("  )")
  section(10, s, into: &out)

  s = []
  s.uleb(UInt64(data.count))
  for (at, bytes) in data {
    s.append(0)
    var offset = Code()
    offset.i32Const(Int32(at))
    s.append(contentsOf: offset.bytes)
    s.append(0x0B)
    s.uleb(UInt64(bytes.count))
    s.append(contentsOf: bytes)
    let escaped = bytes.map { "\\" + String($0 >> 4, radix: 16) + String($0 & 15, radix: 16) }
    text.append("  (data (i32.const \(at)) \"\(escaped.joined())\")")
  }
  section(11, s, into: &out)
  text.append(")")
  return (out, text.joined(separator: "\n"))
}

extension String {
  var trimmingLeadingSpaces: String { String(drop(while: { $0 == " " })) }
}
