// Wasm 3.0 text the decoder does not read yet: the bytes as the binary format
// spells them, written out by hand.

import Testing

@testable import WasmText

@Suite struct Wasm3EncodingTests {
  let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

  @Test func structWithNamedMutableAndPackedFields() throws {
    let bytes = try WasmText.encodeModule(
      text: "(module (type $s (struct (field $x (mut i32)) (field i8))))")
    #expect(bytes == header + [0x01, 0x07, 0x01, 0x5F, 0x02, 0x7F, 0x01, 0x78, 0x00])
  }

  @Test func recursionGroupWithSubtype() throws {
    let bytes = try WasmText.encodeModule(
      text: "(module (rec (type $a (sub (func))) (type $b (sub $a (func)))))")
    #expect(
      bytes == header + [
        0x01, 0x0E, 0x01, 0x4E, 0x02, 0x50, 0x00, 0x60, 0x00, 0x00, 0x50, 0x01, 0x00, 0x60,
        0x00, 0x00,
      ])
  }

  @Test func tagAndTryTable() throws {
    let bytes = try WasmText.encodeModule(
      text: "(module (tag $e (param i32)) (func (try_table (catch $e 0))))")
    let expected: [UInt8] =
      header + [0x01, 0x08, 0x02, 0x60, 0x01, 0x7F, 0x00, 0x60, 0x00, 0x00]  // types
      + [0x03, 0x02, 0x01, 0x01]  // function
      + [0x0D, 0x03, 0x01, 0x00, 0x00]  // tag
      + [0x0A, 0x0B, 0x01, 0x09, 0x00, 0x1F, 0x40, 0x01, 0x00, 0x00, 0x00, 0x0B, 0x0B]  // code
    #expect(bytes == expected)
  }

  @Test func tailCallAndStructGetByFieldName() throws {
    let bytes = try WasmText.encodeModule(
      text: """
        (module (type $p (struct (field $x i32) (field $y i64)))
          (func $f (param (ref $p)) (result i64)
            (struct.get $p $y (local.get 0)))
          (func (param (ref null $p)) (result i64) (return_call $f (ref.as_non_null (local.get 0)))))
        """)
    // The code section: struct.get is 0xFB 2 type field; return_call is 0x12.
    let code: [UInt8] = [
      0x0A, 0x12, 0x02,
      0x08, 0x00, 0x20, 0x00, 0xFB, 0x02, 0x00, 0x01, 0x0B,
      0x07, 0x00, 0x20, 0x00, 0xD4, 0x12, 0x00, 0x0B,
    ]
    #expect(Array(bytes.suffix(code.count)) == code)
    // (ref $p) is 0x64 0x00, (ref null $p) is 0x63 0x00.
    let types: [UInt8] = [
      0x01, 0x13, 0x03, 0x5F, 0x02, 0x7F, 0x00, 0x7E, 0x00,
      0x60, 0x01, 0x64, 0x00, 0x01, 0x7E, 0x60, 0x01, 0x63, 0x00, 0x01, 0x7E,
    ]
    #expect(Array(bytes[8..<(8 + types.count)]) == types)
  }

  @Test func memory64LimitsAndOffsets() throws {
    let bytes = try WasmText.encodeModule(
      text: "(module (memory i64 1 2) (func (drop (i64.load offset=0x1_0000_0000 (i64.const 0)))))")
    // Memory section: flags 0x05 (64-bit, with maximum).
    #expect(bytes.contains(subsequence: [0x05, 0x04, 0x01, 0x05, 0x01, 0x02]))
    // i64.load, align 3, offset 2^32 as a LEB128 (0x80 0x80 0x80 0x80 0x10).
    #expect(bytes.contains(subsequence: [0x29, 0x03, 0x80, 0x80, 0x80, 0x80, 0x10]))
  }
}

extension Array where Element == UInt8 {
  func contains(subsequence: [UInt8]) -> Bool {
    guard subsequence.count <= count else { return false }
    return (0...(count - subsequence.count)).contains {
      Array(self[$0..<($0 + subsequence.count)]) == subsequence
    }
  }
}
