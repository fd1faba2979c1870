// The text names of instructions and how each one's immediates are written.
// https://webassembly.github.io/spec/core/text/instructions.html
//
// The names and encodings come from the instruction table
// (Sources/WasmCore/Instructions/instructions.txt) through the generated
// InstructionNames+Table.swift; the syntaxes are here, the parsing of each in
// ModuleParser+Instructions.swift.

/// How an instruction's immediates are written; the payload is the instruction's
/// encoding (its opcode bytes).
enum InstructionSyntax {
  case plain([UInt8])
  /// `block`, `loop`, `if`, `try_table`: a label, a block type.
  case block([UInt8])
  case label([UInt8])
  case brTable([UInt8])
  /// `call`, `return_call`, `ref.func`: a function index.
  case function([UInt8])
  /// `call_indirect` / `return_call_indirect`: a table index and a type use.
  case callIndirect([UInt8])
  /// `call_ref` / `return_call_ref`: a type index.
  case type([UInt8])
  /// `throw`: a tag index.
  case tag([UInt8])
  /// `select` and typed `select (result t)`: 0x1B or 0x1C.
  case select
  case local([UInt8])
  case global([UInt8])
  /// An optional table index.
  case table([UInt8])
  case tableCopy([UInt8])
  case tableInit([UInt8])
  case element([UInt8])
  /// Loads and stores: memory index (multi-memory), memarg with this natural alignment.
  case memoryAccess([UInt8], alignment: UInt32)
  /// memory.size / grow / fill: an optional memory index.
  case memory([UInt8])
  case memoryCopy([UInt8])
  case memoryInit([UInt8])
  case data([UInt8])
  case i32Const([UInt8])
  case i64Const([UInt8])
  case f32Const([UInt8])
  case f64Const([UInt8])
  case v128Const([UInt8])
  case refNull([UInt8])
  case lane([UInt8], count: UInt8)
  case memoryLane([UInt8], alignment: UInt32, count: UInt8)
  case shuffle([UInt8])
  /// GC (0xFB prefix): a type index.
  case gcType([UInt8])
  /// A type index and a field index (struct.get/set).
  case gcField([UInt8])
  /// array.new_fixed: a type index and a count.
  case gcFixed([UInt8])
  /// A type index and a data index (array.new_data, array.init_data).
  case gcData([UInt8])
  /// A type index and an element index (array.new_elem, array.init_elem).
  case gcElement([UInt8])
  /// array.copy: two type indices.
  case gcCopy([UInt8])
  /// ref.test / ref.cast: a reference type; the sub-opcode of the form with a
  /// non-null type (the null form is the next one).
  case gcReferenceType(UInt32)
  /// br_on_cast / br_on_cast_fail: a label and two reference types.
  case gcBranchOnCast([UInt8])
}

/// The instruction names of the text format: generated from the instruction table
/// (InstructionNames+Table.swift).
enum InstructionNames {
  static let table: [String: InstructionSyntax] = generatedTable()

  static func prefixed(_ prefix: UInt8, _ sub: UInt32) -> [UInt8] {
    var bytes: [UInt8] = [prefix]
    bytes.appendU32(sub)
    return bytes
  }
}
