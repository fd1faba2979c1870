// Text modules to binary: exact bytes for small modules, round trips through the
// decoder and validator, abbreviations, and errors a person can act on.

import Testing
import WasmCore

@testable import WasmText

@Suite struct ModuleEncodingTests {
  let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

  @Test func emptyModule() throws {
    #expect(try WasmText.encodeModule(text: "(module)") == header)
    #expect(try WasmText.encodeModule(text: "") == header)
  }

  /// The bytes as the binary format spells them, written out by hand.
  @Test func addFunctionBytes() throws {
    let bytes = try WasmText.encodeModule(
      text: """
        (module (func $add (export "add") (param $a i32) (param $b i32) (result i32)
          local.get $a local.get $b i32.add))
        """)
    let expected: [UInt8] =
      header + [
        0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F,  // type
        0x03, 0x02, 0x01, 0x00,  // function
        0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00,  // export "add"
        0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B,  // code
      ]
    #expect(bytes == expected)
  }

  @Test func foldedAndPlainFormsAgree() throws {
    let folded = try WasmText.encodeModule(
      text: """
        (module (func (param i32) (result i32)
          (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))))
        """)
    let plain = try WasmText.encodeModule(
      text: """
        (module (func (param i32) (result i32)
          local.get 0 if (result i32) i32.const 1 else i32.const 2 end))
        """)
    #expect(folded == plain)
  }

  @Test func labelsResolveToDepths() throws {
    let named = try WasmText.encodeModule(
      text: "(module (func (block $out (loop $in (br_if $out (i32.const 0)) (br $in)))))")
    let numbered = try WasmText.encodeModule(
      text: "(module (func (block (loop (br_if 1 (i32.const 0)) (br 0)))))")
    #expect(named == numbered)
  }

  @Test func roundTripThroughDecoderAndValidator() throws {
    let text = """
      (module
        (type $binop (func (param i32 i32) (result i32)))
        (import "env" "log" (func $log (param i32)))
        (memory (export "mem") 1 2)
        (table $t 2 funcref)
        (global $g (mut i64) (i64.const -1))
        (elem (table $t) (i32.const 0) func $f $g2)
        (data (i32.const 8) "hi\\00")
        (func $f (type $binop) (i32.add (local.get 0) (local.get 1)))
        (func $g2 (type $binop) (call_indirect (type $binop) (local.get 0) (local.get 1) (i32.const 0)))
        (func (export "main") (local $x f64)
          (call $log (i32.load8_u offset=8 (i32.const 0)))
          (global.set $g (i64.extend_i32_u (memory.size)))
          (local.set $x (f64.const 0x1.8p1))
          (drop (select (i32.const 1) (i32.const 2) (i32.const 0))))
        (start 3))
      """
    let module = try decodeModule(try WasmText.encodeModule(text: text))
    try validateModule(module)
    #expect(module.imports.count == 1)
    #expect(module.exports.map(\.name) == ["mem", "main"])
    #expect(module.codes.count == 3)
  }

  @Test func implicitTypesAreAddedOnceAfterExplicitOnes() throws {
    let bytes = try WasmText.encodeModule(
      text: "(module (func (param i32)) (type (func)) (func (param i32)))")
    let module = try decodeModule(bytes)
    #expect(module.types.count == 2)
  }

  @Test func quoteAndBinaryModules() throws {
    let quoted = try WasmText.encodeModule(text: #"(module quote "(func" " (nop))")"#)
    let direct = try WasmText.encodeModule(text: "(module (func (nop)))")
    #expect(quoted == direct)
    #expect(try WasmText.encodeModule(text: #"(module binary "\00asm" "\01\00\00\00")"#) == header)
  }

  @Test func errorsPointAtTheToken() {
    #expect(throws: TextError(line: 2, column: 5, message: "unknown operator \"i32.bogus\"")) {
      _ = try WasmText.encodeModule(text: "(module (func\n    i32.bogus))")
    }
    #expect(throws: TextError(line: 1, column: 21, message: "unknown func $missing")) {
      _ = try WasmText.encodeModule(text: "(module (func (call $missing)))")
    }
    #expect(throws: TextError.self) {
      _ = try WasmText.encodeModule(text: "(module (func (i32.const 4294967296)))")
    }
    #expect(throws: TextError.self) {
      _ = try WasmText.encodeModule(text: "(module (func) (import \"a\" \"b\" (func)))")
    }
    #expect(throws: TextError.self) {
      _ = try WasmText.encodeModule(text: "(module (func $f) (func $f))")
    }
  }

  /// Every strict prefix of a module is unbalanced, so each must be an error
  /// (not a crash, not a module).
  @Test func truncatedTextIsAnError() {
    let text = """
      (module (type $t (func (param i32) (result i32)))
        (memory 1) (data (i32.const 0) "a\\00")
        (func $f (type $t) (block $b (result i32) (br_if $b (local.get 0) (i32.const 1))))
        (table 1 funcref) (elem (i32.const 0) $f)
        (func (export "g") (result v128) (v128.const f32x4 1 nan:0x1 -inf 0x1p-3)))
      """
    let bytes = Array(text.utf8)
    var errors = 0
    for length in 0..<bytes.count where !bytes[..<length].allSatisfy({ $0 == 0x20 || $0 == 0x0A }) {
      do {
        _ = try WasmText.encodeModule(source: Array(bytes[..<length]))
        Issue.record("prefix of \(length) bytes encoded")
      } catch {
        errors += 1
      }
    }
    #expect(errors > 100)
    #expect(throws: Never.self) { _ = try WasmText.encodeModule(source: bytes) }
  }

  @Test func deeplyNestedEitherIsRefused() {
    let depth = 100_000
    let text =
      "(assert_return (invoke \"f\") " + String(repeating: "(either ", count: depth)
      + String(repeating: ")", count: depth) + ")"
    #expect(throws: TextError.self) { _ = try WasmText.parseScript(source: Array(text.utf8)) }
  }

  /// Nesting deeper than the bound is an error, not a native stack overflow.
  @Test func deepNestingIsRefused() {
    let depth = 100_000
    let text =
      "(module (func " + String(repeating: "(block ", count: depth)
      + String(repeating: ")", count: depth) + "))"
    #expect(throws: TextError.self) { _ = try WasmText.encodeModule(text: text) }
    let plain =
      "(module (func " + String(repeating: "block ", count: depth)
      + String(repeating: "end ", count: depth) + "))"
    #expect(throws: TextError.self) { _ = try WasmText.encodeModule(text: plain) }
  }
}
