// GuestRange: the one bounds check of a guest pointer and length. Hostile numbers
// must give nil, never a trap, and every range it returns lies inside the memory.

import Testing
import WasmCore

@Suite struct GuestRangeTests {
  @Test func rangesInsideTheMemory() throws {
    let whole = try #require(GuestRange(address: UInt64(0), length: 65536, memoryBytes: 65536))
    #expect(whole.offset == 0 && whole.count == 65536 && whole.end == 65536)
    let last = try #require(GuestRange(address: UInt32(65535), length: 1, memoryBytes: 65536))
    #expect(last.offset == 65535 && last.count == 1)
    // An empty range may sit at the very end, not past it.
    #expect(GuestRange(address: UInt32(65536), length: 0, memoryBytes: 65536) != nil)
    #expect(GuestRange(address: UInt32(65537), length: 0, memoryBytes: 65536) == nil)
  }

  @Test func rangesLeavingTheMemory() {
    #expect(GuestRange(address: UInt32(65535), length: 2, memoryBytes: 65536) == nil)
    #expect(GuestRange(address: UInt32(0), length: 65537, memoryBytes: 65536) == nil)
    #expect(GuestRange(address: UInt32(1), length: 0, memoryBytes: 0) == nil)
    #expect(GuestRange(address: UInt32(0), length: 1, memoryBytes: -1) == nil)
  }

  @Test func numbersThatWouldWrapAreRefused() {
    // address + length wraps around 2^64 to a small number: still refused.
    #expect(GuestRange(address: UInt64(16), length: UInt64.max, memoryBytes: 65536) == nil)
    #expect(GuestRange(address: UInt64.max, length: 2, memoryBytes: 65536) == nil)
    #expect(GuestRange(address: UInt32.max, length: UInt64.max, memoryBytes: Int.max) == nil)
    #expect(GuestRange(address: UInt32.max, length: 1, memoryBytes: Int(UInt32.max)) == nil)
  }
}
