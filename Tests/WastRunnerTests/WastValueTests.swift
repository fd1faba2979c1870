import Testing
import WasmCore

@testable import WastRunner

@Suite struct WastValueTests {
  @Test func canonicalNaNIsOnlyTheQuietBit() {
    #expect(NaNPattern.canonical.matches(f32: 0x7FC0_0000))
    #expect(NaNPattern.canonical.matches(f32: 0xFFC0_0000))
    #expect(!NaNPattern.canonical.matches(f32: 0x7FC0_0001))
    #expect(!NaNPattern.canonical.matches(f32: 0x7F80_0001))  // signalling
    #expect(!NaNPattern.canonical.matches(f32: 0x7F80_0000))  // infinity
    #expect(NaNPattern.canonical.matches(f64: 0xFFF8_0000_0000_0000))
    #expect(!NaNPattern.canonical.matches(f64: 0x7FF8_0000_0000_0001))
  }

  @Test func arithmeticNaNIsAnyQuietNaN() {
    #expect(NaNPattern.arithmetic.matches(f32: 0x7FC0_0000))
    #expect(NaNPattern.arithmetic.matches(f32: 0xFFE0_1234))
    #expect(!NaNPattern.arithmetic.matches(f32: 0x7FA0_0000))  // signalling
    #expect(!NaNPattern.arithmetic.matches(f32: 0x3F80_0000))
    #expect(NaNPattern.arithmetic.matches(f64: 0x7FFC_0000_0000_0001))
    #expect(!NaNPattern.arithmetic.matches(f64: 0x7FF4_0000_0000_0000))
  }

  @Test func exactValuesCompareBitForBit() {
    #expect(WastExpectedValue.value(.f32(0x8000_0000)).matches(.f32(0x8000_0000)))
    #expect(!WastExpectedValue.value(.f32(0x8000_0000)).matches(.f32(0)))  // -0 is not +0
    #expect(!WastExpectedValue.value(.i32(1)).matches(.i64(1)))
    #expect(!WastExpectedValue.f32NaN(.canonical).matches(.f64(0x7FF8_0000_0000_0000)))
    #expect(WastExpectedValue.anyFuncRef.matches(.funcRef(3)))
    #expect(!WastExpectedValue.anyFuncRef.matches(.funcRef(nil)))
    #expect(!WastExpectedValue.anyExternRef.matches(.funcRef(3)))
    #expect(WastExpectedValue.either([.value(.i32(1)), .value(.i32(2))]).matches(.i32(2)))
    #expect(!WastExpectedValue.either([.value(.i32(1)), .value(.i32(2))]).matches(.i32(3)))
  }

  @Test func vectorLanesMayHoldNaNPatterns() {
    let lanes: [UInt64] = [0x7FC0_0000, 0x3F80_0000, 0xFFC0_0001, 0]
    let vector = makeV128(laneType: .f32, lanes: lanes)
    #expect(vector == V128(low: 0x3F80_0000_7FC0_0000, high: 0x0000_0000_FFC0_0001))
    let expectation = WastExpectedValue.v128(
      .f32, [.nan(.canonical), .bits(0x3F80_0000), .nan(.arithmetic), .bits(0)])
    #expect(expectation.matches(.v128(vector)))
    let strict = WastExpectedValue.v128(
      .f32, [.nan(.canonical), .bits(0x3F80_0000), .nan(.canonical), .bits(0)])
    #expect(!strict.matches(.v128(vector)))
    #expect(!expectation.matches(.f32(0x7FC0_0000)))
    let f64 = WastExpectedValue.v128(.f64, [.bits(1), .nan(.canonical)])
    #expect(f64.matches(.v128(V128(low: 1, high: 0x7FF8_0000_0000_0000))))
    #expect(!f64.matches(.v128(V128(low: 2, high: 0x7FF8_0000_0000_0000))))
  }

  @Test func makeV128MasksEachLane() {
    #expect(
      makeV128(laneType: .i8, lanes: Array(repeating: 0x1FF, count: 16)) == V128(low: ~0, high: ~0))
    #expect(makeV128(laneType: .i64, lanes: [1, 2]) == V128(low: 1, high: 2))
    #expect(
      makeV128(laneType: .i16, lanes: [0xABCD] + Array(repeating: 0, count: 7))
        == V128(low: 0xABCD, high: 0))
  }

  @Test func describesValuesForFailureMessages() {
    #expect(WastValue.f32(0x7FC0_0000).description == "f32:0x7fc00000")
    #expect(WastValue.i64(5).description == "i64:5")
    #expect(
      WastValue.v128(V128(low: 1, high: 0)).description == "v128:0x00000000000000000000000000000001"
    )
    #expect(WastValue.externRef(nil).description == "externref:null")
  }
}
