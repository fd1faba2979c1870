import Testing
import WasmCore

@testable import WastRunner

@Suite struct WastCommandTests {
  func command(_ json: String) throws -> WastCommand {
    try WastCommand(json: JSONValue.parse(json))
  }

  @Test func readsEveryCommandKind() throws {
    let script = try WastScript(
      json: Array(
        #"""
        {"source_filename": "x.wast", "commands": [
          {"type": "module", "line": 1, "filename": "x.0.wasm"},
          {"type": "module", "line": 2, "name": "$M", "filename": "x.1.wasm", "module_type": "binary"},
          {"type": "register", "line": 3, "name": "$M", "as": "M"},
          {"type": "action", "line": 4, "action": {"type": "invoke", "field": "f", "args": []}, "expected": []},
          {"type": "assert_return", "line": 5, "action": {"type": "get", "module": "$M", "field": "g"},
           "expected": [{"type": "i32", "value": "7"}]},
          {"type": "assert_trap", "line": 6, "action": {"type": "invoke", "field": "t", "args": []},
           "text": "unreachable", "expected": []},
          {"type": "assert_exhaustion", "line": 7, "action": {"type": "invoke", "field": "r", "args": []},
           "text": "call stack exhausted", "expected": []},
          {"type": "assert_malformed", "line": 8, "filename": "x.2.wat", "text": "unknown operator", "module_type": "text"},
          {"type": "assert_invalid", "line": 9, "filename": "x.3.wasm", "text": "type mismatch", "module_type": "binary"},
          {"type": "assert_unlinkable", "line": 10, "filename": "x.4.wasm", "text": "unknown import", "module_type": "binary"},
          {"type": "assert_uninstantiable", "line": 11, "filename": "x.5.wasm", "text": "out of bounds", "module_type": "binary"},
          {"type": "assert_trap", "line": 12, "filename": "x.6.wasm", "text": "unreachable", "module_type": "binary"},
          {"type": "module_definition", "line": 13}
        ]}
        """#.utf8))
    #expect(script.sourceFilename == "x.wast")
    let binary = WastModuleFile.Format.binary
    let expected: [WastCommand.Kind] = [
      .module(WastModuleFile(filename: "x.0.wasm", format: binary), name: nil),
      .module(WastModuleFile(filename: "x.1.wasm", format: binary), name: "$M"),
      .register(name: "$M", as: "M"),
      .action(.invoke(module: nil, field: "f", arguments: [])),
      .assertReturn(.get(module: "$M", field: "g"), expected: [.value(.i32(7))]),
      .assertTrap(.invoke(module: nil, field: "t", arguments: []), message: "unreachable"),
      .assertExhaustion(
        .invoke(module: nil, field: "r", arguments: []), message: "call stack exhausted"),
      .assertMalformed(
        WastModuleFile(filename: "x.2.wat", format: .text), message: "unknown operator"),
      .assertInvalid(
        WastModuleFile(filename: "x.3.wasm", format: binary), message: "type mismatch"),
      .assertUnlinkable(
        WastModuleFile(filename: "x.4.wasm", format: binary), message: "unknown import"),
      .assertUninstantiable(
        WastModuleFile(filename: "x.5.wasm", format: binary), message: "out of bounds"),
      .assertUninstantiable(
        WastModuleFile(filename: "x.6.wasm", format: binary), message: "unreachable"),
      .unknown(type: "module_definition"),
    ]
    #expect(script.commands.map(\.kind) == expected)
    #expect(script.commands.map(\.line) == Array(1...13))
    #expect(script.commands[4].typeName == "assert_return")
    #expect(script.commands[12].typeName == "module_definition")
  }

  @Test func readsNumbersAsBitPatterns() throws {
    let cmd = try command(
      #"""
      {"type": "action", "line": 1, "action": {"type": "invoke", "field": "f", "args": [
        {"type": "i32", "value": "4294967295"}, {"type": "i64", "value": "18446744073709551615"},
        {"type": "f32", "value": "2143289344"}, {"type": "f64", "value": "9221120237041090560"},
        {"type": "funcref", "value": "null"}, {"type": "externref", "value": "1"},
        {"type": "externref", "value": "null"}]}}
      """#)
    guard case .action(.invoke(_, _, let arguments)) = cmd.kind else {
      Issue.record("not an invoke: \(cmd.kind)")
      return
    }
    #expect(
      arguments == [
        .i32(0xFFFF_FFFF), .i64(~0), .f32(0x7FC0_0000), .f64(0x7FF8_0000_0000_0000), .funcRef(nil),
        .externRef(1), .externRef(nil),
      ])
  }

  @Test func readsVectorsLaneByLane() throws {
    let cmd = try command(
      #"""
      {"type": "assert_return", "line": 1, "action": {"type": "invoke", "field": "f", "args": [
        {"type": "v128", "lane_type": "i16", "value": ["1", "2", "3", "4", "5", "6", "7", "65535"]}]},
       "expected": [{"type": "v128", "lane_type": "f32", "value": ["nan:canonical", "0", "nan:arithmetic", "1065353216"]},
                    {"type": "v128", "lane_type": "i8", "value": ["255","0","0","0","0","0","0","0","0","0","0","0","0","0","0","128"]}]}
      """#)
    guard case .assertReturn(.invoke(_, _, let arguments), let expected) = cmd.kind else {
      Issue.record("not an assert_return: \(cmd.kind)")
      return
    }
    #expect(arguments == [.v128(V128(low: 0x0004_0003_0002_0001, high: 0xFFFF_0007_0006_0005))])
    #expect(
      expected[0]
        == .v128(.f32, [.nan(.canonical), .bits(0), .nan(.arithmetic), .bits(0x3F80_0000)]))
    #expect(expected[1] == .value(.v128(V128(low: 0xFF, high: 0x8000_0000_0000_0000))))
  }

  @Test func readsNaNPatternsAndReferencePatterns() throws {
    let cmd = try command(
      #"""
      {"type": "assert_return", "line": 1, "action": {"type": "invoke", "field": "f", "args": []},
       "expected": [{"type": "f32", "value": "nan:arithmetic"}, {"type": "f64", "value": "nan:canonical"},
                    {"type": "funcref"}, {"type": "externref"},
                    {"type": "either", "values": [{"type": "i32", "value": "1"}, {"type": "i32", "value": "2"}]}]}
      """#)
    guard case .assertReturn(_, let expected) = cmd.kind else {
      Issue.record("not an assert_return: \(cmd.kind)")
      return
    }
    #expect(
      expected == [
        .f32NaN(.arithmetic), .f64NaN(.canonical), .anyFuncRef, .anyExternRef,
        .either([.value(.i32(1)), .value(.i32(2))]),
      ])
  }

  @Test(arguments: [
    #"{"type": "module", "line": 1}"#,
    #"{"type": "module", "filename": "a.wasm"}"#,
    #"{"line": 1}"#,
    #"{"type": "assert_invalid", "line": 1, "filename": "a.wasm"}"#,
    #"{"type": "module", "line": 1, "filename": "a.wasm", "module_type": "quote"}"#,
    #"{"type": "register", "line": 1}"#,
    #"{"type": "action", "line": 1, "action": {"type": "call", "field": "f"}}"#,
    #"{"type": "action", "line": 1, "action": {"type": "invoke", "field": "f", "args": [{"type": "i32", "value": "4294967296"}]}}"#,
    #"{"type": "action", "line": 1, "action": {"type": "invoke", "field": "f", "args": [{"type": "i32", "value": "12a"}]}}"#,
    #"{"type": "action", "line": 1, "action": {"type": "invoke", "field": "f", "args": [{"type": "f32", "value": "nan:canonical"}]}}"#,
    #"{"type": "action", "line": 1, "action": {"type": "invoke", "field": "f", "args": [{"type": "v128", "lane_type": "i64", "value": ["1"]}]}}"#,
    #"{"type": "action", "line": 1, "action": {"type": "invoke", "field": "f", "args": [{"type": "i128", "value": "1"}]}}"#,
  ])
  func rejectsMalformedCommands(_ json: String) {
    #expect(throws: WastFormatError.self) { try command(json) }
  }

  @Test func negativeLaneValuesAreTwosComplement() throws {
    let reader = CommandReader(object: JSONObject(), line: 1)
    #expect(try reader.integer("-1", bits: 8) == 0xFF)
    #expect(try reader.integer("-128", bits: 8) == 0x80)
    #expect(throws: WastFormatError.self) { try reader.integer("-129", bits: 8) }
    #expect(try reader.integer("-9223372036854775808", bits: 64) == 0x8000_0000_0000_0000)
    #expect(throws: WastFormatError.self) { try reader.integer("18446744073709551616", bits: 64) }
  }
}
