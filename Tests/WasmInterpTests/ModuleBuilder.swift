// A tiny binary-module writer for the interpreter's tests: enough sections to
// write functions by hand (opcodes as bytes), so tests need no external tools.

import WasmCore

struct ModuleBuilder {
  struct Func {
    var type: Int
    var locals: [(UInt32, UInt8)]
    var body: [UInt8]
  }
  var types: [([UInt8], [UInt8])] = []
  var imports: [(String, String, [UInt8])] = []
  var functions: [Func] = []
  var memory: (UInt32, UInt32?)?
  var exports: [(String, UInt8, UInt32)] = []
  /// Function names for a `name` custom section.
  var functionNames: [(UInt32, String)] = []
  var moduleName: String?

  static func leb(_ v: UInt64) -> [UInt8] {
    var v = v
    var out: [UInt8] = []
    repeat {
      var b = UInt8(v & 0x7F)
      v >>= 7
      if v != 0 { b |= 0x80 }
      out.append(b)
    } while v != 0
    return out
  }

  static func sleb(_ v: Int64) -> [UInt8] {
    var v = v
    var out: [UInt8] = []
    while true {
      let b = UInt8(v & 0x7F)
      v >>= 7
      if (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0) {
        out.append(b)
        return out
      }
      out.append(b | 0x80)
    }
  }

  static func name(_ s: String) -> [UInt8] { leb(UInt64(s.utf8.count)) + Array(s.utf8) }

  mutating func type(_ params: [UInt8], _ results: [UInt8]) -> Int {
    types.append((params, results))
    return types.count - 1
  }

  /// Imports a function of type `type`; call before defining functions.
  @discardableResult
  mutating func importFunction(_ module: String, _ name: String, type: Int) -> UInt32 {
    imports.append((module, name, [0] + Self.leb(UInt64(type))))
    return UInt32(imports.count - 1)
  }

  @discardableResult
  mutating func function(
    _ type: Int, locals: [(UInt32, UInt8)] = [], export: String? = nil, _ body: [UInt8]
  ) -> UInt32 {
    functions.append(Func(type: type, locals: locals, body: body))
    let index = UInt32(imports.count + functions.count - 1)
    if let export { exports.append((export, 0, index)) }
    return index
  }

  func section(_ id: UInt8, _ payload: [UInt8]) -> [UInt8] {
    [id] + Self.leb(UInt64(payload.count)) + payload
  }

  func vector(_ items: [[UInt8]]) -> [UInt8] {
    Self.leb(UInt64(items.count)) + items.flatMap { $0 }
  }

  var bytes: [UInt8] {
    var out: [UInt8] = [0, 0x61, 0x73, 0x6D, 1, 0, 0, 0]
    out += section(
      1, vector(types.map { [0x60] + vector($0.0.map { [$0] }) + vector($0.1.map { [$0] }) }))
    if !imports.isEmpty {
      out += section(2, vector(imports.map { Self.name($0.0) + Self.name($0.1) + $0.2 }))
    }
    out += section(3, vector(functions.map { Self.leb(UInt64($0.type)) }))
    if let memory {
      let limits: [UInt8] =
        memory.1.map { [1] + Self.leb(UInt64(memory.0)) + Self.leb(UInt64($0)) } ?? [0]
        + Self.leb(UInt64(memory.0))
      out += section(5, vector([limits]))
    }
    out += section(7, vector(exports.map { Self.name($0.0) + [$0.1] + Self.leb(UInt64($0.2)) }))
    out += section(
      10,
      vector(
        functions.map { f in
          let body = vector(f.locals.map { Self.leb(UInt64($0.0)) + [$0.1] }) + f.body + [0x0B]
          return Self.leb(UInt64(body.count)) + body
        }))
    if !functionNames.isEmpty || moduleName != nil {
      var payload = Self.name("name")
      if let moduleName {
        let sub = Self.name(moduleName)
        payload += [0] + Self.leb(UInt64(sub.count)) + sub
      }
      let names = vector(functionNames.map { Self.leb(UInt64($0.0)) + Self.name($0.1) })
      payload += [1] + Self.leb(UInt64(names.count)) + names
      out += section(0, payload)
    }
    return out
  }
}

// Opcode bytes used by the tests.
let i32T: UInt8 = 0x7F
let i64T: UInt8 = 0x7E
func localGet(_ i: UInt32) -> [UInt8] { [0x20] + ModuleBuilder.leb(UInt64(i)) }
func localSet(_ i: UInt32) -> [UInt8] { [0x21] + ModuleBuilder.leb(UInt64(i)) }
func localTee(_ i: UInt32) -> [UInt8] { [0x22] + ModuleBuilder.leb(UInt64(i)) }
func i32Const(_ v: Int32) -> [UInt8] { [0x41] + ModuleBuilder.sleb(Int64(v)) }
func i64Const(_ v: Int64) -> [UInt8] { [0x42] + ModuleBuilder.sleb(v) }
func call(_ f: UInt32) -> [UInt8] { [0x10] + ModuleBuilder.leb(UInt64(f)) }
