// The .wast script grammar.

import Testing
import WasmCore

@testable import WasmText

@Suite struct ScriptTests {
  func parse(_ text: String) throws -> TextScript {
    try WasmText.parseScript(source: Array(text.utf8))
  }

  @Test func commandsAndValues() throws {
    let script = try parse(
      """
      (module $M (func (export "f") (param f32) (result f32) local.get 0))
      (register "m" $M)
      (assert_return (invoke $M "f" (f32.const 1.5)) (f32.const nan:canonical))
      (assert_return (invoke "g") (v128.const f32x4 nan:arithmetic 1 2 3) (ref.null extern) (ref.func))
      (assert_trap (invoke "f" (i64.const -1)) "unreachable")
      (assert_malformed (module quote "(func i32.bogus)") "unknown operator")
      (assert_invalid (module (func (result i32))) "type mismatch")
      (assert_trap (module (func $s unreachable) (start $s)) "unreachable")
      (assert_exception (invoke "throws"))
      """)
    #expect(script.commands.map(\.line) == [1, 2, 3, 4, 5, 6, 7, 8, 9])
    guard case .module(let module) = script.commands[0].kind else {
      Issue.record("not a module")
      return
    }
    #expect(module.name == "$M")
    guard case .assertReturn(let action, let results) = script.commands[2].kind,
      case .invoke(let name, let field, let arguments) = action
    else {
      Issue.record("not an assert_return")
      return
    }
    #expect(name == "$M")
    #expect(field == "f")
    #expect(arguments == [.f32(0x3FC0_0000)])
    #expect(results == [.f32NaN(canonical: true)])
    guard case .assertReturn(_, let vectorResults) = script.commands[3].kind else {
      Issue.record("not an assert_return")
      return
    }
    #expect(
      vectorResults == [
        .v128(
          lane: "f32",
          [.nan(canonical: false), .bits(0x3F80_0000), .bits(0x4000_0000), .bits(0x4040_0000)]),
        .value(.nullExternalReference), .anyFunctionReference,
      ])
    guard case .assertMalformed(let quoted, _) = script.commands[5].kind else {
      Issue.record("not an assert_malformed")
      return
    }
    #expect(quoted.isQuote)
    if case .success = quoted.bytes { Issue.record("a bad quoted module encoded") }
    guard case .assertUninstantiable = script.commands[7].kind else {
      Issue.record("assert_trap of a module is not assert_uninstantiable")
      return
    }
    guard case .assertException = script.commands[8].kind else {
      Issue.record("assert_exception not read")
      return
    }
  }

  @Test func aModuleThatFailsKeepsTheScriptGoing() throws {
    let script = try parse("(module (func bogus))\n(module)")
    #expect(script.commands.count == 2)
    #expect(script.firstModuleError?.line == 1)
  }

  @Test func scriptSyntaxErrorsThrowWithAPosition() {
    #expect(throws: TextError.self) {
      _ = try parse("(assert_return (invoke \"f\") (i32.const x))")
    }
    #expect(throws: TextError.self) { _ = try parse("(module") }
  }
}
